//! The app's one client for the Actions admin API (docs/actions-admin-api.yaml): instance,
//! connections, sync, SCIM users and teams. Pointing it at another implementation needs a URL and a token.

mod client;
mod error;
mod scim;
mod types;

pub use client::{ActionsClient, TIMEOUT};
pub use error::ActionsError;
pub use types::*;
