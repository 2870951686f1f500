"""What one service process holds for its lifetime: settings, the database, and models loaded once."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

import storage
from service import models  # noqa: F401 - registers the service tables on storage.Base
from service.config import Settings
from service.metrics import Metrics


@dataclass
class Runtime:
    settings: Settings
    engine: Engine = field(init=False)
    sessions: sessionmaker[Session] = field(init=False)
    metrics: Metrics = field(default_factory=Metrics)

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

    def analyze(self, conversation) -> dict:
        """Analysis of a Conversation, PII-masked, ready to store (the conversation itself under its own key)."""
        from agent.pii import mask_structure
        from behavior import analyze

        analysis = analyze(conversation, self.tagger).model_dump(mode="json")
        return mask_structure(analysis)
