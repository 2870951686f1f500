"""The unit of speaking rate, shared by the recognizer's sanity checks and the behaviour features."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?|\d+(?:[.,]\d+)?%?")


def spoken_units(text: str) -> int:
    """Length of speech: Chinese characters plus English words and numbers (the unit of speech rate)."""
    return len(_CJK.findall(text)) + len(_WORD.findall(_CJK.sub(" ", text)))
