//! Marketo REST handlers: identity token, lead describe and lookup, user management.
//! Every REST call passes the same gate as on the real service: token, then 606, 615 and 607.
// Handlers bail out early with a finished Response; boxing it would only add an allocation.
#![allow(clippy::result_large_err)]

use super::config::MarketoConfig;
use super::limits::{Admitted, LimitSettings, Limiter, Refusal, day_of};
use super::seed::{
    self, ACTIONS_API_USERID, DEFAULT_FIELDS, FIELDS, MarketoUser, People, SEARCHABLE,
};
use super::usage::{Usage, date_of_day};
use crate::clock::Clock;
use crate::ids::{random_uuid, sf_id_number};
use crate::prng::mix;
use crate::store::{Store, digest};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// Most filter values and records per `leads.json` call.
pub const MAX_BATCH: usize = 300;

pub(crate) struct Shared {
    pub config: MarketoConfig,
    pub clock: Clock,
    pub limiter: Limiter,
    pub token_ttl: Mutex<Duration>,
    /// Client id -> the live token of that API user and when it expires.
    pub live: Mutex<HashMap<String, (String, i64)>>,
    /// Digest -> (expiry, API user id) of every token handed out, to tell expired (602) from
    /// unknown (601), and to count each call for the user the token was issued to.
    pub issued: Mutex<HashMap<String, (i64, String)>>,
    /// Calls per API user per day (`stats/usage.json`).
    pub usage: Usage,
    pub owners: Vec<String>,
    pub users: Vec<MarketoUser>,
    pub email_index: OnceLock<HashMap<String, Vec<u64>>>,
    pub requests: AtomicU64,
    pub store: Option<Arc<Store>>,
}

impl Shared {
    pub fn new(
        config: MarketoConfig,
        clock: Clock,
        owners: Vec<String>,
        store: Option<Arc<Store>>,
    ) -> Shared {
        let limiter = Limiter::new(
            clock.clone(),
            LimitSettings {
                rate_limit: config.rate_limit,
                rate_window: config.rate_window,
                max_concurrent: config.max_concurrent,
                daily_quota: config.daily_quota,
            },
        );
        let mut live = HashMap::new();
        let mut issued = HashMap::new();
        if let Some(store) = &store {
            for (client_id, _, userid) in api_clients(&config) {
                match store.mk_token(client_id) {
                    Ok(Some((token, exp))) => {
                        issued.insert(digest(&token), (exp, userid.to_string()));
                        live.insert(client_id.to_string(), (token, exp));
                    }
                    Ok(None) => {}
                    Err(e) => tracing::warn!(code = e.code(), "could not load the Marketo token"),
                }
            }
        }
        Shared {
            token_ttl: Mutex::new(config.token_ttl),
            config,
            clock,
            limiter,
            live: Mutex::new(live),
            issued: Mutex::new(issued),
            owners,
            users: seed::users(),
            email_index: OnceLock::new(),
            requests: AtomicU64::new(0),
            usage: Usage::default(),
            store,
        }
    }

    /// The secret and API user id of `client_id`, if it is one of the stand-in's API clients.
    fn api_client(&self, client_id: &str) -> Option<(&str, &str)> {
        api_clients(&self.config)
            .find(|(id, ..)| *id == client_id)
            .map(|(_, secret, userid)| (secret, userid))
    }

    /// Today's number in Marketo's quota day (midnight US Central Standard Time).
    pub fn today(&self) -> i64 {
        day_of(self.clock.now_ms())
    }

    pub fn people(&self) -> People<'_> {
        People {
            seed: self.config.seed,
            count: self.config.people,
            owned_percent: self.config.owned_percent.min(100),
            owners: &self.owners,
        }
    }

    fn request_id(&self) -> String {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        format!("{:x}#{:x}", mix(n, 7) & 0xffff, self.clock.now_ms())
    }

    fn emails(&self) -> &HashMap<String, Vec<u64>> {
        self.email_index.get_or_init(|| {
            let people = self.people();
            let mut idx: HashMap<String, Vec<u64>> = HashMap::new();
            for id in 1..=people.count {
                if let Some(p) = people.get(id)
                    && let Some(e) = p.get("email").and_then(Value::as_str)
                {
                    idx.entry(e.to_lowercase()).or_default().push(id);
                }
            }
            idx
        })
    }
}

/// (client id, client secret, API user id) of every API client: the Integration Information's
/// (Actions' API user), then the other integrations'.
fn api_clients(config: &MarketoConfig) -> impl Iterator<Item = (&str, &str, &str)> {
    let main = &config.credentials;
    std::iter::once((
        main.client_id.as_str(),
        main.client_secret.as_str(),
        ACTIONS_API_USERID,
    ))
    .chain(config.other_api_clients.iter().map(|c| {
        (
            c.client_id.as_str(),
            c.client_secret.as_str(),
            c.userid.as_str(),
        )
    }))
}

type S = State<Arc<Shared>>;

fn params(raw: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(raw) {
        out.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    out
}

fn identity_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

pub(crate) async fn token(State(s): S, RawQuery(q): RawQuery, body: Bytes) -> Response {
    let mut p = params(q.unwrap_or_default().as_bytes());
    for (k, v) in params(&body) {
        p.entry(k).or_insert(v);
    }
    match p.get("grant_type").map(String::as_str) {
        None => {
            return identity_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Missing grant type",
            );
        }
        Some("client_credentials") => {}
        Some(_) => {
            return identity_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "Unsupported grant type",
            );
        }
    }
    // Exact comparison: a pasted id with a stray space is a different id, as on the real service.
    let client_id = p.get("client_id").map(String::as_str).unwrap_or_default();
    let Some((secret, userid)) = s.api_client(client_id) else {
        return identity_error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Bad client credentials",
        );
    };
    if p.get("client_secret").map(String::as_str) != Some(secret) {
        return identity_error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Bad client credentials",
        );
    }
    let now = s.clock.now_ms();
    let mut live = s.live.lock().unwrap_or_else(|e| e.into_inner());
    let (token, expires) = match live.get(client_id) {
        Some((t, exp)) if *exp > now => (t.clone(), *exp),
        _ => {
            let ttl = *s.token_ttl.lock().unwrap_or_else(|e| e.into_inner());
            let t = format!("{}:sj", random_uuid());
            let exp = now + ttl.as_millis() as i64;
            s.issued
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(digest(&t), (exp, userid.to_string()));
            if let Some(store) = &s.store
                && let Err(e) = store.put_mk_token(client_id, &t, exp)
            {
                tracing::warn!(code = e.code(), "could not persist the Marketo token");
            }
            live.insert(client_id.to_string(), (t.clone(), exp));
            (t, exp)
        }
    };
    let expires_in = ((expires - now - 1) / 1000).max(0);
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({
            "access_token": token,
            "token_type": "bearer",
            "expires_in": expires_in,
            "scope": userid,
        })),
    )
        .into_response()
}

/// How an endpoint reports a refused call.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    /// HTTP 200 with `success:false` (the lead database API).
    Envelope,
    /// Non-200 status with the same body (user management, which has no `success` field).
    Bare,
}

fn refuse(s: &Shared, style: Style, code: u16, message: &str) -> Response {
    let body = json!({
        "requestId": s.request_id(),
        "success": false,
        "errors": [{"code": code.to_string(), "message": message}],
    });
    let status = match (style, code) {
        (Style::Envelope, 610) => StatusCode::NOT_FOUND,
        (Style::Envelope, _) => StatusCode::OK,
        (Style::Bare, 600..=602) => StatusCode::UNAUTHORIZED,
        (Style::Bare, 603) => StatusCode::FORBIDDEN,
        (Style::Bare, 606 | 607 | 615) => StatusCode::TOO_MANY_REQUESTS,
        (Style::Bare, 610 | 1004) => StatusCode::NOT_FOUND,
        (Style::Bare, _) => StatusCode::BAD_REQUEST,
    };
    (status, Json(body)).into_response()
}

/// Token check, then the shared limits; holds admitted calls while a test keeps the gate closed.
async fn gate(
    s: &Shared,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
    style: Style,
) -> Result<Admitted, Response> {
    let from_header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().to_string());
    let Some(token) = from_header.or_else(|| query.get("access_token").cloned()) else {
        return Err(refuse(s, style, 600, "Empty access token"));
    };
    let issued = s
        .issued
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&digest(&token))
        .cloned();
    let userid = match issued {
        None => return Err(refuse(s, style, 601, "Access token invalid")),
        Some((exp, _)) if exp <= s.clock.now_ms() => {
            return Err(refuse(s, style, 602, "Access token expired"));
        }
        Some((_, userid)) => userid,
    };
    let settings = s.limiter.settings();
    let admitted = s.limiter.admit().map_err(|r| match r {
        Refusal::Rate => refuse(
            s,
            style,
            606,
            &format!(
                "Max rate limit '{}' exceeded with in '{}' secs",
                settings.rate_limit,
                settings.rate_window.as_secs()
            ),
        ),
        Refusal::Concurrency => refuse(s, style, 615, "Concurrent access limit reached"),
        Refusal::DailyQuota => refuse(s, style, 607, "Daily quota reached"),
    })?;
    // Admitted calls count, for the user the token was issued to (refused ones count nowhere).
    let today = s.today();
    s.usage.add(today, today, &userid, 1);
    s.limiter.wait_released().await;
    Ok(admitted)
}

fn ok(s: &Shared, result: Vec<Value>, next: Option<String>) -> Response {
    let mut body = json!({"requestId": s.request_id(), "result": result, "success": true});
    if let Some(t) = next {
        body["nextPageToken"] = Value::String(t);
    }
    Json(body).into_response()
}

pub(crate) async fn describe2(State(s): S, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let query = params(q.unwrap_or_default().as_bytes());
    let _admitted = match gate(&s, &headers, &query, Style::Envelope).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let fields: Vec<Value> = FIELDS
        .iter()
        .map(|(name, display, ty, len, upd, crm)| {
            let mut m = json!({"name": name, "displayName": display, "dataType": ty, "updateable": upd, "crmManaged": crm});
            if let Some(l) = len {
                m["length"] = json!(l);
            }
            m
        })
        .collect();
    let searchable: Vec<Value> = SEARCHABLE.iter().map(|f| json!([f])).collect();
    ok(
        &s,
        vec![json!({"name": "API Lead", "searchableFields": searchable, "fields": fields})],
        None,
    )
}

enum Candidates {
    List(Vec<u64>),
    All(u64),
}

impl Candidates {
    fn len(&self) -> usize {
        match self {
            Candidates::List(v) => v.len(),
            Candidates::All(n) => *n as usize,
        }
    }

    fn at(&self, i: usize) -> Option<u64> {
        match self {
            Candidates::List(v) => v.get(i).copied(),
            Candidates::All(n) => ((i as u64) < *n).then_some(i as u64 + 1),
        }
    }
}

fn fingerprint(parts: &[&str]) -> u64 {
    // FNV-1a: stable across runs, so tokens stay valid across a restart.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0)) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn base32(data: &[u8]) -> String {
    let mut out = String::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for b in data {
        buf = (buf << 8) | *b as u32;
        bits += 8;
        while bits >= 5 {
            out.push(B32[((buf >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(B32[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}

fn unbase32(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = B32.iter().position(|x| *x == c)? as u32;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            out.push((buf >> (bits - 8)) as u8);
            bits -= 8;
        }
    }
    Some(out)
}

fn page_token(fp: u64, pos: usize) -> String {
    base32(format!("{fp:x}:{pos}").as_bytes())
}

fn parse_page_token(t: &str, fp: u64) -> Option<usize> {
    let raw = String::from_utf8(unbase32(t)?).ok()?;
    let (f, pos) = raw.split_once(':')?;
    (u64::from_str_radix(f, 16).ok()? == fp).then_some(())?;
    pos.parse().ok()
}

fn matches(person: &Map<String, Value>, field: &str, values: &[String]) -> bool {
    let v = &person[field];
    values.iter().any(|want| match v {
        Value::String(s) if field.starts_with("sfdc") => {
            // Salesforce ids match in their 15- or 18-character form.
            let n = want.len().min(s.len()).min(15);
            want.len() >= 15 && s.get(..n) == want.get(..n)
        }
        Value::String(s) => s.eq_ignore_ascii_case(want),
        Value::Number(n) => n.to_string() == *want,
        _ => false,
    })
}

pub(crate) async fn leads(State(s): S, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let query = params(q.unwrap_or_default().as_bytes());
    let _admitted = match gate(&s, &headers, &query, Style::Envelope).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Some(filter_type) = query.get("filterType").filter(|f| !f.is_empty()) else {
        return refuse(
            &s,
            Style::Envelope,
            1002,
            "Missing value for required parameter 'filterType'",
        );
    };
    let Some(field) = SEARCHABLE
        .iter()
        .find(|f| f.eq_ignore_ascii_case(filter_type))
        .copied()
    else {
        return refuse(
            &s,
            Style::Envelope,
            1003,
            &format!("Invalid filterType '{filter_type}'"),
        );
    };
    let values: Vec<String> = query
        .get("filterValues")
        .map(|v| {
            v.split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if values.is_empty() {
        return refuse(
            &s,
            Style::Envelope,
            1002,
            "Missing value for required parameter 'filterValues'",
        );
    }
    if values.len() > MAX_BATCH {
        return refuse(
            &s,
            Style::Envelope,
            1003,
            &format!("Number of filterValues exceeds limit of {MAX_BATCH}"),
        );
    }
    let batch = match query.get("batchSize").map(|b| b.parse::<usize>()) {
        None => MAX_BATCH,
        Some(Ok(n)) if (1..=MAX_BATCH).contains(&n) => n,
        Some(_) => {
            return refuse(
                &s,
                Style::Envelope,
                1003,
                &format!("Invalid batchSize, must be between 1 and {MAX_BATCH}"),
            );
        }
    };
    let fields: Vec<&'static str> = match query.get("fields").filter(|f| !f.trim().is_empty()) {
        None => DEFAULT_FIELDS.to_vec(),
        Some(list) => {
            let mut out = Vec::new();
            for name in list.split(',').map(str::trim).filter(|x| !x.is_empty()) {
                match FIELDS.iter().find(|(n, ..)| n.eq_ignore_ascii_case(name)) {
                    Some((n, ..)) => out.push(*n),
                    None => {
                        return refuse(
                            &s,
                            Style::Envelope,
                            1006,
                            &format!("Field '{name}' not found"),
                        );
                    }
                }
            }
            out
        }
    };
    let people = s.people();
    let candidates = match field {
        "id" => Candidates::List(
            values
                .iter()
                .filter_map(|v| v.parse::<u64>().ok())
                .collect(),
        ),
        "email" => Candidates::List(
            values
                .iter()
                .flat_map(|v| {
                    s.emails()
                        .get(&v.to_lowercase())
                        .cloned()
                        .unwrap_or_default()
                })
                .collect(),
        ),
        "sfdcLeadId" => Candidates::List(
            values
                .iter()
                .filter_map(|v| sf_id_number(v, "00Q"))
                .collect(),
        ),
        "sfdcContactId" => Candidates::List(
            values
                .iter()
                .filter_map(|v| sf_id_number(v, "003"))
                .collect(),
        ),
        _ => Candidates::All(people.count),
    };
    let mut sorted_values = values.clone();
    sorted_values.sort();
    let fp = fingerprint(&[field, &sorted_values.join(","), &people.count.to_string()]);
    let start = match query.get("nextPageToken") {
        None => 0,
        Some(t) => match parse_page_token(t, fp) {
            Some(p) if p <= candidates.len() => p,
            _ => return refuse(&s, Style::Envelope, 1003, "Invalid nextPageToken"),
        },
    };
    let mut result = Vec::new();
    let mut next = None;
    let mut pos = start;
    while pos < candidates.len() {
        let Some(id) = candidates.at(pos) else { break };
        if let Some(person) = people.get(id)
            && matches(&person, field, &values)
        {
            if result.len() == batch {
                next = Some(page_token(fp, pos));
                break;
            }
            let mut out = Map::new();
            for f in &fields {
                out.insert(
                    (*f).to_string(),
                    person.get(*f).cloned().unwrap_or(Value::Null),
                );
            }
            result.push(Value::Object(out));
        }
        pos += 1;
    }
    ok(&s, result, next)
}

fn user_json(u: &MarketoUser) -> Value {
    json!({
        "userid": u.userid,
        "firstName": u.first_name,
        "lastName": u.last_name,
        "emailAddress": u.email_address,
        "id": u.id,
        "apiOnly": u.api_only,
        "isLocked": u.is_locked,
        "failedLogins": 0,
        "failedDeviceCode": false,
        "createdAt": "2023-02-01T08:00:00.000+0000",
        "updatedAt": "2025-06-01T08:00:00.000+0000",
        "lastLoginAt": if u.api_only { Value::Null } else { json!("2025-11-20T01:30:00.000+0000") },
        "expiresAt": null,
    })
}

pub(crate) async fn all_users(State(s): S, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let query = params(q.unwrap_or_default().as_bytes());
    let _admitted = match gate(&s, &headers, &query, Style::Bare).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let offset = query
        .get("pageOffset")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let size = query
        .get("pageSize")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(20)
        .clamp(1, 200);
    let list: Vec<Value> = s
        .users
        .iter()
        .skip(offset)
        .take(size)
        .map(user_json)
        .collect();
    Json(list).into_response()
}

pub(crate) async fn roles(
    State(s): S,
    Path(userid): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let query = params(q.unwrap_or_default().as_bytes());
    let _admitted = match gate(&s, &headers, &query, Style::Bare).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Some(u) = s
        .users
        .iter()
        .find(|u| u.userid.eq_ignore_ascii_case(&userid))
    else {
        return refuse(&s, Style::Bare, 1004, "User not found");
    };
    let roles: Vec<Value> = u
        .roles
        .iter()
        .map(|(id, name)| {
            json!({"accessRoleId": id, "accessRoleName": name, "mlmAccessRoleName": name, "workspaceId": 1, "workspaceName": "Default"})
        })
        .collect();
    Json(roles).into_response()
}

fn usage_json(days: Vec<super::usage::DayUsage>) -> Vec<Value> {
    days.into_iter()
        .map(|(day, total, users)| {
            let users: Vec<Value> = users
                .into_iter()
                .map(|(u, n)| json!({"userId": u, "count": n}))
                .collect();
            json!({"date": date_of_day(day), "total": total, "users": users})
        })
        .collect()
}

// Marketo's Usage endpoint reference (experienceleague.adobe.com/en/docs/marketo-developer/
// marketo/rest/lead-database/usage): "GET /rest/v1/stats/usage.json — Retrieves API usage for the
// current day." Answer: `{"requestId":"5f7f#17d7d8f2b6f","success":true,"result":[{"date":
// "2015-10-17","total":1120,"users":[{"userId":"some.body@yahoo.com","count":200},…]}]}`; "Each
// object in the result array contains one day of usage totals and a per-user breakdown", `date`
// in YYYY-MM-DD format. Same authentication as the other REST APIs (Bearer token).
// The stand-in counts this call itself too (it is admitted before it answers), and always
// answers today's entry.
pub(crate) async fn usage_today(
    State(s): S,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let query = params(q.unwrap_or_default().as_bytes());
    let _admitted = match gate(&s, &headers, &query, Style::Envelope).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let today = s.today();
    let mut days = usage_json(s.usage.range(today, today));
    if days.is_empty() {
        days.push(json!({"date": date_of_day(today), "total": 0, "users": []}));
    }
    ok(&s, days, None)
}

// Same reference: "GET /rest/v1/stats/usage/last7days.json — Retrieves API usage for the last 7
// days. Each element in the result array represents one day." The order of the days is not
// documented; the stand-in lists the days that had calls (today and the six before), newest first.
pub(crate) async fn usage_last_7_days(
    State(s): S,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let query = params(q.unwrap_or_default().as_bytes());
    let _admitted = match gate(&s, &headers, &query, Style::Envelope).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let today = s.today();
    ok(&s, usage_json(s.usage.range(today - 6, today)), None)
}

pub(crate) async fn not_found(State(s): S) -> Response {
    refuse(&s, Style::Envelope, 610, "Requested resource not found")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip_and_reject_other_queries() {
        for junk in ["=", "A", "AAAAAAAA", "MFRGG===", "7777777777777777", "漢字"] {
            assert_eq!(parse_page_token(junk, 0xabc), None);
        }
        let t = page_token(0xabc, 1234);
        assert!(t.bytes().all(|b| B32.contains(&b)));
        assert_eq!(parse_page_token(&t, 0xabc), Some(1234));
        assert_eq!(parse_page_token(&t, 0xabd), None);
        assert_eq!(parse_page_token("not a token!", 0xabc), None);
        assert_eq!(parse_page_token("", 0xabc), None);
    }

    #[test]
    fn base32_round_trips() {
        for s in ["", "a", "hello world", "ff:0"] {
            assert_eq!(unbase32(&base32(s.as_bytes())).unwrap(), s.as_bytes());
        }
    }
}
