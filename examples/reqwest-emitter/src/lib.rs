//! A POS sending the crate's signed `http::Request<Bytes>` with reqwest 0.13.
//!
//! The crate builds the request (URL, headers, signature, body); sending it is
//! `reqwest::Request::try_from` and `Client::execute`. [`send`] is the whole glue.

use bytes::Bytes;
use pos_webhooks::{Auth, Endpoint, OutgoingEvent, Scheme, Vendor};

/// A Revel endpoint of the partner at `url` (https: Revel requires it), signed with `secret`.
pub fn revel_endpoint(url: &str, secret: &str) -> Result<Endpoint, pos_webhooks::EndpointError> {
    Endpoint::builder(url)
        .vendor(Vendor::Revel {
            instance: "example".into(),
        })
        .auth(Auth::Signature {
            scheme: Scheme::Revel,
            secrets: vec![secret.into()],
        })
        .build()
}

/// A signed request for `event_type` with `body`, store 1, at time `now`.
pub fn revel_request(
    endpoint: &Endpoint,
    event_type: &str,
    body: &'static [u8],
    now: i64,
    message_id: &str,
) -> Result<http::Request<Bytes>, pos_webhooks::RequestError> {
    let event = OutgoingEvent::new(event_type, Bytes::from_static(body)).for_store("1");
    endpoint.request(&event, now, message_id)
}

// The sending glue: everything a POS writes around the crate.
pub async fn send(
    client: &reqwest::Client,
    mut request: http::Request<Bytes>,
    to: Option<&str>,
) -> Result<reqwest::Response, Box<dyn std::error::Error + Send + Sync>> {
    if let Some(to) = to {
        *request.uri_mut() = to.parse()?; // local testing: same request, another address
    }
    Ok(client.execute(reqwest::Request::try_from(request)?).await?)
}
