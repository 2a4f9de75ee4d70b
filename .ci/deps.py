#!/usr/bin/env python3
"""Offline dependency check: licenses and banned crates of the library's normal dependencies.

cargo-deny's `licenses` and `bans` checks, done with `cargo tree` so it runs without network.
Its `advisories` check needs the RustSec advisory database, fetched from GitHub, which this
project's machines cannot reach: that part is not done here (see README, "Dependencies").
"""
import re
import subprocess
import sys

ALLOWED = {
    "MIT", "Apache-2.0", "Apache-2.0 WITH LLVM-exception", "BSD-2-Clause", "BSD-3-Clause",
    "ISC", "Unicode-3.0", "Unicode-DFS-2016", "Zlib", "Unlicense", "0BSD", "CC0-1.0",
}
# The library does no I/O and pulls nothing async: none of these may appear in its tree.
BANNED = {"tokio", "hyper", "reqwest", "async-std", "mio", "futures", "openssl", "rustls", "ring"}


def allowed(expression: str) -> bool:
    expression = expression.replace(" WITH LLVM-exception", "_WITH_LLVM")
    tokens = re.findall(r"\(|\)|[A-Za-z0-9.+_-]+", expression)
    code = []
    for token in tokens:
        if token in ("(", ")"):
            code.append(token)
        elif token == "OR":
            code.append(" or ")
        elif token == "AND":
            code.append(" and ")
        else:
            code.append(str(token.replace("_WITH_LLVM", " WITH LLVM-exception") in ALLOWED))
    try:
        return bool(eval("".join(code), {"__builtins__": {}}))  # noqa: S307 (tokens are True/False/and/or/parens)
    except SyntaxError:
        return False


def main() -> int:
    out = subprocess.run(
        ["cargo", "tree", "-p", "pos-webhooks", "-e", "normal", "--prefix", "none", "-f", "{p}|{l}"],
        check=True, capture_output=True, text=True,
    ).stdout
    problems, seen = [], set()
    for line in out.splitlines():
        package, _, license_ = line.partition("|")
        package = package.strip()
        name = package.split(" ")[0]
        license_ = license_.replace("(*)", "").strip()
        if package in seen or name == "pos-webhooks":
            continue
        seen.add(package)
        if name in BANNED:
            problems.append(f"banned crate in the library's tree: {package}")
        if not license_:
            problems.append(f"no license declared: {package}")
        elif not allowed(license_):
            problems.append(f"license not allowed: {package}: {license_}")
    for problem in problems:
        print(problem)
    print(f"deps: {len(seen)} crates checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
