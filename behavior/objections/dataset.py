"""The labelled objection set authored for dealwise (behavior/data/objections.jsonl, CC0)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from behavior.objections.taxonomy import LABELS

DATASET = Path(__file__).resolve().parents[1] / "data" / "objections.jsonl"


@dataclass(frozen=True)
class Example:
    text: str
    lang: str
    labels: frozenset[str]
    split: str  # train | test: test is never used for training or tuning
    round: int = 1  # authoring round: the lexicon patterns were written from round-1 train lines only


def load_examples(split: str | None = None, path: Path = DATASET) -> list[Example]:
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        unknown = set(row["labels"]) - set(LABELS)
        if unknown:
            raise ValueError(f"{path}:{number}: unknown labels {sorted(unknown)}")
        example = Example(row["text"], row["lang"], frozenset(row["labels"]), row["split"], int(row.get("round", 1)))
        if split is None or example.split == split:
            examples.append(example)
    return examples


def dataset_fingerprint(path: Path = DATASET) -> str:
    """Content hash of the training data: a trained model is reused only for exactly this data."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
