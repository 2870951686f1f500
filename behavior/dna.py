"""Cohort DNA: features of every conversation in parallel, then won-vs-lost statistics.

Tagging a cohort uses the lexicon detector by default: the embedding layer costs ~10 ms per customer
turn, which for 4,000 ten-minute calls (~150,000 turns) would take longer than everything else
together. `detector="hybrid"` is available when accuracy matters more than time.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas

from behavior.analysis import AnalysisError, check_analysable
from behavior.cohort import CohortError, DnaResult, cohort_statistics
from behavior.features import FEATURES, ConversationView, compute_features
from behavior.objections import get_tagger
from conversation import Conversation

__all__ = ["CohortError", "DnaResult", "cohort_dna", "feature_table"]


def _rows(conversations: Sequence[Conversation], detector: str, model_dir: str) -> list[dict | str]:
    tagger = get_tagger(detector, model_dir)
    rows: list[dict | str] = []
    for conversation in conversations:
        try:
            check_analysable(conversation)
        except AnalysisError:
            rows.append("not analysable (no rep or no customer speech)")
            continue
        roles = {p.speaker: p.role for p in conversation.participants}
        tags = tagger.classify([{"text": s.text, "role": roles[s.speaker]} for s in conversation.segments])
        view = ConversationView(conversation, [frozenset(r.labels) for r in tags])
        rows.append(
            {
                "conversation_id": conversation.id or "",
                "outcome": conversation.outcome,
                "rep": conversation.metadata.get("rep"),
                "duration_s": view.duration,
                "language": conversation.language,
                **compute_features(view),
            }
        )
    return rows


def feature_table(
    conversations: Sequence[Conversation],
    *,
    detector: str = "lexicon",
    model_dir: Path = Path(".dealwise/models"),
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[pandas.DataFrame, Counter]:
    """One row per analysable conversation; the Counter says how many were skipped and why."""
    workers = workers or os.cpu_count() or 1
    chunk = max(1, min(200, math.ceil(len(conversations) / (workers * 4))))
    chunks = [conversations[i : i + chunk] for i in range(0, len(conversations), chunk)]
    rows: list[dict | str] = []
    if workers == 1 or len(chunks) == 1:
        for part in chunks:
            rows += _rows(part, detector, str(model_dir))
            if progress:
                progress(len(part))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_rows, part, detector, str(model_dir)) for part in chunks]
            for part, future in zip(chunks, futures):
                rows += future.result()
                if progress:
                    progress(len(part))
    skipped = Counter(row for row in rows if isinstance(row, str))
    return pandas.DataFrame([row for row in rows if isinstance(row, dict)]), skipped


def cohort_dna(
    conversations: Sequence[Conversation],
    *,
    excluded: dict[str, int] | None = None,
    detector: str = "lexicon",
    model_dir: Path = Path(".dealwise/models"),
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    seed: int = 0,
) -> DnaResult:
    """Won-vs-lost statistics of every registered feature over `conversations` (each with an outcome)."""
    missing = sum(c.outcome is None for c in conversations)
    conversations = [c for c in conversations if c.outcome is not None]
    table, skipped = feature_table(conversations, detector=detector, model_dir=model_dir, workers=workers, progress=progress)
    counts = Counter(excluded or {}) + skipped + Counter({"missing outcome": missing} if missing else {})
    if table.empty:
        raise CohortError("no analysable conversation with an outcome in the cohort")
    return cohort_statistics(table, list(FEATURES.values()), excluded=dict(counts), seed=seed)
