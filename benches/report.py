#!/usr/bin/env python3
"""Prints the benchmark table of BENCHMARKS.md from criterion's results (stdlib only).

    cargo bench --bench verify --bench parse --bench filter
    python3 benches/report.py            # reads target/criterion
    python3 benches/report.py --machine  # also prints CPU, cores and rustc version
    python3 benches/report.py path/to/target/criterion

For every id it reads `<id>/new/estimates.json` (`median.point_estimate`, nanoseconds) and
prints the median, the ratio the goal is about and whether the goal holds. Ids missing from
the results are listed as `missing` (and the exit status is 1), so a partial or renamed run
is never mistaken for a full one.
"""

import json
import os
import platform
import subprocess
import sys

SIZES = (256, 4096, 65536)
OURS = ("revel", "mipos", "github", "standard", "stripe", "ordergroove")
PEERS = ("svix", "standardwebhooks")
# Floors over exactly the bytes these schemes sign (`"{ts}."` or `"{id}.{ts}."`, then the body).
SIGNED = ("stripe", "ordergroove", "standard")
SCHEMES = ("revel", "mipos", "linga", "ordergroove", "standard", "stripe", "github",
           "shopify", "square")
ORDERS = ("revel-order", "mipos-order")
IMPLS = ("pos-webhooks", "serde-json-value", "serde-json-ignored")
# Beside the parse ids, not goals: the model through `from_slice`, `Value` through `from_str`;
# for the Revel order also `serde-derive-typed` (plain serde-derive structs, lossy).
PARSE_BESIDE = ("pos-webhooks-from-slice", "serde-json-value-from-str")
FILTER_SIZES = (1, 10, 100)
# `filter/miss-random/<n>` and `filter/miss-adversarial/<n>`: one miss per iteration.
MISS_SIZES = (100, 1024)
# Per-match limit of `filter/match/<n>` (issue 12 goal 4), and adversarial / random.
PER_MATCH_NS = 25
ADVERSARIAL = 2.0
# Verify / floor limits by body size (issue 12 goal 1; 65536 keeps the earlier 1.10).
VERIFY_LIMIT = {256: 1.25, 4096: 1.05, 65536: 1.10}
# Each `filter/match/<n>` iteration does two matches (a hit and a miss).
MATCHES_PER_ITER = 2
# "Flat from 1 to 100 patterns": match/100 within this factor of match/1.
FLAT = 1.25
# Issue 12 goal 3: the lossless Revel order parse >= this many times faster than `Value`,
# within this factor of the `IgnoredAny` floor, and its serialize within this factor of
# serializing the `Value`.
PARSE_VS_VALUE = 2.5
PARSE_VS_IGNORED = 3.0
SERIALIZE_VS_VALUE = 1.2
# Issue 12 goal 2: choosing 10 targets among 100,000 endpoints within this factor of among
# 100; 1,000 signed requests within this factor of 1,000 bare signs.
FANOUT_SCALE = 3.0
REQUESTS_VS_SIGN = 1.15
FANOUT_KINDS = ("by_store", "by_type")
FANOUT_SIZES = (100, 100000)
# Issue 9: one send-attempt step, one duplicate check, at most this many nanoseconds.
STEP_NS = 100
ATTEMPT_STEPS = ("step/retry/standard_webhooks", "step/retry/shopify", "step/retry/stripe",
                 "step/retry_after", "step/done")
ATTEMPT_OTHER = ("floor/status_match", "floor/new_attempt", "parse/retry_after_date")
DUPLICATE_CHECKS = ("check/duplicate", "check/new")
DUPLICATE_OTHER = ("floor/hashset_contains", "key/custom")


def ids():
    """Every id of the suite, in table order."""
    out = []
    for n in SIZES:
        out += [f"verify/{name}/{n}" for name in OURS]
        out += [f"verify/raw-hmac-sha1/{n}", f"verify/raw-hmac-sha256/{n}"]
        out += [f"verify/raw-signed-{name}/{n}" for name in SIGNED]
        out += [f"verify/{peer}/{n}" for peer in PEERS]
    for order in ORDERS:
        out += [f"parse/{order}/{impl}" for impl in IMPLS + PARSE_BESIDE]
        if order == "revel-order":
            out.append(f"parse/{order}/serde-derive-typed")
        out += [f"parse/serialize/{order}/{impl}" for impl in IMPLS[:2]]
    out += [f"filter/match/{n}" for n in FILTER_SIZES]
    for n in MISS_SIZES:
        out += [f"filter/miss-random/{n}", f"filter/miss-adversarial/{n}"]
    out += [f"sign/{scheme}/4096" for scheme in SCHEMES] + ["sign/request/4096"]
    for kind in FANOUT_KINDS:
        out += [f"fanout/targets/{kind}/{n}" for n in FANOUT_SIZES]
    out += ["fanout/requests/1000", "fanout/requests_iter/1000", "fanout/floor/sign_1000",
            "fanout/by_hand/1000"]
    out += [f"attempt/{step}" for step in ATTEMPT_STEPS + ATTEMPT_OTHER]
    out += [f"duplicates/{step}" for step in DUPLICATE_CHECKS + DUPLICATE_OTHER]
    return out


def load(root):
    """full_id -> (median ns, throughput dict or None), from every `new/` result under root."""
    results = {}
    for directory, _, files in os.walk(root):
        if os.path.basename(directory) != "new" or "estimates.json" not in files:
            continue
        with open(os.path.join(directory, "benchmark.json")) as f:
            bench = json.load(f)
        with open(os.path.join(directory, "estimates.json")) as f:
            median = json.load(f)["median"]["point_estimate"]
        results[bench["full_id"]] = (median, bench.get("throughput"))
    return results


def fmt_time(ns):
    if ns < 1_000:
        return f"{ns:.1f} ns"
    if ns < 1_000_000:
        return f"{ns / 1_000:.2f} µs"
    return f"{ns / 1_000_000:.2f} ms"


def fmt_rate(ns, throughput):
    if not throughput:
        return ""
    if "Bytes" in throughput:
        return f"{throughput['Bytes'] / ns * 1e9 / 2**20:,.0f} MiB/s"
    if "Elements" in throughput:
        return f"{throughput['Elements'] / ns * 1e9 / 1e6:,.1f} M/s"
    return ""


def goal(full_id, med):
    """(ratio text, goal text, passed or None) for one id; med(id) gives a median or None."""
    parts = full_id.split("/")
    group = parts[0]
    this = med(full_id)
    if group == "verify":
        name, n = parts[1], int(parts[2])
        if name in OURS:
            floor = "raw-hmac-sha1" if name == "revel" else "raw-hmac-sha256"
            base = med(f"verify/{floor}/{n}")
            limit = VERIFY_LIMIT[n]
            if base is None:
                return "", "", None
            ratio = this / base
            text = f"{ratio:.2f}× {floor}"
            signed = med(f"verify/raw-signed-{name}/{n}") if name in SIGNED else None
            if signed is not None:
                text += f" ({this / signed:.2f}× raw-signed-{name})"
            return text, f"≤ {limit:.2f}×", ratio <= limit
        if name in PEERS:
            ours = med(f"verify/standard/{n}")
            if ours is None:
                return "", "", None
            ratio = this / ours
            want = {256: 3.0, 4096: 4.0}.get(n)
            text = f"standard {ratio:.2f}× faster"
            if want is None:
                return text, "(no goal)", None
            return text, f"≥ {want:.0f}×", ratio >= want
        return "", "", None
    if group == "parse":
        if parts[1] == "serialize":
            order, impl = parts[2], parts[3]
            if impl != "pos-webhooks":
                return "", "", None
            base = med(f"parse/serialize/{order}/serde-json-value")
            if base is None:
                return "", "", None
            ratio = this / base
            ok = ratio <= SERIALIZE_VS_VALUE if order == "revel-order" else None
            want = f"≤ {SERIALIZE_VS_VALUE:.2f}×" if ok is not None else "(no goal)"
            return f"{ratio:.2f}× Value", want, ok
        order, impl = parts[1], parts[2]
        if impl != "pos-webhooks":
            return "", "", None
        value = med(f"parse/{order}/serde-json-value")
        ignored = med(f"parse/{order}/serde-json-ignored")
        if value is None:
            return "", "", None
        speedup = value / this
        text = f"{speedup:.2f}× faster than Value"
        if ignored is not None:
            text += f", {this / ignored:.2f}× IgnoredAny"
        value_str = med(f"parse/{order}/serde-json-value-from-str")
        if value_str is not None:
            text += f" ({value_str / this:.2f}× faster than Value from_str)"
        if order == "revel-order":
            ok = speedup >= PARSE_VS_VALUE
            if ignored is not None:
                ok = ok and this / ignored <= PARSE_VS_IGNORED
            return (text, f"≥ {PARSE_VS_VALUE:.1f}× faster, ≤ {PARSE_VS_IGNORED:.0f}× IgnoredAny",
                    ok)
        return text, "(no goal)", None
    if group == "filter" and parts[1].startswith("miss-"):
        if parts[1] != "miss-adversarial":
            return "", "", None
        base = med(f"filter/miss-random/{parts[2]}")
        if base is None:
            return "", "", None
        ratio = this / base
        return f"{ratio:.2f}× miss-random", f"≤ {ADVERSARIAL:.1f}×", ratio <= ADVERSARIAL
    if group == "filter":
        per_match = this / MATCHES_PER_ITER
        text = f"{per_match:.1f} ns/match"
        ok = per_match <= PER_MATCH_NS
        first = med(f"filter/match/{FILTER_SIZES[0]}")
        if first is not None and full_id != f"filter/match/{FILTER_SIZES[0]}":
            flat = this / first
            text += f", {flat:.2f}× match/1"
            ok = ok and flat <= FLAT
            return text, f"≤ {PER_MATCH_NS} ns, ≤ {FLAT}× match/1", ok
        return text, f"≤ {PER_MATCH_NS} ns", ok
    if group == "fanout" and parts[1] == "targets":
        kind, n = parts[2], int(parts[3])
        if n != FANOUT_SIZES[-1]:
            return "", "", None
        base = med(f"fanout/targets/{kind}/{FANOUT_SIZES[0]}")
        if base is None:
            return "", "", None
        ratio = this / base
        return (f"{ratio:.2f}× {kind}/{FANOUT_SIZES[0]}", f"≤ {FANOUT_SCALE:.0f}×",
                ratio <= FANOUT_SCALE)
    if full_id in ("fanout/requests/1000", "fanout/requests_iter/1000"):
        base = med("fanout/floor/sign_1000")
        if base is None:
            return "", "", None
        ratio = this / base
        text = f"{ratio:.2f}× floor/sign_1000"
        # Beside it, not a goal: the same requests written by hand with `http`'s builder.
        by_hand = med("fanout/by_hand/1000")
        if by_hand is not None:
            text += f" ({this / by_hand:.2f}× by_hand/1000)"
        return text, f"≤ {REQUESTS_VS_SIGN:.2f}×", ratio <= REQUESTS_VS_SIGN
    step = "/".join(parts[1:])
    if (group == "attempt" and step in ATTEMPT_STEPS) or (
            group == "duplicates" and step in DUPLICATE_CHECKS):
        return f"{this:.1f} ns", f"≤ {STEP_NS} ns", this <= STEP_NS
    return "", "", None


def machine():
    model = "unknown"
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in lscpu.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    try:
        rustc = subprocess.run(["rustc", "-V"], capture_output=True, text=True).stdout.strip()
    except OSError:
        rustc = "unknown"
    return [f"- CPU: {model}, {os.cpu_count()} cores ({platform.machine()})",
            f"- {rustc}"]


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    root = args[0] if args else os.path.join("target", "criterion")
    results = load(root)

    def med(full_id):
        hit = results.get(full_id)
        return hit[0] if hit else None

    if "--machine" in argv:
        print("\n".join(machine()))
        print()
    print("| id | median | throughput | ratio | goal | |")
    print("|---|---:|---:|---|---|---|")
    missing = []
    passed = failed = 0
    for full_id in ids():
        if full_id not in results:
            missing.append(full_id)
            print(f"| `{full_id}` | missing | | | | |")
            continue
        ns, throughput = results[full_id]
        ratio, want, ok = goal(full_id, med)
        mark = "" if ok is None else ("pass" if ok else "**FAIL**")
        passed += ok is True
        failed += ok is False
        print(f"| `{full_id}` | {fmt_time(ns)} | {fmt_rate(ns, throughput)} | {ratio} "
              f"| {want} | {mark} |")
    print()
    print(f"{passed} goals pass, {failed} fail, {len(missing)} ids missing.")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
