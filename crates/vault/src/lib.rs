//! Keeps secrets in the operating system's keychain, and nowhere else.
