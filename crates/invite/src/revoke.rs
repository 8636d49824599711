//! Undo: revoke the invitations this job sent that nobody accepted yet (DELETE on still-`invited` users).
//! Each user's status is checked first; accepted (active) users and users that were already there stay.

use std::sync::Arc;
use std::time::Duration;

use crate::error::Result;
use crate::journal::{Journal, RowUpdate};
use crate::model::{InviteRevokeSummary, InviteRowState};
use crate::scim::{Outcome, ScimClient};
use crate::token::{TokenCache, TokenProvider};

const ATTEMPTS: u32 = 5;

/// Revokes the pending invitations of `job_id`. Rows revoked become `revoked`; the rest stay.
pub async fn revoke_pending(
    journal: &Journal,
    job_id: &str,
    tokens: Arc<dyn TokenProvider>,
) -> Result<InviteRevokeSummary> {
    let job = journal.job(job_id)?;
    let client = ScimClient::new(
        &job.target,
        Duration::from_millis(job.options.request_timeout_ms.max(1)),
    )?;
    let cache = TokenCache::new();
    let mut summary = InviteRevokeSummary::default();
    for row in journal.rows(job_id)? {
        if row.state != InviteRowState::Invited {
            continue;
        }
        let mut attempt = 0;
        let done = loop {
            attempt += 1;
            if attempt > ATTEMPTS {
                break None;
            }
            let (tok, generation) = cache.token(tokens.as_ref()).await?;
            // Who is it now? By id when we know it, else by email.
            let found = match &row.user_id {
                Some(id) => client.get_user(&tok, id).await,
                None => client.find_user(&tok, &row.invitee.email).await,
            };
            let user = match found {
                Outcome::Ok(u) => u,
                Outcome::Unauthorized => {
                    let _ = cache.rejected(tokens.as_ref(), generation).await?;
                    continue;
                }
                Outcome::Retry { after, .. } | Outcome::Unknown { after, .. } => {
                    tokio::time::sleep(
                        after.unwrap_or(Duration::from_millis(200 * u64::from(attempt))),
                    )
                    .await;
                    continue;
                }
                Outcome::Refused(_) | Outcome::Exists => break None,
            };
            let Some(user) = user else {
                summary.already_gone += 1;
                break Some(true);
            };
            if user.invitation_status.as_deref() != Some("invited") {
                summary.kept_active += 1;
                break Some(false);
            }
            match client.delete_user(&tok, &user.id).await {
                Outcome::Ok(_) => {
                    summary.revoked += 1;
                    break Some(true);
                }
                Outcome::Unauthorized => {
                    let _ = cache.rejected(tokens.as_ref(), generation).await?;
                }
                Outcome::Retry { after, .. } | Outcome::Unknown { after, .. } => {
                    tokio::time::sleep(
                        after.unwrap_or(Duration::from_millis(200 * u64::from(attempt))),
                    )
                    .await;
                }
                Outcome::Refused(_) | Outcome::Exists => break None,
            }
        };
        match done {
            Some(true) => journal.apply(
                job_id,
                &[RowUpdate {
                    index: row.index,
                    state: InviteRowState::Revoked,
                    uncertain: false,
                    user_id: None,
                }],
            )?,
            Some(false) => {}
            None => summary.failed += 1,
        }
    }
    Ok(summary)
}
