//! The invite engine: journaled, resumable, rate-limited invites over SCIM, shared by the app and `sia invite`.
