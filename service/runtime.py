"""What one service process holds for its lifetime: settings, the database, and models loaded once."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

import storage
from service import models  # noqa: F401 - registers the service tables on storage.Base
from service.config import Settings
from service.metrics import Metrics


def tenant_collection(base: str, tenant_id: str) -> str:
    return f"{base}-{tenant_id}"


@dataclass
class Runtime:
    settings: Settings
    engine: Engine = field(init=False)
    sessions: sessionmaker[Session] = field(init=False)
    metrics: Metrics = field(default_factory=Metrics)
    _kbs: dict = field(default_factory=dict, init=False, repr=False)
    _kb_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self.engine = storage.make_engine(self.settings.database)
        storage.create_schema(self.engine)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back (nothing half-written) on any error."""
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @functools.cached_property
    def tagger(self):
        from behavior import get_tagger

        return get_tagger("hybrid", str(self.settings.models_dir))

    @functools.cached_property
    def transcriber(self):
        from speech import get_transcriber

        return get_transcriber(self.settings.asr_engine, self.settings.engine_config())

    @functools.cached_property
    def live_transcriber(self):
        from speech import get_transcriber

        return get_transcriber(self.settings.asr_engine, self.settings.live_engine_config())

    def knowledge_base(self, tenant_id: str):
        """The tenant's own playbook (a collection per tenant: one tenant never retrieves another's scripts)."""
        from knowledge_base import KnowledgeBase

        with self._kb_lock:
            kb = self._kbs.get(tenant_id)
            if kb is None:
                kb = self._kbs[tenant_id] = KnowledgeBase(
                    self.settings.kb_dir, self.settings.embedding_backend, collection=tenant_collection(self.settings.kb_collection, tenant_id)
                )
            return kb

    def note_outcome(self, record, session: Session) -> None:
        """A won/lost conversation credits the scripts used in it (the usage heatmap's win rates)."""
        if record.outcome:
            from knowledge_base import UsageLog

            UsageLog(self.engine).set_outcome(record.id, record.outcome, session=session)

    def record_shown(self, session: Session, tenant_id: str, conversation_id: str | None, suggestions: list, user_id: str | None) -> list[str]:
        """Keep suggestions shown to a rep (so a later used/ignored click can be checked and credited) and log
        "shown" for every script they cite, in the caller's transaction; returns the suggestion ids."""
        from knowledge_base import UsageLog

        from service import crud

        usage, collection = UsageLog(self.engine), tenant_collection(self.settings.kb_collection, tenant_id)
        ids = []
        for suggestion in suggestions:
            record = crud.add_suggestion(session, tenant_id, conversation_id, suggestion.model_dump())
            for chunk_id in suggestion.citations:
                usage.record(
                    "shown", chunk_id, objection_type=suggestion.objection_type, conversation_id=conversation_id,
                    suggestion_id=record.id, collection=collection, user_id=user_id, session=session,
                )
            ids.append(record.id)
        return ids

    def analyze(self, conversation) -> dict:
        """Analysis of a Conversation, PII-masked, ready to store (the conversation itself under its own key)."""
        from agent.pii import mask_structure
        from behavior import analyze

        analysis = analyze(conversation, self.tagger).model_dump(mode="json")
        return mask_structure(analysis)
