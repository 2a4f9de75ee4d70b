#!/usr/bin/env python3
"""Seeds the fuzz corpora (fuzz/corpus/<target>/) from tests/fixtures/*.json.

Usage (from the repository root or anywhere): python3 fuzz/seed.py

- parse, parse_errors, round_trip: every fixture, plus a few small hand-written payloads, each
  prefixed with the byte that selects its parser (fuzz_targets/common.rs: PARSERS); each
  parse_errors seed also comes truncated and with a byte flipped.
- fuzz/models.dict: every JSON key the models know (`"key" =>` in src/), for -dict=.
- verify: for each scheme, a correctly signed request in the target's input layout (see
  fuzz_targets/verify.rs) over a few fixture bodies, signed with the fixed secrets the target
  uses, plus a few malformed variants.

The corpora are not committed (/fuzz/corpus/ is in .gitignore); re-run this to recreate them.
Only the Python standard library is used.
"""

import base64
import hashlib
import hmac
import pathlib
import struct

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
CORPUS = ROOT / "fuzz" / "corpus"

# Scheme::ALL order, as in src/signature/scheme.rs.
SCHEMES = ["revel", "mipos", "linga", "ordergroove", "standard", "stripe", "github", "shopify", "square"]
# The secret the target's signers use (the second one of each verifier).
SECRET = {
    "standard": base64.b64decode("c2Vjb25kLXNlY3JldA=="),
    "stripe": b"whsec_fuzz_new",
    "linga": b"linga-token-new",
}
SQUARE_URL = b"https://example.com/webhooks/square"
TS = 1_700_000_000

SMALL = {
    "ping.json": b'{"ping": "pong"}',
    "menu.json": b'{"event":"menu.updated"}',
    "inout.json": b'{"barcode":"100001009367","id":622335,"instock":false,"type":"product"}',
    "mipos-menu.json": b'{"store_id":"3"}',
    "mipos-order.json": b'{"external_id":"x","total":25800,"discount_value":800,"external_store_id":"3","items":[{"total_value":1,"quantity":2,"modifiers":[]}]}',
    "og.json": b'{"id":"m1","type":"order.success","created":1622589211,"data":{"object":{"type":"order","total":"12.50"}}}',
    "flow.json": b'{"action":"ORDER_SETTLED","tenant":{"Id":7,"Uid":"7"},"store":{"Id":1,"Uid":"70"},"order":{"Id":7123,"Uid":"700"}}',
    "linga.json": b'{"checkId":"42","total":12.5,"items":[{"price":"1.10"}]}',
    "money.json": b'{"items":[{"price":4.5,"quantity":"2","modifier_amount":"0.5"},{"price":"1e2","quantity":null}],"orderInfo":{"final_total":-0.0,"gift_reward_data":"{\\"id\\":15}"}}',
}


def mac(scheme: str, body: bytes, *, ts: int = TS, msg_id: bytes = b"msg_fuzz") -> list:
    """The header values the target's signer produces, in Scheme::headers() order."""
    key = SECRET.get(scheme, b"fuzz-secret-new")
    h256 = lambda data: hmac.new(key, data, hashlib.sha256).digest()
    t = str(ts).encode()
    if scheme == "revel":
        return [hmac.new(key, body, hashlib.sha1).hexdigest().encode()]
    if scheme == "mipos":
        return [h256(body).hex().encode()]
    if scheme == "linga":
        return [key]
    if scheme == "ordergroove":
        return [b"ts=" + t + b",sig=" + h256(t + b"." + body).hex().encode()]
    if scheme == "standard":
        sig = base64.b64encode(h256(msg_id + b"." + t + b"." + body))
        return [msg_id, t, b"v1," + sig]
    if scheme == "stripe":
        return [b"t=" + t + b",v1=" + h256(t + b"." + body).hex().encode()]
    if scheme == "github":
        return [b"sha256=" + h256(body).hex().encode()]
    if scheme == "shopify":
        return [base64.b64encode(h256(body))]
    if scheme == "square":
        return [base64.b64encode(h256(SQUARE_URL + body))]
    raise ValueError(scheme)


def verify_input(scheme: str, flags: int, now: int, values: list, body: bytes) -> bytes:
    out = bytes([SCHEMES.index(scheme), flags]) + struct.pack("<q", now)
    for value in values:
        if value is None:
            out += b"\xff"
        else:
            if len(value) < 254:
                out += bytes([len(value)]) + value
            else:
                out += b"\xfe" + struct.pack("<H", len(value)) + value
    return out + body


# fuzz_targets/common.rs: PARSERS, by index.
PARSERS = [
    "revel.order.finalized", "revel.customer.created", "revel.rewardcard.created",
    "revel.inout.stock", "revel.menu.updated", "revel.ping", "revel.other", "mipos.order",
    "mipos.menu", "ordergroove", "flowretail", "linga", "json",
]


def selector(name: str) -> int:
    """The parser a fixture is meant for, from its file name."""
    rules = [
        ("revel-order", "revel.order.finalized"), ("money", "revel.order.finalized"),
        ("revel-customer", "revel.customer.created"), ("revel-rewardcard", "revel.rewardcard.created"),
        ("inout", "revel.inout.stock"), ("menu-updated", "revel.menu.updated"),
        ("menu.json", "revel.menu.updated"), ("ping", "revel.ping"), ("mipos-menu", "mipos.menu"),
        ("mipos", "mipos.order"), ("ordergroove", "ordergroove"), ("og", "ordergroove"),
        ("flow", "flowretail"), ("linga", "linga"),
    ]
    for part, parser in rules:
        if part in name:
            return PARSERS.index(parser)
    return PARSERS.index("json")


def dictionary() -> list:
    """Every `"key" =>` of the json_object! models, as libFuzzer dictionary lines."""
    import re
    keys = set()
    for path in (ROOT / "src").rglob("*.rs"):
        keys.update(re.findall(r'^\s*(?:required\s+)?"([^"\\]+)"\s*=>', path.read_text(), re.M))
    extra = ["order", "subscription", "subscriber", "item", "workflow", "entitlement", "Order",
             "null", "true", "false", "0e999999", "1e400", "-0", "\\u0000", "\\ud83d\\ude00"]
    lines = [f'"\\"{k}\\":"' for k in sorted(keys)]
    lines += ['"' + e.replace('\\', '\\\\') + '"' for e in extra]
    return lines


def main() -> None:
    fixtures = {p.name: p.read_bytes() for p in sorted(FIXTURES.glob("*.json"))}
    fixtures.update(SMALL)
    for target in ("parse", "parse_errors", "round_trip"):
        d = CORPUS / target
        d.mkdir(parents=True, exist_ok=True)
        for name, data in fixtures.items():
            seed = bytes([selector(name)]) + data
            (d / name).write_bytes(seed)
            if target == "parse_errors":
                (d / (name + ".cut")).write_bytes(seed[: max(2, len(seed) // 2)])
                flipped = bytearray(seed)
                flipped[len(seed) * 2 // 3] ^= 0x22
                (d / (name + ".flip")).write_bytes(bytes(flipped))
    (ROOT / "fuzz" / "models.dict").write_text(
        "# Generated by fuzz/seed.py: the models' JSON keys and a few tokens.\n"
        + "\n".join(dictionary()) + "\n"
    )

    d = CORPUS / "verify"
    d.mkdir(parents=True, exist_ok=True)
    bodies = {
        "ping": SMALL["ping.json"],
        "empty": b"",
        "inout": fixtures.get("example-revel-inout-stock.json", SMALL["inout.json"]),
    }
    count = 0
    for scheme in SCHEMES:
        for body_name, body in bodies.items():
            values = mac(scheme, body)
            seeds = {
                "ok": verify_input(scheme, 0, TS + 5, values, body),
                "svix-upper": verify_input(scheme, 0x0F, TS, values, body),
                "old": verify_input(scheme, 0, TS + 10_000, values, body),
                "skip-ts": verify_input(scheme, 0x40, TS + 10_000, values, body),
                "missing": verify_input(scheme, 0x10, TS, [None] * len(values), body),
                "tampered": verify_input(scheme, 0, TS, values, body + b" "),
            }
            for kind, data in seeds.items():
                (d / f"{scheme}-{body_name}-{kind}.bin").write_bytes(data)
                count += 1
    # A few malformed headers worth starting from.
    extra = {
        "stripe-v0-only": verify_input("stripe", 0, TS, [b"t=1,v0=abcd"], b"{}"),
        "stripe-no-eq": verify_input("stripe", 0, TS, [b"t=1,v1"], b"{}"),
        "og-two-ts": verify_input("ordergroove", 0, TS, [b"ts=1,ts=2,sig=00"], b"{}"),
        "standard-v1a": verify_input("standard", 0, TS, [b"id", b"1", b"v1a,abc v2,xyz"], b"{}"),
        "github-noprefix": verify_input("github", 0, TS, [b"abcdef"], b"{}"),
        "mipos-b64": verify_input("mipos", 0x60, TS, [base64.b64encode(b"\0" * 32)], b"{}"),
        "many-sigs": verify_input("stripe", 0, TS, [b"t=1" + b"".join(b",v1=" + b"%02x" % i * 32 for i in range(6))], b"{}"),
    }
    # The valid signature after five decodable wrong ones (past the verifier's decode cache).
    real = mac("stripe", b"{}")[0].split(b",")[1]
    junk = b"".join(b",v1=" + b"%02x" % i * 32 for i in range(5))
    extra["stripe-valid-6th"] = verify_input("stripe", 0, TS, [b"t=%d" % TS + junk + b"," + real], b"{}")
    for name, data in extra.items():
        (d / f"{name}.bin").write_bytes(data)
        count += 1
    # filter: pattern NUL event [NUL store].
    d = CORPUS / "filter"
    d.mkdir(parents=True, exist_ok=True)
    filters = {
        "og": b"subscription.*|order.success\0order.success",
        "all": b"*\0x.y\0s1",
        "names": b"order|order.*|a-b:c\0order\0",
        "bad": b"order.\0order",
        "empty-alt": b"a||b\0a",
    }
    for name, data in filters.items():
        (d / name).write_bytes(data)
    print(
        f"seeded {CORPUS}: parse/parse_errors/round_trip {len(fixtures)} fixtures each, verify {count} files, "
        f"filter {len(filters)} files"
    )


if __name__ == "__main__":
    main()
