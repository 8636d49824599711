//! The data sync contract (step 4): the field preview, start, and status; the runner task.
//! The runner pulls pages from the plugged-in `PeopleSource` and keeps people with a Salesforce owner.

use std::sync::Arc;

use axum::extract::State as AxState;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::ActionsError;
use crate::http::reply::{Problem, json};
use crate::ids::now_rfc3339;
use crate::model::{SyncErrorEntry, SyncPhase, SyncRecord};
use crate::service::Shared;
use crate::sync::{MAX_PEOPLE, PeopleSource, SYNC_FIELDS, SourceCredentials, keep_owned};

pub async fn fields() -> Response {
    json(
        StatusCode::OK,
        &serde_json::json!({ "fields": SYNC_FIELDS }),
    )
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusView {
    state: SyncPhase,
    #[serde(skip_serializing_if = "Option::is_none")]
    started_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    finished_at: Option<String>,
    people_synced: u64,
    people_skipped_no_owner: u64,
    /// People per minute over the run so far (or the whole run once finished).
    rate_per_minute: f64,
    people_limit: u64,
    errors: Vec<SyncErrorEntry>,
}

fn parse(t: &Option<String>) -> Option<OffsetDateTime> {
    t.as_deref()
        .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
}

fn view(sync: &SyncRecord) -> StatusView {
    let rate = match parse(&sync.started_at) {
        Some(start) => {
            let end = parse(&sync.finished_at).unwrap_or_else(OffsetDateTime::now_utc);
            let secs = (end - start).as_seconds_f64().max(1.0);
            ((sync.people_synced as f64) * 60.0 / secs * 10.0).round() / 10.0
        }
        None => 0.0,
    };
    StatusView {
        state: sync.phase,
        started_at: sync.started_at.clone(),
        finished_at: sync.finished_at.clone(),
        people_synced: sync.people_synced,
        people_skipped_no_owner: sync.people_skipped_no_owner,
        rate_per_minute: rate,
        people_limit: MAX_PEOPLE,
        errors: sync.errors.clone(),
    }
}

pub async fn status(AxState(shared): AxState<Arc<Shared>>) -> Response {
    carry_on(&shared);
    json(StatusCode::OK, &shared.read(|s| view(&s.sync)))
}

/// A sync the service was running when it stopped goes on from where its stored people leave it
/// (pages are read again from the first; storing a person twice keeps one, and the people left
/// out are counted afresh), the first time anyone
/// looks at the sync after the restart. Without a people source to read from, it is recorded as
/// interrupted, for the admin to start again.
fn carry_on(shared: &Arc<Shared>) {
    use std::sync::atomic::Ordering;
    if !shared.sync_to_carry_on.swap(false, Ordering::SeqCst) {
        return;
    }
    let conn = shared.read(|s| s.marketo.clone());
    match (shared.people_source(), conn) {
        (Some(source), Some(conn)) => {
            tracing::info!("carrying on the sync that ran when the service stopped");
            // Pages are read again from the first: the people left out are counted again too.
            let reset = shared.write(|s, _| {
                s.sync.people_skipped_no_owner = 0;
                Ok(())
            });
            if let Err(e) = reset {
                return finish(shared, Some((e.code().to_owned(), e.to_string())));
            }
            let creds = SourceCredentials {
                munchkin_id: conn.munchkin_id,
                client_id: conn.client_id,
                client_secret: conn.client_secret,
            };
            tokio::spawn(run(shared.clone(), source, creds));
        }
        _ => finish(
            shared,
            Some((
                "interrupted".into(),
                "the service restarted while the sync ran; start it again".into(),
            )),
        ),
    }
}

pub async fn start(AxState(shared): AxState<Arc<Shared>>) -> Result<Response, Problem> {
    carry_on(&shared);
    let source = shared.people_source();
    let (conn, sync) = shared.write(|s, _| {
        if s.marketo.is_none() {
            return Err(ActionsError::MarketoNotConnected);
        }
        if s.sync.phase == SyncPhase::Running {
            return Err(ActionsError::SyncRunning);
        }
        if source.is_none() {
            return Err(ActionsError::PeopleSourceUnavailable);
        }
        let conn = s.start_sync()?;
        Ok((conn, s.sync.clone()))
    })?;
    if let Some(source) = source {
        let creds = SourceCredentials {
            munchkin_id: conn.munchkin_id,
            client_id: conn.client_id,
            client_secret: conn.client_secret,
        };
        tokio::spawn(run(shared.clone(), source, creds));
    }
    Ok(json(StatusCode::ACCEPTED, &view(&sync)))
}

fn finish(shared: &Shared, error: Option<(String, String)>) {
    let result = shared.write(|s, _| {
        s.sync.finished_at = Some(now_rfc3339());
        match &error {
            None => s.sync.phase = SyncPhase::Completed,
            Some((code, message)) => {
                s.sync.phase = SyncPhase::Failed;
                s.sync.errors.push(SyncErrorEntry {
                    code: code.clone(),
                    message: message.clone(),
                    at: now_rfc3339(),
                });
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        tracing::error!(code = e.code(), "the sync's end could not be recorded");
    }
}

/// Pulls every page; each page is stored before the next is asked for, so progress is never lost.
async fn run(shared: Arc<Shared>, source: Arc<dyn PeopleSource>, creds: SourceCredentials) {
    let mut cursor: Option<String> = None;
    loop {
        let page = match source.page(&creds, cursor.clone()).await {
            Ok(p) => p,
            Err(e) => return finish(&shared, Some((format!("marketo_{}", e.code), e.message))),
        };
        let (kept, skipped) = keep_owned(&page.people);
        let total = match shared.save_people(&kept) {
            Ok(n) => n as u64,
            Err(e) => return finish(&shared, Some((e.code().to_owned(), e.to_string()))),
        };
        let recorded = shared.write(|s, _| {
            s.sync.people_synced = total;
            s.sync.people_skipped_no_owner += skipped;
            Ok(())
        });
        if let Err(e) = recorded {
            return finish(&shared, Some((e.code().to_owned(), e.to_string())));
        }
        if total > MAX_PEOPLE {
            return finish(
                &shared,
                Some((
                    "people_limit_reached".into(),
                    format!("more than {MAX_PEOPLE} people; the rest were not synced"),
                )),
            );
        }
        match page.next {
            Some(next) if Some(&next) != cursor.as_ref() => cursor = Some(next),
            Some(_) => {
                return finish(
                    &shared,
                    Some((
                        "marketo_bad_cursor".into(),
                        "Marketo returned the same page twice".into(),
                    )),
                );
            }
            None => return finish(&shared, None),
        }
    }
}
