//! The instance's state and the vendor's rules on it (seats, uniqueness, teams, protection).
//! Pure and synchronous: the HTTP layer locks it, applies one operation, and persists the result.

use serde::{Deserialize, Serialize};

use crate::error::{ActionsError, ProtectedBecause, Result};
use crate::ids::{new_id, now_rfc3339, random_hex};
use crate::model::*;

pub const EVERYONE: &str = "Everyone";
pub const DEFAULT_WORKSPACE: &str = "Default";

/// Limits the rules need, copied from the config.
#[derive(Debug, Clone)]
pub struct Limits {
    pub seat_limit: usize,
    pub team_limit: usize,
    pub invite_link_base: String,
    pub munchkin_id: String,
    /// Integration Information to hand out at activation; random when `None`.
    pub integration: Option<crate::config::IntegrationCredentials>,
}

/// What an invite asks for (a SCIM create, a bulk POST, or an activation).
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub user_name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub display_name: Option<String>,
    pub role: Role,
    pub workspace: Option<String>,
    /// Team names or ids; `None` means Everyone.
    pub teams: Option<Vec<String>>,
}

/// The writable attributes of a user after a PUT or PATCH.
#[derive(Debug, Clone)]
pub struct UserEdit {
    pub user_name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub display_name: Option<String>,
    pub active: bool,
    pub role: Role,
    pub workspace: String,
}

impl UserEdit {
    pub fn of(u: &UserRecord) -> Self {
        Self {
            user_name: u.user_name.clone(),
            given_name: u.given_name.clone(),
            family_name: u.family_name.clone(),
            display_name: u.display_name.clone(),
            active: u.active,
            role: u.role,
            workspace: u.workspace.clone(),
        }
    }
}

/// What a Salesforce login of an invitee reports (the OAuth part happens elsewhere).
#[derive(Debug, Clone)]
pub struct SalesforceLogin {
    pub username: String,
    pub email: String,
    pub environment: SalesforceEnvironment,
    pub org_id: String,
    pub api_enabled: bool,
}

#[derive(Debug, Clone)]
pub struct MarketoCredentials {
    pub owner_user_id: String,
    pub munchkin_id: String,
    pub client_id: String,
    pub client_secret: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct State {
    pub users: Vec<UserRecord>,
    pub teams: Vec<TeamRecord>,
    pub instance: InstanceRecord,
    pub salesforce: Vec<SalesforceConnection>,
    pub marketo: Option<MarketoConnection>,
    pub sync: SyncRecord,
    pub outbox: Vec<Invitation>,
}

impl Default for State {
    fn default() -> Self {
        let now = now_rfc3339();
        Self {
            users: Vec::new(),
            teams: vec![TeamRecord {
                id: new_id(),
                display_name: EVERYONE.to_owned(),
                built_in: true,
                created: now.clone(),
                last_modified: now,
                version: 1,
            }],
            instance: InstanceRecord::default(),
            salesforce: Vec::new(),
            marketo: None,
            sync: SyncRecord::default(),
            outbox: Vec::new(),
        }
    }
}

/// Checks the shape of an email address. Strict (no trimming): the contract's pattern mirrors it,
/// and the app's CSV import cleans addresses before they get here.
pub fn valid_email(raw: &str) -> Result<String> {
    let e = raw;
    let bad =
        || ActionsError::InvalidValue("userName must be an email address (name@domain.tld)".into());
    let (local, domain) = e.split_once('@').ok_or_else(bad)?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && e.chars().count() <= 254
        && !e
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, ',' | ';' | '<' | '>'));
    if ok { Ok(e.to_owned()) } else { Err(bad()) }
}

fn same_email(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

fn non_empty(field: &str, v: Option<String>) -> Result<Option<String>> {
    match v {
        Some(s) if s.trim().is_empty() => Err(ActionsError::InvalidValue(format!(
            "{field} must not be blank"
        ))),
        other => Ok(other),
    }
}

impl State {
    pub fn user(&self, id: &str) -> Result<&UserRecord> {
        self.users
            .iter()
            .find(|u| u.id == id)
            .ok_or(ActionsError::NotFound("user"))
    }

    pub fn user_by_email(&self, email: &str) -> Option<&UserRecord> {
        self.users.iter().find(|u| same_email(&u.user_name, email))
    }

    pub fn team(&self, id: &str) -> Result<&TeamRecord> {
        self.teams
            .iter()
            .find(|t| t.id == id)
            .ok_or(ActionsError::NotFound("team"))
    }

    pub fn team_members(&self, team_id: &str) -> Vec<&UserRecord> {
        self.users
            .iter()
            .filter(|u| u.teams.iter().any(|t| t == team_id))
            .collect()
    }

    pub fn is_active(&self) -> bool {
        self.instance.activated_at.is_some()
    }

    fn everyone_id(&self) -> Option<String> {
        self.teams.iter().find(|t| t.built_in).map(|t| t.id.clone())
    }

    fn resolve_teams(&self, wanted: &[String]) -> Result<Vec<String>> {
        let mut ids: Vec<String> = Vec::new();
        for w in wanted {
            let w = w.trim();
            let team = self
                .teams
                .iter()
                .find(|t| t.id == w || t.display_name.to_lowercase() == w.to_lowercase())
                .ok_or_else(|| ActionsError::InvalidValue(format!("no team named \"{w}\"")))?;
            if !ids.contains(&team.id) {
                ids.push(team.id.clone());
            }
        }
        Ok(ids)
    }

    /// Invites one user: the rules of step 5 (and of step 1 through `activate`).
    pub fn invite(&mut self, limits: &Limits, new: NewUser) -> Result<UserRecord> {
        if !self.is_active() {
            return Err(ActionsError::InstanceNotActive);
        }
        self.invite_unchecked(limits, new)
    }

    fn invite_unchecked(&mut self, limits: &Limits, new: NewUser) -> Result<UserRecord> {
        let email = valid_email(&new.user_name)?;
        if self.user_by_email(&email).is_some() {
            return Err(ActionsError::UserExists);
        }
        if self.users.len() >= limits.seat_limit {
            return Err(ActionsError::SeatLimitReached {
                limit: limits.seat_limit,
            });
        }
        let teams = match &new.teams {
            Some(t) => self.resolve_teams(t)?,
            None => self.everyone_id().into_iter().collect(),
        };
        let workspace = match non_empty("workspace", new.workspace)? {
            Some(w) => w.trim().to_owned(),
            None => DEFAULT_WORKSPACE.to_owned(),
        };
        let now = now_rfc3339();
        let user = UserRecord {
            id: new_id(),
            user_name: email.clone(),
            given_name: new.given_name,
            family_name: new.family_name,
            display_name: new.display_name,
            active: true,
            role: new.role,
            workspace,
            status: InvitationStatus::Invited,
            invited_at: now.clone(),
            activated_at: None,
            teams,
            created: now.clone(),
            last_modified: now.clone(),
            version: 1,
        };
        self.outbox.push(Invitation {
            user_id: user.id.clone(),
            recipient: email,
            sent_at: now,
            link: format!(
                "{}/{}",
                limits.invite_link_base.trim_end_matches('/'),
                random_hex(16)
            ),
        });
        self.users.push(user.clone());
        Ok(user)
    }

    /// Step 1: the first invite of Marketo admins activates the instance; the first invitee
    /// becomes the original user and the Integration Information appears.
    pub fn activate(
        &mut self,
        limits: &Limits,
        admins: Vec<NewUser>,
    ) -> Vec<(String, Result<UserRecord>)> {
        let mut out = Vec::with_capacity(admins.len());
        for mut admin in admins {
            admin.role = Role::Admin;
            let email = admin.user_name.clone();
            let res = self.invite_unchecked(limits, admin);
            if let Ok(u) = &res
                && self.instance.activated_at.is_none()
            {
                self.instance.activated_at = Some(now_rfc3339());
                self.instance.original_user_id = Some(u.id.clone());
                let (id, secret) = match &limits.integration {
                    Some(c) => (c.client_id.clone(), c.client_secret.clone()),
                    None => (new_id(), random_hex(24)),
                };
                self.instance.client_id = Some(id);
                self.instance.client_secret = Some(secret);
            }
            out.push((email, res));
        }
        out
    }

    /// Why this user may not be deleted or deactivated now, if they may not.
    pub fn protection(&self, user_id: &str) -> Option<ProtectedBecause> {
        if self
            .marketo
            .as_ref()
            .is_some_and(|m| m.owner_user_id == user_id)
        {
            return Some(ProtectedBecause::MarketoConnectionOwner);
        }
        if self.instance.original_user_id.as_deref() == Some(user_id) {
            if self.sync.phase != SyncPhase::NotStarted {
                return Some(ProtectedBecause::OriginalUserAfterSync);
            }
            if self.marketo.is_some() {
                return Some(ProtectedBecause::OriginalUserWhileMarketoConnected);
            }
        }
        None
    }

    pub fn delete_user(&mut self, id: &str) -> Result<()> {
        self.user(id)?;
        if let Some(why) = self.protection(id) {
            return Err(ActionsError::UserProtected(why));
        }
        self.users.retain(|u| u.id != id);
        self.salesforce.retain(|c| c.user_id != id);
        if self.salesforce.is_empty() {
            self.instance.salesforce_environment = None;
        }
        Ok(())
    }

    pub fn update_user(&mut self, id: &str, edit: UserEdit) -> Result<UserRecord> {
        let current = self.user(id)?.clone();
        let email = valid_email(&edit.user_name)?;
        if !same_email(&email, &current.user_name) && self.user_by_email(&email).is_some() {
            return Err(ActionsError::UserExists);
        }
        if current.active
            && !edit.active
            && let Some(why) = self.protection(id)
        {
            return Err(ActionsError::UserProtected(why));
        }
        if edit.role != Role::Admin && self.marketo.as_ref().is_some_and(|m| m.owner_user_id == id)
        {
            return Err(ActionsError::UserProtected(
                ProtectedBecause::MarketoConnectionOwner,
            ));
        }
        if edit.workspace.trim().is_empty() {
            return Err(ActionsError::InvalidValue(
                "workspace must not be blank".into(),
            ));
        }
        let user = self
            .users
            .iter_mut()
            .find(|u| u.id == id)
            .ok_or(ActionsError::NotFound("user"))?;
        user.user_name = email;
        user.given_name = edit.given_name;
        user.family_name = edit.family_name;
        user.display_name = edit.display_name;
        user.active = edit.active;
        user.role = edit.role;
        user.workspace = edit.workspace.trim().to_owned();
        user.last_modified = now_rfc3339();
        user.version += 1;
        Ok(user.clone())
    }

    fn check_team_name(&self, name: &str, except: Option<&str>) -> Result<String> {
        let name = name.trim();
        if name.is_empty() {
            return Err(ActionsError::InvalidValue(
                "displayName must not be blank".into(),
            ));
        }
        let taken = self.teams.iter().any(|t| {
            Some(t.id.as_str()) != except && t.display_name.to_lowercase() == name.to_lowercase()
        });
        if taken {
            Err(ActionsError::TeamExists)
        } else {
            Ok(name.to_owned())
        }
    }

    fn check_members(&self, members: &[String]) -> Result<()> {
        match members
            .iter()
            .find(|m| self.users.iter().all(|u| &u.id != *m))
        {
            Some(m) => Err(ActionsError::InvalidValue(format!(
                "member {m} is not a user of this instance"
            ))),
            None => Ok(()),
        }
    }

    fn set_members(&mut self, team_id: &str, members: &[String]) {
        for u in &mut self.users {
            let wanted = members.contains(&u.id);
            let has = u.teams.iter().any(|t| t == team_id);
            if wanted && !has {
                u.teams.push(team_id.to_owned());
            } else if !wanted && has {
                u.teams.retain(|t| t != team_id);
            }
        }
    }

    pub fn create_team(
        &mut self,
        limits: &Limits,
        name: &str,
        members: &[String],
    ) -> Result<TeamRecord> {
        let name = self.check_team_name(name, None)?;
        if self.teams.len() >= limits.team_limit {
            return Err(ActionsError::TeamLimitReached {
                limit: limits.team_limit,
            });
        }
        self.check_members(members)?;
        let now = now_rfc3339();
        let team = TeamRecord {
            id: new_id(),
            display_name: name,
            built_in: false,
            created: now.clone(),
            last_modified: now,
            version: 1,
        };
        self.teams.push(team.clone());
        self.set_members(&team.id, members);
        Ok(team)
    }

    /// Replaces a team's name and members (PUT, or PATCH after the operations are applied).
    pub fn update_team(&mut self, id: &str, name: &str, members: &[String]) -> Result<TeamRecord> {
        let team = self.team(id)?.clone();
        let name = self.check_team_name(name, Some(id))?;
        if team.built_in && name != team.display_name {
            return Err(ActionsError::EveryoneProtected);
        }
        self.check_members(members)?;
        self.set_members(id, members);
        let t = self
            .teams
            .iter_mut()
            .find(|t| t.id == id)
            .ok_or(ActionsError::NotFound("team"))?;
        t.display_name = name;
        t.last_modified = now_rfc3339();
        t.version += 1;
        Ok(t.clone())
    }

    pub fn delete_team(&mut self, id: &str) -> Result<()> {
        if self.team(id)?.built_in {
            return Err(ActionsError::EveryoneProtected);
        }
        self.set_members(id, &[]);
        self.teams.retain(|t| t.id != id);
        Ok(())
    }

    /// An invitee logs in to Salesforce: same email and API Enabled activate them.
    pub fn connect_salesforce(
        &mut self,
        user_id: &str,
        login: SalesforceLogin,
    ) -> Result<SalesforceConnection> {
        let user = self.user(user_id)?.clone();
        if self.salesforce.iter().any(|c| c.user_id == user_id) {
            return Err(ActionsError::SalesforceAlreadyConnected);
        }
        if !same_email(login.email.trim(), &user.user_name) {
            return Err(ActionsError::SalesforceEmailMismatch);
        }
        if !login.api_enabled {
            return Err(ActionsError::SalesforceApiDisabled);
        }
        if login.username.trim().is_empty() || login.org_id.trim().is_empty() {
            return Err(ActionsError::InvalidValue(
                "username and orgId must not be blank".into(),
            ));
        }
        match self.instance.salesforce_environment {
            Some(env) if env != login.environment => {
                return Err(ActionsError::SalesforceEnvironmentMismatch);
            }
            _ => self.instance.salesforce_environment = Some(login.environment),
        }
        let now = now_rfc3339();
        let conn = SalesforceConnection {
            user_id: user_id.to_owned(),
            username: login.username.trim().to_owned(),
            email: login.email.trim().to_owned(),
            environment: login.environment,
            org_id: login.org_id.trim().to_owned(),
            connected_at: now.clone(),
        };
        self.salesforce.push(conn.clone());
        if let Some(u) = self.users.iter_mut().find(|u| u.id == user_id)
            && u.status == InvitationStatus::Invited
        {
            u.status = InvitationStatus::Active;
            u.activated_at = Some(now.clone());
            u.last_modified = now;
            u.version += 1;
        }
        Ok(conn)
    }

    pub fn disconnect_salesforce(&mut self, user_id: &str) -> Result<()> {
        self.user(user_id)?;
        let before = self.salesforce.len();
        self.salesforce.retain(|c| c.user_id != user_id);
        if self.salesforce.len() == before {
            return Err(ActionsError::SalesforceNotConnected);
        }
        if self.salesforce.is_empty() {
            // With no connection left the instance may be tied to another environment again.
            self.instance.salesforce_environment = None;
        }
        Ok(())
    }

    /// Step 3: the admin who connects Marketo owns the connection.
    pub fn connect_marketo(
        &mut self,
        limits: &Limits,
        creds: MarketoCredentials,
    ) -> Result<MarketoConnection> {
        if !self.is_active() {
            return Err(ActionsError::InstanceNotActive);
        }
        if self.marketo.is_some() {
            return Err(ActionsError::MarketoAlreadyConnected);
        }
        let owner = self
            .users
            .iter()
            .find(|u| u.id == creds.owner_user_id)
            .ok_or_else(|| {
                ActionsError::InvalidValue("ownerUserId is not a user of this instance".into())
            })?;
        if owner.role != Role::Admin {
            return Err(ActionsError::MarketoOwnerNotAdmin);
        }
        if owner.status != InvitationStatus::Active {
            return Err(ActionsError::UserNotActive);
        }
        let fields = [&creds.munchkin_id, &creds.client_id, &creds.client_secret];
        if fields.iter().any(|f| f.trim() != f.as_str()) {
            return Err(ActionsError::MarketoCredentialsWhitespace);
        }
        let matches = creds.munchkin_id.eq_ignore_ascii_case(&limits.munchkin_id)
            && self.instance.client_id.as_deref() == Some(creds.client_id.as_str())
            && self.instance.client_secret.as_deref() == Some(creds.client_secret.as_str());
        if !matches {
            return Err(ActionsError::MarketoCredentialsInvalid);
        }
        let conn = MarketoConnection {
            owner_user_id: creds.owner_user_id,
            munchkin_id: limits.munchkin_id.clone(),
            client_id: creds.client_id,
            client_secret: creds.client_secret,
            connected_at: now_rfc3339(),
        };
        self.marketo = Some(conn.clone());
        Ok(conn)
    }

    pub fn disconnect_marketo(&mut self) -> Result<()> {
        if self.marketo.is_none() {
            return Err(ActionsError::MarketoNotConnected);
        }
        if self.sync.phase == SyncPhase::Running {
            return Err(ActionsError::SyncRunning);
        }
        self.marketo = None;
        Ok(())
    }

    /// Step 4: marks the sync as running; the runner reports progress through `sync`.
    pub fn start_sync(&mut self) -> Result<MarketoConnection> {
        let conn = self
            .marketo
            .clone()
            .ok_or(ActionsError::MarketoNotConnected)?;
        if self.sync.phase == SyncPhase::Running {
            return Err(ActionsError::SyncRunning);
        }
        self.sync = SyncRecord {
            phase: SyncPhase::Running,
            started_at: Some(now_rfc3339()),
            ..SyncRecord::default()
        };
        Ok(conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            seat_limit: 3,
            team_limit: 3,
            invite_link_base: "http://127.0.0.1/inv".into(),
            munchkin_id: "123-ABC-456".into(),
            integration: None,
        }
    }

    fn new(email: &str) -> NewUser {
        NewUser {
            user_name: email.into(),
            ..NewUser::default()
        }
    }

    fn active_state() -> State {
        let mut s = State::default();
        let r = s.activate(&limits(), vec![new("admin@example.com")]);
        assert!(r[0].1.is_ok());
        s
    }

    #[test]
    fn emails_are_checked() {
        assert_eq!(valid_email("a@b.co").ok().as_deref(), Some("a@b.co"));
        for bad in [
            "", "a", "a@b", "@b.co", "a b@c.co", "a@b.co.", "a@@b.co", " a@b.co", "a@b.co\n",
        ] {
            assert!(valid_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn invite_needs_an_active_instance() {
        let mut s = State::default();
        assert!(matches!(
            s.invite(&limits(), new("a@example.com")),
            Err(ActionsError::InstanceNotActive)
        ));
    }

    #[test]
    fn activation_sets_original_user_and_integration_info() {
        let s = active_state();
        assert_eq!(
            s.instance.original_user_id.as_deref(),
            Some(s.users[0].id.as_str())
        );
        assert_eq!(s.users[0].role, Role::Admin);
        assert!(s.instance.client_secret.is_some());
    }

    #[test]
    fn uniqueness_ignores_case_and_sends_no_second_invitation() {
        let mut s = active_state();
        assert!(matches!(
            s.invite(&limits(), new("ADMIN@Example.com")),
            Err(ActionsError::UserExists)
        ));
        assert_eq!(s.outbox.len(), 1);
    }

    #[test]
    fn seats_run_out() {
        let mut s = active_state();
        s.invite(&limits(), new("b@example.com")).ok();
        s.invite(&limits(), new("c@example.com")).ok();
        assert!(matches!(
            s.invite(&limits(), new("d@example.com")),
            Err(ActionsError::SeatLimitReached { limit: 3 })
        ));
        assert_eq!(s.users.len(), 3);
    }

    #[test]
    fn everyone_is_the_default_team_and_cannot_go() {
        let mut s = active_state();
        let everyone = s.everyone_id().unwrap_or_default();
        assert_eq!(s.users[0].teams, vec![everyone.clone()]);
        assert!(matches!(
            s.delete_team(&everyone),
            Err(ActionsError::EveryoneProtected)
        ));
        let members: Vec<String> = vec![];
        assert!(matches!(
            s.update_team(&everyone, "All", &members),
            Err(ActionsError::EveryoneProtected)
        ));
    }

    #[test]
    fn teams_are_limited_and_named_once() {
        let mut s = active_state();
        s.create_team(&limits(), "Sales", &[]).ok();
        assert!(matches!(
            s.create_team(&limits(), " sales ", &[]),
            Err(ActionsError::TeamExists)
        ));
        s.create_team(&limits(), "Support", &[]).ok();
        assert!(matches!(
            s.create_team(&limits(), "Third", &[]),
            Err(ActionsError::TeamLimitReached { limit: 3 })
        ));
        let mut u = new("x@example.com");
        u.teams = Some(vec!["SALES".into()]);
        let user = s.invite(&limits(), u).ok();
        assert_eq!(user.map(|u| u.teams.len()), Some(1));
    }

    #[test]
    fn original_user_is_protected_once_sync_started() {
        let mut s = active_state();
        let id = s.users[0].id.clone();
        s.sync.phase = SyncPhase::Completed;
        assert!(matches!(
            s.delete_user(&id),
            Err(ActionsError::UserProtected(
                ProtectedBecause::OriginalUserAfterSync
            ))
        ));
    }

    #[test]
    fn salesforce_login_activates_only_with_the_same_email() {
        let mut s = active_state();
        let id = s.users[0].id.clone();
        let login = |email: &str, api: bool| SalesforceLogin {
            username: "admin@example.com.prod".into(),
            email: email.into(),
            environment: SalesforceEnvironment::Production,
            org_id: "00D000000000001".into(),
            api_enabled: api,
        };
        assert!(matches!(
            s.connect_salesforce(&id, login("other@example.com", true)),
            Err(ActionsError::SalesforceEmailMismatch)
        ));
        assert!(matches!(
            s.connect_salesforce(&id, login("Admin@Example.com", false)),
            Err(ActionsError::SalesforceApiDisabled)
        ));
        assert!(
            s.connect_salesforce(&id, login("Admin@Example.com", true))
                .is_ok()
        );
        assert_eq!(s.users[0].status, InvitationStatus::Active);
    }
}
