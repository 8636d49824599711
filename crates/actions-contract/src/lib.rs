//! The Actions admin API's contract: what the invite engine sends, what the stand-in service reads,
//! and what the import and the invite form produce, defined once. Shapes only: no HTTP, no storage.
//!
//! - [`Role`] and [`Invitee`]: who is invited, and as what.
//! - [`scim`]: the SCIM user body ([`ScimUser`]) and the extension URN ([`EXT_URN`]).
//! - [`sync`]: the 13 synced fields, the owner field and the [`PeopleSource`] seam.

mod invitee;
mod role;
pub mod scim;
pub mod sync;

pub use invitee::Invitee;
pub use role::Role;
pub use scim::{EXT_URN, ScimName, ScimUser, ScimUserExt, USER_URN};
pub use sync::{OWNER_FIELD, PeopleSource, SYNC_FIELDS, SyncField};
