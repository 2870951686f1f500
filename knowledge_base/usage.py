"""Which scripts reps were shown, used or ignored, and how those conversations ended.

Two tables on the shared `storage.Base`: `kb_usage_events` (one row per suggestion event) and
`kb_outcomes` (won/lost per conversation, last report wins). The service records "shown" when it
displays a suggestion and "used"/"ignored" when the rep clicks; the CRM sync reports outcomes. The
heatmap crosses script x objection type: how often each script was used, and the win rate of the
conversations where it was used.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import DateTime, Engine, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge_base import text as kbtext
from knowledge_base.models import KnowledgeBaseError
from storage import Base

EVENTS = ("shown", "used", "ignored")
OUTCOMES = ("won", "lost")
Event = Literal["shown", "used", "ignored"]
Outcome = Literal["won", "lost"]


class UsageEventRow(Base):
    __tablename__ = "kb_usage_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    event: Mapped[str] = mapped_column(String(16))
    chunk_id: Mapped[str] = mapped_column(String(64), index=True)
    collection: Mapped[str | None] = mapped_column(String(64), nullable=True)
    script: Mapped[str | None] = mapped_column(String(200), nullable=True)  # a label for reports
    objection_type: Mapped[str | None] = mapped_column(String(32), nullable=True)
    conversation_id: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    suggestion_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    user_id: Mapped[str | None] = mapped_column(String(200), nullable=True)


class OutcomeRow(Base):
    __tablename__ = "kb_outcomes"

    conversation_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UsageEvent(BaseModel):
    id: int
    at: datetime
    event: Event
    chunk_id: str
    collection: str | None = None
    script: str | None = None
    objection_type: str | None = None
    conversation_id: str | None = None
    suggestion_id: str | None = None
    user_id: str | None = None


class HeatmapCell(BaseModel):
    """One script under one objection type: counts of events and the outcomes where it was used."""

    chunk_id: str
    script: str
    objection_type: str
    shown: int = 0
    used: int = 0
    ignored: int = 0
    won: int = Field(0, description="conversations where the script was used that were won")
    lost: int = 0

    @property
    def win_rate(self) -> float | None:
        decided = self.won + self.lost
        return self.won / decided if decided else None

    @property
    def use_rate(self) -> float | None:
        answered = self.used + self.ignored
        return self.used / answered if answered else None


class UsageLog:
    """Suggestion events and conversation outcomes in the shared database (take the engine from
    `storage.make_engine(url)`; the tables must exist: `storage.create_schema(engine)`)."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def record(
        self,
        event: str,
        chunk_id: str,
        *,
        objection_type: str | None = None,
        conversation_id: str | None = None,
        suggestion_id: str | None = None,
        script: str | None = None,
        collection: str | None = None,
        user_id: str | None = None,
        at: datetime | None = None,
        session: Session | None = None,
    ) -> int:
        """Log one event (shown, used or ignored) for a chunk; returns the event id.

        Pass the caller's `session` to write in its transaction (the service logs a suggestion and its
        events as one unit; SQLite also admits only one writer at a time)."""
        if event not in EVENTS:
            raise KnowledgeBaseError(f"unknown usage event {event!r}; use one of: {', '.join(EVENTS)}")
        if not chunk_id or not str(chunk_id).strip():
            raise KnowledgeBaseError("a usage event needs the chunk id of the suggested script")
        row = UsageEventRow(
            at=at or datetime.now(UTC),
            event=event,
            chunk_id=str(chunk_id).strip(),
            collection=collection,
            script=(script or None) and script[:200],
            objection_type=kbtext.objection_type(objection_type) if objection_type else None,
            conversation_id=conversation_id,
            suggestion_id=suggestion_id,
            user_id=user_id,
        )
        if session is not None:
            session.add(row)
            session.flush()
            return row.id
        with Session(self.engine) as own, own.begin():
            own.add(row)
            own.flush()
            return row.id

    def set_outcome(self, conversation_id: str, outcome: str, at: datetime | None = None, session: Session | None = None) -> None:
        """Won or lost; a later report for the same conversation replaces the earlier one (in `session`'s
        transaction when given)."""
        if outcome not in OUTCOMES:
            raise KnowledgeBaseError(f"unknown outcome {outcome!r}; use won or lost")
        if not conversation_id or not str(conversation_id).strip():
            raise KnowledgeBaseError("an outcome needs a conversation id")
        if session is None:
            with Session(self.engine) as own, own.begin():
                self.set_outcome(conversation_id, outcome, at, session=own)
            return
        row = session.get(OutcomeRow, conversation_id)
        if row is None:
            session.add(OutcomeRow(conversation_id=conversation_id, outcome=outcome, at=at or datetime.now(UTC)))
        else:
            row.outcome, row.at = outcome, at or datetime.now(UTC)

    def events(self, conversation_id: str | None = None, limit: int | None = None) -> list[UsageEvent]:
        query = select(UsageEventRow).order_by(UsageEventRow.id)
        if conversation_id is not None:
            query = query.where(UsageEventRow.conversation_id == conversation_id)
        if limit:
            query = query.limit(limit)
        with Session(self.engine) as session:
            return [UsageEvent.model_validate(row, from_attributes=True) for row in session.scalars(query)]

    def outcomes(self) -> dict[str, str]:
        with Session(self.engine) as session:
            return {row.conversation_id: row.outcome for row in session.scalars(select(OutcomeRow))}

    def heatmap(self, collection: str | None = None, labels: dict[str, str] | None = None) -> list[HeatmapCell]:
        """Cells for every (script, objection type) with events; `labels` names scripts by chunk id
        (e.g. from KnowledgeBase.get), else the label recorded with the event, else the chunk id."""
        query = select(UsageEventRow)
        if collection:
            query = query.where((UsageEventRow.collection == collection) | (UsageEventRow.collection.is_(None)))
        outcomes = self.outcomes()
        cells: dict[tuple[str, str], HeatmapCell] = {}
        used_in: dict[tuple[str, str], set[str]] = {}
        with Session(self.engine) as session:
            rows: Iterable[UsageEventRow] = session.scalars(query)
            for row in rows:
                key = (row.chunk_id, row.objection_type or "none")
                cell = cells.get(key)
                if cell is None:
                    label = (labels or {}).get(row.chunk_id) or row.script or row.chunk_id
                    cell = cells[key] = HeatmapCell(chunk_id=row.chunk_id, script=label, objection_type=key[1])
                elif not (labels or {}).get(row.chunk_id) and row.script and cell.script == row.chunk_id:
                    cell.script = row.script
                setattr(cell, row.event, getattr(cell, row.event) + 1)
                if row.event == "used" and row.conversation_id:
                    used_in.setdefault(key, set()).add(row.conversation_id)
        for key, conversations in used_in.items():
            decided = [outcomes[c] for c in conversations if c in outcomes]
            cells[key].won = decided.count("won")
            cells[key].lost = decided.count("lost")
        return sorted(cells.values(), key=lambda c: (c.objection_type, -c.used, c.script))
