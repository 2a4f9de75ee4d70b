//! `cargo run -p reqwest-emitter -- [TO]`: sends a signed Revel `ping` (meant for
//! `https://partner.example/revel`) to TO (default `http://127.0.0.1:3000/revel`, where
//! `cargo run -p axum-receiver` listens), secret from `REVEL_SECRET` (default `example-secret`).

use std::time::{SystemTime, UNIX_EPOCH};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let to = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:3000/revel".into());
    let secret = std::env::var("REVEL_SECRET").unwrap_or_else(|_| "example-secret".into());
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() as i64;
    let endpoint = reqwest_emitter::revel_endpoint("https://partner.example/revel", &secret)?;
    let request = reqwest_emitter::revel_request(
        &endpoint,
        "ping",
        br#"{"ping": "pong"}"#,
        now,
        "msg_ping_1",
    )?;
    let response = reqwest_emitter::send(&reqwest::Client::new(), request, Some(&to)).await?;
    println!("{} {}", response.status(), response.text().await?);
    Ok(())
}
