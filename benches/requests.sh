#!/bin/sh
# Per request, under callgrind with its cache simulation (deterministic, whatever the load):
# instructions, L1 data misses and last-level misses of `fanout/requests/1000`
# (`EndpointSet::requests`), `fanout/requests_iter/1000` (`EndpointSet::requests_iter`, each
# request dropped before the next), `fanout/by_hand/1000` (the same requests written with `http`'s
# builder) and `fanout/floor/sign_1000` (bare signs), each counted inside its own function
# and divided by the requests made there (1,000 per call). valgrind does not
# emulate SHA-NI, so SHA-256 runs its portable code here; the column "outside SHA" leaves it out.
#   sh benches/requests.sh     (run from the repository root; about 3 minutes)
set -eu
cargo bench -q -p pos-webhooks-benches --bench fanout --no-run 2>/dev/null
BIN=$(ls -t target/release/deps/fanout-* | grep -v '\.d$' | head -1)
echo "| id | instructions per request | outside SHA compress | D1 misses | LL misses |"
echo "|---|---:|---:|---:|---:|"
for spec in "requests/1000 *EndpointSet*requests* pos_webhooks::emit::set::EndpointSet::requests" \
    "requests_iter/1000 *stream_1000* fanout::stream_1000" \
    "by_hand/1000 *by_hand_requests* fanout::by_hand_requests" \
    "floor/sign_1000 *sign_1000* fanout::sign_1000"; do
    set -- $spec
    id=$1
    fn=$2
    name=$3
    out=$(mktemp)
    valgrind --tool=callgrind --cache-sim=yes --callgrind-out-file="$out" \
        --toggle-collect="$fn" "$BIN" --bench --profile-time 1 "^fanout/$id\$" >/dev/null 2>&1
    # Requests: 1,000 per call of the counted function (the `calls=` line after each call site
    # naming it, by name or id). Calls made inside it are not counted: callgrind also counts
    # those it makes while not collecting (criterion's warm-up).
    calls=$(awk -v name="$name" '
        /^fn=/ { split($1, a, "="); if ($2 == name) { sid = a[2] } }
        /^cfn=/ { split($1, a, "="); c = a[2]; if ($2 == name) { sid = c }
                  want = (c == sid); next }
        /^calls=/ { if (want) { split($1, a, "="); n += a[2] } want = 0 }
        END { print (n + 0) * 1000 }' "$out")
    # Trailing zero counts are left out of the summary line.
    set -- $(sed -n 's/^summary: //p' "$out") 0 0 0 0 0 0 0 0 0
    compress=$(callgrind_annotate "$out" | grep 'compress' | awk '{gsub(",", "", $1); s += $1} END {print s + 0}')
    rm -f "$out"
    awk -v id="$id" -v n="$calls" -v ir="$1" -v c="$compress" -v d1="$(( $5 + $6 ))" -v ll="$(( $8 + $9 ))" \
        'BEGIN { printf "| `fanout/%s` | %d | %d | %.1f | %.2f |\n", id, ir / n, (ir - c) / n, d1 / n, ll / n }'
done
