//! The invite engine: journaled, resumable, rate-limited invites over SCIM, shared by the app and `sia invite`.
//! Start with [`Engine::create`] or [`Engine::resume`]; the journal ([`Journal`]) is the source of truth.

mod backoff;
mod control;
mod engine;
mod error;
mod export;
mod journal;
mod model;
mod revoke;
pub mod scim;
mod token;

pub use backoff::{backoff_delay, parse_retry_after, retry_delay};
pub use control::InviteControl;
pub use engine::Engine;
pub use error::{InviteError, Result};
pub use export::{export_results, neutralize, write_results};
pub use journal::{Journal, transition_allowed};
pub use model::{
    InviteJobInfo, InviteJobStatus, InviteJobSummary, InviteOptions, InviteProgress, InviteRate,
    InviteReasonCount, InviteRevokeSummary, InviteRole, InviteRowResult, InviteRowState, Invitee,
};
pub use revoke::revoke_pending;
pub use token::{Secret, StaticToken, TokenProvider};

/// A stable 64-bit FNV-1a fingerprint (hex) of a job's input, so the CLI can find "the same file" again.
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}
