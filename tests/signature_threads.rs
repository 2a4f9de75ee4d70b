//! Verifiers, signers, filters and receivers can be shared between threads (issue 12 item 5):
//! `Send + Sync`, asserted at compile time, and one `Verifier` used from several threads at
//! once gives every thread the same answers.

use bytes::Bytes;
use http::HeaderMap;
use pos_webhooks::{
    Endpoint, EndpointSet, EventFilter, Message, Receiver, Scheme, Secret, Signed, Signer,
    Verification, Verified, Verifier, VerifyError,
};

const fn shareable<T: Send + Sync>() {}

const _: () = {
    shareable::<Verifier>();
    shareable::<Signer>();
    shareable::<Secret>();
    shareable::<Signed>();
    shareable::<Verified>();
    shareable::<Verification>();
    shareable::<VerifyError>();
    shareable::<EventFilter>();
    shareable::<Receiver>();
    shareable::<Endpoint>();
    shareable::<EndpointSet>();
};

#[test]
fn one_verifier_shared_by_threads() {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let verifier = Verifier::new(Scheme::Standard, [secret]).unwrap();
    let signer = Signer::new(Scheme::Standard, [secret]).unwrap();
    let requests: Vec<(HeaderMap, Bytes)> = (0..64)
        .map(|i| {
            let body = Bytes::from(format!("{{\"n\":{i}}}"));
            let mut map = HeaderMap::new();
            signer
                .sign(
                    &Message::new(&body)
                        .id(&format!("msg_{i}"))
                        .timestamp(1_700_000_000),
                )
                .unwrap()
                .insert_into(&mut map)
                .unwrap();
            (map, body)
        })
        .collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let verifier = &verifier;
                let requests = &requests;
                scope.spawn(move || {
                    let mut ids = Vec::new();
                    for round in 0..50 {
                        for (map, body) in requests {
                            let ok = verifier.verify(map, body.clone(), 1_700_000_000).unwrap();
                            if round == 0 {
                                ids.push(ok.id().unwrap().to_owned());
                            }
                        }
                        // A tampered body fails the same way on every thread.
                        let (map, _) = &requests[(t + round) % requests.len()];
                        assert_eq!(
                            verifier.verify(map, Bytes::from_static(b"x"), 1_700_000_000),
                            Err(VerifyError::SignatureMismatch)
                        );
                    }
                    ids
                })
            })
            .collect();
        for handle in handles {
            let ids = handle.join().unwrap();
            assert_eq!(ids.len(), 64);
            assert_eq!(ids[7], "msg_7");
        }
    });
}
