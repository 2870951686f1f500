"""Objection tagger: accuracy on the held-out test split, single-utterance latency and batch throughput.

Both detectors (`hybrid`, the default: a cascade of patterns + a TF-IDF text model, with the
multilingual-e5-small classifier run only on the utterances those are unsure about; `lexicon`: the
patterns alone) tag every utterance of the test split of behavior/data/objections.jsonl (never used
for training or tuning) as a customer turn. Accuracy: per-label precision/recall/F1 and macro-F1
(sklearn), over the whole split and per language (zh, en).

Accuracy is scored on the batch run's predictions (the single-utterance run's are checked to agree).
Speed is measured in a fresh process per (detector, measurement), because `embeddings.get_embedder`
memoizes vectors by text for the life of a process: a second pass over the same texts would only
hit that cache. Each process loads the tagger (load time reported on its own; it includes training
the classifier when the saved one is missing or stale), warms up on a few *train* sentences (lazy
initialisation: jieba's dictionary, the C engine) and then either
- latency: classifies the test utterances one call each, in file order: p50/p95/max per utterance;
- throughput: classifies the whole test split in one call: utterances per second.
Neither process has embedded a test text before it is timed. Each also reports on how many test
utterances e5 actually ran (the cascade's share), since that drives both speed figures. The process is pinned to `--threads`
cores when the machine has more, and the e5 engine runs that many threads.

    .venv/bin/python bench/objections.py            # or: make bench
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from common import code_version, pin  # noqa: E402 - bench/ is the script's own directory
COMMAND = ".venv/bin/python bench/objections.py"
MODEL_DIR = REPO / ".dealwise" / "models"
DETECTORS = ("hybrid", "lexicon")
TARGET_MACRO_F1 = 0.90
TARGET_P95_MS = 15.0
TARGET_THROUGHPUT = 300.0  # utterances per second
WARMUP_TEXTS = 16


def worker(detector: str, mode: str, threads: int) -> dict:
    """One measurement in this (fresh) process; returns the figures and the predicted labels."""
    import embeddings

    # The e5 engine's default is min(4, os.cpu_count()) threads, which ignores the pinning.
    embedded: list[str] = []

    def counting_e5():
        model = embeddings.E5Embedder(threads=threads)
        queries = model.queries

        def counted(texts):
            embedded.extend(texts)
            return queries(texts)

        model.queries = counted
        return model

    embeddings.register("e5")(counting_e5)
    from behavior.objections import ObjectionTagger
    from behavior.objections.dataset import load_examples

    test = [e.text for e in load_examples("test")]
    seen = set(test)
    warmup = [e.text for e in load_examples("train") if e.text not in seen][:WARMUP_TEXTS]
    saved = _saved_models()
    started = time.perf_counter()
    tagger = ObjectionTagger(detector, model_dir=MODEL_DIR)
    tagger.classify([{"text": warmup[0], "role": "customer"}])  # the e5 engine loads on its first call
    load_s = time.perf_counter() - started
    trained = _saved_models() != saved  # no saved classifier for this data and code: it was trained now
    for text in warmup[1:]:
        tagger.classify([{"text": text, "role": "customer"}])
    embedded.clear()
    if mode == "latency":
        latencies, labels = [], []
        for text in test:
            started = time.perf_counter()
            result = tagger.classify([{"text": text, "role": "customer"}])
            latencies.append(time.perf_counter() - started)
            labels.append(result[0].labels)
        ms = np.array(latencies) * 1000
        figures = {
            "p50_ms": float(np.percentile(ms, 50)),
            "p95_ms": float(np.percentile(ms, 95)),
            "max_ms": float(ms.max()),
            "over_target": int(np.sum(ms > TARGET_P95_MS)),
            "latencies_ms": [round(float(x), 3) for x in ms],
        }
    else:
        cpu, started = time.process_time(), time.perf_counter()
        results = tagger.classify([{"text": text, "role": "customer"} for text in test])
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        labels = [r.labels for r in results]
        figures = {"batch_s": elapsed, "batch_cpu_s": cpu, "utterances_per_s": len(test) / elapsed}
    return {
        "detector": detector,
        "mode": mode,
        "load_s": load_s,
        "trained": trained,
        "n": len(test),
        "embedded": len(set(embedded) & seen),
        **figures,
        "labels": labels,
    }


def _saved_models() -> dict[str, float]:
    return {path.name: path.stat().st_mtime for path in MODEL_DIR.glob("objections-*.npz")}


def run_in_subprocess(detector: str, mode: str, threads: int) -> dict:
    env = {
        "HF_HUB_OFFLINE": "1",
        "PATH": "/usr/bin:/bin",
        **{name: str(threads) for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
    }
    args = [sys.executable, __file__, "--worker", detector, mode, str(threads)]
    done = subprocess.run(args, check=False, capture_output=True, text=True, env=env, cwd=REPO)
    if done.returncode:
        raise SystemExit(f"benchmark worker ({detector}, {mode}) failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def accuracy(predicted: list[list[str]]) -> dict:
    """Per-label P/R/F1/support and macro/micro F1, overall and per language."""
    from sklearn.metrics import f1_score, precision_recall_fscore_support

    from behavior.objections import LABELS
    from behavior.objections.dataset import load_examples

    examples = load_examples("test")
    truth = np.array([[label in e.labels for label in LABELS] for e in examples], dtype=int)
    guess = np.array([[label in p for label in LABELS] for p in predicted], dtype=int)
    languages = np.array([e.lang for e in examples])
    figures = {}
    for subset in ("all", "zh", "en"):
        rows = np.ones(len(examples), bool) if subset == "all" else languages == subset
        p, r, f, support = precision_recall_fscore_support(truth[rows], guess[rows], zero_division=0)
        figures[subset] = {
            "n": int(rows.sum()),
            "macro_f1": float(f1_score(truth[rows], guess[rows], average="macro", zero_division=0)),
            "micro_f1": float(f1_score(truth[rows], guess[rows], average="micro", zero_division=0)),
            "exact_match": float(np.mean(np.all(truth[rows] == guess[rows], axis=1))),
            "labels": {
                label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(support[i])}
                for i, label in enumerate(LABELS)
            },
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--detectors", default=",".join(DETECTORS))
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        detector, mode, threads = args.worker
        print(json.dumps(worker(detector, mode, int(threads))))
        return
    pinning = pin(args.threads)
    load = os.getloadavg()[0]
    print(f"objection tagger on the held-out test split, {args.threads} threads ({pinning})")
    version = code_version()
    print(f"(code {version}; load average {load:.1f} on {os.cpu_count()} cores at start)\n")
    report = {
        "command": COMMAND,
        "code": version,
        "threads": args.threads,
        "pinning": pinning,
        "load_average": load,
        "detectors": {},
    }
    for detector in args.detectors.split(","):
        latency = run_in_subprocess(detector, "latency", args.threads)
        batch = run_in_subprocess(detector, "batch", args.threads)
        figures = accuracy(batch["labels"])
        agree = sum(a == b for a, b in zip(latency.pop("labels"), batch.pop("labels")))
        report["detectors"][detector] = {
            "accuracy": figures,
            "latency": latency,
            "batch": batch,
            "single_vs_batch_agree": agree,
        }
        _print_detector(detector, figures, latency, batch, agree)

    print(
        f"targets: macro-F1 >= {TARGET_MACRO_F1:.2f}, p95 <= {TARGET_P95_MS:.0f} ms per utterance, "
        f">= {TARGET_THROUGHPUT:.0f} utterances/s, {args.threads} cores (hybrid is the default detector)"
    )
    verdicts = {}
    for detector, row in report["detectors"].items():
        checks = [
            (
                "macro-F1",
                row["accuracy"]["all"]["macro_f1"] >= TARGET_MACRO_F1,
                f"{row['accuracy']['all']['macro_f1']:.3f}",
            ),
            ("p95 latency", row["latency"]["p95_ms"] <= TARGET_P95_MS, f"{row['latency']['p95_ms']:.2f} ms"),
            (
                "throughput",
                row["batch"]["utterances_per_s"] >= TARGET_THROUGHPUT,
                f"{row['batch']['utterances_per_s']:.0f} utt/s",
            ),
        ]
        for name, ok, value in checks:
            verdicts[f"{detector} {name}"] = ok
            print(f"  {'PASS' if ok else 'FAIL'}  {detector:8} {name:12} {value}")
    report["verdicts"] = verdicts
    report["load_average_end"] = os.getloadavg()[0]
    print(f"  (load average {report['load_average_end']:.1f} at the end; other work on the machine inflates the times)")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nreproduce: {COMMAND}" + (f" --threads {args.threads}" if args.threads != 2 else ""))


def _print_detector(detector: str, figures: dict, latency: dict, batch: dict, agree: int) -> None:
    print(f"== {detector}: {figures['all']['n']} test utterances ({figures['zh']['n']} zh, {figures['en']['n']} en)")
    header = "".join(f"{subset + ' P':>8} {'R':>6} {'F1':>6} {'n':>4} " for subset in ("all", "zh", "en"))
    print(f"  {'label':11}{header}")
    for label in figures["all"]["labels"]:
        cells = ""
        for subset in ("all", "zh", "en"):
            s = figures[subset]["labels"][label]
            cells += f"{s['precision']:8.3f} {s['recall']:6.3f} {s['f1']:6.3f} {s['support']:4d} "
        print(f"  {label:11}{cells}")
    print(f"  {'macro-F1':11}" + "".join(f"{figures[s]['macro_f1']:22.3f} {'':4} " for s in ("all", "zh", "en")))
    print(f"  {'micro-F1':11}" + "".join(f"{figures[s]['micro_f1']:22.3f} {'':4} " for s in ("all", "zh", "en")))
    print(f"  {'exact match':11}" + "".join(f"{figures[s]['exact_match']:22.3f} {'':4} " for s in ("all", "zh", "en")))
    print(
        f"  load + first call {latency['load_s']:.2f} s (latency process{_trained(latency)}) / "
        f"{batch['load_s']:.2f} s (batch process{_trained(batch)})\n"
        f"  single utterance: p50 {latency['p50_ms']:.2f} ms, p95 {latency['p95_ms']:.2f} ms, max {latency['max_ms']:.2f} ms "
        f"({latency['over_target']}/{latency['n']} over {TARGET_P95_MS:.0f} ms)\n"
        f"  one batch of {batch['n']}: {batch['batch_s']:.3f} s = {batch['utterances_per_s']:.0f} utterances/s "
        f"(cold embedding cache; {batch['batch_cpu_s']:.3f} CPU s in all threads)"
    )
    print(f"  e5 ran on {batch['embedded']}/{batch['n']} test utterances (the others were decided without it)")
    print(f"  single-utterance and batch predictions identical for {agree}/{batch['n']} utterances\n", flush=True)


def _trained(row: dict) -> str:
    return ", includes training the classifier: none saved for this data and code" if row["trained"] else ""


if __name__ == "__main__":
    main()
