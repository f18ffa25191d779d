#!/usr/bin/env python3
"""Turns JMH's JSON result into bench/results/jmh.json and jmh.md (the fragment of docs/BENCHMARKS.md).

Convention the ratios rely on: every benchmark class has one method named `baseline`, measured in
the same run, and every other method of the class is given as a ratio to it (same parameters). On
a shared, noisy machine the ratio is the figure to compare across runs, not the absolute score.

Usage: report.py --raw JMH.json --machine JSON --command CMD --jmh-command CMD --load "START END" --out PREFIX"""
import argparse
import json
import math
import pathlib
import sys

# What each benchmark measures, in table order. A benchmark missing here still gets a row.
MEASURES = {
    "PageParseAndDiff.parseAndDiff": "one 1,000-person `GET /people` page (1 % changed) from its bytes to the diff "
                                     "result: `PersonParser.page` (a token stream, no JSON tree), `PresenceDiff.compute`",
    "PageParseAndDiff.baseline": "decoding the same page into a Vert.x `JsonObject` tree, nothing else (how "
                                 "pages were read before the token stream)",
    "PageDiff.diff": "`PresenceDiff.compute` alone on the parsed page against the 1,000 stored states",
    "PageDiff.personKeys": "`PersonIds.key` (Webex id to store key) for the 1,000 ids once; the page parse "
                           "does it once per person, the diff uses the key the person carries",
    "PageDiff.baseline": "a `HashMap` lookup, a `HashSet` add and a status compare for 1,000 precomputed keys",
    "Envelope.write": "`Envelope.write` of the cycle's event (10 people) with streaming Jackson: once per event",
    "Envelope.baseline": "the same bytes built as a Vert.x `JsonObject` tree and encoded",
    "SseFrame.eventFrame": "`SseFrame.event` around the event's envelope: once per event and filter, then "
                           "shared by every SSE client",
    "SseFrame.baseline": "copying the envelope into a new `Buffer` of the frame's size",
    "WsMessage.eventMessage": "`WsMessages.event` (the `{type,id,data}` text around the envelope): once per "
                              "event and filter",
    "WsMessage.perClientEncode": "UTF-8 encoding of that text, which Vert.x's `writeTextMessage(String)` "
                                 "repeats for every WebSocket client",
    "WsMessage.baseline": "copying the message's bytes once",
    "Signing.sign": "`WebhookSigner.sign` of one attempt (one secret, the 10-person body): Mac per call, "
                    "HMAC-SHA256, Base64",
    "Signing.baseline": "raw `javax.crypto` HMAC-SHA256 of the same bytes with a Mac keyed in advance, plus Base64",
}


def finite(value):
    return value if isinstance(value, (int, float)) and math.isfinite(value) else None


def strict(node):
    """JMH writes NaN for an error it cannot compute; strict JSON has no NaN."""
    if isinstance(node, dict):
        return {k: strict(v) for k, v in node.items()}
    if isinstance(node, list):
        return [strict(v) for v in node]
    return finite(node) if isinstance(node, float) else node


def short_name(benchmark: str) -> tuple:
    """io.presencegateway.poll.PageDiffBenchmark.diff -> ("PageDiff", "diff")"""
    cls, method = benchmark.rsplit(".", 1)
    return cls.rsplit(".", 1)[-1].removesuffix("Benchmark"), method


def number(value) -> str:
    if value is None:
        return "-"
    digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    return f"{value:,.{digits}f}"


def rows(results: list) -> list:
    scores = {}
    for r in results:
        cls, method = short_name(r["benchmark"])
        params = json.dumps(r.get("params", {}), sort_keys=True)
        scores[(cls, method, params)] = r["primaryMetric"]["score"]
    out = []
    for r in results:
        cls, method = short_name(r["benchmark"])
        params = r.get("params", {})
        metric = r["primaryMetric"]
        base = scores.get((cls, "baseline", json.dumps(params, sort_keys=True)))
        if method == "baseline":
            ratio = "1 (baseline)"
        elif base:
            ratio = f"{metric['score'] / base:.2f}"
        else:
            ratio = "-"
        name = f"{cls}.{method}" + "".join(f" {k}={v}" for k, v in sorted(params.items()))
        unit = metric["scoreUnit"].replace("us/", "µs/")
        out.append({"key": f"{cls}.{method}", "name": name, "score": number(metric["score"]),
                    "error": number(finite(metric.get("scoreError"))), "unit": unit, "ratio": ratio})
    order = list(MEASURES)
    out.sort(key=lambda row: (order.index(row["key"]) if row["key"] in order else len(order), row["name"]))
    return out


def settings(first: dict) -> str:
    jvm_args = " ".join(first.get("jvmArgs", [])) or "none"
    forks = f"{first['forks']} fork" + ("" if first["forks"] == 1 else "s")
    return (f"JMH {first['jmhVersion']}, average time per operation, {forks}, "
            f"{first['warmupIterations']} warm-up iterations of {first['warmupTime']}, "
            f"{first['measurementIterations']} measurement iterations of {first['measurementTime']}, "
            f"one thread, forked JVM options: {jvm_args}. Error: JMH's 99.9 % confidence half-width over so few "
            f"iterations, wide on this shared machine; the ratio to the baseline of the same class, measured in "
            f"the same run, is the figure to compare.")


def load_note(load: dict, cores) -> str:
    note = f"load average (1 min) {load['start']:g} before, {load['end']:g} after"
    if isinstance(cores, int) and max(load.values()) > cores:
        note += " (more than the cores: other work shared the CPUs, so every score is inflated)"
    return note


def markdown(results: list, machine: dict, command: str, jmh_command: str, load: dict) -> str:
    table = rows(results)
    lines = [
        "### Micro-benchmarks (JMH)",
        "",
        f"Measured {machine.get('date', '?')} on {machine.get('cores', '?')} cores, {machine.get('memGiB', '?')} GiB, "
        f"{machine.get('jdk', '?')}; {load_note(load, machine.get('cores'))}.",
        "",
        f"`{command}` (runs `{jmh_command}`)",
        "",
        settings(results[0]),
        "",
        "Input, shared by every benchmark: one poll cycle of a 1,000-person org of the built-in simulator "
        "(its own ids, names and Person JSON) in which 10 people (1 %) changed status; the event is the "
        "one the store appends for that cycle.",
        "",
        "| benchmark | score | error | unit | ratio to baseline |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {r['name']} | {r['score']} | {r['error']} | {r['unit']} | {r['ratio']} |" for r in table]
    lines += ["", "What each one measures:", ""]
    for r in table:
        what = MEASURES.get(r["key"])
        if what is None:
            print(f"jmh report: no description for {r['key']}: add it to MEASURES", file=sys.stderr)
            what = "(not described)"
        lines.append(f"- `{r['name']}`: {what}.")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description="JMH result to bench/results/jmh.json and jmh.md")
    parser.add_argument("--raw", required=True, help="JMH's -rf json output")
    parser.add_argument("--machine", required=True, help="machine_json of bench/lib/common.sh")
    parser.add_argument("--command", required=True, help="the bench script command line")
    parser.add_argument("--jmh-command", required=True, help="the JMH command line it ran")
    parser.add_argument("--load", required=True, help="1-minute load average before and after: 'START END'")
    parser.add_argument("--out", required=True, help="output path without extension")
    args = parser.parse_args()
    results = strict(json.loads(pathlib.Path(args.raw).read_text()))
    if not results:
        sys.exit("jmh report: JMH wrote no results")
    machine = json.loads(args.machine)
    start, end = (float(x) for x in args.load.split())
    load = {"start": start, "end": end}
    out = pathlib.Path(args.out)
    document = {"bench": "jmh", "machine": machine, "loadAverage1m": load, "command": args.command,
                "jmhCommand": args.jmh_command, "results": results}
    out.with_suffix(".json").write_text(json.dumps(document, indent=2) + "\n")
    out.with_suffix(".md").write_text(markdown(results, machine, args.command, args.jmh_command, load))


if __name__ == "__main__":
    main()
