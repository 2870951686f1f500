"""Per-tenant WeCom/DingTalk settings (encrypted at rest) and the database half of taking in a callback.

Credentials are Fernet-encrypted with a key from DEALWISE_SECRET_KEY or, when that is unset, a key made once
in DATA_DIR/secret.key with 0600 permissions (the CLI that sets them and the server that reads them share
the data dir, so they share the key). Losing the key loses the stored credentials, never the data.

Taking in a message is one transaction whose first statement is a write: on SQLite that takes the write
lock before anything is read, on PostgreSQL the chat row is locked FOR UPDATE, so concurrent deliveries to
one chat append one after the other instead of overwriting each other. Uniqueness does the rest: a nonce
seen before fails its insert (a replay), a message id seen before fails its insert (the platform's
redelivery, answered without doing anything twice). A customer's message also leaves a push job in that
transaction: the prompt it calls for is stored exactly when the message is, so no crash can keep one
without the other. Any other message (the rep's) leaves an 'analysis' job instead: the push worker keeps the
chat's stored analysis (features, objections) current, and the callback does nothing CPU-heavy for it.

Push jobs are claimed with conditional UPDATEs, never a read followed by a write: on SQLite a transaction
that read first cannot take the write lock once another process has written (it fails at once, without
waiting), and on PostgreSQL a second claimer blocked on the same rows re-checks the condition after the
first commits and matches nothing, so each job has one owner.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import itertools
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Literal

from cryptography.fernet import Fernet, InvalidToken
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator
from sqlalchemy import and_, delete, func, insert, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from conversation import Conversation
from integrations import DingTalkCrypto, IncomingMessage, IntegrationError, MessageError, WeComCrypto, append_message
from service import crud
from service.config import Settings
from service.integration_models import ChatLink, IntegrationSettingsRow, ProcessedMessage, PushJobRow, SeenNonce
from service.models import ConversationRecord, Tenant, utcnow

Platform = Literal["wecom", "dingtalk"]
_AES_KEY = r"^[A-Za-z0-9+/]{43}$"


class WeComSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    platform: Literal["wecom"] = "wecom"
    corp_id: str = Field(min_length=1, description="The receive id of an internal app's callbacks.")
    agent_id: int = Field(ge=0)
    secret: str = Field(min_length=1, description="The app's Secret (access tokens for message/send).")
    token: str = Field(min_length=1, description="The callback Token.")
    aes_key: str = Field(pattern=_AES_KEY, description="The callback EncodingAESKey (43 characters).")
    robot_webhook: str | None = Field(default=None, description="Group robot key or URL: prompts go there instead of app messages.")
    notify: list[str] = Field(default_factory=list, description="User ids that get app messages when a chat names no rep.")

    def crypto(self) -> WeComCrypto:
        return WeComCrypto(self.token, self.aes_key, self.corp_id)


class DingTalkSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    platform: Literal["dingtalk"] = "dingtalk"
    app_key: str = Field(min_length=1)
    app_secret: str = Field(min_length=1, description="Also the key of outgoing-robot request signatures.")
    token: str = Field(min_length=1)
    aes_key: str = Field(pattern=_AES_KEY)
    owner_key: str | None = Field(default=None, description="Callback receive id when it is not the app key (a corp id).")
    robot_webhook: str | None = Field(default=None, description="Custom group robot access token or webhook URL.")
    robot_secret: str | None = Field(default=None, description="The robot's 加签 secret (SEC…).")
    agent_id: int | None = Field(default=None, ge=0, description="The app's AgentId: prompts also go to reps as work notifications.")
    notify: list[str] = Field(default_factory=list, description="User ids that get work notifications when a chat names no rep.")

    @model_validator(mode="after")
    def _signed_robot(self) -> DingTalkSettings:
        if self.robot_webhook and not self.robot_secret:
            raise ValueError("a DingTalk robot webhook needs its signing secret (--robot-secret SEC…): unsigned robots are not used")
        if self.notify and self.agent_id is None:
            raise ValueError("--notify users get work notifications, which are sent as the app: set its --agent-id too")
        return self

    def crypto(self) -> DingTalkCrypto:
        return DingTalkCrypto(self.token, self.aes_key, self.owner_key or self.app_key)


PlatformSettings = Annotated[WeComSettings | DingTalkSettings, Field(discriminator="platform")]
_SETTINGS = TypeAdapter(PlatformSettings)
SECRET_FIELDS = frozenset({"secret", "token", "aes_key", "app_secret", "robot_webhook", "robot_secret"})


class SettingsUnreadable(IntegrationError):
    """Stored credentials that the current secret key cannot decrypt (the key changed since they were set)."""


class Replay(IntegrationError):
    """A callback nonce accepted before, within the replay window."""


# --- encryption at rest -------------------------------------------------------------------------------------


def fernet(settings: Settings) -> Fernet:
    return _fernet(settings.secret_key, settings.data_dir.resolve())


@functools.lru_cache(maxsize=8)
def _fernet(secret_key: str | None, data_dir: Path) -> Fernet:
    if secret_key:
        # any high-entropy string works: it is hashed to the 32 bytes Fernet wants
        return Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret_key.encode("utf-8")).digest()))
    return Fernet(_key_file(data_dir / "secret.key"))


def _key_file(path: Path) -> bytes:
    """The key in `path`, made on first use; link() publishes it whole, so two processes racing agree on one key."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".secret.key.{secrets.token_hex(8)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(Fernet.generate_key())
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            tmp.unlink(missing_ok=True)
    return path.read_bytes().strip()


def mask(value: str) -> str:
    return "****" + value[-4:] if len(value) > 12 else "****"


def masked(credentials: WeComSettings | DingTalkSettings) -> dict:
    """What `integrations show` prints: ids in clear, every secret reduced to its last characters."""
    data = credentials.model_dump()
    return {k: mask(v) if k in SECRET_FIELDS and isinstance(v, str) else v for k, v in data.items()}


def save_settings(session: Session, tenant_id: str, credentials: WeComSettings | DingTalkSettings, key: Fernet) -> None:
    if session.get(Tenant, tenant_id) is None:
        raise crud.NotFound(f"no tenant {tenant_id!r}")
    credentials.crypto()  # a token or AES key the platforms' scheme rejects fails here, not at the first callback
    encrypted = key.encrypt(credentials.model_dump_json().encode("utf-8")).decode("ascii")
    row = session.get(IntegrationSettingsRow, (tenant_id, credentials.platform))
    if row is None:
        session.add(IntegrationSettingsRow(tenant_id=tenant_id, platform=credentials.platform, encrypted=encrypted))
    else:
        row.encrypted = encrypted
        row.updated_at = utcnow()
    session.flush()


@dataclass(frozen=True)
class StoredSettings:
    credentials: WeComSettings | DingTalkSettings
    updated_at: datetime


def load_settings(session: Session, tenant_id: str, platform: Platform, key: Fernet) -> StoredSettings | None:
    row = session.get(IntegrationSettingsRow, (tenant_id, platform))
    if row is None:
        return None
    try:
        plain = key.decrypt(row.encrypted.encode("ascii"))
    except InvalidToken:
        raise SettingsUnreadable(
            f"the stored {platform} settings of tenant {tenant_id} do not decrypt with this secret key "
            "(DEALWISE_SECRET_KEY or DATA_DIR/secret.key changed since they were set): set them again"
        ) from None
    return StoredSettings(_SETTINGS.validate_json(plain), row.updated_at)


def any_configured(session: Session) -> bool:
    return session.scalar(select(IntegrationSettingsRow.tenant_id).limit(1)) is not None


def list_settings(session: Session, tenant_id: str, key: Fernet) -> list[StoredSettings]:
    rows = session.scalars(select(IntegrationSettingsRow.platform).where(IntegrationSettingsRow.tenant_id == tenant_id))
    found = [load_settings(session, tenant_id, platform, key) for platform in sorted(rows)]  # type: ignore[arg-type]
    return [stored for stored in found if stored is not None]


# --- taking in a callback -------------------------------------------------------------------------------------

_PURGE_EVERY = 200
_MAX_ID = 128  # the id columns' width
_takes = itertools.count(1)


def _insert_new(session: Session, model: type, **values) -> bool:
    """INSERT … ON CONFLICT DO NOTHING: True when the row is new. No exception, so the transaction stays usable.

    RETURNING tells whether a row went in (psycopg does not report a rowcount for this statement).
    """
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    key = next(iter(model.__table__.primary_key.columns))
    return session.execute(insert(model).values(**values).on_conflict_do_nothing().returning(key)).first() is not None


def take_nonce(session: Session, tenant_id: str, platform: Platform, nonce: str, window_s: float) -> None:
    """Remember `nonce`, or raise Replay when it was accepted before.

    A request stamped t is accepted until t + window, and may arrive as early as t - window, so a nonce is
    kept for twice the window after it was first seen; older ones are purged now and then.
    """
    now = utcnow()
    if next(_takes) % _PURGE_EVERY == 0:
        session.execute(delete(SeenNonce).where(SeenNonce.seen_at < now - timedelta(seconds=2 * window_s)))
    if not _insert_new(session, SeenNonce, tenant_id=tenant_id, platform=platform, nonce=nonce, seen_at=now):
        raise Replay("callback nonce seen before: a replayed request")


@dataclass(frozen=True)
class Intake:
    duplicate: bool
    conversation_id: str | None = None


def take_message(session: Session, tenant_id: str, message: IncomingMessage) -> Intake:
    """Append `message` to its chat's Conversation, once per message id (a redelivery is a duplicate), and queue
    the chat's job in the same transaction (`enqueue_push`): a customer's message the suggestion prompt, any other
    an 'analysis' job. The push worker re-analyses the chat for either, so the stored analysis follows the chat
    while the callback pays one INSERT for it, whoever spoke."""
    if max(len(message.msg_id), len(message.chat_id)) > _MAX_ID:
        raise MessageError(f"message or chat id longer than {_MAX_ID} characters: not a platform id")
    if not _insert_new(session, ProcessedMessage, tenant_id=tenant_id, platform=message.platform, msg_id=message.msg_id,
                       chat_id=message.chat_id, created_at=utcnow()):
        return Intake(duplicate=True)
    conversation_id = _append_to_chat(session, tenant_id, message)
    enqueue_push(session, tenant_id, message.platform, conversation_id, "suggestion" if message.role == "customer" else "analysis")
    return Intake(duplicate=False, conversation_id=conversation_id)


def _append_to_chat(session: Session, tenant_id: str, message: IncomingMessage) -> str:
    from agent.pii import mask_pii

    key = {"tenant_id": tenant_id, "platform": message.platform, "chat_id": message.chat_id}
    locked = select(ChatLink).filter_by(**key).with_for_update()
    link = session.scalars(locked).one_or_none()
    if link is None:  # a new chat; when a concurrent delivery creates it first, this waits for theirs and locks it
        _insert_new(session, ChatLink, **key, conversation_id=None)
        link = session.scalars(locked).one()
    record = session.get(ConversationRecord, link.conversation_id) if link.conversation_id else None
    current = Conversation.model_validate(record.conversation) if record is not None else None
    updated = append_message(current, message.model_copy(update={"text": mask_pii(message.text)}), tenant=tenant_id)
    data = updated.model_dump(mode="json", exclude_none=True)
    if record is None:
        record = crud.add_conversation(session, tenant_id, data, None)
        link.conversation_id = record.id
    else:
        record.conversation = data
    link.last_unsummarized_at = utcnow()  # arrival time, one clock for the quiet check (platform clocks drift)
    return record.id


def store_analysis(session: Session, tenant_id: str, conversation_id: str, analysed: dict, analysis: dict) -> bool:
    """Store `analysis` as the conversation's, only while its body is still `analysed` (what was analysed); False
    when a message arrived meanwhile (or the conversation is gone): that message queued a job of its own, whose
    analysis of the newer body must not be overwritten by this older one. Only the `analysis` column is written.

    A write first (a no-op UPDATE of the row), as in taking in a message: on SQLite it takes the write lock before
    the body is read, on PostgreSQL it locks the row, so no callback can append between the check and the write.
    """
    row = and_(ConversationRecord.id == conversation_id, ConversationRecord.tenant_id == tenant_id)
    locked = session.execute(
        update(ConversationRecord).where(row).values(analysis=ConversationRecord.analysis).execution_options(synchronize_session=False)
    )
    if locked.rowcount != 1 or session.scalar(select(ConversationRecord.conversation).where(row)) != analysed:
        return False
    session.execute(update(ConversationRecord).where(row).values(analysis=analysis).execution_options(synchronize_session=False))
    return True


def stored_reply(session: Session, tenant_id: str, platform: Platform, msg_id: str) -> str | None:
    """The answer already given to this message id (a robot question asked again by a redelivery), if any."""
    row = session.get(ProcessedMessage, (tenant_id, platform, msg_id))
    return row.reply if row is not None else None


def remember_reply(session: Session, tenant_id: str, message: IncomingMessage, reply: str) -> str:
    """Record the robot's answer to `message`; when a concurrent delivery answered first, theirs is returned."""
    if _insert_new(session, ProcessedMessage, tenant_id=tenant_id, platform=message.platform, msg_id=message.msg_id,
                   chat_id=message.chat_id, reply=reply, created_at=utcnow()):
        return reply
    return stored_reply(session, tenant_id, message.platform, message.msg_id) or reply


# --- quiet-chat summaries ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuietChat:
    tenant_id: str
    platform: Platform
    conversation_id: str


def claim_quiet_chats(session: Session, quiet_s: float, limit: int = 100) -> list[QuietChat]:
    """Chats silent for `quiet_s` whose newest message no summary covers yet, each claimed for this caller only.

    A read first, so the periodic check writes nothing while no chat is due. Each claim is an UPDATE that
    clears `last_unsummarized_at` only while it is still older than the cutoff: of two processes claiming
    the same chat, the second matches no row (PostgreSQL re-checks the condition once the first commits;
    SQLite has one writer), and a message that arrived since the read makes the chat not quiet. Rows are
    claimed in key order, so two claimers lock shared rows in the same order and never deadlock. The caller
    commits before pushing: the push worker queues a summary job (`enqueue_push`) in the same transaction,
    so a claimed chat's summary survives a crash like any other prompt.
    """
    cutoff = utcnow() - timedelta(seconds=quiet_s)
    due = session.execute(
        select(ChatLink.tenant_id, ChatLink.platform, ChatLink.chat_id, ChatLink.conversation_id)
        .where(ChatLink.last_unsummarized_at < cutoff, ChatLink.conversation_id.is_not(None))
        .order_by(ChatLink.last_unsummarized_at)
        .limit(limit)
    ).all()
    claimed = []
    for tenant_id, platform, chat_id, conversation_id in sorted(due):
        taken = session.execute(
            update(ChatLink)
            .where(ChatLink.tenant_id == tenant_id, ChatLink.platform == platform, ChatLink.chat_id == chat_id,
                   ChatLink.last_unsummarized_at < cutoff)
            .values(last_unsummarized_at=None)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:
            claimed.append(QuietChat(tenant_id, platform, conversation_id))
    return claimed


def mark_summarized(session: Session, tenant_id: str, conversation_id: str) -> None:
    """A summary pushed on demand covers the chat as it stands: no quiet-chat summary of the same messages."""
    session.execute(
        update(ChatLink)
        .where(ChatLink.tenant_id == tenant_id, ChatLink.conversation_id == conversation_id)
        .values(last_unsummarized_at=None)
        .execution_options(synchronize_session=False)
    )


# --- the push queue ------------------------------------------------------------------------------------------------

PushKind = Literal["suggestion", "summary", "analysis"]  # analysis: only refresh the chat's stored analysis, push nothing
_CLAIM_TRIES = 8


def enqueue_push(session: Session, tenant_id: str, platform: Platform, conversation_id: str, kind: PushKind = "suggestion") -> None:
    """One INSERT, committed with the caller's transaction: a prompt for the chat as it stands when it is pushed."""
    session.execute(insert(PushJobRow).values(tenant_id=tenant_id, platform=platform, conversation_id=conversation_id, kind=kind,
                                              status="pending", created_at=utcnow(), attempts=0))


@dataclass(frozen=True)
class ClaimedPush:
    claim: str
    tenant_id: str
    platform: Platform
    conversation_id: str
    kind: PushKind
    jobs: int  # how many queued jobs of the chat this one push answers


def _claimable(now: datetime, timeout_s: float, max_attempts: int):
    """Pending, or claimed by a process that has not finished it within the timeout (it died, most likely)."""
    stale = and_(PushJobRow.status == "claimed", PushJobRow.claimed_at < now - timedelta(seconds=timeout_s),
                 PushJobRow.attempts < max_attempts)
    return or_(PushJobRow.status == "pending", stale)


def claim_push(session: Session, timeout_s: float, max_attempts: int) -> ClaimedPush | None:
    """The oldest claimable chat's jobs of one kind, all of them, claimed for this caller; None when there are none.

    One UPDATE picks the chat (the subquery) and claims its jobs, so several queued suggestions of one chat
    become one push. The chat's 'analysis' jobs go along with a claim of any kind: every job re-analyses the
    chat as it stands, so one analysis answers them all. Prompts come first: analysis-only jobs are claimed when
    no prompt is queued (a rep waits for a prompt, nobody for an analysis), which also lets a chat's queued
    analysis ride along with its next prompt. A claimer that lost the race to another matches no row and tries
    the next chat; the caller commits before pushing.
    """
    now = utcnow()
    claimable = _claimable(now, timeout_s, max_attempts)
    chat = (PushJobRow.tenant_id, PushJobRow.platform, PushJobRow.conversation_id)
    key = (*chat, PushJobRow.kind)
    first = (PushJobRow.kind == "analysis", PushJobRow.id)  # prompts before analyses, each oldest first
    oldest = select(*key).where(claimable).order_by(*first).limit(1)
    oldest_chat = select(*chat).where(claimable).order_by(*first).limit(1)
    for _ in range(_CLAIM_TRIES):
        token = secrets.token_hex(16)
        taken = session.execute(
            update(PushJobRow)
            .where(claimable, or_(tuple_(*key).in_(oldest), and_(PushJobRow.kind == "analysis", tuple_(*chat).in_(oldest_chat))))
            .values(status="claimed", claim=token, claimed_at=now, attempts=PushJobRow.attempts + 1)
            .returning(*key)
            .execution_options(synchronize_session=False)
        ).all()
        if taken:
            kind = next((row[3] for row in taken if row[3] != "analysis"), "analysis")
            return ClaimedPush(token, *taken[0][:3], kind=kind, jobs=len(taken))
        if session.scalar(select(PushJobRow.id).where(claimable).limit(1)) is None:
            return None
    return None


def confirm_claim(session: Session, claim: str) -> bool:
    """Whether `claim` is still this caller's (not taken over after a timeout); renews it when it is."""
    renewed = session.execute(
        update(PushJobRow).where(PushJobRow.claim == claim, PushJobRow.status == "claimed").values(claimed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return renewed.rowcount > 0


def finish_push(session: Session, claim: str, status: Literal["done", "failed"] = "done") -> None:
    session.execute(
        update(PushJobRow).where(PushJobRow.claim == claim, PushJobRow.status == "claimed").values(status=status, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class QueueUpkeep:
    dropped: int  # pending jobs over the bound, oldest first
    abandoned: list[tuple[str, str]]  # (tenant, conversation) of jobs whose claims timed out `max_attempts` times
    purged: int


def upkeep_push_queue(session: Session, *, max_pending: int, timeout_s: float, max_attempts: int, keep_s: float) -> QueueUpkeep:
    """Bound the queue: finished jobs older than `keep_s` go, jobs that took every attempt down with them fail,
    and the oldest pending jobs beyond `max_pending` are dropped. Writes first (see the module docstring)."""
    now = utcnow()
    purged = session.execute(
        delete(PushJobRow)
        .where(PushJobRow.status.in_(("done", "failed", "dropped")), PushJobRow.finished_at < now - timedelta(seconds=keep_s))
        .execution_options(synchronize_session=False)
    ).rowcount
    abandoned = session.execute(
        update(PushJobRow)
        .where(PushJobRow.status == "claimed", PushJobRow.claimed_at < now - timedelta(seconds=timeout_s),
               PushJobRow.attempts >= max_attempts)
        .values(status="failed", finished_at=now)
        .returning(PushJobRow.tenant_id, PushJobRow.conversation_id)
        .execution_options(synchronize_session=False)
    ).all()
    dropped = 0
    if session.scalar(select(func.count()).select_from(PushJobRow).where(PushJobRow.status == "pending")) > max_pending:
        newest_dropped = session.scalar(
            select(PushJobRow.id).where(PushJobRow.status == "pending").order_by(PushJobRow.id.desc()).offset(max_pending).limit(1)
        )
        dropped = session.execute(
            update(PushJobRow).where(PushJobRow.status == "pending", PushJobRow.id <= newest_dropped)
            .values(status="dropped", finished_at=now).execution_options(synchronize_session=False)
        ).rowcount
    return QueueUpkeep(dropped, sorted(set(map(tuple, abandoned))), purged)
