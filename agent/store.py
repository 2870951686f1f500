"""The agent's tables on the shared `storage.Base`: actions, the hash-chained audit log, builtin connector records.

Every row belongs to one tenant (`tenant_id`; the CLI, which has no tenant, writes `default`): each
tenant has its own actions, its own idempotency keys and its own audit chain, so the service can answer
one tenant without ever reading another's rows.

Works on SQLite and PostgreSQL alike: uniqueness (one action per tenant and idempotency key, one audit
entry per tenant and previous hash) is what makes concurrent runs safe, not locks; `transact` retries a
unit of work that lost such a race, and the retry then sees the winner's row.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import JSON, DateTime, Engine, Integer, String, Text, UniqueConstraint
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Mapped, MappedColumn, Session, mapped_column

from storage import Base

T = TypeVar("T")

#: The tenant of everything written without one (the CLI, and all rows from before tenancy existed).
DEFAULT_TENANT = "default"


def _tenant_column(*, primary_key: bool = False) -> MappedColumn[str]:
    # server_default too: rows written before the tenancy migration, and raw SQL inserts, are `default`'s.
    return mapped_column(String(32), primary_key=primary_key, index=True, default=DEFAULT_TENANT, server_default=DEFAULT_TENANT)


class ActionRow(Base):
    __tablename__ = "agent_actions"
    __table_args__ = (UniqueConstraint("tenant_id", "idempotency_key", name="uq_agent_actions_tenant_key"),)

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    tenant_id: Mapped[str] = _tenant_column()
    idempotency_key: Mapped[str] = mapped_column(String(64))
    deal_id: Mapped[str] = mapped_column(String(200), index=True)
    rule_id: Mapped[str | None] = mapped_column(String(200))
    tool: Mapped[str] = mapped_column(String(64))
    args: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(32), index=True)
    approval: Mapped[str] = mapped_column(String(16), default="none")
    source: Mapped[str] = mapped_column(String(16), default="rule")  # rule | manual
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    audit_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    __tablename__ = "agent_audit"
    # One successor per entry within a tenant's chain: no forks.
    __table_args__ = (UniqueConstraint("tenant_id", "prev_hash", name="uq_agent_audit_tenant_prev_hash"),)

    tenant_id: Mapped[str] = _tenant_column(primary_key=True)
    # seq is assigned by the writer (the tenant's last + 1), not by the database: a gap then means a deleted entry.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))  # ISO text, hashed exactly as stored
    kind: Mapped[str] = mapped_column(String(32), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    deal_id: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    action_id: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    data: Mapped[str] = mapped_column(Text)  # canonical JSON text, hashed exactly as stored
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ConnectorRecordRow(Base):
    """What the builtin connector did: the product's own record of a contract drafted, stock held, ..."""

    __tablename__ = "agent_connector_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = _tenant_column()
    action_id: Mapped[str] = mapped_column(String(16), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(64))
    tool: Mapped[str] = mapped_column(String(64))
    deal_id: Mapped[str] = mapped_column(String(200), index=True)
    args: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def now() -> datetime:
    return datetime.now(UTC)


def canonical_json(value: Any) -> str:
    """The one serialization that is hashed and compared: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def transact(engine: Engine, unit: Callable[[Session], T], attempts: int = 8) -> T:
    """Run `unit` in one transaction; all of it commits or none. A lost uniqueness race or a busy SQLite
    database rolls back and runs the unit again, so it sees what the other writer committed."""
    for attempt in range(attempts):
        with Session(engine, expire_on_commit=False) as session:
            try:
                with session.begin():
                    return unit(session)
            except IntegrityError:
                if attempt == attempts - 1:
                    raise
            except OperationalError as error:
                if "locked" not in str(error).lower() or attempt == attempts - 1:
                    raise
        time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


__all__ = ["DEFAULT_TENANT", "ActionRow", "AuditRow", "ConnectorRecordRow", "canonical_json", "now", "transact"]
