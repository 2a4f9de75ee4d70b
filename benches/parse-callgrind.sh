#!/bin/sh
# Instructions per iteration of benches/parse.rs's ids under callgrind:
# (Ir at 2N iterations - Ir at N iterations) / N.
#   sh benches/parse-callgrind.sh [N] [ids...]   (default N = 50; run from the repository root)
set -eu
N=${1:-50}
[ $# -gt 0 ] && shift
IDS=${*:-revel-order/pos-webhooks revel-order/pos-webhooks-from-slice revel-order/serde-json-value revel-order/serde-json-value-from-str revel-order/serde-json-ignored revel-order/serde-derive-typed serialize/revel-order/pos-webhooks serialize/revel-order/serde-json-value mipos-order/pos-webhooks mipos-order/serde-json-value mipos-order/serde-json-ignored serialize/mipos-order/pos-webhooks serialize/mipos-order/serde-json-value}
cargo bench -q -p pos-webhooks-benches --bench parse --no-run 2>/dev/null
BIN=$(ls -t target/release/deps/parse-* | grep -v '\.d$' | head -1)
ir() {
    out=$(mktemp)
    PARSE_CALLGRIND="$1 $2" valgrind --tool=callgrind --callgrind-out-file="$out" "$BIN" >/dev/null 2>&1
    sed -n 's/^summary: //p' "$out"
    rm -f "$out"
}
for id in $IDS; do
    a=$(ir "$id" "$N")
    b=$(ir "$id" $((2 * N)))
    echo "$id $(( (b - a) / N ))"
done
