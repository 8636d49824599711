//! Measures invite throughput over real HTTP on 127.0.0.1: 99 single SCIM creates, then one bulk of 99,
//! with state in memory and in a SQLite file. Run: cargo run -p sia-actions-service --example measure_invites

use std::time::Instant;

use serde_json::json;
use sia_actions_service::{ActionsConfig, ActionsService};

const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";

async fn serve(
    config: ActionsConfig,
) -> Result<(String, ActionsService), Box<dyn std::error::Error>> {
    let service = ActionsService::new(config)?;
    service.activate(&["admin@example.com"])?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let router = service.router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok((base, service))
}

async fn run(
    label: &str,
    config: ActionsConfig,
    bulk: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let (base, _service) = serve(config).await?;
    let http = reqwest::Client::new();
    let started = Instant::now();
    if bulk {
        let ops: Vec<_> = (0..99)
            .map(|i| json!({ "method": "POST", "bulkId": i.to_string(), "path": "/Users",
                             "data": { "schemas": [USER], "userName": format!("u{i}@example.com") } }))
            .collect();
        let body = json!({ "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": ops });
        let r = http
            .post(format!("{base}/scim/v2/Bulk"))
            .bearer_auth("m")
            .json(&body)
            .send()
            .await?;
        let v: serde_json::Value = r.json().await?;
        let created = v["Operations"]
            .as_array()
            .map_or(0, |o| o.iter().filter(|o| o["status"] == "201").count());
        if created != 99 {
            return Err(format!("only {created} of 99 created").into());
        }
    } else {
        for i in 0..99 {
            let body = json!({ "schemas": [USER], "userName": format!("u{i}@example.com") });
            let r = http
                .post(format!("{base}/scim/v2/Users"))
                .bearer_auth("m")
                .json(&body)
                .send()
                .await?;
            if r.status() != reqwest::StatusCode::CREATED {
                return Err(format!("invite {i}: {}", r.status()).into());
            }
        }
    }
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    println!(
        "{label:<22} 99 invites in {ms:7.1} ms ({:.2} ms each)",
        ms / 99.0
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let memory = || ActionsConfig {
        rate_limit: sia_actions_service::RateLimit {
            requests: 100_000,
            window: std::time::Duration::from_secs(60),
        },
        ..ActionsConfig::with_token("m")
    };
    let sqlite = |name: &str| ActionsConfig {
        sqlite_path: Some(dir.path().join(name)),
        ..memory()
    };
    run("memory, one by one", memory(), false).await?;
    run("memory, bulk", memory(), true).await?;
    run("sqlite, one by one", sqlite("a.sqlite"), false).await?;
    run("sqlite, bulk", sqlite("b.sqlite"), true).await?;
    Ok(())
}
