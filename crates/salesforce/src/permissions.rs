//! What the signed-in user may do, as Salesforce itself says it: the `UserPermissionAccess` row of
//! the running user. Read before trusting an answer that depends on a permission (`OauthToken`).
//!
//! Salesforce's Object Reference: `UserPermissionAccess` "Represents the permissions accessibility
//! for a current user. Available in API version 41.0 and later." Supported calls
//! `describeSObjects()`, `query()`; fields `LastCacheUpdate` and `Permissions<PermissionName>`
//! ("The name of the permission, such as PermissionsActivateContract or PermissionsAuthorApex and
//! whether it's available to the user (true) or not (false)"). Usage: "API users without
//! PermissionsViewSetup can use this object to check if their own sessions have access to a
//! feature." The permission names are the `PermissionSet` fields (`PermissionsCustomizeApplication`
//! is "Customize Application", `PermissionsViewSetup` "View Setup and Configuration").

use crate::client::SalesforceClient;
use crate::error::SalesforceError;
use serde::{Deserialize, Serialize};

/// One row, the running user's: no filter, no ID, nothing to inject.
pub const USER_PERMISSIONS_SOQL: &str = "SELECT PermissionsCustomizeApplication, \
     PermissionsViewSetup, PermissionsApiEnabled FROM UserPermissionAccess";

/// The signed-in user's permissions that change what the app can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserPermissions {
    /// Customize Application: without it `OauthToken` lists only the user's own grants ("Users
    /// with the Customize Application permission see all tokens for all users in the org.
    /// Otherwise, you see only your own tokens.").
    pub customize_application: bool,
    /// View Setup and Configuration: without it `PermissionSetAssignment` cannot be read.
    pub view_setup: bool,
    pub api_enabled: bool,
}

#[derive(Deserialize)]
struct PermissionRecord {
    #[serde(rename = "PermissionsCustomizeApplication", default)]
    customize_application: Option<bool>,
    #[serde(rename = "PermissionsViewSetup", default)]
    view_setup: Option<bool>,
    #[serde(rename = "PermissionsApiEnabled", default)]
    api_enabled: Option<bool>,
}

impl SalesforceClient {
    /// The signed-in user's own permissions (`UserPermissionAccess`, one query, one row).
    /// No row is a protocol error: deciding on a guess is what this read exists to avoid.
    pub async fn user_permissions(&self) -> Result<UserPermissions, SalesforceError> {
        let rows: Vec<PermissionRecord> = self.query(USER_PERMISSIONS_SOQL).await?;
        let row = rows.into_iter().next().ok_or_else(|| {
            SalesforceError::protocol("UserPermissionAccess returned no row for the user")
        })?;
        Ok(UserPermissions {
            // A missing or null field grants nothing.
            customize_application: row.customize_application.unwrap_or(false),
            view_setup: row.view_setup.unwrap_or(false),
            api_enabled: row.api_enabled.unwrap_or(false),
        })
    }
}
