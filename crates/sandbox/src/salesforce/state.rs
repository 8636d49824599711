//! The Salesforce stand-in's live state: settings that tests may change, codes, tokens, cursors.
//! Tokens are keyed by their SHA-256 digest; grants are written through to SQLite when persistent.

use super::config::{OrgType, PackageVersion, RemoteSite, SalesforceConfig};
use super::seed::{self, SeedOauthToken, SeedUser};
use crate::clock::Clock;
use crate::ids::{random_alnum, sf_id};
use crate::store::{SfTokenRow, Store, digest};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// The org record.
#[derive(Clone, Debug)]
pub struct Org {
    pub id: String,
    pub name: String,
    pub org_type: OrgType,
    pub instance_name: String,
}

#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub auto_approve: bool,
    pub rotate_refresh_tokens: bool,
    pub access_token_ttl: Duration,
    pub package_version: Option<PackageVersion>,
    pub remote_sites: Vec<RemoteSite>,
    pub page_size: usize,
    /// Customize Application set apart from the profile, per user ID: an admin whose profile
    /// (or a permission set) grants it or not, beyond what the seed's profiles say.
    pub customize_application: HashMap<String, bool>,
}

#[derive(Clone, Debug)]
pub(crate) struct AuthCode {
    pub user_id: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub challenge: Option<String>,
    pub scope: String,
    pub expires_ms: i64,
    pub used: bool,
    /// Digests of the tokens this code produced, revoked if the code is replayed.
    pub issued: Vec<String>,
}

#[derive(Clone, Debug)]
pub(crate) struct Access {
    pub user_id: String,
    pub scope: String,
    pub expires_ms: i64,
    pub refresh: Option<String>,
    pub revoked: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct Refresh {
    pub user_id: String,
    pub scope: String,
    pub revoked: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct Cursor {
    pub records: Arc<Vec<Value>>,
    pub total: usize,
    pub version: String,
    pub tooling: bool,
}

#[derive(Default)]
pub(crate) struct Grants {
    pub codes: HashMap<String, AuthCode>,
    pub access: HashMap<String, Access>,
    pub refresh: HashMap<String, Refresh>,
    pub cursors: HashMap<String, Cursor>,
}

/// Everything the handlers share.
pub(crate) struct Shared {
    pub base_url: String,
    pub config: SalesforceConfig,
    pub org: Org,
    pub users: Vec<SeedUser>,
    pub user_records: Vec<Value>,
    /// `PermissionSetAssignment` records (fixed by the seed).
    pub permission_set_assignments: Vec<Value>,
    /// `OauthToken` rows: seeded, plus those the demo adds while it runs.
    pub oauth_tokens: Mutex<Vec<SeedOauthToken>>,
    pub clock: Clock,
    pub settings: Mutex<Settings>,
    pub grants: Mutex<Grants>,
    pub store: Option<Arc<Store>>,
}

/// A freshly issued token pair.
pub(crate) struct Issued {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub issued_at_ms: i64,
}

impl Shared {
    pub fn new(
        base_url: String,
        config: SalesforceConfig,
        clock: Clock,
        store: Option<Arc<Store>>,
    ) -> Shared {
        let users = seed::users(config.seed, config.user_count.max(1), config.org_type);
        let user_records = seed::user_records(&users);
        let permission_set_assignments = seed::permission_set_assignments(&users);
        let oauth_tokens = Mutex::new(seed::oauth_tokens(&users));
        let org = Org {
            id: sf_id("00D", 4242 + config.seed % 1000),
            name: match config.org_type {
                OrgType::Production => "Acme Demo".to_string(),
                OrgType::Sandbox => "Acme Demo (UAT sandbox)".to_string(),
            },
            org_type: config.org_type,
            instance_name: match config.org_type {
                OrgType::Production => "NA224".to_string(),
                OrgType::Sandbox => "CS42".to_string(),
            },
        };
        let settings = Settings {
            auto_approve: config.auto_approve,
            rotate_refresh_tokens: config.rotate_refresh_tokens,
            access_token_ttl: config.access_token_ttl,
            package_version: config.package_version,
            remote_sites: config.remote_sites.clone(),
            page_size: config.page_size.clamp(1, 2000),
            customize_application: HashMap::new(),
        };
        let mut grants = Grants::default();
        if let Some(store) = &store {
            match store.sf_tokens() {
                Ok(rows) => {
                    for row in rows {
                        load_row(&mut grants, row);
                    }
                }
                Err(e) => tracing::warn!(code = e.code(), "could not load Salesforce tokens"),
            }
        }
        Shared {
            base_url,
            config,
            org,
            users,
            user_records,
            permission_set_assignments,
            oauth_tokens,
            clock,
            settings: Mutex::new(settings),
            grants: Mutex::new(grants),
            store,
        }
    }

    pub fn settings(&self) -> MutexGuard<'_, Settings> {
        self.settings.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn grants(&self) -> MutexGuard<'_, Grants> {
        self.grants.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn oauth_tokens(&self) -> MutexGuard<'_, Vec<SeedOauthToken>> {
        self.oauth_tokens.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether `user` has Customize Application now: the seed's profile (System Administrator),
    /// unless a test or the demo set it apart.
    pub fn customize_application(&self, user: &SeedUser) -> bool {
        self.settings()
            .customize_application
            .get(&user.id)
            .copied()
            .unwrap_or_else(|| user.is_admin())
    }

    pub fn user(&self, id: &str) -> Option<&SeedUser> {
        self.users.iter().find(|u| u.id == id)
    }

    pub fn user_by_username(&self, username: &str) -> Option<&SeedUser> {
        let wanted = username.trim();
        self.users
            .iter()
            .find(|u| u.username.eq_ignore_ascii_case(wanted))
    }

    /// The user auto-approve logs in as.
    pub fn default_user(&self) -> Option<&SeedUser> {
        match &self.config.login_username {
            Some(name) => self.user_by_username(name),
            None => self.users.first(),
        }
    }

    /// `{base}/id/{orgId}/{userId}`, the identity URL the token response carries.
    pub fn identity_url(&self, user_id: &str) -> String {
        format!("{}/id/{}/{}", self.base_url, self.org.id, user_id)
    }

    /// Issues an access token, and a refresh token when the scope allows one.
    pub fn issue(
        &self,
        g: &mut Grants,
        user_id: &str,
        scope: &str,
        reuse_refresh: Option<String>,
    ) -> Issued {
        let now = self.clock.now_ms();
        let ttl = self.settings().access_token_ttl;
        let org15 = &self.org.id[..15];
        let access_token = format!("{org15}!AR{}", random_alnum(96));
        let wants_refresh = scope
            .split(' ')
            .any(|s| s == "refresh_token" || s == "offline_access");
        let (refresh_token, refresh_digest) = match reuse_refresh {
            Some(d) => (None, Some(d)),
            None if wants_refresh => {
                let t = format!("5Aep861{}", random_alnum(80));
                let d = digest(&t);
                g.refresh.insert(
                    d.clone(),
                    Refresh {
                        user_id: user_id.to_string(),
                        scope: scope.to_string(),
                        revoked: false,
                    },
                );
                self.persist(SfTokenRow {
                    digest: d.clone(),
                    kind: "refresh".into(),
                    user_id: user_id.to_string(),
                    scope: scope.to_string(),
                    expires_ms: None,
                    parent: None,
                    revoked: false,
                });
                (Some(t), Some(d))
            }
            None => (None, None),
        };
        let ad = digest(&access_token);
        let expires_ms = now + ttl.as_millis() as i64;
        g.access.insert(
            ad.clone(),
            Access {
                user_id: user_id.to_string(),
                scope: scope.to_string(),
                expires_ms,
                refresh: refresh_digest.clone(),
                revoked: false,
            },
        );
        self.persist(SfTokenRow {
            digest: ad,
            kind: "access".into(),
            user_id: user_id.to_string(),
            scope: scope.to_string(),
            expires_ms: Some(expires_ms),
            parent: refresh_digest,
            revoked: false,
        });
        Issued {
            access_token,
            refresh_token,
            issued_at_ms: now,
        }
    }

    /// Revokes a refresh token and every access token issued from it.
    pub fn revoke_refresh(&self, g: &mut Grants, refresh_digest: &str) {
        let mut gone = vec![refresh_digest.to_string()];
        if let Some(r) = g.refresh.get_mut(refresh_digest) {
            r.revoked = true;
        }
        for (d, a) in g.access.iter_mut() {
            if a.refresh.as_deref() == Some(refresh_digest) {
                a.revoked = true;
                gone.push(d.clone());
            }
        }
        self.persist_revoked(&gone);
    }

    pub fn persist(&self, row: SfTokenRow) {
        if let Some(store) = &self.store
            && let Err(e) = store.put_sf_token(&row)
        {
            tracing::warn!(code = e.code(), "could not persist a Salesforce token");
        }
    }

    pub fn persist_revoked(&self, digests: &[String]) {
        if let Some(store) = &self.store
            && let Err(e) = store.revoke_sf(digests)
        {
            tracing::warn!(code = e.code(), "could not persist a revocation");
        }
    }

    /// The user behind a live access token: `None` if unknown, revoked or expired.
    pub fn session(&self, bearer: &str) -> Option<(SeedUser, String)> {
        let now = self.clock.now_ms();
        let g = self.grants();
        let a = g.access.get(&digest(bearer))?;
        if a.revoked || a.expires_ms <= now {
            return None;
        }
        if let Some(r) = a.refresh.as_ref().and_then(|d| g.refresh.get(d))
            && r.revoked
        {
            return None;
        }
        let user = self.user(&a.user_id)?.clone();
        // Salesforce ends the sessions of users who are deactivated.
        if !user.is_active {
            return None;
        }
        Some((user, a.scope.clone()))
    }
}

fn load_row(g: &mut Grants, row: SfTokenRow) {
    match row.kind.as_str() {
        "refresh" => {
            g.refresh.insert(
                row.digest,
                Refresh {
                    user_id: row.user_id,
                    scope: row.scope,
                    revoked: row.revoked,
                },
            );
        }
        _ => {
            g.access.insert(
                row.digest,
                Access {
                    user_id: row.user_id,
                    scope: row.scope,
                    expires_ms: row.expires_ms.unwrap_or(0),
                    refresh: row.parent,
                    revoked: row.revoked,
                },
            );
        }
    }
}

/// Handle for tests and the demo to change the Salesforce stand-in while it runs.
#[derive(Clone)]
pub struct SalesforceControl {
    pub(crate) shared: Arc<Shared>,
}

impl SalesforceControl {
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    pub fn consumer_key(&self) -> &str {
        &self.shared.config.consumer_key
    }

    pub fn redirect_uris(&self) -> &[String] {
        &self.shared.config.redirect_uris
    }

    pub fn org_id(&self) -> &str {
        &self.shared.org.id
    }

    pub fn org_type(&self) -> OrgType {
        self.shared.org.org_type
    }

    /// The seeded users (for building invite files that match, or nearly match, the org).
    pub fn users(&self) -> &[SeedUser] {
        &self.shared.users
    }

    /// The user auto-approve logs in as.
    pub fn default_user(&self) -> Option<&SeedUser> {
        self.shared.default_user()
    }

    pub fn set_auto_approve(&self, on: bool) {
        self.shared.settings().auto_approve = on;
    }

    pub fn set_rotate_refresh_tokens(&self, on: bool) {
        self.shared.settings().rotate_refresh_tokens = on;
    }

    /// Applies to access tokens issued from now on.
    pub fn set_access_token_ttl(&self, ttl: Duration) {
        self.shared.settings().access_token_ttl = ttl;
    }

    pub fn set_package_version(&self, version: Option<PackageVersion>) {
        self.shared.settings().package_version = version;
    }

    pub fn set_remote_sites(&self, sites: Vec<RemoteSite>) {
        self.shared.settings().remote_sites = sites;
    }

    pub fn set_page_size(&self, size: usize) {
        self.shared.settings().page_size = size.clamp(1, 2000);
    }

    /// Gives `user_id` Customize Application or takes it away, whatever their profile says: an
    /// admin without it (a delegated or setup-only admin) sees only their own `OauthToken` rows,
    /// and `UserPermissionAccess` says so. `false` when the org has no such user.
    pub fn set_customize_application(&self, user_id: &str, on: bool) -> bool {
        if self.shared.user(user_id).is_none() {
            return false;
        }
        self.shared
            .settings()
            .customize_application
            .insert(user_id.to_string(), on);
        true
    }

    /// Records that `user_id` authorised the connected app `app_name` now (a new `OauthToken`
    /// row), as Salesforce does on every grant: for the demo's "connect Salesforce" in Actions.
    /// `false` when the org has no such user.
    pub fn add_oauth_token(&self, user_id: &str, app_name: &str) -> bool {
        if self.shared.user(user_id).is_none() {
            return false;
        }
        let now = seed::sf_datetime(self.shared.clock.now_ms());
        self.shared.oauth_tokens().push(SeedOauthToken {
            user_id: user_id.to_string(),
            app_name: app_name.to_string(),
            created_date: now.clone(),
            last_used_date: Some(now),
            use_count: 1,
        });
        true
    }

    /// The `OauthToken` rows as the org holds them now.
    pub fn oauth_tokens(&self) -> Vec<SeedOauthToken> {
        self.shared.oauth_tokens().clone()
    }

    /// Ends every live session now, as an admin's "revoke all" would.
    pub fn expire_access_tokens(&self) {
        let now = self.shared.clock.now_ms();
        let mut g = self.shared.grants();
        for a in g.access.values_mut() {
            a.expires_ms = a.expires_ms.min(now);
        }
    }

    /// Access tokens that still work.
    pub fn live_access_tokens(&self) -> usize {
        let now = self.shared.clock.now_ms();
        self.shared
            .grants()
            .access
            .values()
            .filter(|a| !a.revoked && a.expires_ms > now)
            .count()
    }
}
