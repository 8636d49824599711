//! REST and Tooling query endpoints of the Salesforce stand-in, with paging via `nextRecordsUrl`.
//! Objects: User, Organization, PermissionSetAssignment, OauthToken and UserPermissionAccess
//! (data API);
//! InstalledSubscriberPackage and RemoteProxy (Tooling).
// Handlers bail out early with a finished Response; boxing it would only add an allocation.
#![allow(clippy::result_large_err)]

use super::oauth::bearer;
use super::seed::SeedUser;
use super::soql::{self, Schema};
use super::state::{Cursor, Shared};
use crate::ids::{random_alnum, sf_id};
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::Arc;

/// Newest API version the stand-in serves (Winter '25).
pub const LATEST_VERSION: &str = "62.0";
const OLDEST_MAJOR: u32 = 31;
/// Cursors kept at once; the oldest go first.
const MAX_CURSORS: usize = 500;

type S = State<Arc<Shared>>;

pub(crate) fn sf_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!([{"message": message, "errorCode": code}])),
    )
        .into_response()
}

fn invalid_session() -> Response {
    let mut r = sf_error(
        StatusCode::UNAUTHORIZED,
        "INVALID_SESSION_ID",
        "Session expired or invalid",
    );
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Token"),
    );
    r
}

fn not_found() -> Response {
    sf_error(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "The requested resource does not exist",
    )
}

fn valid_version(v: &str) -> bool {
    let Some(num) = v.strip_prefix('v').and_then(|n| n.strip_suffix(".0")) else {
        return false;
    };
    let latest: u32 = LATEST_VERSION.trim_end_matches(".0").parse().unwrap_or(62);
    num.parse::<u32>()
        .is_ok_and(|n| (OLDEST_MAJOR..=latest).contains(&n))
}

/// Checks version and session; `Ok` is the signed-in user, `Err` the response to send.
fn guard(s: &Shared, version: &str, headers: &HeaderMap) -> Result<SeedUser, Response> {
    if !valid_version(version) {
        return Err(not_found());
    }
    let Some((user, _)) = bearer(headers).and_then(|t| s.session(t)) else {
        return Err(invalid_session());
    };
    // API Enabled from the profile or from a permission set.
    if !user.has_api_access() {
        return Err(sf_error(
            StatusCode::FORBIDDEN,
            "API_CURRENTLY_DISABLED",
            "API is disabled for this User",
        ));
    }
    Ok(user)
}

pub(crate) async fn versions(State(s): S) -> Response {
    let latest: u32 = LATEST_VERSION.trim_end_matches(".0").parse().unwrap_or(62);
    let list: Vec<Value> = (OLDEST_MAJOR..=latest)
        .map(|n| json!({"version": format!("{n}.0"), "url": format!("/services/data/v{n}.0"), "label": format!("API {n}.0")}))
        .collect();
    let _ = &s;
    Json(list).into_response()
}

const USER: Schema = Schema {
    object: "User",
    fields: &[
        "Id",
        "Username",
        "Email",
        "FirstName",
        "LastName",
        "Name",
        "IsActive",
        "UserType",
        "Title",
        "Department",
        "ProfileId",
        "LanguageLocaleKey",
        "TimeZoneSidKey",
        "CreatedDate",
        "Profile.Id",
        "Profile.Name",
        "Profile.PermissionsApiEnabled",
    ],
    relationships: &[("Profile", "Profile")],
};

/// `PermissionSetAssignment` (API 22.0+), per the Object Reference: "Represents a user's
/// assignment to a permission set or permission set group", fields `AssigneeId` ("The ID of the
/// user that is assigned the permission set"), `PermissionSetId`, `PermissionSetGroupId`,
/// `IsActive`, `ExpirationDate`; parent `PermissionSet` with `IsOwnedByProfile` and the
/// `Permissions*` booleans such as `PermissionsApiEnabled`. "Special Access Rules: As of Summer '20
/// and later, only users who have one of these permissions can access this object: View Setup and
/// Configuration, Assign Permission Sets, Manage User."
const PERMISSION_SET_ASSIGNMENT: Schema = Schema {
    object: "PermissionSetAssignment",
    fields: &[
        "Id",
        "AssigneeId",
        "PermissionSetId",
        "PermissionSetGroupId",
        "IsActive",
        "ExpirationDate",
        "SystemModstamp",
        "PermissionSet.Id",
        "PermissionSet.Name",
        "PermissionSet.Label",
        "PermissionSet.IsOwnedByProfile",
        "PermissionSet.PermissionsApiEnabled",
        "Assignee.Id",
        "Assignee.Username",
        "Assignee.IsActive",
    ],
    relationships: &[("PermissionSet", "PermissionSet"), ("Assignee", "User")],
};

/// `OauthToken` (API 32.0+), per the Object Reference: "Represents an OAuth access token for
/// connected app authentication", fields `AppName` ("The label for the connected app that's
/// associated with this OAuth token"), `UserId`, `CreatedDate`, `LastUsedDate`, `UseCount`,
/// `AppMenuItemId`, `AccessToken`, `DeleteToken`, `RequestToken`, and `Id` ("Reserved for future
/// use. Currently, the value is always null"). Supported calls: `describeSObjects()`, `query()`.
/// "Special Access Rules: Users with the Customize Application permission see all tokens for all
/// users in the org. Otherwise, you see only your own tokens."
const OAUTH_TOKEN: Schema = Schema {
    object: "OauthToken",
    fields: &[
        "Id",
        "AppName",
        "AppMenuItemId",
        "UserId",
        "CreatedDate",
        "LastUsedDate",
        "UseCount",
        "AccessToken",
        "DeleteToken",
        "RequestToken",
    ],
    relationships: &[],
};

/// `UserPermissionAccess` (API 41.0+), per the Object Reference: "Represents the permissions
/// accessibility for a current user." Supported calls `describeSObjects()`, `query()`; fields
/// `LastCacheUpdate` ("The last modified date and time of either the user info or org info,
/// whichever is later") and `Permissions<PermissionName>` ("The name of the permission, such as
/// PermissionsActivateContract or PermissionsAuthorApex and whether it's available to the user
/// (true) or not (false)"). "API users without PermissionsViewSetup can use this object to check
/// if their own sessions have access to a feature." One row, the running user's, with no `Id`
/// (so its `attributes` carry the type alone), in the Query resource's shape like every object
/// here (REST API Developer Guide, "Execute a SOQL Query": `{ "done" : true, "totalSize" : 14,
/// "records" : [ { "attributes" : { "type" : "Account", "url" : "…" }, "Name" : "Test 1" }, … ] }`).
/// The stand-in serves the permissions it models.
const USER_PERMISSION_ACCESS: Schema = Schema {
    object: "UserPermissionAccess",
    fields: &[
        "Id",
        "LastCacheUpdate",
        "PermissionsApiEnabled",
        "PermissionsCustomizeApplication",
        "PermissionsViewSetup",
        "PermissionsManageUsers",
        "PermissionsModifyAllData",
    ],
    relationships: &[],
};

const ORGANIZATION: Schema = Schema {
    object: "Organization",
    fields: &[
        "Id",
        "Name",
        "IsSandbox",
        "InstanceName",
        "OrganizationType",
        "NamespacePrefix",
    ],
    relationships: &[],
};

const PACKAGE: Schema = Schema {
    object: "InstalledSubscriberPackage",
    fields: &[
        "Id",
        "SubscriberPackageId",
        "SubscriberPackageVersionId",
        "SubscriberPackage.Id",
        "SubscriberPackage.NamespacePrefix",
        "SubscriberPackage.Name",
        "SubscriberPackage.Description",
        "SubscriberPackageVersion.Id",
        "SubscriberPackageVersion.Name",
        "SubscriberPackageVersion.MajorVersion",
        "SubscriberPackageVersion.MinorVersion",
        "SubscriberPackageVersion.PatchVersion",
        "SubscriberPackageVersion.BuildNumber",
    ],
    relationships: &[
        ("SubscriberPackage", "SubscriberPackage"),
        ("SubscriberPackageVersion", "SubscriberPackageVersion"),
    ],
};

const REMOTE_PROXY: Schema = Schema {
    object: "RemoteProxy",
    fields: &[
        "Id",
        "SiteName",
        "EndpointUrl",
        "IsActive",
        "Description",
        "DisableProtocolSecurity",
    ],
    relationships: &[],
};

fn org_records(s: &Shared) -> Vec<Value> {
    vec![json!({
        "Id": s.org.id,
        "Name": s.org.name,
        "IsSandbox": s.org.org_type == super::OrgType::Sandbox,
        "InstanceName": s.org.instance_name,
        "OrganizationType": "Enterprise Edition",
        "NamespacePrefix": null,
    })]
}

/// (number, namespace, name, description, (major, minor, patch))
type PackageRow = (
    u64,
    &'static str,
    &'static str,
    &'static str,
    (u32, u32, u32),
);

fn package_records(s: &Shared) -> Vec<Value> {
    let mut packages: Vec<PackageRow> = vec![
        (
            1,
            "LID",
            "LinkedIn Sales Navigator",
            "Sales Navigator for Salesforce",
            (3, 2, 0),
        ),
        (
            2,
            "dsfs",
            "DocuSign eSignature for Salesforce",
            "Send and sign with DocuSign",
            (7, 12, 0),
        ),
    ];
    if let Some(v) = s.settings().package_version {
        packages.push((
            3,
            "mkto_si",
            "Marketo Sales Insight",
            "Marketo Sales Insight for Salesforce",
            (v.major, v.minor, v.patch),
        ));
    }
    packages
        .into_iter()
        .map(|(n, ns, name, desc, (ma, mi, pa))| {
            json!({
                "Id": sf_id("0A3", n),
                "SubscriberPackageId": sf_id("033", n),
                "SubscriberPackageVersionId": sf_id("04t", n),
                "SubscriberPackage": {"Id": sf_id("033", n), "NamespacePrefix": ns, "Name": name, "Description": desc},
                "SubscriberPackageVersion": {
                    "Id": sf_id("04t", n),
                    "Name": format!("{name} {ma}.{mi}"),
                    "MajorVersion": ma, "MinorVersion": mi, "PatchVersion": pa, "BuildNumber": 1,
                },
            })
        })
        .collect()
}

fn remote_proxy_records(s: &Shared) -> Vec<Value> {
    s.settings()
        .remote_sites
        .iter()
        .enumerate()
        .map(|(i, r)| {
            json!({
                "Id": sf_id("0rp", 1 + i as u64),
                "SiteName": r.name,
                "EndpointUrl": r.url,
                "IsActive": r.active,
                "Description": null,
                "DisableProtocolSecurity": false,
            })
        })
        .collect()
}

/// The tokens `user` may see: everyone's with Customize Application (the admin profile here,
/// unless set apart), else only their own.
fn oauth_token_records(s: &Shared, user: &SeedUser) -> Vec<Value> {
    let all = s.customize_application(user);
    s.oauth_tokens()
        .iter()
        .filter(|t| all || t.user_id == user.id)
        .map(|t| t.record())
        .collect()
}

/// The running user's one `UserPermissionAccess` row, from the same model the other objects obey:
/// Customize Application decides `OauthToken`, View Setup `PermissionSetAssignment`.
fn user_permission_records(s: &Shared, user: &SeedUser) -> Vec<Value> {
    let admin = user.is_admin();
    vec![json!({
        "Id": null,
        "LastCacheUpdate": super::seed::sf_datetime(s.clock.now_ms()),
        "PermissionsApiEnabled": user.has_api_access(),
        "PermissionsCustomizeApplication": s.customize_application(user),
        "PermissionsViewSetup": admin,
        "PermissionsManageUsers": admin,
        "PermissionsModifyAllData": admin,
    })]
}

fn unsupported_type(object: &str) -> Response {
    sf_error(
        StatusCode::BAD_REQUEST,
        "INVALID_TYPE",
        &format!(
            "sObject type '{object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."
        ),
    )
}

fn run(
    s: &Shared,
    user: &SeedUser,
    version: &str,
    tooling: bool,
    q: Option<String>,
    headers: &HeaderMap,
) -> Response {
    let raw = q.unwrap_or_default();
    let Some(soql_text) = super::oauth::params(raw.as_bytes())
        .remove("q")
        .filter(|q| !q.trim().is_empty())
    else {
        return sf_error(
            StatusCode::BAD_REQUEST,
            "MALFORMED_QUERY",
            "A query string has to be specified",
        );
    };
    let query = match soql::parse(&soql_text) {
        Ok(q) => q,
        Err(e) => return sf_error(StatusCode::BAD_REQUEST, e.code, &e.message),
    };
    let object = query.object.to_ascii_lowercase();
    let (schema, table): (&Schema, std::borrow::Cow<'_, [Value]>) = match (object.as_str(), tooling)
    {
        ("user", _) => (&USER, std::borrow::Cow::Borrowed(&s.user_records[..])),
        ("organization", _) => (&ORGANIZATION, org_records(s).into()),
        // Without View Setup and Configuration the object is hidden, as objects a user cannot
        // access are: the query names an unsupported type.
        ("permissionsetassignment", false) if user.is_admin() => (
            &PERMISSION_SET_ASSIGNMENT,
            std::borrow::Cow::Borrowed(&s.permission_set_assignments[..]),
        ),
        ("oauthtoken", false) => (&OAUTH_TOKEN, oauth_token_records(s, user).into()),
        ("userpermissionaccess", false) => (
            &USER_PERMISSION_ACCESS,
            user_permission_records(s, user).into(),
        ),
        ("installedsubscriberpackage", true) => (&PACKAGE, package_records(s).into()),
        ("remoteproxy", true) => (&REMOTE_PROXY, remote_proxy_records(s).into()),
        _ => return unsupported_type(&query.object),
    };
    let url_base = if tooling {
        format!("/services/data/{version}/tooling/sobjects")
    } else {
        format!("/services/data/{version}/sobjects")
    };
    let rows = match soql::execute(&query, schema, &table, &url_base) {
        Ok(r) => r,
        Err(e) => return sf_error(StatusCode::BAD_REQUEST, e.code, &e.message),
    };
    let page = page_size(s, headers);
    let cursor = Cursor {
        records: Arc::new(rows.records),
        total: rows.total,
        version: version.to_string(),
        tooling,
    };
    page_response(s, cursor, None, 0, page)
}

/// Page size: the configured one, or a smaller `Sforce-Query-Options: batchSize=N` (200..2000).
fn page_size(s: &Shared, headers: &HeaderMap) -> usize {
    let configured = s.settings().page_size;
    let requested = headers
        .get("sforce-query-options")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .filter_map(|kv| kv.trim().split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("batchSize"))
                .and_then(|(_, n)| n.trim().parse::<usize>().ok())
        })
        .filter(|n| (200..=2000).contains(n));
    requested.map_or(configured, |r| r.min(configured).max(1))
}

fn page_response(
    s: &Shared,
    cursor: Cursor,
    locator: Option<String>,
    offset: usize,
    page: usize,
) -> Response {
    let end = (offset + page).min(cursor.records.len());
    let records: Vec<Value> = cursor
        .records
        .get(offset..end)
        .map(<[Value]>::to_vec)
        .unwrap_or_default();
    let done = end >= cursor.records.len();
    let mut body = json!({"totalSize": cursor.total, "done": done, "records": records});
    if !done {
        let locator = locator.unwrap_or_else(|| format!("01g8d{}", random_alnum(10)));
        let prefix = if cursor.tooling { "tooling/" } else { "" };
        body["nextRecordsUrl"] = Value::String(format!(
            "/services/data/{}/{prefix}query/{locator}-{end}",
            cursor.version
        ));
        let mut g = s.grants();
        if g.cursors.len() >= MAX_CURSORS
            && let Some(k) = g.cursors.keys().next().cloned()
        {
            g.cursors.remove(&k);
        }
        g.cursors.insert(locator, cursor);
    } else if let Some(locator) = locator {
        s.grants().cursors.remove(&locator);
    }
    Json(body).into_response()
}

fn more(
    s: &Shared,
    version: &str,
    tooling: bool,
    locator_offset: &str,
    headers: &HeaderMap,
) -> Response {
    let invalid = || {
        sf_error(
            StatusCode::BAD_REQUEST,
            "INVALID_QUERY_LOCATOR",
            "invalid query locator",
        )
    };
    let Some((locator, offset)) = locator_offset.rsplit_once('-') else {
        return invalid();
    };
    let Ok(offset) = offset.parse::<usize>() else {
        return invalid();
    };
    let Some(cursor) = s.grants().cursors.get(locator).cloned() else {
        return invalid();
    };
    if cursor.tooling != tooling || offset > cursor.records.len() {
        return invalid();
    }
    let page = page_size(s, headers);
    let _ = version;
    page_response(s, cursor, Some(locator.to_string()), offset, page)
}

pub(crate) async fn query(
    State(s): S,
    Path(version): Path<String>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Response {
    let user = match guard(&s, &version, &headers) {
        Ok(u) => u,
        Err(r) => return r,
    };
    run(&s, &user, &version, false, q, &headers)
}

pub(crate) async fn query_more(
    State(s): S,
    Path((version, loc)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = guard(&s, &version, &headers) {
        return r;
    }
    more(&s, &version, false, &loc, &headers)
}

pub(crate) async fn tooling_query(
    State(s): S,
    Path(version): Path<String>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Response {
    let user = match guard(&s, &version, &headers) {
        Ok(u) => u,
        Err(r) => return r,
    };
    run(&s, &user, &version, true, q, &headers)
}

pub(crate) async fn tooling_query_more(
    State(s): S,
    Path((version, loc)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = guard(&s, &version, &headers) {
        return r;
    }
    more(&s, &version, true, &loc, &headers)
}

pub(crate) async fn fallback() -> Response {
    not_found()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_checked() {
        assert!(valid_version("v62.0"));
        assert!(valid_version("v31.0"));
        assert!(!valid_version("v63.0"));
        assert!(!valid_version("62.0"));
        assert!(!valid_version("v62.1"));
        assert!(!valid_version("vX.0"));
    }
}
