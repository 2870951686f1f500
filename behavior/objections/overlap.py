"""Train/test overlap check for the objection set: n-gram Jaccard similarity, per language.

The README's rule for lines written after round 1: a train line closer to any test line than the
closest round-1 train/test pair (Jaccard 0.38) is dropped. Similarity is the Jaccard index of
character bigrams (Chinese, punctuation and spaces removed) or of word unigrams + bigrams (English,
lowercased). Run `python -m behavior.objections.overlap` for the closest test line per authoring round;
it prints similarities only, never test texts.
"""

from __future__ import annotations

import re
from collections import defaultdict

from behavior.objections.dataset import Example, load_examples

THRESHOLD = 0.38
_ZH_DROP = re.compile(r"[\s，,。！？!?；;：:、“”\"'（）()…\-]")
_EN_WORD = re.compile(r"[a-z0-9']+")


def grams(text: str, lang: str) -> frozenset[str]:
    if lang == "zh":
        chars = _ZH_DROP.sub("", text.lower())
        return frozenset(chars[i : i + 2] for i in range(len(chars) - 1))
    words = _EN_WORD.findall(text.lower())
    return frozenset(words) | frozenset(f"{a} {b}" for a, b in zip(words, words[1:]))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / max(1, len(a | b))


def closest_test_similarity(train: list[Example], test: list[Example]) -> list[float]:
    """For each train example, its highest Jaccard similarity to a test example of the same language."""
    by_lang: dict[str, list[frozenset[str]]] = defaultdict(list)
    for example in test:
        by_lang[example.lang].append(grams(example.text, example.lang))
    return [max((jaccard(grams(e.text, e.lang), g) for g in by_lang[e.lang]), default=0.0) for e in train]


def main() -> None:
    train, test = load_examples("train"), load_examples("test")
    closest = closest_test_similarity(train, test)
    for round_ in sorted({e.round for e in train}):
        values = [c for e, c in zip(train, closest) if e.round == round_]
        over = sum(c > THRESHOLD for c in values)
        print(f"round {round_}: {len(values)} train lines, closest to a test line {max(values):.2f}, "
              f"over {THRESHOLD}: {over}")


if __name__ == "__main__":
    main()
