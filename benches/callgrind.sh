#!/bin/sh
# Instructions per verify under callgrind, for every id of benches/callgrind.rs at 256 and
# 4096 bytes: (Ir at 2N iterations - Ir at N iterations) / N. Prints a markdown table with
# the total and the part outside the SHA-1/SHA-256 compression functions (valgrind does not
# emulate SHA-NI, so `sha2`/`sha1` run their portable code here, which dominates the total).
#   sh benches/callgrind.sh [N]     (default N = 300; run from the repository root)
# A second table compares Stripe, Ordergroove and Standard with their signed-bytes floors
# (`raw-signed-<scheme>`: the floor over exactly the bytes the scheme signs).
# SIZES="256" IDS="raw-hmac-sha256 stripe" FILTER=0 sh benches/callgrind.sh: a subset (the
# floors a ratio needs must be in IDS; FILTER=0 skips the filter table).
set -eu
N=${1:-300}
cargo bench -q -p pos-webhooks-benches --bench callgrind --no-run 2>/dev/null
BIN=$(ls -t target/release/deps/callgrind-* | grep -v '\.d$' | head -1)
# "total compress" instruction counts of one run.
ir() {
    out=$(mktemp)
    valgrind --tool=callgrind --callgrind-out-file="$out" "$BIN" "$1" "$2" "$3" >/dev/null 2>&1
    total=$(sed -n 's/^summary: //p' "$out")
    compress=$(callgrind_annotate "$out" | grep 'compress' | awk '{gsub(",", "", $1); s += $1} END {print s + 0}')
    rm -f "$out"
    echo "$total $compress"
}
echo "| id | bytes | instructions per verify | vs floor | outside SHA compress | vs floor |"
echo "|---|---:|---:|---:|---:|---:|"
SIGNED=""
for len in ${SIZES:-256 4096}; do
    for id in ${IDS:-raw-hmac-sha1 raw-hmac-sha256 raw-signed-stripe raw-signed-ordergroove raw-signed-standard revel mipos github standard stripe ordergroove}; do
        set -- $(ir "$id" "$len" "$N")
        a=$1 ca=$2
        set -- $(ir "$id" "$len" $((2 * N)))
        b=$1 cb=$2
        per=$(( (b - a) / N ))
        rest=$(( (b - a - (cb - ca)) / N ))
        case $id in
            raw-hmac-sha1) f1=$per; r1=$rest; ratio="floor"; ratio2="floor" ;;
            raw-hmac-sha256) f256=$per; r256=$rest; ratio="floor"; ratio2="floor" ;;
            raw-signed-*)
                eval "sf_${id#raw-signed-}=$per sr_${id#raw-signed-}=$rest"
                ratio=$(awk "BEGIN { printf \"%.3f×\", $per / $f256 }")
                ratio2=$(awk "BEGIN { printf \"%.2f×\", $rest / $r256 }") ;;
            revel)
                ratio=$(awk "BEGIN { printf \"%.3f×\", $per / $f1 }")
                ratio2=$(awk "BEGIN { printf \"%.2f×\", $rest / $r1 }") ;;
            *)
                ratio=$(awk "BEGIN { printf \"%.3f×\", $per / $f256 }")
                ratio2=$(awk "BEGIN { printf \"%.2f×\", $rest / $r256 }") ;;
        esac
        echo "| \`$id\` | $len | $per | $ratio | $rest | $ratio2 |"
        case $id in
            stripe | ordergroove | standard)
                eval "sf=\${sf_$id:-} sr=\${sr_$id:-}"
                if [ -n "$sf" ]; then
                    SIGNED="$SIGNED
| \`$id\` | $len | $sf | $per | $(awk "BEGIN { printf \"%.3f×\", $per / $sf }") | $sr | $rest | $(awk "BEGIN { printf \"%.2f×\", $rest / $sr }") |"
                fi ;;
        esac
    done
done
if [ -n "$SIGNED" ]; then
    echo
    echo "| id | bytes | raw-signed floor | ours | vs signed floor | floor outside SHA compress | ours outside | vs signed floor |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    echo "$SIGNED" | sed 1d
fi
[ "${FILTER:-1}" = 0 ] && exit 0
echo
echo "| filter | patterns | instructions per match (hit + miss) / 2 |"
echo "|---|---:|---:|"
for n in 1 10 100; do
    set -- $(ir filter "$n" $((20 * N)))
    a=$1
    set -- $(ir filter "$n" $((40 * N)))
    b=$1
    echo "| \`filter/match/$n\` | $n | $(( (b - a) / (40 * N) )) |"
done
