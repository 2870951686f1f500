"""The knowledge base: ChromaDB on disk, an in-memory hybrid index for search, and the ingest protocol.

On disk, under `directory`:
- `chroma/`: a Chroma `PersistentClient` (telemetry off). Each collection stores our own vectors and no
  embedding function: Chroma's default one would download an ONNX model.
- `collections/NAME.json`: the manifest, the commit record of an ingest. A file counts as ingested only
  once its entry (content hash, chunk ids) is written, after all its chunks are in Chroma; chunks Chroma
  holds without a manifest entry (an interrupted ingest) are never searched and are removed when that
  file is ingested again.
- `collections/NAME.tokens.json`: BM25 tokens per chunk, so opening a collection never re-runs jieba.

Search never reads Chroma per query: the first search loads the vectors, texts and metadata once into
memory (10,000 chunks of 384 float32 = 15 MB), exact cosine is one matrix-vector product, BM25 scores
come from bm25s's sparse index, and the two rankings are fused by reciprocal rank fusion. The manifest's
modification time is checked on each search (one stat), so a process sees another process's ingest.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from knowledge_base import text as kbtext
from knowledge_base.fusion import reciprocal_rank_fusion
from knowledge_base.loaders import load_file, supported_suffixes
from knowledge_base.models import Chunk, FileResult, IngestReport, KnowledgeBaseError, SearchHit

Progress = Callable[[int, int, str], None]  # (files done, files in all, the file now done)
MODES = ("hybrid", "dense", "keyword")
FILTER_KEYS = ("objection_type", "stage", "language", "product", "kind", "source")
_FILTER_ALIASES = {"type": "objection_type", "objection": "objection_type", "lang": "language"}
_NORMALIZERS = {"objection_type": kbtext.objection_type, "stage": kbtext.stage, "language": kbtext.language}
_COLLECTION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,48}[A-Za-z0-9]$")
CANDIDATES = 50  # depth of each ranking that goes into fusion
# Fusion constants, chosen on bench/kb.py (68 labelled customer turns; recall@3 unfiltered): the usual
# k=60 makes rank 1 and rank 3 of a ranking nearly equal, so any BM25 match outvoted the dense ranking
# (hybrid 0.84 < dense 0.96); with k=10 the top of each ranking counts, and BM25 at half weight still
# decides between close dense candidates and carries exact terms (等保三级, product names) that
# embeddings blur: hybrid 0.94, and 1.00 with the objection-type filter of the live path.
RRF_K = 10
WEIGHTS = {"dense": 1.0, "keyword": 0.5}


@functools.cache
def _client(path: str):
    """One Chroma client per directory per process (Chroma refuses two clients with different settings)."""
    import chromadb
    from chromadb.config import Settings

    Path(path).mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=path, settings=Settings(anonymized_telemetry=False))


# Held while this process reads or writes Chroma, so a reopen never stops the client under a running ingest.
_CHROMA_LOCK = threading.RLock()


def _reopen_client(path: str) -> None:
    """Make the next `_client(path)` see what other processes wrote.

    A Chroma client keeps the vector segments it has read in memory: after `dealwise kb ingest` ran in
    another process, a server's client could not return the new vectors ("Error finding id"), and a write
    through it could lose them. Reopening takes tens of milliseconds and happens only before a write and
    before an index load (after a collection changed), never on the search path."""
    from chromadb.api.shared_system_client import SharedSystemClient

    with _CHROMA_LOCK:
        SharedSystemClient.clear_system_cache()
        _client.cache_clear()
        _client(path)


class KnowledgeBase:
    """A named collection of playbook chunks under `directory`, searched by meaning and by keywords.

    `embedder`: an `embeddings` backend name (e5, minilm, st:/path). None means the collection's own (the
    one it was built with), or e5 for a new collection; naming another than the collection's is an error,
    because vectors of two models cannot be compared.
    """

    def __init__(self, directory: str | os.PathLike, embedder: str | None = None, collection: str = "playbook"):
        if not _COLLECTION_NAME.match(collection):
            raise KnowledgeBaseError(
                f"bad collection name {collection!r}: 3-50 characters, letters, digits, '.', '_' or '-', starting and ending with a letter or digit"
            )
        self.directory = Path(directory).expanduser().resolve()
        self.collection = collection
        self._requested_embedder = embedder
        self._manifest_path = self.directory / "collections" / f"{collection}.json"
        self._tokens_path = self.directory / "collections" / f"{collection}.tokens.json"

    def __repr__(self) -> str:
        return f"KnowledgeBase({str(self.directory)!r}, collection={self.collection!r})"

    # --- manifest ---------------------------------------------------------------------------------------
    def _read_manifest(self) -> dict[str, Any] | None:
        try:
            return json.loads(self._manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            raise KnowledgeBaseError(f"{self._manifest_path}: unreadable manifest ({error}); remove the collection with `dealwise kb drop`") from None

    def _write_json(self, path: Path, data: Any) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @property
    def embedder_name(self) -> str:
        manifest = self._read_manifest()
        return self._checked_embedder(manifest["embedder"] if manifest else None)

    def _checked_embedder(self, built_with: str | None) -> str:
        """The embedder to use for a collection built with `built_with` (None: not built yet)."""
        if self._requested_embedder and built_with and self._requested_embedder != built_with:
            raise KnowledgeBaseError(
                f"collection {self.collection!r} was built with the {built_with!r} embedder, not {self._requested_embedder!r}: "
                f"use --embedder {built_with}, another --collection, or `dealwise kb drop` it first"
            )
        return built_with or self._requested_embedder or "e5"

    def _chroma(self, situations: bool = False):
        """The chunks, or (situations=True) the vectors of each chunk's situation under the same ids."""
        return _client(str(self.directory / "chroma")).get_or_create_collection(
            f"{self.collection}.situations" if situations else self.collection,
            embedding_function=None,  # we pass vectors; Chroma's default function would download a model
            configuration={"hnsw": {"space": "cosine"}},
        )

    @contextlib.contextmanager
    def _lock(self):
        """One writer per collection across processes (the CLI and a server may ingest at once), writing
        through a client that has seen the other processes' writes."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / f".{self.collection}.lock", "w") as handle, _CHROMA_LOCK:
            try:
                import fcntl

                fcntl.flock(handle, fcntl.LOCK_EX)
            except ImportError:  # not POSIX: single-writer by convention
                pass
            _reopen_client(str(self.directory / "chroma"))
            yield

    # --- ingest -------------------------------------------------------------------------------------------
    def ingest(self, paths: Iterable[str | os.PathLike], progress: Progress | None = None) -> IngestReport:
        """Add files (directories are walked for supported types) to the collection.

        A missing path fails the whole call before anything is written. Then each file is committed on
        its own: a file that fails (unreadable, encrypted, empty, unknown type) is reported in
        `IngestReport.failed` and leaves nothing behind, and the files before and after it stay ingested.
        An unchanged file (same SHA-256) is skipped; a changed one has its chunks replaced.
        """
        started = time.perf_counter()
        files = expand_paths(paths)
        report = IngestReport(collection=self.collection)
        with self._lock():
            manifest = self._read_manifest() or {
                "collection": self.collection,
                "embedder": self.embedder_name,
                "generation": 0,
                "files": {},
            }
            embedder_name = self.embedder_name
            chroma = (self._chroma(), self._chroma(situations=True))
            tokens: dict[str, str] = self._read_tokens()
            for number, path in enumerate(files, start=1):
                result = self._ingest_file(path, manifest, embedder_name, chroma, tokens)
                report.files.append(result)
                if result.status in ("ingested", "replaced"):
                    manifest["generation"] += 1
                    live = {i for entry in manifest["files"].values() for i in entry["ids"]}
                    self._write_json(self._tokens_path, {i: t for i, t in tokens.items() if i in live})
                    self._write_json(self._manifest_path, manifest)  # the commit point of this file
                if progress:
                    progress(number, len(files), str(path))
        report.seconds = time.perf_counter() - started
        return report

    def _ingest_file(self, path: Path, manifest: dict, embedder_name: str, chroma, tokens: dict[str, str]) -> FileResult:
        key = str(path.resolve())
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        except OSError as error:
            return FileResult(path=str(path), status="failed", error=f"{path}: cannot read ({error.strerror or error})")
        previous = manifest["files"].get(key)
        if previous and previous["sha256"] == digest:
            return FileResult(path=str(path), status="unchanged", chunks=len(previous["ids"]))
        try:
            chunks = assign_ids(load_file(path), self.collection)
            from embeddings import get_embedder

            embedder = get_embedder(embedder_name)
            vectors = embedder.passages([c.indexed_text() for c in chunks])
            # Situations read like customer turns: embedded as queries (e5's symmetric-similarity prefix).
            with_situation = [c for c in chunks if c.situation()]
            situation_vectors = embedder.queries([c.situation() for c in with_situation]) if with_situation else None
        except KnowledgeBaseError as error:
            return FileResult(path=str(path), status="failed", error=str(error))
        removed = len(previous["ids"]) if previous else 0
        manifest["files"].pop(key, None)
        ids = [c.id for c in chunks]
        main, situations = chroma
        try:
            for collection in chroma:  # the old version and any leftovers of an interrupted ingest
                collection.delete(where={"source": key})
            batch = _client(str(self.directory / "chroma")).get_max_batch_size()
            for start in range(0, len(chunks), batch):
                part = chunks[start : start + batch]
                main.add(
                    ids=[c.id for c in part],
                    embeddings=vectors[start : start + batch],
                    documents=[c.text for c in part],
                    metadatas=[c.metadata() for c in part],
                )
            for start in range(0, len(with_situation), batch):
                part = with_situation[start : start + batch]
                situations.add(
                    ids=[c.id for c in part],
                    embeddings=situation_vectors[start : start + batch],
                    documents=[c.situation() for c in part],
                    metadatas=[{"source": key} for _ in part],
                )
        except Exception as error:  # noqa: BLE001 - a store failure: undo this file, keep the others
            for collection in chroma:
                with contextlib.suppress(Exception):
                    collection.delete(ids=ids)
            manifest["generation"] += 1
            self._write_json(self._manifest_path, manifest)
            return FileResult(
                path=str(path), status="failed", error=f"{path}: writing to the store failed ({type(error).__name__}: {error}); the file is not in the collection, ingest it again"
            )
        for chunk in chunks:
            tokens[chunk.id] = " ".join(kbtext.bm25_tokens(chunk.indexed_text()))
        manifest["files"][key] = {
            "sha256": digest,
            "ids": ids,
            "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        return FileResult(path=str(path), status="replaced" if previous else "ingested", chunks=len(chunks), removed=removed)

    def remove(self, paths: Iterable[str | os.PathLike]) -> int:
        """Take files out of the collection (by the path they were ingested from); returns chunks removed."""
        removed = 0
        with self._lock():
            manifest = self._read_manifest()
            if not manifest:
                return 0
            for path in paths:
                key = str(Path(path).expanduser().resolve())
                entry = manifest["files"].pop(key, None)
                if entry is None:
                    raise KnowledgeBaseError(f"{path}: not in collection {self.collection!r}")
                for collection in (self._chroma(), self._chroma(situations=True)):
                    collection.delete(where={"source": key})
                removed += len(entry["ids"])
            manifest["generation"] += 1
            self._write_json(self._manifest_path, manifest)
        return removed

    def drop(self) -> None:
        """Delete the whole collection (vectors, manifest, tokens)."""
        with self._lock():
            for name in (self.collection, f"{self.collection}.situations"):
                with contextlib.suppress(Exception):
                    _client(str(self.directory / "chroma")).delete_collection(name)
            self._manifest_path.unlink(missing_ok=True)
            self._tokens_path.unlink(missing_ok=True)
        _INDEXES.pop((str(self.directory), self.collection), None)

    def _read_tokens(self) -> dict[str, str]:
        try:
            return json.loads(self._tokens_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # a cache: rebuilt from the texts when missing

    # --- search -------------------------------------------------------------------------------------------
    def _index(self) -> _Index:
        try:
            stat = self._manifest_path.stat()
        except FileNotFoundError:
            raise KnowledgeBaseError(
                f"collection {self.collection!r} does not exist in {self.directory}: run `dealwise kb ingest PATH...` first"
            ) from None
        cache_key = (str(self.directory), self.collection)
        version = (stat.st_mtime_ns, stat.st_size)
        cached = _INDEXES.get(cache_key)
        if cached is not None and cached.version == version:
            return cached
        with _LOAD_LOCK:
            cached = _INDEXES.get(cache_key)
            if cached is None or cached.version != version:
                with _CHROMA_LOCK:
                    _reopen_client(str(self.directory / "chroma"))  # the change may come from another process
                    cached = _Index.load(self, version)
                _INDEXES[cache_key] = cached
        return cached

    def search(
        self, query: str, k: int = 5, filters: Mapping[str, Any] | None = None, mode: str = "hybrid"
    ) -> list[SearchHit]:
        """The `k` best chunks for `query`, best first, among those matching every filter.

        `filters`: metadata equality, e.g. {"objection_type": "price", "language": "zh"}; a list value
        means any of them. Keys: objection_type (or type), stage, language, product, kind, source.
        `mode`: hybrid (default: dense and BM25 fused by reciprocal rank), dense or keyword.
        """
        if mode not in MODES:
            raise KnowledgeBaseError(f"unknown search mode {mode!r}; use one of: {', '.join(MODES)}")
        if not isinstance(query, str) or not query.strip():
            raise KnowledgeBaseError("empty query: give the customer's words to search with")
        if k < 1:
            raise KnowledgeBaseError("k must be at least 1")
        index = self._index()
        if index.size == 0:
            raise KnowledgeBaseError(
                f"collection {self.collection!r} is empty: run `dealwise kb ingest PATH...` first"
            )
        allowed = index.mask(filters)
        if allowed is not None and not allowed.any():
            return []
        query = kbtext.normalize(query.strip())
        rankings: list[list[int]] = []
        raw: dict[int, float] = {}
        if mode in ("hybrid", "dense"):
            from embeddings import get_embedder

            # the index knows its embedder: no manifest read per search
            vector = get_embedder(self._checked_embedder(index.embedder)).queries([query])[0]
            similarity = index.dense_scores(vector)
            rankings.append(_top(similarity, allowed, max(CANDIDATES, k)))
            if mode == "dense":
                raw = {i: float(similarity[i]) for i in rankings[-1]}
        if mode in ("hybrid", "keyword"):
            scores = index.bm25_scores(kbtext.bm25_tokens(query))
            ranking = [i for i in _top(scores, allowed, max(CANDIDATES, k)) if scores[i] > 0]
            rankings.append(ranking)
            if mode == "keyword":
                top = float(scores[ranking[0]]) if ranking else 1.0
                raw = {i: float(scores[i]) / top for i in ranking}
        if mode == "hybrid":
            weights = [WEIGHTS["dense"], WEIGHTS["keyword"]]
            fused = reciprocal_rank_fusion(rankings, k=RRF_K, weights=weights)
            best = sum(w for w, r in zip(weights, rankings) if r) / (RRF_K + 1)
            ordered = [(i, score / best) for i, score in fused[:k]]
        else:
            ordered = [(i, max(0.0, raw[i])) for i in rankings[0][:k]]
        return [index.hit(i, score) for i, score in ordered]

    def get(self, ids: Sequence[str]) -> list[Chunk]:
        """The chunks with these ids, in that order; unknown ids are left out. Loads no model."""
        index = self._index()
        return [index.chunk(index.position[i]) for i in ids if i in index.position]

    def stats(self) -> dict[str, Any]:
        """Files, chunks, and chunk counts by objection type, stage and language."""
        manifest = self._read_manifest()
        if manifest is None:
            raise KnowledgeBaseError(
                f"collection {self.collection!r} does not exist in {self.directory}: run `dealwise kb ingest PATH...` first"
            )
        index = self._index()

        def counts(column: str) -> dict[str, int]:
            values, numbers = np.unique(index.columns[column], return_counts=True) if index.size else ([], [])
            return {str(v) or "-": int(n) for v, n in zip(values, numbers)}

        return {
            "collection": self.collection,
            "directory": str(self.directory),
            "embedder": manifest["embedder"],
            "files": len(manifest["files"]),
            "chunks": index.size,
            "objection_type": counts("objection_type"),
            "stage": counts("stage"),
            "language": counts("language"),
            "sources": {path: len(entry["ids"]) for path, entry in sorted(manifest["files"].items())},
        }


def list_collections(directory: str | os.PathLike) -> list[str]:
    return sorted(p.stem for p in (Path(directory) / "collections").glob("*.json") if not p.name.endswith(".tokens.json"))


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files to ingest: named files as given (a wrong type then fails by itself), directories walked for
    supported types in name order. A path that does not exist fails the whole call before any write."""
    files: list[Path] = []
    missing = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in supported_suffixes() and not p.name.startswith((".", "~$"))))
        elif path.exists():
            files.append(path)
        else:
            missing.append(str(raw))
    if missing:
        raise KnowledgeBaseError(f"no such file or directory: {', '.join(missing)} (nothing was ingested)")
    if not files:
        raise KnowledgeBaseError(f"no files to ingest (supported: {', '.join(supported_suffixes())})")
    return list(dict.fromkeys(files))


def assign_ids(chunks: list[Chunk], collection: str) -> list[Chunk]:
    """Ids from content (source, section, text): an unchanged script keeps its id when its file is edited,
    so usage statistics and citations survive re-ingests."""
    seen: dict[str, int] = {}
    out = []
    for chunk in chunks:
        basis = "\x00".join((collection, chunk.source, chunk.section, chunk.context, chunk.text))
        digest = hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]
        seen[digest] = seen.get(digest, 0) + 1
        chunk_id = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"
        out.append(chunk.model_copy(update={"id": chunk_id}))
    return out


def _top(scores: np.ndarray, allowed: np.ndarray | None, n: int) -> list[int]:
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
        n = min(n, int(allowed.sum()))
    n = min(n, len(scores))
    if n <= 0:
        return []
    part = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
    return [int(i) for i in part[np.argsort(-scores[part], kind="stable")]]


_INDEXES: dict[tuple[str, str], _Index] = {}
_LOAD_LOCK = threading.Lock()


@functools.cache
def _blas_controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _one_blas_thread():
    return _blas_controller().limit(limits=1, user_api="blas")


class _Index:
    """Everything search needs, in memory: vectors, texts, metadata columns for filters, BM25."""

    def __init__(self, version, embedder, ids, texts, metadatas, matrix, tokens, situations: tuple[np.ndarray, np.ndarray] | None = None):
        self.version = version
        self.embedder: str = embedder
        # A chunk matches by its text or by its situation, whichever is closer: (rows, vectors) of the
        # chunks that have a situation.
        self.situations = situations
        self._masks: dict[tuple[str, str], np.ndarray] = {}
        self.ids: list[str] = ids
        self.texts: list[str] = texts
        self.metadatas: list[dict[str, Any]] = metadatas
        self.matrix: np.ndarray = matrix
        self.size = len(ids)
        self.position = {chunk_id: i for i, chunk_id in enumerate(ids)}
        self.columns = {key: np.array([str(m.get(key, "")) for m in metadatas], dtype=object) for key in FILTER_KEYS}
        self._bm25 = None
        if self.size:
            import bm25s

            self._bm25 = bm25s.BM25()
            self._bm25.index([t or [""] for t in tokens], show_progress=False)
            self._vocab = set(self._bm25.vocab_dict)

    @classmethod
    def load(cls, kb: KnowledgeBase, version) -> _Index:
        manifest = kb._read_manifest() or {"files": {}, "embedder": "e5"}
        live = [i for entry in manifest["files"].values() for i in entry["ids"]]
        if not live:
            return cls(version, manifest["embedder"], [], [], [], np.zeros((0, 1), dtype=np.float32), [])
        found = kb._chroma().get(ids=live, include=["embeddings", "documents", "metadatas"])
        by_id = {i: n for n, i in enumerate(found["ids"])}
        order = [by_id[i] for i in live if i in by_id]
        ids = [found["ids"][n] for n in order]
        texts = [found["documents"][n] for n in order]
        metadatas = [dict(found["metadatas"][n] or {}) for n in order]
        matrix = np.asarray(found["embeddings"], dtype=np.float32)[order] if order else np.zeros((0, 1), dtype=np.float32)
        situations = None
        extra = kb._chroma(situations=True).get(ids=ids, include=["embeddings"])
        if len(extra["ids"]):
            where = {chunk_id: n for n, chunk_id in enumerate(ids)}
            rows = np.array([where[i] for i in extra["ids"]], dtype=np.int64)
            situations = (rows, np.asarray(extra["embeddings"], dtype=np.float32))
        cached = kb._read_tokens()
        tokens = []
        for chunk_id, text, meta in zip(ids, texts, metadatas):
            if chunk_id in cached:
                tokens.append(cached[chunk_id].split())
            else:  # the token cache is behind: tokenize as ingest would have
                indexed = "\n".join(p for p in (meta.get("section", "").replace(" > ", " "), meta.get("context", ""), text) if p)
                tokens.append(list(kbtext.bm25_tokens(indexed)))
        return cls(version, manifest["embedder"], ids, texts, metadatas, matrix, tokens, situations)

    def dense_scores(self, vector: np.ndarray) -> np.ndarray:
        # One thread: this product reads the whole matrix once (memory-bound), and OpenBLAS's second
        # thread would then spin for a while on the core the next query's e5 call needs.
        with _one_blas_thread():
            scores = self.matrix @ vector
            if self.situations is not None:
                rows, vectors = self.situations
                scores[rows] = np.maximum(scores[rows], vectors @ vector)
        return scores

    def bm25_scores(self, tokens: Sequence[str]) -> np.ndarray:
        known = [t for t in tokens if t in self._vocab] if self._bm25 is not None else []
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def mask(self, filters: Mapping[str, Any] | None) -> np.ndarray | None:
        if not filters:
            return None
        allowed = np.ones(self.size, dtype=bool)
        for raw_key, value in filters.items():
            key = _FILTER_ALIASES.get(raw_key, raw_key)
            if key not in self.columns:
                raise KnowledgeBaseError(f"unknown filter {raw_key!r}; filters: {', '.join(FILTER_KEYS)}")
            if value is None or value == "" or value == []:
                continue
            values = [value] if isinstance(value, str) else list(value)
            normalize = _NORMALIZERS.get(key, lambda v: v)
            wanted = [normalize(str(v)) for v in values]
            if key == "source":
                wanted = [str(Path(v).expanduser().resolve()) if os.sep in v or Path(v).exists() else v for v in wanted]
            allowed &= np.logical_or.reduce([self._equal(key, v) for v in wanted])
        return allowed

    def _equal(self, key: str, value: str) -> np.ndarray:
        """Rows whose `key` is `value`, computed once per index: live search repeats the same filters."""
        if (key, value) not in self._masks:
            self._masks[(key, value)] = self.columns[key] == value
        return self._masks[(key, value)]

    def chunk(self, i: int) -> Chunk:
        meta = self.metadatas[i]
        return Chunk(
            id=self.ids[i],
            text=self.texts[i],
            source=meta.get("source", ""),
            section=meta.get("section", ""),
            context=meta.get("context", ""),
            objection_type=meta.get("objection_type", ""),
            stage=meta.get("stage", ""),
            language=meta.get("language", ""),
            product=meta.get("product", ""),
            kind=meta.get("kind", "passage"),
            extra={k[2:]: str(v) for k, v in meta.items() if k.startswith("x_")},
        )

    def hit(self, i: int, score: float) -> SearchHit:
        meta = {k: v for k, v in self.metadatas[i].items() if v != ""}
        return SearchHit(id=self.ids[i], text=self.texts[i], source=meta.pop("source", ""), score=round(min(1.0, score), 4), metadata=meta)
