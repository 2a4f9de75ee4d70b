#!/usr/bin/env python3
"""Known-answer vectors for tests/vectors.rs, computed independently of the crate.

Python 3.11 standard library only (hmac, hashlib, base64): nothing here shares code with the
Rust implementation. Every scheme is re-implemented from its wire format as written in
/work/shared/VENDORS.md ("Schemes partners meet beside them") and the crate's notes:

    revel        X-Revel-Signature      hex  HMAC-SHA1(text key, body)
    mipos        Signature-Webhook      hex  HMAC-SHA256(text key, body)
    ordergroove  Ordergroove-Signature  ts=<ts>,sig=<hex HMAC-SHA256(text key, "{ts}.{body}")>
    stripe       Stripe-Signature       t=<ts>,v1=<hex HMAC-SHA256(whole text incl. whsec_, "{t}.{body}")>
    github       X-Hub-Signature-256    sha256=<hex HMAC-SHA256(text key, body)>
    shopify      X-Shopify-Hmac-Sha256  base64 HMAC-SHA256(text key, body)
    square       x-square-hmacsha256-signature  base64 HMAC-SHA256(text key, url + body)
    standard     webhook-id / webhook-timestamp / webhook-signature:
                 v1,<base64 HMAC-SHA256(base64-decode(text after whsec_), "{id}.{ts}.{body}")>

Usage:
    python3 tests/vectors/gen_vectors.py          # print the generated Rust block
    python3 tests/vectors/gen_vectors.py --check  # exit 1 unless tests/vectors.rs holds it verbatim

The printed block is pasted into tests/vectors.rs between the BEGIN/END GENERATED markers; it is
`#[rustfmt::skip]`, so formatting never changes it and `--check` stays exact.
"""

import base64
import hashlib
import hmac
import pathlib
import sys

# ---------------------------------------------------------------------------------------------
# Fixed inputs (the Rust test defines the same bodies with the same formulas; the secrets, id,
# timestamp and URL are emitted into the generated block, so there is one source for them).
# ---------------------------------------------------------------------------------------------

TS = 1_700_000_000
MSG_ID = "msg_2VectorsFromPython01"
SQUARE_URL = "https://partner.example/hooks/square?location=L1&v=2"
WHSEC = "whsec_"

# Emoji JSON body, NFC, written with escapes so no editor can change it (é is U+00E9).
EMOJI = '{"name":"Caf\u00e9 \u2615 \U0001F355"}'.encode("utf-8")
# Not UTF-8 at all.
INVALID_UTF8 = b"\xff\xfe{\x80}"
EMPTY = b""
# CRLF line ends, which must be signed as they are (never normalised).
CRLF = b'{\r\n  "event": "order.finalized",\r\n  "total": "4.86"\r\n}\r\n'
BIG_LEN = 1_048_576  # 1 MiB


def big_body() -> bytes:
    """Byte i = (i * 31 + 7) % 251: the same formula as `big_body()` in tests/vectors.rs."""
    return bytes((i * 31 + 7) % 251 for i in range(BIG_LEN))


BODIES = [
    ("Emoji", EMOJI),
    ("InvalidUtf8", INVALID_UTF8),
    ("Empty", EMPTY),
    ("Crlf", CRLF),
    ("Big", big_body()),
]

# One fixed secret per scheme. Some keys are non-ASCII text (their UTF-8 bytes are the key);
# Stripe's secret is valid base64 after `whsec_` on purpose: decoding it (Standard's rule) would
# give a different key, so a mixed-up key rule cannot pass.
SECRETS = {
    "Revel": "rvl_shared_secret_0001",
    "Mipos": "mipos-webhook-secret-7f3a",
    "Ordergroove": "og_verification_key_2024",
    "Standard": WHSEC + "c3RhbmRhcmQtd2ViaG9va3MtdmVjdG9yLWtleQ==",  # "standard-webhooks-vector-key"
    "Stripe": WHSEC + "dGhpcyBpcyBub3QgdGhlIGtleQ==",  # decodes to "this is not the key"
    "Github": "gh-s\u00e9cret-\u2615",
    "Shopify": "shpss_cl\u00e9_secr\u00e8te",
    "Square": "sq_sig_key_Ibxx-vectors",
}

# Rotation: two secrets, new first, for the list schemes; signed over EMOJI.
ROTATION = {
    "Stripe": ("whsec_new_rotation_key", "whsec_old_rotation_key"),
    "Ordergroove": ("og_key_new_2025", "og_key_old_2024"),
    "Standard": (
        WHSEC + "cm90YXRpb24gbmV3IGtleSAwMQ==",  # "rotation new key 01"
        WHSEC + "cm90YXRpb24gb2xkIGtleSAwMQ==",  # "rotation old key 01"
    ),
}

# ---------------------------------------------------------------------------------------------
# Independent implementation of each scheme.
# ---------------------------------------------------------------------------------------------


def mac(digest, key: bytes, *parts: bytes) -> bytes:
    return hmac.new(key, b"".join(parts), digest).digest()


def standard_key(text: str) -> bytes:
    encoded = text[len(WHSEC):] if text.startswith(WHSEC) else text
    return base64.b64decode(encoded, validate=True)


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def signature(scheme: str, secret: str, body: bytes, ts: int = TS, msg_id: str = MSG_ID) -> str:
    """The value of the header that carries the signature, for one secret."""
    key = secret.encode("utf-8")
    t = str(ts).encode("ascii")
    if scheme == "Revel":
        return mac(hashlib.sha1, key, body).hex()
    if scheme == "Mipos":
        return mac(hashlib.sha256, key, body).hex()
    if scheme == "Github":
        return "sha256=" + mac(hashlib.sha256, key, body).hex()
    if scheme == "Shopify":
        return b64(mac(hashlib.sha256, key, body))
    if scheme == "Square":
        return b64(mac(hashlib.sha256, key, SQUARE_URL.encode("utf-8"), body))
    if scheme == "Stripe":
        # The whole text, `whsec_` included, is the key: no decoding.
        return f"t={ts},v1=" + mac(hashlib.sha256, key, t, b".", body).hex()
    if scheme == "Ordergroove":
        return f"ts={ts},sig=" + mac(hashlib.sha256, key, t, b".", body).hex()
    if scheme == "Standard":
        raw = mac(hashlib.sha256, standard_key(secret), msg_id.encode("ascii"), b".", t, b".", body)
        return "v1," + b64(raw)
    raise ValueError(scheme)


def list_signature(scheme: str, secrets, body: bytes) -> str:
    """The header value a sender emits during a rotation: one signature per secret, new first."""
    singles = [signature(scheme, s, body) for s in secrets]
    if scheme == "Standard":
        return " ".join(singles)
    prefix = f"t={TS}" if scheme == "Stripe" else f"ts={TS}"
    return prefix + "".join(s[len(prefix):] for s in singles)


# ---------------------------------------------------------------------------------------------
# Self-checks against published vectors: the Python side must reproduce them before it is
# trusted to produce new ones.
# ---------------------------------------------------------------------------------------------


def self_check() -> None:
    def std(secret, msg_id, ts, body):
        raw = mac(hashlib.sha256, standard_key(secret), msg_id.encode(), b".", str(ts).encode(), b".", body)
        return "v1," + b64(raw)

    assert std("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
               1614265330, b'{"test": 2432232314}') == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert std("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
               1649367553, b'{"email":"test@example.com","username":"test_user"}') == \
        "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw="
    assert mac(hashlib.sha256, b"It's a Secret to Everybody", b"Hello, World!").hex() == \
        "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    square_body = (b'{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification",'
                   b'"event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f",'
                   b'"created_at":"2022-07-13T20:30:59.037339943Z",'
                   b'"data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}')
    assert b64(mac(hashlib.sha256, b"Ibxx_5AKakO-3qeNVR61Dw",
                   b"https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9", square_body)) == \
        "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4="
    # RFC 2202 (HMAC-SHA1) and RFC 4231 (HMAC-SHA256), the cases whose key is UTF-8 text.
    assert mac(hashlib.sha1, b"Jefe", b"what do ya want for nothing?").hex() == \
        "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
    assert mac(hashlib.sha1, b"\x0b" * 20, b"Hi There").hex() == "b617318655057264e28bc0b6fb378c8ef146be00"
    assert mac(hashlib.sha1, bytes(range(1, 26)), b"\xcd" * 50).hex() == \
        "4c9007f4026250c6bc8414f9bf50c86c2d7235da"
    assert mac(hashlib.sha1, b"\x0c" * 20, b"Test With Truncation").hex() == \
        "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"
    assert mac(hashlib.sha256, b"Jefe", b"what do ya want for nothing?").hex() == \
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert mac(hashlib.sha256, b"\x0b" * 20, b"Hi There").hex() == \
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    assert mac(hashlib.sha256, bytes(range(1, 26)), b"\xcd" * 50).hex() == \
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
    # The Stripe key rule really differs from Standard's for the chosen secret.
    assert standard_key(SECRETS["Stripe"]) != SECRETS["Stripe"].encode()
    assert len(BODIES[-1][1]) == BIG_LEN


# ---------------------------------------------------------------------------------------------
# Rust output.
# ---------------------------------------------------------------------------------------------


def rust_str(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            out.append("\\u{%x}" % ord(ch))
    return '"' + "".join(out) + '"'


BEGIN = "// ---- BEGIN GENERATED by tests/vectors/gen_vectors.py (do not edit by hand) ----"
END = "// ---- END GENERATED ----"


def generate() -> str:
    big = BODIES[-1][1]
    lines = [
        BEGIN,
        "// Computed with Python's hmac/hashlib/base64 modules (an implementation independent of",
        "// this crate), not with the crate itself.",
        "#[rustfmt::skip]",
        "mod generated {",
        "    use super::{Body, PyRotation, PyVector, Scheme};",
        "",
        f"    pub const TS: i64 = {TS};",
        f"    pub const MSG_ID: &str = {rust_str(MSG_ID)};",
        f"    pub const SQUARE_URL: &str = {rust_str(SQUARE_URL)};",
        f"    pub const BIG_LEN: usize = {BIG_LEN};",
        f"    pub const BIG_HEAD: [u8; 8] = {list(big[:8])};",
        f"    pub const BIG_TAIL: [u8; 8] = {list(big[-8:])};",
        "",
        "    /// One vector per (scheme, body): the secret and the header value Python computed.",
        "    /// Standard's `header` is the `webhook-signature` value (id MSG_ID, timestamp TS).",
        "    pub const PY_VECTORS: &[PyVector] = &[",
    ]
    for scheme in SECRETS:
        for body_name, body in BODIES:
            lines.append(
                f"        PyVector {{ scheme: Scheme::{scheme}, body: Body::{body_name}, "
                f"secret: {rust_str(SECRETS[scheme])}, header: {rust_str(signature(scheme, SECRETS[scheme], body))} }},"
            )
    lines += [
        "    ];",
        "",
        "    /// Rotation over Body::Emoji: `header` signed with both secrets (new first), `singles`",
        "    /// the header value each secret alone produces.",
        "    pub const PY_ROTATION: &[PyRotation] = &[",
    ]
    for scheme, secrets in ROTATION.items():
        singles = ", ".join(rust_str(signature(scheme, s, EMOJI)) for s in secrets)
        lines += [
            f"        PyRotation {{ scheme: Scheme::{scheme}, secrets: [{', '.join(rust_str(s) for s in secrets)}],",
            f"            header: {rust_str(list_signature(scheme, secrets, EMOJI))},",
            f"            singles: [{singles}] }},",
        ]
    lines += ["    ];", "}", END]
    return "\n".join(lines) + "\n"


def main() -> int:
    self_check()
    block = generate()
    if sys.argv[1:] == ["--check"]:
        target = pathlib.Path(__file__).resolve().parent.parent / "vectors.rs"
        if block in target.read_text(encoding="utf-8"):
            print(f"ok: {target} holds the generated block")
            return 0
        print(f"stale: {target} does not hold the generated block; re-run and paste", file=sys.stderr)
        return 1
    sys.stdout.write(block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
