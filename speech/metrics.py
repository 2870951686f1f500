"""Recognition accuracy: character error rate for Chinese, word error rate for spaced languages."""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"[^\w\s]|_", re.UNICODE)


def edit_distance(reference: list[str], hypothesis: list[str]) -> int:
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        current = [i] + [0] * len(hypothesis)
        for j, hyp in enumerate(hypothesis, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp))
        previous = current
    return previous[-1]


def _normalize(text: str) -> str:
    return _PUNCTUATION.sub(" ", text.lower())


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate ignoring punctuation and spaces (the standard for Mandarin)."""
    ref = list(_normalize(reference).replace(" ", ""))
    hyp = list(_normalize(hypothesis).replace(" ", ""))
    return edit_distance(ref, hyp) / max(len(ref), 1)


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate ignoring case and punctuation."""
    ref, hyp = _normalize(reference).split(), _normalize(hypothesis).split()
    return edit_distance(ref, hyp) / max(len(ref), 1)
