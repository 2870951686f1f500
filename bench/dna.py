"""Cohort DNA at scale: 4,000 ten-minute conversations through features and won-vs-lost statistics.

`behavior.synth.synthesize(n, seed)` writes n labelled conversations with planted effects of known
size (its time is reported on its own: it is test data, not part of the target). Then
`behavior.dna.cohort_dna(conversations, workers=THREADS)` is timed: objection tags (lexicon detector,
the cohort default) and features in THREADS processes, then the statistics, archetypes and rep cards
in this one; the features/statistics split is read off the progress callback. Separately, the
`dealwise` CLI end to end in subprocesses: `dealwise synth --n N --seed S -o FILE`, then
`dealwise dna FILE --out report.html --workers THREADS` (reading the JSONL, analysis, HTML report).
The process (and so every child) is pinned to THREADS cores when the machine has more.

Recovery of the planted effects (true odds ratios in `behavior.synth.PLANTED_ODDS_RATIOS`, conditional
on the other planted behaviors; skilled reps do all of them more often, so one-at-a-time odds ratios
come out somewhat above the truth): odds ratio with its 95% CI, plain and adjusted for call length,
q, rank among all tested features and position in `result.top`. Then the same n and seed as a null
corpus (identical texts, outcome independent of everything): features with q < 0.05 should be 0.

    .venv/bin/python bench/dna.py            # or: make bench
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from common import code_version, pin  # noqa: E402 - bench/ is the script's own directory
COMMAND = ".venv/bin/python bench/dna.py"
DEALWISE = REPO / ".venv" / "bin" / "dealwise"
TARGET_N = 4000
TARGET_S = 60.0
ALPHA = 0.05


def timed_dna(conversations: list, workers: int) -> tuple[object, dict]:
    from behavior.dna import cohort_dna

    done = {"n": 0, "at": None}

    def progress(count: int) -> None:
        done["n"] += count
        if done["n"] >= len(conversations):
            done["at"] = time.perf_counter()

    cpu = _cpu_s()
    started = time.perf_counter()
    result = cohort_dna(conversations, workers=workers, progress=progress)
    total = time.perf_counter() - started
    features = (done["at"] or started + total) - started
    return result, {"total_s": total, "features_s": features, "statistics_s": total - features, "cpu_s": _cpu_s() - cpu}


def _cpu_s() -> float:
    """CPU seconds of this process and its finished children: wall time > CPU / cores means waiting for cores."""
    return sum(
        r.ru_utime + r.ru_stime for r in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    )


def recovery(result, key: str, truth: float) -> dict:
    stat = result.feature(key)
    row = {
        "true_or": truth,
        "odds_ratio": stat.odds_ratio,
        "or_ci": [stat.or_ci_low, stat.or_ci_high],
        "or_method": stat.or_method,
        "adj_odds_ratio": stat.adj_odds_ratio,
        "adj_ci": [stat.adj_ci_low, stat.adj_ci_high],
        "q": stat.q,
        "rank": stat.rank,
        "top_position": result.top.index(key) + 1 if key in result.top else None,
        "n_top": len(result.top),
    }
    row["true_in_or_ci"] = _inside(truth, row["or_ci"])
    row["true_in_adj_ci"] = _inside(truth, row["adj_ci"])
    return row


def _inside(value: float, ci: list) -> bool | None:
    return None if None in ci else ci[0] <= value <= ci[1]


def run_cli(args: list[str], env: dict) -> dict:
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([str(DEALWISE), *args], check=False, capture_output=True, text=True, env=env, cwd=REPO)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
    if done.returncode:
        raise SystemExit(f"`dealwise {' '.join(args)}` failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return {"wall_s": elapsed, "cpu_s": cpu_s, "stdout": done.stdout, "stderr": done.stderr}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=TARGET_N, help="conversations (the target is for 4000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2, help="cores, and worker processes for the features")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    pinning = pin(args.threads)
    load = os.getloadavg()[0]
    from behavior.synth import PLANTED_ODDS_RATIOS, synthesize

    print(
        f"cohort DNA of {args.n} synthetic 10-minute conversations (seed {args.seed}), {args.threads} worker processes ({pinning})"
    )
    version = code_version()
    print(f"(code {version}; load average {load:.1f} on {os.cpu_count()} cores at start)\n")
    report = {
        "code": version,
        "command": COMMAND,
        "n": args.n,
        "seed": args.seed,
        "threads": args.threads,
        "pinning": pinning,
        "load_average": load,
    }

    started = time.perf_counter()
    conversations = synthesize(args.n, args.seed)
    report["synthesize_s"] = time.perf_counter() - started
    segments = sum(len(c.segments) for c in conversations)
    minutes = sum(c.segments[-1].end for c in conversations if c.segments) / 60 / len(conversations)
    print(
        f"synthesize({args.n}, {args.seed}): {report['synthesize_s']:.1f} s  ({segments:,} segments, mean {minutes:.1f} min per conversation; not part of the target)"
    )
    result, timing = timed_dna(conversations, args.threads)
    report["cohort_dna"] = timing
    print(
        f"cohort_dna(workers={args.threads}): {timing['total_s']:.1f} s  = features {timing['features_s']:.1f} s "
        f"+ statistics {timing['statistics_s']:.1f} s  ({args.n / timing['total_s']:.0f} conversations/s; "
        f"{timing['cpu_s']:.1f} CPU s in all processes)"
    )
    print(
        f"  {result.n_total} analysed ({result.n_won} won, {result.n_lost} lost), {result.n_tested} features tested, "
        f"{result.n_significant} with q < {ALPHA}" + (f"; excluded {result.excluded}" if result.excluded else "")
    )

    print("\nplanted effects (true OR conditional on the other planted behaviors):")
    report["recovery"] = {}
    for key, truth in PLANTED_ODDS_RATIOS.items():
        row = recovery(result, key, truth)
        report["recovery"][key] = row
        top = (
            f"#{row['top_position']} of {row['n_top']} in top"
            if row["top_position"]
            else f"NOT in top ({row['n_top']})"
        )
        print(
            f"  {key:30} true {truth:.1f}  OR {_num(row['odds_ratio'])} [{_num(row['or_ci'][0])}, {_num(row['or_ci'][1])}] "
            f"{_yes(row['true_in_or_ci'])}  adj. OR {_num(row['adj_odds_ratio'])} [{_num(row['adj_ci'][0])}, {_num(row['adj_ci'][1])}] "
            f"{_yes(row['true_in_adj_ci'])}  q {row['q']:.2g}  rank {row['rank']}, {top}"
        )
    print(f"  top: {', '.join(result.top[:8])}" + (" ..." if len(result.top) > 8 else ""))
    del conversations, result

    started = time.perf_counter()
    null_conversations = synthesize(args.n, args.seed, null=True)
    null_synth_s = time.perf_counter() - started
    null_result, null_timing = timed_dna(null_conversations, args.threads)
    del null_conversations
    false_positives = [s.key for s in null_result.features if s.q is not None and s.q < ALPHA]
    report["null"] = {
        "synthesize_s": null_synth_s,
        "cohort_dna": null_timing,
        "n_tested": null_result.n_tested,
        "q_below_alpha": false_positives,
        "min_q": min((s.q for s in null_result.features if s.q is not None), default=None),
    }
    print(
        f"\nnull corpus (same texts, outcome ~ Bernoulli(0.4)): cohort_dna {null_timing['total_s']:.1f} s "
        f"({null_timing['cpu_s']:.1f} CPU s); "
        f"{len(false_positives)} of {null_result.n_tested} features with q < {ALPHA} (expected 0; smallest q {report['null']['min_q']:.2f})"
        + (f": {', '.join(false_positives)}" if false_positives else "")
    )

    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        corpus, html = Path(tmp) / f"synth_{args.n}.jsonl", Path(tmp) / "report.html"
        synth_cli = run_cli(["synth", "--n", str(args.n), "--seed", str(args.seed), "-o", str(corpus)], env)
        dna_cli = run_cli(["dna", str(corpus), "--out", str(html), "--workers", str(args.threads)], env)
        report["cli"] = {
            "synth_s": synth_cli["wall_s"],
            "jsonl_mb": corpus.stat().st_size / 2**20,
            "dna_s": dna_cli["wall_s"],
            "dna_cpu_s": dna_cli["cpu_s"],
            "report_kb": html.stat().st_size / 1024,
        }
    cli = report["cli"]
    print(
        f"\nCLI: dealwise synth --n {args.n} --seed {args.seed} -o FILE: {cli['synth_s']:.1f} s ({cli['jsonl_mb']:.0f} MB JSONL; not part of the target)"
    )
    print(
        f"     dealwise dna FILE --out report.html --workers {args.threads}: {cli['dna_s']:.1f} s wall end to end, "
        f"{cli['dna_cpu_s']:.1f} CPU s (process start, reading the JSONL, analysis, {cli['report_kb']:.0f} KB report)"
    )

    print(f"\ntarget: {TARGET_N} conversations of 10 minutes in <= {TARGET_S:.0f} s on {args.threads} cores")
    verdicts = {}
    if args.n == TARGET_N:
        for name, seconds in (("cohort_dna", timing["total_s"]), ("dealwise dna (CLI end to end)", cli["dna_s"])):
            verdicts[name] = seconds <= TARGET_S
            print(f"  {'PASS' if verdicts[name] else 'FAIL'}  {name}: {seconds:.1f} s")
    else:
        print(f"  (n = {args.n}, not {TARGET_N}: no verdict on time)")
    for key, row in report["recovery"].items():
        inside = bool(row["true_in_or_ci"]) and bool(row["true_in_adj_ci"])
        verdicts[f"{key} true OR in CI"] = inside
        verdicts[f"{key} in top"] = row["top_position"] is not None
        print(
            f"  {'PASS' if inside else 'FAIL'}  {key}: true OR {row['true_or']} inside the 95% CI "
            f"(plain: {_yes(row['true_in_or_ci'])[1:-1]}, length-adjusted: {_yes(row['true_in_adj_ci'])[1:-1]})"
        )
        print(f"  {'PASS' if row['top_position'] else 'FAIL'}  {key}: among the significant behaviors (result.top)")
    verdicts["null: no feature with q < alpha"] = not false_positives
    print(
        f"  {'PASS' if not false_positives else 'FAIL'}  null corpus: {len(false_positives)} features with q < {ALPHA}"
    )
    report["verdicts"] = verdicts
    report["load_average_end"] = os.getloadavg()[0]
    print(f"  (load average {report['load_average_end']:.1f} at the end; other work on the machine inflates the times)")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    flags = (f" --n {args.n}" if args.n != TARGET_N else "") + (f" --seed {args.seed}" if args.seed != 1 else "")
    print(f"\nreproduce: {COMMAND}{flags}" + (f" --threads {args.threads}" if args.threads != 2 else ""))


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _yes(inside: bool | None) -> str:
    return {True: "(true inside)", False: "(true OUTSIDE)", None: "(no CI)"}[inside]


if __name__ == "__main__":
    main()
