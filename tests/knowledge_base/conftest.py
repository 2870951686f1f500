"""Fixtures: the bundled playbook ingested once with the real e5 model, and a fast hashing embedder for
tests of storage mechanics (formats, re-ingest, failures, CLI) where meaning does not matter."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

import embeddings
from knowledge_base import KnowledgeBase
from knowledge_base.text import bm25_tokens

REPO = Path(__file__).resolve().parents[2]
PLAYBOOK = REPO / "examples" / "kb"
HASH_BACKEND = "kbtest-hash"


class HashEmbedder:
    """Bag of hashed BM25 tokens, L2-normalized: deterministic, instant, no model."""

    name = HASH_BACKEND
    dim = 64

    def _encode(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in bm25_tokens(text) or ("",):
                out[row, int(hashlib.md5(token.encode()).hexdigest(), 16) % self.dim] += 1.0
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def queries(self, texts):
        return self._encode(texts)

    def passages(self, texts):
        return self._encode(texts)


embeddings.register(HASH_BACKEND)(HashEmbedder)


@pytest.fixture
def fast_kb(tmp_path) -> KnowledgeBase:
    return KnowledgeBase(tmp_path / "kb", embedder=HASH_BACKEND, collection="test")


@pytest.fixture(scope="session")
def playbook(tmp_path_factory) -> KnowledgeBase:
    kb = KnowledgeBase(tmp_path_factory.mktemp("playbook"), embedder="e5", collection="playbook")
    report = kb.ingest([PLAYBOOK])
    assert not report.failed, report.failed
    return kb


def section_of(hit) -> str:
    return hit.metadata.get("section", "")
