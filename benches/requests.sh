#!/bin/sh
# Per request, under callgrind with its cache simulation (deterministic, whatever the load):
# instructions, L1 data misses and last-level misses of `fanout/requests/1000`
# (`EndpointSet::requests`), `fanout/by_hand/1000` (the same requests written with `http`'s
# builder) and `fanout/floor/sign_1000` (bare signs), each counted inside its own function
# and divided by the `Signer::sign` calls made there (one per request). valgrind does not
# emulate SHA-NI, so SHA-256 runs its portable code here; the column "outside SHA" leaves it out.
#   sh benches/requests.sh     (run from the repository root; about 3 minutes)
set -eu
cargo bench -q -p pos-webhooks-benches --bench fanout --no-run 2>/dev/null
BIN=$(ls -t target/release/deps/fanout-* | grep -v '\.d$' | head -1)
echo "| id | instructions per request | outside SHA compress | D1 misses | LL misses |"
echo "|---|---:|---:|---:|---:|"
for pair in "requests/1000 *EndpointSet*requests*" "by_hand/1000 *by_hand_requests*" "floor/sign_1000 *sign_1000*"; do
    id=${pair%% *}
    fn=${pair#* }
    out=$(mktemp)
    valgrind --tool=callgrind --cache-sim=yes --callgrind-out-file="$out" \
        --toggle-collect="$fn" "$BIN" --bench --profile-time 1 "^fanout/$id\$" >/dev/null 2>&1
    # Signer::sign calls: the `calls=` line after each call site naming it (by name or id).
    calls=$(awk '
        /^fn=\([0-9]+\) pos_webhooks::signature::sign::Signer::sign$/ { split($1, a, "="); sid = a[2] }
        /^cfn=/ { split($1, a, "="); c = a[2]; if ($2 == "pos_webhooks::signature::sign::Signer::sign") { sid = c }
                  want = (c == sid); next }
        /^calls=/ { if (want) { split($1, a, "="); n += a[2] } want = 0 }
        END { print n + 0 }' "$out")
    # Trailing zero counts are left out of the summary line.
    set -- $(sed -n 's/^summary: //p' "$out") 0 0 0 0 0 0 0 0 0
    compress=$(callgrind_annotate "$out" | grep 'compress' | awk '{gsub(",", "", $1); s += $1} END {print s + 0}')
    rm -f "$out"
    awk -v id="$id" -v n="$calls" -v ir="$1" -v c="$compress" -v d1="$(( $5 + $6 ))" -v ll="$(( $8 + $9 ))" \
        'BEGIN { printf "| `fanout/%s` | %d | %d | %.1f | %.2f |\n", id, ir / n, (ir - c) / n, d1 / n, ll / n }'
done
