//! The setup model: the seven steps, their status, and where it is kept.
