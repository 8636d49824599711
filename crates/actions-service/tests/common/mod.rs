//! Shared helpers for the HTTP tests: start a service on 127.0.0.1 and talk to it.
//! Each test gets its own service on a free port.

#![allow(dead_code)]

use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{Value, json};
use sia_actions_service::{ActionsConfig, ActionsService};

pub const TOKEN: &str = "test-token-1";
pub const USER_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const GROUP_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const EXT_URN: &str = "urn:sia:params:scim:schemas:extension:actions:2.0:User";
pub const PATCH_URN: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
pub const BULK_URN: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

pub struct Server {
    pub base: String,
    pub service: ActionsService,
    pub http: Client,
}

pub async fn start(config: ActionsConfig) -> Server {
    let service = ActionsService::new(config).expect("service starts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    let router = service.router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    Server {
        base: format!("http://{addr}"),
        service,
        http: Client::new(),
    }
}

pub async fn start_default() -> Server {
    start(ActionsConfig::with_token(TOKEN)).await
}

/// A started service whose instance is activated by `admin@example.com`.
pub async fn start_active(config: ActionsConfig) -> (Server, String) {
    let s = start(config).await;
    let (status, body) = s
        .call(
            Method::POST,
            "/api/v1/instance/activation",
            Some(json!({ "admins": [{ "email": "admin@example.com" }] })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id = body["instance"]["originalUserId"]
        .as_str()
        .expect("original user")
        .to_owned();
    (s, id)
}

impl Server {
    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Response {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(TOKEN);
        if let Some(b) = body {
            let ct = if path.starts_with("/scim/") {
                "application/scim+json"
            } else {
                "application/json"
            };
            req = req.header("content-type", ct).body(b.to_string());
        }
        req.send().await.expect("request reaches the service")
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let r = self.send(method, path, body).await;
        let status = r.status();
        let text = r.text().await.unwrap_or_default();
        let v = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("JSON body")
        };
        (status, v)
    }

    pub async fn invite(&self, email: &str) -> (StatusCode, Value) {
        self.call(
            Method::POST,
            "/scim/v2/Users",
            Some(json!({ "schemas": [USER_URN], "userName": email })),
        )
        .await
    }

    pub async fn invite_with(&self, email: &str, ext: Value) -> (StatusCode, Value) {
        self.call(
            Method::POST,
            "/scim/v2/Users",
            Some(json!({ "schemas": [USER_URN], "userName": email, EXT_URN: ext })),
        )
        .await
    }

    pub async fn accept(&self, user_id: &str) -> (StatusCode, Value) {
        self.call(
            Method::POST,
            &format!("/api/v1/demo/users/{user_id}/accept-invitation"),
            None,
        )
        .await
    }

    /// Accepts for the original user and connects Marketo as them.
    pub async fn connect_marketo(&self, owner: &str) -> (StatusCode, Value) {
        let (st, _) = self.accept(owner).await;
        assert_eq!(st, StatusCode::OK);
        let (st, info) = self
            .call(Method::GET, "/api/v1/instance/integration", None)
            .await;
        assert_eq!(st, StatusCode::OK);
        self.call(
            Method::POST,
            "/api/v1/connections/marketo",
            Some(json!({
                "ownerUserId": owner,
                "munchkinId": info["munchkinId"],
                "clientId": info["clientId"],
                "clientSecret": info["clientSecret"],
            })),
        )
        .await
    }
}
