//! `cargo run -p axum-receiver -- [ADDR]`: a Revel receiver on ADDR (default 127.0.0.1:3000)
//! for `order.*` and `ping`, secret from `REVEL_SECRET` (default `example-secret`).

use pos_webhooks::{DuplicateFilter, Receiver, Scheme, Verifier};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3000".into());
    let secret = std::env::var("REVEL_SECRET").unwrap_or_else(|_| "example-secret".into());
    let receiver = Receiver::new(
        Verifier::new(Scheme::Revel, [secret])?,
        "order.*|ping".parse()?,
    )
    .with_duplicate_filter(DuplicateFilter::new(100_000));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}/revel", listener.local_addr()?);
    axum::serve(
        listener,
        axum_receiver::router(axum_receiver::App::new(receiver)),
    )
    .await?;
    Ok(())
}
