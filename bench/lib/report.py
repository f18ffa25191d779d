#!/usr/bin/env python3
"""Writes docs/BENCHMARKS.md from the fragments the benchmarks leave in bench/results/.

Each benchmark writes <name>.json (figures) and <name>.md (its table, command and notes); this
script puts the fragments in a fixed order under one header naming the machine and the date, and
adds bench/targets.md (how the figures compare with PRODUCT.md section 7)."""
import json
import pathlib
import sys

ORDER = ["fanout", "poll", "webhooks", "jmh"]


def machine(results: pathlib.Path) -> dict:
    for path in sorted(results.glob("*.json")):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and isinstance(data.get("machine"), dict):
            return data["machine"]
    return {}


def fragments(results: pathlib.Path) -> list:
    found = {p.stem: p for p in results.glob("*.md")}
    names = [n for n in ORDER if n in found] + sorted(n for n in found if n not in ORDER)
    return [found[n].read_text().strip() for n in names]


def main(results_dir: str, out_file: str) -> None:
    results = pathlib.Path(results_dir)
    m = machine(results)
    lines = [
        "# Benchmarks",
        "",
        "Written by `bash bench/run-all.sh` (the whole set, one benchmark at a time; a single one: "
        "`bash bench/run-all.sh webhooks`). Every load runs on loopback, bounded in count and time.",
        "This machine is shared and noisy: compare the ratios (measured in the same run), not the "
        "absolute figures.",
        "",
        f"Last run: {m.get('date', '?')} on {m.get('cores', '?')} cores, {m.get('memGiB', '?')} GiB, "
        f"{m.get('jdk', '?')}.",
        "",
    ]
    targets = results.parent / "targets.md"
    if targets.exists():
        lines += [targets.read_text().strip(), ""]
    for fragment in fragments(results):
        lines += [fragment, ""]
    pathlib.Path(out_file).write_text("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
