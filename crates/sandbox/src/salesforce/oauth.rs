//! OAuth 2.0 endpoints of the Salesforce stand-in: authorize (login page or auto-approve), token
//! (authorization_code with PKCE S256, refresh_token with optional rotation), revoke, userinfo, id.
// Handlers bail out early with a finished Response; boxing it would only add an allocation.
#![allow(clippy::result_large_err)]

use super::state::{AuthCode, Shared};
use crate::ids::random_alnum;
use crate::store::digest;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;

type S = State<Arc<Shared>>;

/// First value of each form or query parameter.
pub(crate) fn params(raw: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(raw) {
        out.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    out
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

/// Errors that must not redirect (the redirect target is not trusted) show as a page.
fn error_page(error: &str, description: &str) -> Response {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Error</title></head><body>\
         <h1>Remote Access Error</h1><p>There was a problem in setting up your remote access.</p>\
         <p><code>error={}&amp;error_description={}</code></p></body></html>",
        esc(error),
        esc(description)
    );
    (StatusCode::BAD_REQUEST, page_headers(), Html(body)).into_response()
}

fn page_headers() -> [(header::HeaderName, &'static str); 2] {
    [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'",
        ),
        (header::CACHE_CONTROL, "no-store"),
    ]
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn redirect_with(redirect_uri: &str, pairs: &[(&str, &str)]) -> Response {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    let sep = if redirect_uri.contains('?') { '&' } else { '?' };
    let location = format!("{redirect_uri}{sep}{}", ser.finish());
    match HeaderValue::from_str(&location) {
        Ok(v) => (StatusCode::FOUND, [(header::LOCATION, v)]).into_response(),
        Err(_) => error_page("invalid_request", "redirect_uri is not a valid URL"),
    }
}

fn redirect_error(p: &HashMap<String, String>, error: &str, description: &str) -> Response {
    let redirect_uri = p.get("redirect_uri").map(String::as_str).unwrap_or("");
    let mut pairs = vec![("error", error), ("error_description", description)];
    if let Some(state) = p.get("state") {
        pairs.push(("state", state));
    }
    redirect_with(redirect_uri, &pairs)
}

/// Checks an authorize request; `Err` is the response to send, `Ok` the granted scope.
fn validate_authorize(s: &Shared, p: &HashMap<String, String>) -> Result<String, Response> {
    if p.get("client_id").map(String::as_str) != Some(s.config.consumer_key.as_str()) {
        return Err(error_page("invalid_client_id", "client identifier invalid"));
    }
    let redirect_uri = p.get("redirect_uri").map(String::as_str).unwrap_or("");
    if !s.config.redirect_uris.iter().any(|r| r == redirect_uri) {
        return Err(error_page(
            "redirect_uri_mismatch",
            "redirect_uri must match configuration",
        ));
    }
    if p.get("response_type").map(String::as_str) != Some("code") {
        return Err(redirect_error(
            p,
            "unsupported_response_type",
            "response type not supported",
        ));
    }
    match p.get("code_challenge") {
        None if s.config.require_pkce => {
            return Err(redirect_error(
                p,
                "invalid_request",
                "missing required code challenge",
            ));
        }
        Some(c)
            if c.len() != 43
                || !c
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            return Err(redirect_error(
                p,
                "invalid_request",
                "invalid code challenge",
            ));
        }
        _ => {}
    }
    if let Some(m) = p.get("code_challenge_method")
        && m != "S256"
    {
        return Err(redirect_error(
            p,
            "invalid_request",
            "unsupported code challenge method",
        ));
    }
    let requested: Vec<&str> = p
        .get("scope")
        .map(|s| s.split([' ', '+']).filter(|x| !x.is_empty()).collect())
        .unwrap_or_default();
    if requested.is_empty() {
        return Ok(s.config.app_scopes.join(" "));
    }
    for r in &requested {
        let ok = s.config.app_scopes.iter().any(|a| a == r)
            || (*r == "offline_access" && s.config.app_scopes.iter().any(|a| a == "refresh_token"))
            || *r == "openid" && s.config.app_scopes.iter().any(|a| a == "openid");
        if !ok {
            return Err(redirect_error(
                p,
                "invalid_scope",
                "the requested scope is not allowed",
            ));
        }
    }
    Ok(requested.join(" "))
}

fn grant_code(s: &Shared, p: &HashMap<String, String>, user_id: &str, scope: String) -> Response {
    let code = format!("aPrx{}", random_alnum(56));
    let redirect_uri = p.get("redirect_uri").cloned().unwrap_or_default();
    let entry = AuthCode {
        user_id: user_id.to_string(),
        client_id: s.config.consumer_key.clone(),
        redirect_uri: redirect_uri.clone(),
        challenge: p.get("code_challenge").cloned(),
        scope,
        expires_ms: s.clock.now_ms() + s.config.auth_code_ttl.as_millis() as i64,
        used: false,
        issued: Vec::new(),
    };
    s.grants().codes.insert(digest(&code), entry);
    let mut pairs = vec![("code", code.as_str())];
    if let Some(state) = p.get("state") {
        pairs.push(("state", state));
    }
    redirect_with(&redirect_uri, &pairs)
}

pub(crate) async fn authorize_get(State(s): S, RawQuery(q): RawQuery) -> Response {
    let p = params(q.unwrap_or_default().as_bytes());
    let scope = match validate_authorize(&s, &p) {
        Ok(scope) => scope,
        Err(resp) => return resp,
    };
    if s.settings().auto_approve {
        let hint = p.get("login_hint").and_then(|h| s.user_by_username(h));
        return match hint.or_else(|| s.default_user()) {
            Some(u) if u.is_active => {
                let id = u.id.clone();
                grant_code(&s, &p, &id, scope)
            }
            _ => redirect_error(&p, "access_denied", "end-user denied authorization"),
        };
    }
    login_page(&s, &p, None)
}

pub(crate) async fn authorize_post(State(s): S, body: Bytes) -> Response {
    let p = params(&body);
    let scope = match validate_authorize(&s, &p) {
        Ok(scope) => scope,
        Err(resp) => return resp,
    };
    if p.get("decision").map(String::as_str) != Some("allow") {
        return redirect_error(&p, "access_denied", "end-user denied authorization");
    }
    let username = p.get("username").map(String::as_str).unwrap_or("");
    let password = p.get("password").map(String::as_str).unwrap_or("");
    let password_ok = match &s.config.password {
        Some(required) => password == required,
        None => !password.is_empty(),
    };
    match s.user_by_username(username) {
        Some(u) if u.is_active && password_ok => {
            let id = u.id.clone();
            grant_code(&s, &p, &id, scope)
        }
        _ => login_page(
            &s,
            &p,
            Some(
                "Please check your username and password. If you still can't log in, contact your Salesforce administrator.",
            ),
        ),
    }
}

const CARRIED: [&str; 8] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "code_challenge",
    "code_challenge_method",
    "scope",
    "state",
    "login_hint",
];

fn login_page(s: &Shared, p: &HashMap<String, String>, error: Option<&str>) -> Response {
    let hidden: String = CARRIED
        .iter()
        .filter_map(|k| p.get(*k).map(|v| (k, v)))
        .map(|(k, v)| format!("<input type=\"hidden\" name=\"{k}\" value=\"{}\">", esc(v)))
        .collect();
    let username = p
        .get("username")
        .or_else(|| p.get("login_hint"))
        .cloned()
        .or_else(|| s.default_user().map(|u| u.username.clone()))
        .unwrap_or_default();
    let password_hint = match &s.config.password {
        Some(_) => "Use the sandbox password you were given.",
        None => "Local sandbox: any non-empty password is accepted.",
    };
    let error_html = error
        .map(|e| format!("<p class=\"err\" role=\"alert\">{}</p>", esc(e)))
        .unwrap_or_default();
    let body = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Login | Salesforce (local sandbox)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK TC",sans-serif;background:#f3f3f3;margin:0}}
main{{max-width:380px;margin:48px auto;background:#fff;border:1px solid #ddd;border-radius:6px;padding:24px 28px}}
h1{{font-size:20px;color:#032d60;margin:0 0 4px}} .org{{color:#555;font-size:13px;margin:0 0 18px}}
label{{display:block;font-size:13px;margin:12px 0 4px}} input[type=text],input[type=password]{{width:100%;box-sizing:border-box;padding:8px;border:1px solid #bbb;border-radius:4px}}
.hint{{font-size:12px;color:#666}} .err{{color:#b00;font-size:13px}} .app{{margin:16px 0;font-size:13px}}
.row{{display:flex;gap:8px;margin-top:18px}} button{{flex:1;padding:9px;border-radius:4px;border:1px solid #0176d3;font-size:14px;cursor:pointer}}
.allow{{background:#0176d3;color:#fff}} .deny{{background:#fff;color:#0176d3}}
</style></head>
<body><main>
<h1>Salesforce</h1>
<p class="org">{org} · {host} (local sandbox)</p>
{error_html}
<form method="post" action="/services/oauth2/authorize">
{hidden}
<label for="username">Username</label><input id="username" type="text" name="username" value="{username}" autocomplete="username">
<label for="password">Password</label><input id="password" type="password" name="password" autocomplete="current-password">
<p class="hint">{password_hint}</p>
<p class="app"><strong>SIA Setup</strong> is asking to: access your basic information, access and manage your data (api), perform requests at any time (refresh_token).</p>
<div class="row"><button class="deny" type="submit" name="decision" value="deny">Deny</button>
<button class="allow" type="submit" name="decision" value="allow">Allow</button></div>
</form></main></body></html>"#,
        org = esc(&s.org.name),
        host = s.org.org_type.login_host(),
        username = esc(&username),
    );
    (StatusCode::OK, page_headers(), Html(body)).into_response()
}

fn token_response(
    s: &Shared,
    user_id: &str,
    scope: &str,
    access: &str,
    refresh: Option<&str>,
    issued_at_ms: i64,
) -> Response {
    let id = s.identity_url(user_id);
    let issued_at = issued_at_ms.to_string();
    let signature = match Hmac::<Sha256>::new_from_slice(s.config.consumer_key.as_bytes()) {
        Ok(mut mac) => {
            mac.update(id.as_bytes());
            mac.update(issued_at.as_bytes());
            STANDARD.encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    };
    let mut body = json!({
        "access_token": access,
        "signature": signature,
        "scope": scope,
        "instance_url": s.base_url,
        "id": id,
        "token_type": "Bearer",
        "issued_at": issued_at,
    });
    if let Some(r) = refresh
        && let Value::Object(m) = &mut body
    {
        m.insert("refresh_token".into(), Value::String(r.to_string()));
    }
    (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store")],
        Json(body),
    )
        .into_response()
}

pub(crate) async fn token(State(s): S, body: Bytes) -> Response {
    let p = params(&body);
    let client_ok = p.get("client_id").map(String::as_str) == Some(s.config.consumer_key.as_str());
    match p.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            if !client_ok {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_client_id",
                    "client identifier invalid",
                );
            }
            authorization_code(&s, &p)
        }
        Some("refresh_token") => {
            if !client_ok {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_client_id",
                    "client identifier invalid",
                );
            }
            refresh(&s, &p)
        }
        _ => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant type not supported",
        ),
    }
}

fn authorization_code(s: &Shared, p: &HashMap<String, String>) -> Response {
    let code = p.get("code").map(String::as_str).unwrap_or("");
    let now = s.clock.now_ms();
    let mut g = s.grants();
    let key = digest(code);
    let Some(entry) = g.codes.get(&key).cloned() else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "invalid authorization code",
        );
    };
    if entry.used {
        // A replayed code is a stolen code: withdraw what it produced (RFC 6749 §4.1.2).
        for d in &entry.issued {
            if g.refresh.contains_key(d) {
                s.revoke_refresh(&mut g, d);
            } else if let Some(a) = g.access.get_mut(d) {
                a.revoked = true;
                s.persist_revoked(std::slice::from_ref(d));
            }
        }
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "expired authorization code",
        );
    }
    if entry.expires_ms <= now {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "expired authorization code",
        );
    }
    if p.get("redirect_uri").map(String::as_str) != Some(entry.redirect_uri.as_str()) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "redirect_uri_mismatch",
            "redirect_uri must match configuration",
        );
    }
    if entry.client_id != s.config.consumer_key {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_client_id",
            "client identifier invalid",
        );
    }
    if let Some(challenge) = &entry.challenge {
        let verifier = p.get("code_verifier").map(String::as_str).unwrap_or("");
        let valid_shape = (43..=128).contains(&verifier.len())
            && verifier
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
        let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        if !valid_shape || &computed != challenge {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "invalid code verifier",
            );
        }
    }
    if let Some(e) = g.codes.get_mut(&key) {
        e.used = true;
    }
    match s.user(&entry.user_id) {
        Some(u) if u.is_active => {}
        _ => return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "inactive user"),
    }
    let issued = s.issue(&mut g, &entry.user_id, &entry.scope, None);
    if let Some(e) = g.codes.get_mut(&key) {
        e.issued.push(digest(&issued.access_token));
        if let Some(r) = &issued.refresh_token {
            e.issued.push(digest(r));
        }
    }
    drop(g);
    token_response(
        s,
        &entry.user_id,
        &entry.scope,
        &issued.access_token,
        issued.refresh_token.as_deref(),
        issued.issued_at_ms,
    )
}

fn refresh(s: &Shared, p: &HashMap<String, String>) -> Response {
    let token = p.get("refresh_token").map(String::as_str).unwrap_or("");
    let key = digest(token);
    let mut g = s.grants();
    let Some(r) = g.refresh.get(&key).cloned() else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "expired access/refresh token",
        );
    };
    if r.revoked {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "expired access/refresh token",
        );
    }
    match s.user(&r.user_id) {
        Some(u) if u.is_active => {}
        _ => return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "inactive user"),
    }
    let rotate = s.settings().rotate_refresh_tokens;
    let issued = if rotate {
        s.revoke_refresh(&mut g, &key);
        s.issue(&mut g, &r.user_id, &r.scope, None)
    } else {
        s.issue(&mut g, &r.user_id, &r.scope, Some(key))
    };
    drop(g);
    token_response(
        s,
        &r.user_id,
        &r.scope,
        &issued.access_token,
        issued.refresh_token.as_deref(),
        issued.issued_at_ms,
    )
}

pub(crate) async fn revoke(State(s): S, RawQuery(q): RawQuery, body: Bytes) -> Response {
    let mut p = params(&body);
    if !p.contains_key("token") {
        p = params(q.unwrap_or_default().as_bytes());
    }
    let token = p.get("token").map(String::as_str).unwrap_or("");
    let key = digest(token);
    let mut g = s.grants();
    if g.refresh.contains_key(&key) {
        s.revoke_refresh(&mut g, &key);
    } else if let Some(a) = g.access.get_mut(&key) {
        a.revoked = true;
        s.persist_revoked(std::slice::from_ref(&key));
    } else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_token_type",
            "this token type is not supported",
        );
    }
    StatusCode::OK.into_response()
}

/// The bearer token of a request, from `Authorization: Bearer …` (or `OAuth …`).
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("oauth"))
        .then(|| token.trim())
}

fn bad_token() -> Response {
    (StatusCode::FORBIDDEN, "Bad_OAuth_Token").into_response()
}

/// RFC 6750 §3.1: "insufficient_scope: The request requires higher privileges than provided by
/// the access token. The resource server SHOULD respond with the HTTP 403 (Forbidden) status
/// code", naming the error in `WWW-Authenticate`. OpenID Connect Core §5.3.3 makes the UserInfo
/// endpoint answer its errors this way.
fn insufficient_scope() -> Response {
    let mut r = (
        StatusCode::FORBIDDEN,
        Json(json!({
            "error": "insufficient_scope",
            "error_description": "the access token was not issued with the openid scope",
        })),
    )
        .into_response();
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static(
            "Bearer error=\"insufficient_scope\", error_description=\"openid scope required\", scope=\"openid\"",
        ),
    );
    r
}

/// The OpenID Connect UserInfo endpoint. Strict like a standards-conformant provider: OIDC Core
/// §5.3 "The Access Token obtained from an OpenID Connect Authentication Request MUST be sent as a
/// Bearer Token", and §3.1.2.1 "OpenID Connect requests MUST contain the openid scope value", so a
/// token granted without `openid` is refused with `insufficient_scope`.
pub(crate) async fn userinfo(State(s): S, headers: HeaderMap) -> Response {
    let Some((u, scope)) = bearer(&headers).and_then(|t| s.session(t)) else {
        return bad_token();
    };
    if !scope.split(' ').any(|x| x == "openid") {
        return insufficient_scope();
    }
    Json(json!({
        "sub": s.identity_url(&u.id),
        "user_id": u.id,
        "organization_id": s.org.id,
        "preferred_username": u.username,
        "nickname": u.username.split('@').next().unwrap_or(""),
        "name": u.name(),
        "email": u.email,
        "email_verified": true,
        "given_name": u.first_name,
        "family_name": u.last_name,
        "zoneinfo": "Asia/Taipei",
        "profile": format!("{}/{}", s.base_url, u.id),
        "active": u.is_active,
        "user_type": "STANDARD",
        "language": "en_US",
        "locale": "en_US",
        "utcOffset": 28_800_000,
        "is_app_installed": true,
        "urls": urls(&s, &u.id),
    }))
    .into_response()
}

fn urls(s: &Shared, user_id: &str) -> Value {
    let b = &s.base_url;
    let v = super::rest::LATEST_VERSION;
    json!({
        "enterprise": format!("{b}/services/Soap/c/{v}/{}", &s.org.id[..15]),
        "partner": format!("{b}/services/Soap/u/{v}/{}", &s.org.id[..15]),
        "rest": format!("{b}/services/data/v{v}/"),
        "sobjects": format!("{b}/services/data/v{v}/sobjects/"),
        "query": format!("{b}/services/data/v{v}/query/"),
        "tooling_rest": format!("{b}/services/data/v{v}/tooling/"),
        "profile": format!("{b}/{user_id}"),
        "custom_domain": b,
    })
}

pub(crate) async fn identity(
    State(s): S,
    Path((org, user)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let Some((u, _)) = bearer(&headers).and_then(|t| s.session(t)) else {
        return bad_token();
    };
    if org != s.org.id || user != u.id {
        return (StatusCode::FORBIDDEN, "Bad_Id").into_response();
    }
    Json(json!({
        "id": s.identity_url(&u.id),
        "asserted_user": true,
        "user_id": u.id,
        "organization_id": s.org.id,
        "username": u.username,
        "nick_name": u.username.split('@').next().unwrap_or(""),
        "display_name": u.name(),
        "email": u.email,
        "email_verified": true,
        "first_name": u.first_name,
        "last_name": u.last_name,
        "timezone": "Asia/Taipei",
        "active": u.is_active,
        "user_type": "STANDARD",
        "language": "en_US",
        "locale": "en_US",
        "utcOffset": 28_800_000,
        "is_lightning_login_user": false,
        "urls": urls(&s, &u.id),
    }))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_html() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn redirect_appends_to_existing_query() {
        let r = redirect_with("http://127.0.0.1:1/cb?x=1", &[("code", "a b")]);
        assert_eq!(
            r.headers()[header::LOCATION],
            "http://127.0.0.1:1/cb?x=1&code=a+b"
        );
    }

    #[test]
    fn bearer_parsing() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h), None);
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert_eq!(bearer(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), None);
    }
}
