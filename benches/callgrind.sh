#!/bin/sh
# Instructions per verify under callgrind, for every id of benches/callgrind.rs at 256 and
# 4096 bytes: (Ir at 2N iterations - Ir at N iterations) / N. Prints a markdown table.
#   sh benches/callgrind.sh [N]     (default N = 500; run from the repository root)
set -eu
N=${1:-500}
cargo bench -q -p pos-webhooks-benches --bench callgrind --no-run 2>/dev/null
BIN=$(ls -t target/release/deps/callgrind-* | grep -v '\.d$' | head -1)
ir() {
    out=$(mktemp)
    valgrind --tool=callgrind --callgrind-out-file="$out" "$BIN" "$1" "$2" "$3" >/dev/null 2>&1
    sed -n 's/^summary: //p' "$out"
    rm -f "$out"
}
echo "| id | bytes | instructions per verify | vs floor |"
echo "|---|---:|---:|---:|"
for len in 256 4096; do
    for id in raw-hmac-sha1 raw-hmac-sha256 revel mipos github standard stripe ordergroove; do
        a=$(ir "$id" "$len" "$N")
        b=$(ir "$id" "$len" $((2 * N)))
        per=$(( (b - a) / N ))
        case $id in
            raw-hmac-sha1) f1=$per; ratio="floor" ;;
            raw-hmac-sha256) f256=$per; ratio="floor" ;;
            revel) ratio=$(awk "BEGIN { printf \"%.3f×\", $per / $f1 }") ;;
            *) ratio=$(awk "BEGIN { printf \"%.3f×\", $per / $f256 }") ;;
        esac
        echo "| \`$id\` | $len | $per | $ratio |"
    done
done
