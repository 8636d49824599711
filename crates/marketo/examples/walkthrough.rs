//! Steps 3, 1 and 4 against the local stand-in, as the app will call them:
//! `cargo run -p sia-marketo --example walkthrough` prints what each screen would show.

use std::time::Instant;

use sia_marketo::{
    ClientConfig, Credentials, DEFAULT_PREVIEW_PAGES, Endpoint, MarketoClient,
    credentials_from_block, test_credentials,
};
use sia_sandbox::{Sandbox, SandboxConfig, SandboxPorts};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The demo's 5,000 people on free ports, so it runs beside a running demo.
    let mut config = SandboxConfig::demo();
    config.ports = SandboxPorts::ANY;
    let sb = Sandbox::start(config).await?;
    let c = sb.marketo_credentials();
    let block = format!(
        "Integration Information\nREST API Endpoint: {}/rest \nClient ID: {}\nClient Secret:\n{}\nCopy\n",
        sb.marketo_url(),
        c.client_id,
        c.client_secret
    );
    let pasted = credentials_from_block(&block).ok_or("not a block")?;
    println!("step 3 paste: {}", serde_json::to_string(&pasted.view())?);
    let t = Instant::now();
    let test = test_credentials(
        &pasted.munchkin_or_endpoint,
        Credentials {
            client_id: pasted.client_id.clone(),
            client_secret: pasted.client_secret.clone(),
        },
        ClientConfig::default(),
    )
    .await?;
    println!(
        "step 3 test ({:?}): {}",
        t.elapsed(),
        serde_json::to_string(&test)?
    );
    let client = MarketoClient::new(
        Endpoint::parse(&pasted.munchkin_or_endpoint)?,
        Credentials {
            client_id: pasted.client_id,
            client_secret: pasted.client_secret,
        },
        ClientConfig::default(),
    )?;
    let t = Instant::now();
    let admins = client.admin_users().await?;
    println!(
        "step 1 admins ({:?}): {}",
        t.elapsed(),
        serde_json::to_string(&admins)?
    );
    let t = Instant::now();
    let preview = client.sync_preview(DEFAULT_PREVIEW_PAGES).await?;
    println!(
        "step 4 preview ({:?}): {} people scanned, {} with a Salesforce owner, {} without, complete {}, missing fields {}",
        t.elapsed(),
        preview.people_scanned,
        preview.with_owner,
        preview.without_owner,
        preview.complete,
        preview.missing_fields
    );
    for f in &preview.fields {
        println!("  {:<26} {:<20} {:?}", f.label, f.marketo_field, f.status);
    }
    sb.shutdown().await;
    Ok(())
}
