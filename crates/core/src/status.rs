//! Derives what the dashboard shows from what was checked and what the admin
//! confirmed. Checks win over confirmations: the services are the truth.

use serde::Serialize;
use ts_rs::TS;

use crate::evidence::{CheckProblem, Evidence};
use crate::steps::{Attention, CheckResult, PrerequisiteId, Role, StepId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum StepState {
    NotStarted,
    InProgress,
    Done,
    NeedsAttention,
}

/// How the app knows a step's state, so the UI can say "checked" or "you confirmed".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum StatusSource {
    Checked,
    Confirmed,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StepStatus {
    pub step: StepId,
    pub number: u8,
    pub role: Role,
    pub state: StepState,
    pub reason: Option<Attention>,
    pub source: StatusSource,
    /// RFC 3339, UTC: when the state last changed.
    pub updated_at: Option<String>,
    pub depends_on: Vec<StepId>,
    /// What the last check saw, and where (only with `source: checked`).
    pub evidence: Option<Evidence>,
    /// RFC 3339: when the last check ran (the evidence's age).
    pub checked_at: Option<String>,
    /// The last attempt to check failed: the status above is the last known one.
    pub check_problem: Option<CheckProblem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PrerequisiteStatus {
    pub id: PrerequisiteId,
    pub confirmed: bool,
    pub confirmed_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Dashboard {
    pub prerequisites: Vec<PrerequisiteStatus>,
    pub steps: Vec<StepStatus>,
    pub done_count: u8,
    /// The first step not done whose dependencies are done: where to go next.
    pub next_step: Option<StepId>,
    /// Nothing done yet: no step begun, confirmed or checked and no prerequisite confirmed. The
    /// window then offers the demo beside the real setup. A check that could not run (offline,
    /// not signed in) is the app trying, not the admin starting, so it does not end the first run.
    pub first_run: bool,
}

/// What the store knows about one step.
#[derive(Debug, Clone, Default)]
pub(crate) struct StepRecord {
    pub check: Option<(CheckResult, String)>,
    pub evidence: Option<Evidence>,
    pub problem: Option<CheckProblem>,
    pub confirmed_at: Option<String>,
    pub started_at: Option<String>,
}

pub(crate) fn derive_dashboard(
    prerequisites: Vec<PrerequisiteStatus>,
    record_of: impl Fn(StepId) -> StepRecord,
) -> Dashboard {
    // First pass: each step on its own.
    let records: Vec<(StepId, StepRecord)> = StepId::ALL
        .into_iter()
        .map(|step| (step, record_of(step)))
        .collect();
    let first_run = prerequisites.iter().all(|p| !p.confirmed)
        && records
            .iter()
            .all(|(_, r)| r.check.is_none() && r.confirmed_at.is_none() && r.started_at.is_none());
    let mut steps: Vec<StepStatus> = records
        .iter()
        .map(|(step, record)| own_status(*step, record))
        .collect();

    // Second pass: a step the admin has begun while a step it needs is not
    // done cannot succeed yet; say which one to do first.
    let done: Vec<StepId> = steps
        .iter()
        .filter(|s| s.state == StepState::Done)
        .map(|s| s.step)
        .collect();
    for status in &mut steps {
        if status.state == StepState::InProgress
            && let Some(missing) = status.step.depends_on().iter().find(|d| !done.contains(d))
        {
            status.state = StepState::NeedsAttention;
            status.reason = Some(Attention::WaitingFor { step: *missing });
        }
    }

    let next_step = steps
        .iter()
        .find(|s| {
            s.state != StepState::Done && s.step.depends_on().iter().all(|d| done.contains(d))
        })
        .map(|s| s.step);
    Dashboard {
        prerequisites,
        done_count: done.len() as u8,
        steps,
        next_step,
        first_run,
    }
}

fn own_status(step: StepId, record: &StepRecord) -> StepStatus {
    let (state, reason, source, updated_at) = match (&record.check, &record.confirmed_at) {
        (Some((check, at)), _) => {
            let (state, reason) = match check {
                CheckResult::Done => (StepState::Done, None),
                CheckResult::InProgress => (StepState::InProgress, None),
                CheckResult::NeedsAttention { reason } => {
                    (StepState::NeedsAttention, Some(reason.clone()))
                }
            };
            (state, reason, StatusSource::Checked, Some(at.clone()))
        }
        (None, Some(at)) => (
            StepState::Done,
            None,
            StatusSource::Confirmed,
            Some(at.clone()),
        ),
        (None, None) => match &record.started_at {
            Some(at) => (
                StepState::InProgress,
                None,
                StatusSource::Unknown,
                Some(at.clone()),
            ),
            None => (StepState::NotStarted, None, StatusSource::Unknown, None),
        },
    };
    StepStatus {
        step,
        number: step.number(),
        role: step.role(),
        state,
        reason,
        source,
        updated_at,
        depends_on: step.depends_on().to_vec(),
        evidence: record.check.as_ref().and(record.evidence.clone()),
        checked_at: record.check.as_ref().map(|(_, at)| at.clone()),
        check_problem: record.problem.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn dash(records: HashMap<StepId, StepRecord>) -> Dashboard {
        derive_dashboard(vec![], |s| records.get(&s).cloned().unwrap_or_default())
    }

    fn at() -> String {
        "2026-11-23T10:00:00Z".into()
    }

    #[test]
    fn a_fresh_setup_has_seven_steps_not_started_and_points_at_step_one() {
        let d = dash(HashMap::new());
        assert_eq!(d.steps.len(), 7);
        assert!(d.steps.iter().all(|s| s.state == StepState::NotStarted));
        assert_eq!(
            d.steps.iter().map(|s| s.number).collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 5, 6, 7]
        );
        assert_eq!(d.next_step, Some(StepId::ActivateAccount));
        assert_eq!(d.done_count, 0);
    }

    #[test]
    fn a_check_outranks_the_admins_confirmation() {
        let mut r = HashMap::new();
        r.insert(
            StepId::InstallPackage,
            StepRecord {
                check: Some((
                    CheckResult::NeedsAttention {
                        reason: Attention::PackageMissing,
                    },
                    at(),
                )),
                confirmed_at: Some(at()),
                ..Default::default()
            },
        );
        let d = dash(r);
        let s = &d.steps[5];
        assert_eq!(s.state, StepState::NeedsAttention);
        assert_eq!(s.reason, Some(Attention::PackageMissing));
        assert_eq!(s.source, StatusSource::Checked);
    }

    #[test]
    fn a_confirmed_step_is_done_and_moves_next_step_on() {
        let mut r = HashMap::new();
        r.insert(
            StepId::ActivateAccount,
            StepRecord {
                confirmed_at: Some(at()),
                ..Default::default()
            },
        );
        let d = dash(r);
        assert_eq!(d.steps[0].state, StepState::Done);
        assert_eq!(d.steps[0].source, StatusSource::Confirmed);
        assert_eq!(d.done_count, 1);
        assert_eq!(d.next_step, Some(StepId::ConnectSalesforce));
    }

    #[test]
    fn a_begun_step_waiting_on_another_needs_attention_with_the_step_to_do_first() {
        let mut r = HashMap::new();
        r.insert(
            StepId::StartSync,
            StepRecord {
                started_at: Some(at()),
                ..Default::default()
            },
        );
        let d = dash(r);
        let sync = &d.steps[3];
        assert_eq!(sync.state, StepState::NeedsAttention);
        assert_eq!(
            sync.reason,
            Some(Attention::WaitingFor {
                step: StepId::ConnectMarketo
            })
        );
    }

    #[test]
    fn roles_follow_the_guide() {
        let d = dash(HashMap::new());
        let roles: Vec<Role> = d.steps.iter().map(|s| s.role).collect();
        assert_eq!(
            roles,
            vec![
                Role::MarketoAdmin,
                Role::Either,
                Role::MarketoAdmin,
                Role::MarketoAdmin,
                Role::MarketoAdmin,
                Role::SalesforceAdmin,
                Role::SalesforceAdmin
            ]
        );
    }

    #[test]
    fn only_an_untouched_setup_is_a_first_run() {
        assert!(dash(HashMap::new()).first_run);

        // The app trying a check that could not run is not the admin starting.
        let mut r = HashMap::new();
        r.insert(
            StepId::InstallPackage,
            StepRecord {
                problem: Some(CheckProblem {
                    code: "salesforce_not_connected".into(),
                    at: at(),
                }),
                ..Default::default()
            },
        );
        assert!(dash(r).first_run);

        for record in [
            StepRecord {
                started_at: Some(at()),
                ..Default::default()
            },
            StepRecord {
                confirmed_at: Some(at()),
                ..Default::default()
            },
            StepRecord {
                check: Some((CheckResult::InProgress, at())),
                ..Default::default()
            },
        ] {
            let mut r = HashMap::new();
            r.insert(StepId::ConnectMarketo, record.clone());
            assert!(!dash(r).first_run, "{record:?}");
        }

        let confirmed = vec![PrerequisiteStatus {
            id: PrerequisiteId::ALL[0],
            confirmed: true,
            confirmed_at: Some(at()),
        }];
        assert!(!derive_dashboard(confirmed, |_| StepRecord::default()).first_run);
    }
}
