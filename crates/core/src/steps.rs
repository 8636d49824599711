//! The fixed catalogue of the admin guide: prerequisites, the seven steps in
//! order, who does each, and what a check of a step can report.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The seven steps, in the guide's order. The serialized names are stable:
/// they are keys in the SQLite file and in the UI's catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum StepId {
    ActivateAccount,
    ConnectSalesforce,
    ConnectMarketo,
    StartSync,
    InviteUsers,
    InstallPackage,
    ConfigureSalesforce,
}

/// Who the guide gives the step to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Role {
    MarketoAdmin,
    SalesforceAdmin,
    Either,
}

/// What must be true before step 1; only the admin (or their success manager) can say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum PrerequisiteId {
    ActionsEnabled,
    MarketoSalesforceSync,
}

impl PrerequisiteId {
    pub const ALL: [PrerequisiteId; 2] = [
        PrerequisiteId::ActionsEnabled,
        PrerequisiteId::MarketoSalesforceSync,
    ];

    pub fn key(self) -> &'static str {
        match self {
            PrerequisiteId::ActionsEnabled => "actionsEnabled",
            PrerequisiteId::MarketoSalesforceSync => "marketoSalesforceSync",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }
}

impl StepId {
    pub const ALL: [StepId; 7] = [
        StepId::ActivateAccount,
        StepId::ConnectSalesforce,
        StepId::ConnectMarketo,
        StepId::StartSync,
        StepId::InviteUsers,
        StepId::InstallPackage,
        StepId::ConfigureSalesforce,
    ];

    /// The step's number in the guide, 1 to 7.
    pub fn number(self) -> u8 {
        match self {
            StepId::ActivateAccount => 1,
            StepId::ConnectSalesforce => 2,
            StepId::ConnectMarketo => 3,
            StepId::StartSync => 4,
            StepId::InviteUsers => 5,
            StepId::InstallPackage => 6,
            StepId::ConfigureSalesforce => 7,
        }
    }

    pub fn role(self) -> Role {
        match self {
            StepId::ConnectSalesforce => Role::Either,
            StepId::InstallPackage | StepId::ConfigureSalesforce => Role::SalesforceAdmin,
            _ => Role::MarketoAdmin,
        }
    }

    /// The steps that must be done first. The guide's order is mostly advice;
    /// these are the hard dependencies (no Client ID before activation, no sync
    /// before Marketo is connected, no package configuration before install).
    pub fn depends_on(self) -> &'static [StepId] {
        match self {
            StepId::ActivateAccount => &[],
            StepId::ConnectSalesforce => &[StepId::ActivateAccount],
            StepId::ConnectMarketo => &[StepId::ActivateAccount],
            StepId::StartSync => &[StepId::ConnectMarketo],
            StepId::InviteUsers => &[StepId::ActivateAccount],
            StepId::InstallPackage => &[],
            StepId::ConfigureSalesforce => &[StepId::InstallPackage],
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            StepId::ActivateAccount => "activateAccount",
            StepId::ConnectSalesforce => "connectSalesforce",
            StepId::ConnectMarketo => "connectMarketo",
            StepId::StartSync => "startSync",
            StepId::InviteUsers => "inviteUsers",
            StepId::InstallPackage => "installPackage",
            StepId::ConfigureSalesforce => "configureSalesforce",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// Why a step needs the admin's attention. A code, not prose: the UI says it
/// in the admin's language, with what to do next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "code", rename_all = "camelCase")]
#[ts(export)]
pub enum Attention {
    /// A step it depends on is not done yet.
    WaitingFor { step: StepId },
    /// A stored connection stopped working (revoked token, changed password).
    ConnectionLost,
    /// The credentials were refused by the service.
    CredentialsRejected,
    /// The MSI package is installed but older than the supported minimum.
    PackageOutdated { installed: String, required: String },
    /// The MSI package is not installed.
    PackageMissing,
    /// Remote Site Settings are missing in Salesforce.
    RemoteSitesMissing { count: u32 },
    /// The data sync reported errors.
    SyncErrors { count: u32 },
    /// Some invitations failed.
    InvitesFailed { count: u32 },
}

impl Attention {
    pub fn code(&self) -> &'static str {
        match self {
            Attention::WaitingFor { .. } => "waitingFor",
            Attention::ConnectionLost => "connectionLost",
            Attention::CredentialsRejected => "credentialsRejected",
            Attention::PackageOutdated { .. } => "packageOutdated",
            Attention::PackageMissing => "packageMissing",
            Attention::RemoteSitesMissing { .. } => "remoteSitesMissing",
            Attention::SyncErrors { .. } => "syncErrors",
            Attention::InvitesFailed { .. } => "invitesFailed",
        }
    }
}

/// What the app found when it checked a step against the services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "camelCase")]
pub enum CheckResult {
    Done,
    InProgress,
    NeedsAttention { reason: Attention },
}
