//! `ActionsService`: the shared state behind the router, and the calls tests and the demo make directly.
//! Every mutation runs on a copy of the state, is saved, then swapped in, so a failed save changes nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::config::ActionsConfig;
use crate::error::{ActionsError, Result};
use crate::http::guard::RateLimiter;
use crate::model::{Invitation, SalesforceEnvironment, UserRecord};
use crate::persist::Db;
use crate::store::{Limits, NewUser, SalesforceLogin, State};
use crate::sync::PeopleSource;

pub struct Shared {
    pub config: ActionsConfig,
    pub limits: Limits,
    pub limiter: RateLimiter,
    state: Mutex<State>,
    db: Option<Mutex<Db>>,
    /// Synced people by Marketo id (JSON of the 13 fields); kept apart from `State` because it can be large.
    pub people: Mutex<HashMap<String, String>>,
    /// Starts as `config.people_source`; the sandbox may plug one in once its Marketo stand-in runs.
    source: Mutex<Option<Arc<dyn PeopleSource>>>,
    /// A sync was running when the service last stopped: the next look at the sync carries it on
    /// (`api::sync::carry_on`), as Actions' own sync carries on whatever its clients do.
    pub(crate) sync_to_carry_on: std::sync::atomic::AtomicBool,
}

impl Shared {
    pub fn read<T>(&self, f: impl FnOnce(&State) -> T) -> T {
        f(&self.state.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Applies `f` to a copy of the state; on success saves it and makes it current.
    pub fn write<T>(&self, f: impl FnOnce(&mut State, &Limits) -> Result<T>) -> Result<T> {
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let mut next = guard.clone();
        let out = f(&mut next, &self.limits)?;
        if let Some(db) = &self.db {
            db.lock().unwrap_or_else(|p| p.into_inner()).save(&next)?;
        }
        *guard = next;
        Ok(out)
    }

    pub fn people_source(&self) -> Option<Arc<dyn PeopleSource>> {
        self.source
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn save_people(&self, rows: &[(String, String)]) -> Result<usize> {
        if let Some(db) = &self.db {
            db.lock()
                .unwrap_or_else(|p| p.into_inner())
                .save_people(rows)?;
        }
        let mut people = self.people.lock().unwrap_or_else(|p| p.into_inner());
        for (id, json) in rows {
            people.insert(id.clone(), json.clone());
        }
        Ok(people.len())
    }
}

/// The local Actions service: state, rules and the router that serves them.
#[derive(Clone)]
pub struct ActionsService {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for ActionsService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionsService")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl ActionsService {
    /// Creates the service; with `sqlite_path` set, loads the saved state (or starts a new file).
    pub fn new(config: ActionsConfig) -> Result<Self> {
        let limits = Limits {
            seat_limit: config.seat_limit,
            team_limit: config.team_limit,
            invite_link_base: config.invite_link_base.clone(),
            munchkin_id: config.munchkin_id.clone(),
            integration: config.integration_credentials.clone(),
        };
        let (state, db) = match &config.sqlite_path {
            Some(path) => {
                let mut db = Db::open(path)?;
                let state = match db.load()? {
                    Some(s) => s,
                    None => {
                        let s = State::default();
                        db.save(&s)?;
                        s
                    }
                };
                (state, Some(Mutex::new(db)))
            }
            None => (State::default(), None),
        };
        let people = match &db {
            Some(db) => db.lock().unwrap_or_else(|p| p.into_inner()).load_people()?,
            None => HashMap::new(),
        };
        // A sync that was running when the service stopped is carried on once the service serves
        // again (its runner is gone with the old process; the people it stored are not).
        let carry_on = state.sync.phase == crate::model::SyncPhase::Running;
        Ok(Self {
            shared: Arc::new(Shared {
                limiter: RateLimiter::new(config.rate_limit),
                source: Mutex::new(config.people_source.clone()),
                config,
                limits,
                state: Mutex::new(state),
                db,
                people: Mutex::new(people),
                sync_to_carry_on: std::sync::atomic::AtomicBool::new(carry_on),
            }),
        })
    }

    /// The routes (`/scim/v2/...`, `/api/v1/...`) with state applied, ready to serve or nest.
    pub fn router(&self) -> axum::Router {
        crate::http::router(self.shared.clone())
    }

    pub fn config(&self) -> &ActionsConfig {
        &self.shared.config
    }

    /// Every invitation sent so far, oldest first.
    pub fn outbox(&self) -> Vec<Invitation> {
        self.shared.read(|s| s.outbox.clone())
    }

    /// Stand-in control: the invitee accepts and connects Salesforce with the same email
    /// (API Enabled, the instance's environment). Returns the now active user.
    pub fn accept_invitation(&self, user_id: &str) -> Result<UserRecord> {
        accept(&self.shared, user_id)
    }

    /// Step 1 without HTTP (seeding a demo): invites these Marketo admins; the first success activates.
    pub fn activate(&self, admin_emails: &[&str]) -> Result<Vec<Result<UserRecord>>> {
        let admins = admin_emails
            .iter()
            .map(|e| NewUser {
                user_name: (*e).to_owned(),
                ..NewUser::default()
            })
            .collect();
        let results = self
            .shared
            .write(|s, limits| Ok(s.activate(limits, admins)))?;
        Ok(results.into_iter().map(|(_, r)| r).collect())
    }

    /// Every user of the instance, in invitation order (for the demo and tests; clients use SCIM).
    pub fn users(&self) -> Vec<UserRecord> {
        self.shared.read(|s| s.users.clone())
    }

    /// Plugs in (or replaces) where the data sync reads people from; a running sync keeps its source.
    pub fn set_people_source(&self, source: Arc<dyn PeopleSource>) {
        *self.shared.source.lock().unwrap_or_else(|p| p.into_inner()) = Some(source);
    }

    /// The 13 synced fields of one stored person (keys as in `sync::SYNC_FIELDS`), by Marketo id.
    pub fn synced_person(&self, marketo_id: &str) -> Option<serde_json::Value> {
        let people = self.shared.people.lock().unwrap_or_else(|p| p.into_inner());
        people
            .get(marketo_id)
            .and_then(|json| serde_json::from_str(json).ok())
    }

    /// How many distinct people the sync has stored.
    pub fn people_synced(&self) -> usize {
        self.shared
            .people
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .len()
    }
}

pub(crate) fn accept(shared: &Shared, user_id: &str) -> Result<UserRecord> {
    shared.write(|s, _| {
        let user = s.user(user_id)?.clone();
        if s.salesforce.iter().any(|c| c.user_id == user_id) {
            return Ok(user);
        }
        let environment = s
            .instance
            .salesforce_environment
            .unwrap_or(SalesforceEnvironment::Production);
        s.connect_salesforce(
            user_id,
            SalesforceLogin {
                username: user.user_name.clone(),
                email: user.user_name.clone(),
                environment,
                org_id: "00D000000000DEMO".into(),
                api_enabled: true,
            },
        )?;
        s.user(user_id)
            .cloned()
            .map_err(|_| ActionsError::NotFound("user"))
    })
}
