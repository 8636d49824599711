//! The local implementation of the Actions admin API (SCIM users and teams, instance, connections, sync).
//! `ActionsService::new(config).router()` gives an axum router to serve on loopback or nest in the sandbox.

mod api;
mod config;
mod error;
mod http;
mod ids;
mod model;
mod persist;
mod scim;
mod service;
mod store;
pub mod sync;

pub use config::{ActionsConfig, IntegrationCredentials, RateLimit};
pub use error::{ActionsError, ProtectedBecause};
pub use model::{Invitation, InvitationStatus, Role, UserRecord};
pub use service::ActionsService;
