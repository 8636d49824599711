//! The crate's one error type, each variant with a stable machine code and an HTTP status.
//! Rendering (SCIM error or RFC 9457 problem) is the HTTP layer's job, see `http::reply`.

use axum::http::StatusCode;

/// Why a user may not be deleted or deactivated right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtectedBecause {
    /// The original user (first invitee) once the data sync has started.
    OriginalUserAfterSync,
    /// The original user while a Marketo connection stands.
    OriginalUserWhileMarketoConnected,
    /// The admin who owns the standing Marketo connection.
    MarketoConnectionOwner,
}

impl ProtectedBecause {
    fn explain(self) -> &'static str {
        match self {
            Self::OriginalUserAfterSync => {
                "this is the original user (the first invitee) and the data sync has started; deleting it breaks the sync"
            }
            Self::OriginalUserWhileMarketoConnected => {
                "this is the original user (the first invitee) and the Marketo connection stands; disconnect Marketo first"
            }
            Self::MarketoConnectionOwner => {
                "this user owns the Marketo connection; disconnect Marketo first"
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ActionsError {
    #[error("a valid bearer token is required")]
    Unauthorized,
    #[error("too many requests; retry after {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("the request body is not valid: {0}")]
    InvalidSyntax(String),
    #[error("the filter is not supported: {0}")]
    InvalidFilter(String),
    #[error("{0}")]
    InvalidValue(String),
    #[error("the attribute path is not supported: {0}")]
    InvalidPath(String),
    #[error("the path matched nothing: {0}")]
    NoTarget(String),
    #[error("{0} is read-only")]
    Mutability(String),
    #[error("the Everyone team is built in: it cannot be deleted, renamed or lose members")]
    EveryoneProtected,
    #[error("no {0} with this id")]
    NotFound(&'static str),
    #[error("a user with this email is already in the instance (invited or active)")]
    UserExists,
    #[error("a team with this name already exists")]
    TeamExists,
    #[error("all {limit} seats of the instance are taken")]
    SeatLimitReached { limit: usize },
    #[error("the instance already has the maximum of {limit} teams")]
    TeamLimitReached { limit: usize },
    #[error("the user cannot be deleted or deactivated: {}", .0.explain())]
    UserProtected(ProtectedBecause),
    #[error("the instance is not activated yet: invite the Marketo admins first")]
    InstanceNotActive,
    #[error("the instance has no Marketo connection")]
    MarketoNotConnected,
    #[error("the instance already has a Marketo connection")]
    MarketoAlreadyConnected,
    #[error("the Munchkin ID, client ID or client secret does not match this instance")]
    MarketoCredentialsInvalid,
    #[error(
        "a credential has leading or trailing spaces or line breaks; paste it again without them"
    )]
    MarketoCredentialsWhitespace,
    #[error("only an Admin can connect Marketo")]
    MarketoOwnerNotAdmin,
    #[error("the user has not accepted the invitation yet")]
    UserNotActive,
    #[error("the Salesforce user's email differs from the invited email")]
    SalesforceEmailMismatch,
    #[error("the Salesforce user's profile lacks the API Enabled permission")]
    SalesforceApiDisabled,
    #[error("the instance is tied to another Salesforce environment (production or sandbox)")]
    SalesforceEnvironmentMismatch,
    #[error("the user already has a Salesforce connection")]
    SalesforceAlreadyConnected,
    #[error("the user has no Salesforce connection")]
    SalesforceNotConnected,
    #[error("the data sync is running")]
    SyncRunning,
    #[error("no source of Marketo people is plugged into this service")]
    PeopleSourceUnavailable,
    #[error("bulkId {0} does not name an earlier operation of this request")]
    UnresolvedBulkId(String),
    #[error("the request body exceeds {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("the bulk request has more than {limit} operations")]
    TooManyOperations { limit: usize },
    #[error("the state could not be saved")]
    Storage(#[source] rusqlite::Error),
}

impl ActionsError {
    /// A stable snake_case code the app maps to a translated message.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::RateLimited { .. } => "rate_limited",
            Self::InvalidSyntax(_) => "invalid_syntax",
            Self::InvalidFilter(_) => "invalid_filter",
            Self::InvalidValue(_) => "invalid_value",
            Self::InvalidPath(_) => "invalid_path",
            Self::NoTarget(_) => "no_target",
            Self::Mutability(_) => "read_only_attribute",
            Self::EveryoneProtected => "everyone_team_protected",
            Self::NotFound(_) => "not_found",
            Self::UserExists => "user_already_exists",
            Self::TeamExists => "team_already_exists",
            Self::SeatLimitReached { .. } => "seat_limit_reached",
            Self::TeamLimitReached { .. } => "team_limit_reached",
            Self::UserProtected(_) => "user_protected",
            Self::InstanceNotActive => "instance_not_active",
            Self::MarketoNotConnected => "marketo_not_connected",
            Self::MarketoAlreadyConnected => "marketo_already_connected",
            Self::MarketoCredentialsInvalid => "marketo_credentials_invalid",
            Self::MarketoCredentialsWhitespace => "marketo_credentials_whitespace",
            Self::MarketoOwnerNotAdmin => "marketo_owner_not_admin",
            Self::UserNotActive => "user_not_active",
            Self::SalesforceEmailMismatch => "salesforce_email_mismatch",
            Self::SalesforceApiDisabled => "salesforce_api_disabled",
            Self::SalesforceEnvironmentMismatch => "salesforce_environment_mismatch",
            Self::SalesforceAlreadyConnected => "salesforce_already_connected",
            Self::SalesforceNotConnected => "salesforce_not_connected",
            Self::SyncRunning => "sync_running",
            Self::PeopleSourceUnavailable => "people_source_unavailable",
            Self::UnresolvedBulkId(_) => "unresolved_bulk_id",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::TooManyOperations { .. } => "too_many_operations",
            Self::Storage(_) => "storage_failed",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::InvalidSyntax(_)
            | Self::InvalidFilter(_)
            | Self::InvalidValue(_)
            | Self::InvalidPath(_)
            | Self::NoTarget(_)
            | Self::Mutability(_)
            | Self::EveryoneProtected
            | Self::MarketoCredentialsInvalid
            | Self::MarketoCredentialsWhitespace => StatusCode::BAD_REQUEST,
            Self::SeatLimitReached { .. }
            | Self::TeamLimitReached { .. }
            | Self::MarketoOwnerNotAdmin => StatusCode::FORBIDDEN,
            Self::NotFound(_) | Self::SalesforceNotConnected => StatusCode::NOT_FOUND,
            Self::UserExists
            | Self::TeamExists
            | Self::UserProtected(_)
            | Self::InstanceNotActive
            | Self::MarketoNotConnected
            | Self::MarketoAlreadyConnected
            | Self::UserNotActive
            | Self::SalesforceEmailMismatch
            | Self::SalesforceApiDisabled
            | Self::SalesforceEnvironmentMismatch
            | Self::SalesforceAlreadyConnected
            | Self::SyncRunning
            | Self::UnresolvedBulkId(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge { .. } | Self::TooManyOperations { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            Self::PeopleSourceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The RFC 7644 §3.12 `scimType`, for the errors that have one.
    pub fn scim_type(&self) -> Option<&'static str> {
        match self {
            Self::InvalidSyntax(_) => Some("invalidSyntax"),
            Self::InvalidFilter(_) => Some("invalidFilter"),
            Self::InvalidValue(_)
            | Self::UnresolvedBulkId(_)
            | Self::MarketoCredentialsInvalid
            | Self::MarketoCredentialsWhitespace => Some("invalidValue"),
            Self::InvalidPath(_) => Some("invalidPath"),
            Self::NoTarget(_) => Some("noTarget"),
            Self::Mutability(_) | Self::EveryoneProtected => Some("mutability"),
            Self::UserExists | Self::TeamExists => Some("uniqueness"),
            Self::TooManyOperations { .. } => Some("tooMany"),
            _ => None,
        }
    }
}

pub type Result<T, E = ActionsError> = std::result::Result<T, E>;
