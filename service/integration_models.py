"""The tables behind the WeCom and DingTalk routes (on the shared `storage.Base`).

- `integration_settings`: a tenant's platform credentials, one row per (tenant, platform), stored only as a
  Fernet token (the database alone never reveals a corp secret or an AES key).
- `integration_nonces`: nonces of accepted callbacks, kept for the replay window; the unique key makes a
  replayed nonce fail on insert, in every process at once.
- `integration_messages`: message ids already taken in; the unique key is what turns a platform's redelivery
  of the same message into a no-op, across processes. `reply` keeps the robot's answer, so a redelivered
  robot question gets the same answer without a second suggestion.
- `integration_chats`: (tenant, platform, chat id) -> the chat Conversation being appended to; the row is
  also the lock two deliveries to the same chat take, so neither loses the other's message.
  `last_unsummarized_at` is when the newest message no pushed summary covers arrived (NULL once a summary
  went out): the quiet-chat summaries are due where it is older than DEALWISE_CHAT_QUIET_S, and a push
  process claims one by setting it back to NULL in a conditional UPDATE, so several processes (and
  restarts) push each summary once. Indexed, as the check runs every minute and must only touch chats
  with something new.
- `integration_push_jobs`: prompts (a suggestion or a summary for a chat) not yet pushed, written in the
  transaction that stores the message, so a service that dies before pushing loses nothing. `status` goes
  pending -> claimed (by one push process, `claim` its token) -> done | failed | dropped; a claim older
  than the claim timeout is taken over, so a job of a process that died is pushed by the next one.
  Finished rows are kept a day (what was pushed when), then purged.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.models import utcnow
from storage import Base


class IntegrationSettingsRow(Base):
    __tablename__ = "integration_settings"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    encrypted: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class SeenNonce(Base):
    __tablename__ = "integration_nonces"
    __table_args__ = (Index("ix_integration_nonces_seen_at", "seen_at"),)

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(128), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProcessedMessage(Base):
    __tablename__ = "integration_messages"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    msg_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    chat_id: Mapped[str | None] = mapped_column(String(128))
    reply: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ChatLink(Base):
    __tablename__ = "integration_chats"
    __table_args__ = (Index("ix_integration_chats_last_unsummarized_at", "last_unsummarized_at"),)

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    conversation_id: Mapped[str | None] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    last_unsummarized_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PushJobRow(Base):
    __tablename__ = "integration_push_jobs"
    __table_args__ = (
        Index("ix_integration_push_jobs_status_id", "status", "id"),  # the claim: the oldest pending jobs
        Index("ix_integration_push_jobs_chat", "conversation_id", "kind", "status"),  # a chat's jobs, claimed together
        Index("ix_integration_push_jobs_claim", "claim"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(16))
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # suggestion | summary | analysis
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | claimed | done | failed | dropped
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claim: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
