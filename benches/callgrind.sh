#!/bin/sh
# Instructions per verify under callgrind, for every id of benches/callgrind.rs at 256 and
# 4096 bytes: (Ir at 2N iterations - Ir at N iterations) / N. Prints a markdown table with
# the total and the part outside the SHA-1/SHA-256 compression functions (valgrind does not
# emulate SHA-NI, so `sha2`/`sha1` run their portable code here, which dominates the total).
#   sh benches/callgrind.sh [N]     (default N = 300; run from the repository root)
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
for len in 256 4096; do
    for id in raw-hmac-sha1 raw-hmac-sha256 revel mipos github standard stripe ordergroove; do
        set -- $(ir "$id" "$len" "$N")
        a=$1 ca=$2
        set -- $(ir "$id" "$len" $((2 * N)))
        b=$1 cb=$2
        per=$(( (b - a) / N ))
        rest=$(( (b - a - (cb - ca)) / N ))
        case $id in
            raw-hmac-sha1) f1=$per; r1=$rest; ratio="floor"; ratio2="floor" ;;
            raw-hmac-sha256) f256=$per; r256=$rest; ratio="floor"; ratio2="floor" ;;
            revel)
                ratio=$(awk "BEGIN { printf \"%.3f×\", $per / $f1 }")
                ratio2=$(awk "BEGIN { printf \"%.2f×\", $rest / $r1 }") ;;
            *)
                ratio=$(awk "BEGIN { printf \"%.3f×\", $per / $f256 }")
                ratio2=$(awk "BEGIN { printf \"%.2f×\", $rest / $r256 }") ;;
        esac
        echo "| \`$id\` | $len | $per | $ratio | $rest | $ratio2 |"
    done
done
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
