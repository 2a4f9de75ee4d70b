#!/bin/sh
# Cache misses and instructions per `EndpointSet::targets` lookup under cachegrind, for the
# sets of benches/fanout.rs (`targets/by_store/<n>`, `targets/by_type/<n>`): the counts of
# 2N lookups minus those of N, divided by N (so building the set does not count).
#   sh benches/fanout_cachegrind.sh [N]     (default N = 20000; run from the repository root)
# The simulated caches are this machine's (AMD EPYC: 32 KiB 8-way L1d, 1 MiB 8-way L2 as the
# last level, since cachegrind simulates two levels; LL=... to change it, e.g.
# LL=33554432,16,64 for the 32 MiB L3).
set -eu
N=${1:-20000}
LL=${LL:-1048576,8,64}
cargo bench -q -p pos-webhooks-benches --bench fanout --no-run 2>/dev/null
BIN=$(ls -t target/release/deps/fanout-* | grep -v '\.d$' | head -1)
# "Ir D1mr LLmr" (data reads: D1 and last-level read misses) of one run.
counts() {
    out=$(mktemp)
    FANOUT_PROBE="$1:$2:$3" valgrind --tool=cachegrind --cache-sim=yes \
        --D1=32768,8,64 --I1=32768,8,64 --LL="$LL" \
        --cachegrind-out-file="$out" "$BIN" >/dev/null 2>&1
    # Summary order follows the "events:" line: Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw.
    sed -n 's/^summary: //p' "$out" | awk '{print $1, $5, $6, $8, $9}'
    rm -f "$out"
}
echo "| id | instructions | D1 read misses | LL read misses | D1 write misses | LL write misses |"
echo "|---|---:|---:|---:|---:|---:|"
for kind in by_store by_type; do
    for n in 100 100000; do
        set -- $(counts "$kind" "$n" "$N")
        a1=$1 a2=$2 a3=$3 a4=$4 a5=$5
        set -- $(counts "$kind" "$n" $((2 * N)))
        echo "| \`targets/$kind/$n\` | $(( ($1 - a1) / N )) | $(awk "BEGIN { printf \"%.2f\", ($2 - $a2) / $N }") | $(awk "BEGIN { printf \"%.2f\", ($3 - $a3) / $N }") | $(awk "BEGIN { printf \"%.2f\", ($4 - $a4) / $N }") | $(awk "BEGIN { printf \"%.2f\", ($5 - $a5) / $N }") |"
    done
done
