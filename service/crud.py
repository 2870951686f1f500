"""Every read and write of the service's tables, always scoped to one tenant.

Routes and the CLI call these functions with the caller's tenant id; none of them can reach another
tenant's rows, so isolation does not depend on each route remembering a filter.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.models import ApiKey, ConversationRecord, Job, SuggestionRecord, Tenant, new_id, utcnow

KeyRole = Literal["rep", "coach", "admin"]
ROLES: tuple[KeyRole, ...] = ("rep", "coach", "admin")
_KEY_PREFIX = "dw_"


class NotFound(LookupError):
    """No such row for this tenant (the route answers 404 whether it is absent or another tenant's)."""


@dataclass(frozen=True)
class Principal:
    tenant_id: str
    role: KeyRole
    rep_id: str | None
    key_id: str

    def can(self, *roles: KeyRole) -> bool:
        return self.role in roles


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# --- tenants and keys ---------------------------------------------------------------------------


def create_tenant(session: Session, name: str) -> tuple[Tenant, str]:
    """A tenant and its first admin key (returned in clear once, stored hashed)."""
    if not name.strip():
        raise ValueError("tenant name must not be empty")
    tenant = Tenant(name=name.strip())
    session.add(tenant)
    session.flush()
    return tenant, create_key(session, tenant.id, "admin")


def create_key(session: Session, tenant_id: str, role: KeyRole, rep_id: str | None = None) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    if session.get(Tenant, tenant_id) is None:
        raise NotFound(f"no tenant {tenant_id!r}")
    key = _KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiKey(tenant_id=tenant_id, role=role, rep_id=rep_id, digest=_digest(key), prefix=key[:10]))
    session.flush()
    return key


def principal_for_key(session: Session, key: str) -> Principal | None:
    row = session.scalar(select(ApiKey).where(ApiKey.digest == _digest(key), ApiKey.revoked_at.is_(None)))
    if row is None:
        return None
    return Principal(tenant_id=row.tenant_id, role=row.role, rep_id=row.rep_id, key_id=row.id)  # type: ignore[arg-type]


# --- conversations --------------------------------------------------------------------------------


def add_conversation(
    session: Session, tenant_id: str, conversation: dict[str, Any], analysis: dict[str, Any] | None, audio_sha256: str | None = None,
    record_id: str | None = None,
) -> ConversationRecord:
    """Insert, or return the existing record when this tenant already stored the same audio.

    The stored conversation's `id` is ours (a caller's own id is kept as `metadata.external_id`);
    `record_id` is for a caller that handed the id out before storing (a live session's suggestions).
    """
    if audio_sha256:
        existing = session.scalar(
            select(ConversationRecord).where(ConversationRecord.tenant_id == tenant_id, ConversationRecord.audio_sha256 == audio_sha256)
        )
        if existing is not None:
            return existing
    record_id = record_id or new_id()
    metadata = dict(conversation.get("metadata") or {})
    if conversation.get("id"):
        metadata["external_id"] = conversation["id"]
    conversation = {**conversation, "id": record_id, "metadata": metadata}
    record = ConversationRecord(
        id=record_id,
        tenant_id=tenant_id,
        rep=metadata.get("rep"),
        outcome=conversation.get("outcome"),
        channel=conversation["channel"],
        language=conversation["language"],
        audio_sha256=audio_sha256,
        conversation=conversation,
        analysis=analysis,
    )
    session.add(record)
    session.flush()
    return record


def get_conversation(session: Session, tenant_id: str, conversation_id: str) -> ConversationRecord:
    record = session.get(ConversationRecord, conversation_id)
    if record is None or record.tenant_id != tenant_id:
        raise NotFound(f"no conversation {conversation_id!r}")
    return record


def list_conversations(
    session: Session,
    tenant_id: str,
    *,
    rep: str | None = None,
    outcome: str | None = None,
    since: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[ConversationRecord]:
    query = select(ConversationRecord).where(ConversationRecord.tenant_id == tenant_id)
    if rep is not None:
        query = query.where(ConversationRecord.rep == rep)
    if outcome is not None:
        query = query.where(ConversationRecord.outcome == outcome)
    if since is not None:
        query = query.where(ConversationRecord.created_at >= since)
    query = query.order_by(ConversationRecord.created_at.desc(), ConversationRecord.id).limit(limit).offset(offset)
    return list(session.scalars(query))


# --- durable jobs ---------------------------------------------------------------------------------


def enqueue_job(session: Session, tenant_id: str, kind: str, input_path: str, input_sha256: str, params: dict[str, Any]) -> Job:
    """One job per (tenant, kind, input): the same upload twice returns the first job."""
    existing = session.scalar(select(Job).where(Job.tenant_id == tenant_id, Job.kind == kind, Job.input_sha256 == input_sha256))
    if existing is not None:
        return existing
    job = Job(tenant_id=tenant_id, kind=kind, input_path=input_path, input_sha256=input_sha256, params=params)
    session.add(job)
    try:
        session.flush()
    except IntegrityError:  # a concurrent upload of the same file won the race
        session.rollback()
        return session.scalar(select(Job).where(Job.tenant_id == tenant_id, Job.kind == kind, Job.input_sha256 == input_sha256))
    return job


def get_job(session: Session, tenant_id: str, job_id: str) -> Job:
    job = session.get(Job, job_id)
    if job is None or job.tenant_id != tenant_id:
        raise NotFound(f"no job {job_id!r}")
    return job


def _claimable(now: datetime):
    return or_(Job.status == "queued", (Job.status == "running") & (Job.lease_until < now))


def claim_job(session: Session, lease: timedelta, max_attempts: int) -> Job | None:
    """Take the oldest queued job, or one whose worker died (lease expired); safe with many workers.

    The conditional UPDATE is the lock: of two workers racing for one row only one changes it.
    """
    now = utcnow()
    for job_id in session.scalars(select(Job.id).where(_claimable(now), Job.attempts < max_attempts).order_by(Job.created_at).limit(5)):
        claimed = session.execute(
            update(Job)
            .where(Job.id == job_id, _claimable(now))
            .values(status="running", lease_until=now + lease, attempts=Job.attempts + 1, updated_at=now)
        )
        session.commit()
        if claimed.rowcount == 1:
            return session.get(Job, job_id)
    return None


def fail_exhausted_jobs(session: Session, max_attempts: int) -> None:
    """A job that killed its worker `max_attempts` times is failed instead of crashing workers forever."""
    now = utcnow()
    session.execute(
        update(Job)
        .where(_claimable(now), Job.attempts >= max_attempts)
        .values(status="failed", error=f"gave up after {max_attempts} attempts", updated_at=now)
    )
    session.commit()


def renew_lease(session: Session, job_id: str, lease: timedelta) -> None:
    session.execute(update(Job).where(Job.id == job_id, Job.status == "running").values(lease_until=utcnow() + lease))
    session.commit()


def finish_job(session: Session, job_id: str, *, conversation_id: str | None = None, error: str | None = None) -> None:
    session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(status="failed" if error else "done", conversation_id=conversation_id, error=error, lease_until=None, updated_at=utcnow())
    )
    session.commit()


# --- suggestions ----------------------------------------------------------------------------------


def add_suggestion(session: Session, tenant_id: str, conversation_id: str | None, suggestion: dict[str, Any]) -> SuggestionRecord:
    record = SuggestionRecord(
        tenant_id=tenant_id, conversation_id=conversation_id, objection_type=suggestion.get("objection_type"),
        citations=list(suggestion["citations"]), text=suggestion["text"],
    )
    session.add(record)
    session.flush()
    return record


def get_suggestion(session: Session, tenant_id: str, suggestion_id: str) -> SuggestionRecord:
    record = session.get(SuggestionRecord, suggestion_id)
    if record is None or record.tenant_id != tenant_id:
        raise NotFound(f"no suggestion {suggestion_id!r}")
    return record
