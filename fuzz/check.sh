#!/usr/bin/env bash
# Compiles the fuzz targets without fuzzing, so CI notices when they stop building.
#
#   bash fuzz/check.sh           cargo-fuzz installed: `cargo fuzz build` (sanitizer build, as
#                                `cargo fuzz run` uses); otherwise a plain stable `cargo build`
#   bash fuzz/check.sh --plain   plain `cargo build` of the fuzz package (stable, no sanitizer
#                                flags; libFuzzer is linked without coverage instrumentation)
#   bash fuzz/check.sh --check   `cargo check --no-default-features`: type-checks the targets
#                                without compiling libFuzzer (no C++ compiler needed)
#
# Needs only crates.io (for the first build). The fuzz package is its own workspace, so the root
# crate's `cargo test` never builds it.
set -euo pipefail
cd "$(dirname "$0")"

mode="${1:-auto}"
case "$mode" in
  auto)
    if cargo fuzz --version >/dev/null 2>&1; then
      mode=fuzz
    elif command -v c++ >/dev/null 2>&1 || command -v g++ >/dev/null 2>&1 || command -v clang++ >/dev/null 2>&1; then
      mode=plain
    else
      mode=check
    fi
    ;;
  --plain) mode=plain ;;
  --check) mode=check ;;
  *)
    echo "usage: $0 [--plain|--check]" >&2
    exit 2
    ;;
esac

targets=(verify parse parse_errors round_trip filter)
case "$mode" in
  fuzz)
    echo "== fuzz/check.sh: cargo fuzz build (${targets[*]})"
    # cargo-fuzz passes nightly-only flags (-Zsanitizer); RUSTC_BOOTSTRAP lets stable take them.
    RUSTC_BOOTSTRAP=1 cargo fuzz build
    ;;
  plain)
    echo "== fuzz/check.sh: cargo build --bins (stable, no cargo-fuzz)"
    cargo build --bins
    ;;
  check)
    echo "== fuzz/check.sh: cargo check --bins --no-default-features (no libFuzzer)"
    cargo check --bins --no-default-features
    ;;
esac
echo "== fuzz/check.sh: the fuzz targets compile (${targets[*]})"
