"""After a platform callback has been answered: tag the customer's message, suggest a reply, push it to the rep.

The platforms give a callback 5 s, and tagging, retrieval and a platform API call (with its retries) can take
longer, so this runs in a push worker process of its own. A process, not a thread: tagging and retrieval are
Python-heavy, and sharing the interpreter lock with the callback threads would add their latency to every
callback's. The worker runs at a lower CPU priority, so on a busy machine callbacks go first.

The queue is a table (integration_push_jobs), not the worker's memory: a job is one INSERT in the transaction
that stores the customer's message, so a service killed before it pushed loses no prompt, and the callback
pays one statement for it and nothing else (it only wakes the worker afterwards). Workers claim with a
conditional UPDATE (pending -> claimed with their token), which is what lets several server processes share
one database and still push each prompt once; a claim older than CLAIM_TIMEOUT_S belongs to a worker that
died, and the next worker to look (a restarted service's among them) takes it over. The price is at least
once, not exactly once: a worker that dies between the platform's answer and marking the job done has its
chat pushed again. Jobs for one conversation coalesce: a claim takes every queued job of the chat, so when a
customer sends five messages before a worker reaches the chat, one prompt answers the chat as it stands.
The table is bounded at MAX_PENDING pending jobs (the oldest beyond it are dropped, with a warning: after a
long outage the stalest prompts are the least useful). Push failures are logged and written to the tenant's
audit log with the platform's error code, and the job counts as done: a failed push is not queued again.

Where prompts go: WeCom: the group robot when one is set, else an application message (message/send) to the
chat's reps or the configured `notify` users; DingTalk: the signed custom group robot when one is set, and
also a work notification (工作通知, asyncsend_v2) to the chat's reps or the `notify` users when the app's agent
id is set (the robot speaks to a team group, the notification to the rep in person, so both go out).

Summaries: on demand (the summarize route queues a job), and once a chat has gone quiet for
DEALWISE_CHAT_QUIET_S: the worker checks the database every min(60, quiet/4) s and claims the due chats there
(integration_store.claim_quiet_chats), queueing their summary jobs in the same transaction, so the state
survives restarts and, with several server processes, each summary is pushed by one of them.

The chat's stored analysis: a chat is analysed as a conversation posted to POST /v1/conversations is
(Runtime.analyze: features, objections, hints), here and not in the callback, because it is CPU-heavy. Every
job re-analyses its chat as it stands after pushing (a suggestion, a summary, and 'analysis' jobs, which the
callback queues for the rep's messages: they call for no prompt, but change the features), so the stored
analysis follows the chat's last message, whoever sent it, within a push worker's latency; the chat's queued
analysis jobs are claimed with any job of it (one analysis answers them all). The analysis is written only
while the conversation is still the one analysed (integration_store.store_analysis): a message that arrived
meanwhile has a job of its own. A chat that has only one side so far (the customer's messages, before a rep
answers) has no behavior features, which compare the two; its objections are still stored, in the same shape.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import time
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from agent.assist import ActionItem
from agent.suggest_context import LABEL_NAMES_ZH, language_of, roles
from conversation import Conversation
from integrations import IntegrationError, OutgoingMessage, PlatformError, Sender, get_sender
from integrations.messages import EXTERNAL_PREFIXES
from service import crud
from service.config import Settings
from service.integration_store import (
    DingTalkSettings,
    Platform,
    StoredSettings,
    WeComSettings,
    claim_push,
    claim_quiet_chats,
    confirm_claim,
    enqueue_push,
    fernet,
    finish_push,
    load_settings,
    store_analysis,
    upkeep_push_queue,
)
from service.runtime import tenant_collection

if TYPE_CHECKING:
    from agent.suggest import Suggestion
    from service.runtime import Runtime

log = logging.getLogger("dealwise.integrations")

MAX_PENDING = 10_000  # pending jobs kept; beyond, the oldest are dropped (with a warning) at the next upkeep
CLAIM_TIMEOUT_S = 300.0  # a claim this old is taken over: its process died (a push takes seconds, retries included)
MAX_ATTEMPTS = 3  # claims of a job that all timed out (a job that kills its worker?): then it is given up, logged
KEEP_FINISHED_S = 86_400.0  # finished jobs are kept this long (what was pushed when), then purged
POLL_S = 2.0  # an idle worker looks at the table this often: jobs of other processes, claims to take over
_UPKEEP_EVERY_S = 60.0
_WAKES = 64
_ADDRESSED = frozenset({"wecom-app", "dingtalk-notice"})  # senders that need user ids in OutgoingMessage.to
_SNIPPET = 300  # characters of a quoted message or suggestion: prompts are read on a phone


class PushJob(BaseModel):
    model_config = ConfigDict(frozen=True)

    tenant_id: str
    platform: Platform
    conversation_id: str
    kind: Literal["suggestion", "summary", "analysis"] = "suggestion"


class ChatSummary(BaseModel):
    conversation_id: str
    language: str
    summary: str
    objections: list[str]
    decisions: list[str]
    next_steps: list[ActionItem]


def summarize(conversation_id: str, conversation: Conversation, tagger) -> ChatSummary:
    """Objections the customer raised and the next steps agreed (the assistant's minutes, without an LLM)."""
    from agent.assist import minutes

    who = roles(conversation)
    said = [{"text": s.text, "role": "customer"} for s in conversation.segments if who.get(s.speaker) == "customer" and s.text.strip()]
    objections: list[str] = []
    for result in tagger.classify(said) if said else []:
        objections += [label for label in result.labels if label not in objections]
    notes = minutes(conversation, tagger=tagger)
    return ChatSummary(conversation_id=conversation_id, language=notes.language, summary=notes.summary, objections=objections,
                       decisions=notes.decisions, next_steps=notes.action_items)


def chat_analysis(runtime: Runtime, conversation: Conversation) -> dict:
    """What POST /v1/conversations stores as a conversation's analysis (Runtime.analyze), for a chat as it stands.

    A chat without both sides yet (AnalysisError: behavior features compare the rep with the customer) still
    gets its objections, tagged by the same tagger and stored in the same shape, with no features or hints.
    """
    from agent.pii import mask_structure
    from behavior import AnalysisError, ObjectionTag

    try:
        analysis = runtime.analyze(conversation)
    except AnalysisError:
        who = roles(conversation)
        said = [{"text": s.text, "role": who.get(s.speaker, "other")} for s in conversation.segments]
        results = runtime.tagger.classify(said) if said else []
        objections = [ObjectionTag(segment=i, speaker=segment.speaker, labels=r.labels, scores=r.scores, evidence=r.evidence)
                      for i, (segment, r) in enumerate(zip(conversation.segments, results)) if r.labels]
        analysis = mask_structure({
            "features": None,
            "objections": [tag.model_dump(mode="json") for tag in objections],
            "objection_types": sorted({label for tag in objections for label in tag.labels}),
            "hints": [],
        })
    analysis.pop("conversation", None)
    return analysis


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SNIPPET else text[: _SNIPPET - 1] + "…"


def _label(name: str, zh: bool) -> str:
    return LABEL_NAMES_ZH.get(name, name) if zh else name


def suggestion_message(said: str, labels: list[str], suggestions: list[Suggestion], *, zh: bool, heading: str) -> OutgoingMessage:
    """A prompt a rep reads on a phone: the customer's words, the objection, up to a few replies."""
    lines = [f"**{heading}**", f"> {_clip(said)}", ""]
    if labels:
        lines.append(("**异议**：" if zh else "**Objection**: ") + ("、" if zh else ", ").join(_label(x, zh) for x in labels))
    lines.append("**建议回复**" if zh else "**Suggested replies**")
    lines += [f"{n}. {_clip(s.text)}" for n, s in enumerate(suggestions, start=1)]
    return OutgoingMessage(title="dealwise 建议回复" if zh else "dealwise suggestion", markdown="\n".join(lines))


def summary_message(summary: ChatSummary) -> OutgoingMessage:
    zh = summary.language.startswith("zh")
    lines = [f"**{'聊天小结' if zh else 'Chat summary'}**", _clip(summary.summary), ""]
    if summary.objections:
        lines.append(("**客户异议**：" if zh else "**Objections**: ") + ("、" if zh else ", ").join(_label(x, zh) for x in summary.objections))
    if summary.next_steps:
        lines.append("**下一步**" if zh else "**Next steps**")
    for item in summary.next_steps:
        due = "" if not item.due_text else f"（{item.due_text}）" if zh else f" ({item.due_text})"
        lines.append(f"- {item.owner}: {_clip(item.task)}{due}")
    return OutgoingMessage(title="dealwise 聊天小结" if zh else "dealwise chat summary", markdown="\n".join(lines))


def _last_customer_text(conversation: Conversation) -> str | None:
    who = roles(conversation)
    return next((s.text for s in reversed(conversation.segments) if who.get(s.speaker) == "customer" and s.text.strip()), None)


def _recipients(credentials: WeComSettings | DingTalkSettings, conversation: Conversation) -> list[str]:
    """The chat's reps, else the configured `notify` users. WeCom external ids (wo…/wm…) are never users of the
    corp; DingTalk user ids are chosen by admins and may start with anything, so there the role alone decides."""
    external = EXTERNAL_PREFIXES if isinstance(credentials, WeComSettings) else ()
    reps = [p.speaker for p in conversation.participants if p.role == "rep" and not p.speaker.startswith(external)]
    return reps or list(credentials.notify)


def quiet_check_every(quiet_s: float) -> float:
    """How often the worker looks for quiet chats: a summary is at most a quarter of the quiet time late."""
    return min(60.0, quiet_s / 4)


class Pusher:
    """The service's handle on its push worker process: `wake` never blocks, `stop` lets the queue drain a while.

    The jobs themselves are rows (integration_store.enqueue_push), written by whoever has the transaction:
    the callback with its message, the summarize route with its request. `wake` only saves the worker its
    next look at the table.
    """

    def __init__(self, settings: Settings):
        context = multiprocessing.get_context("spawn")  # a clean interpreter: no copied locks or sockets
        self._wakes = context.Queue(_WAKES)
        self._process = context.Process(target=_serve, args=(settings, self._wakes, os.getpid()), name="dealwise-push", daemon=True)
        self._process.start()

    def alive(self) -> bool:
        return self._process.is_alive()

    def wake(self) -> None:
        try:
            self._wakes.put_nowait(True)
        except queue.Full:
            pass  # wake-ups not yet read: the worker is busy, and looks at the table again before it waits

    def stop(self, timeout: float = 10.0) -> None:
        try:
            self._wakes.put(("stop", time.time() + timeout / 2), timeout=timeout)
        except queue.Full:
            pass
        self._process.join(timeout)
        if self._process.is_alive():
            log.warning("push worker still busy after %.0f s; stopped (its unfinished prompt is pushed by the next worker "
                        "once the claim is %.0f s old)", timeout, CLAIM_TIMEOUT_S)
            self._process.terminate()
            self._process.join(timeout)
        self._wakes.close()
        self._wakes.join_thread()


def _serve(settings: Settings, wakes: multiprocessing.Queue, parent: int) -> None:
    """The push worker process: below the service's priority, models loaded before the first job."""
    from service import logs
    from service.runtime import Runtime

    os.nice(10)
    logs.configure(settings.log_format)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines carry access tokens and robot keys
    worker = PushWorker(Runtime(settings))
    worker.runtime.tagger  # noqa: B018 - load the models now, not while the first chat waits for its prompt
    worker.serve(wakes, parent)


class PushWorker:
    """Claims the oldest chat with queued jobs (all of its jobs of one kind: one push answers them) and pushes it."""

    def __init__(self, runtime: Runtime, *, claim_timeout_s: float = CLAIM_TIMEOUT_S, poll_s: float = POLL_S):
        self.runtime = runtime
        self.claim_timeout_s = claim_timeout_s
        self.poll_s = poll_s
        self._senders: dict[tuple[str, str], tuple[datetime, list[Sender]]] = {}

    def serve(self, wakes: multiprocessing.Queue, parent: int) -> None:
        stop_at: float | None = None  # once told to stop: the wall-clock time after which no new job is claimed
        quiet_s = self.runtime.settings.chat_quiet_s
        next_quiet = next_upkeep = time.monotonic()
        while True:
            stop_at = self._read_wakes(wakes, stop_at, block=0)
            now = time.monotonic()
            if now >= next_upkeep:
                self.upkeep()
                next_upkeep = now + _UPKEEP_EVERY_S
            if quiet_s and stop_at is None and now >= next_quiet:
                self.queue_quiet_summaries()
                next_quiet = time.monotonic() + quiet_check_every(quiet_s)
            if (stop_at is None or time.time() < stop_at) and self.push_next():
                continue
            if stop_at is not None or os.getppid() != parent:  # drained (or out of time), or the service died without saying so
                break
            wait = self.poll_s if not quiet_s else min(self.poll_s, max(0.0, next_quiet - time.monotonic()))
            stop_at = self._read_wakes(wakes, stop_at, block=wait)
        self.close()

    @staticmethod
    def _read_wakes(wakes: multiprocessing.Queue, stop_at: float | None, block: float) -> float | None:
        """Empty the wake-up queue (waiting up to `block` s for the first); a stop message gives the drain deadline."""
        try:
            message = wakes.get(timeout=block) if block > 0 else wakes.get_nowait()
            while True:
                if isinstance(message, tuple) and message[0] == "stop":
                    stop_at = message[1]
                message = wakes.get_nowait()
        except queue.Empty:
            return stop_at

    def close(self) -> None:
        for _, senders in self._senders.values():
            for sender in senders:
                sender.close()
        self._senders.clear()

    def push_next(self) -> bool:
        """Claim and push one chat's jobs; False when none is claimable (or the database cannot be reached now)."""
        try:
            with self.runtime.session() as session:
                claimed = claim_push(session, self.claim_timeout_s, MAX_ATTEMPTS)
        except Exception:  # noqa: BLE001 - a busy or unreachable database: the next look tries again
            log.exception("could not claim a push job")
            return False
        if claimed is None:
            return False
        job = PushJob(tenant_id=claimed.tenant_id, platform=claimed.platform, conversation_id=claimed.conversation_id, kind=claimed.kind)
        outcome: Literal["done", "failed"] = "done"
        try:
            self._handle(job, claimed.claim)
        except Exception:  # noqa: BLE001 - one bad job must not stop prompts for every other chat
            outcome = "failed"
            log.exception("push job failed", extra={"tenant": job.tenant_id, "conversation": job.conversation_id})
        try:
            with self.runtime.session() as session:
                finish_push(session, claimed.claim, outcome)
        except Exception:  # noqa: BLE001 - the claim times out and the chat is pushed again, at worst twice
            log.exception("could not mark a push job %s", outcome, extra={"tenant": job.tenant_id, "conversation": job.conversation_id})
        return True

    def upkeep(self) -> None:
        try:
            with self.runtime.session() as session:
                done = upkeep_push_queue(session, max_pending=MAX_PENDING, timeout_s=self.claim_timeout_s, max_attempts=MAX_ATTEMPTS,
                                         keep_s=KEEP_FINISHED_S)
        except Exception:  # noqa: BLE001 - the next upkeep tries again
            log.exception("push queue upkeep failed")
            return
        if done.dropped:
            log.warning("push queue over %d pending jobs: dropped the %d oldest (their chats get no prompt for them)",
                        MAX_PENDING, done.dropped)
        for tenant_id, conversation_id in done.abandoned:
            log.error("push job given up after %d attempts, each ended by a dying push worker", MAX_ATTEMPTS,
                      extra={"tenant": tenant_id, "conversation": conversation_id})

    def queue_quiet_summaries(self) -> int:
        """Queue a summary job for each chat this process claimed as quiet, in the claim's transaction."""
        try:
            with self.runtime.session() as session:
                claimed = claim_quiet_chats(session, self.runtime.settings.chat_quiet_s)
                for chat in claimed:
                    enqueue_push(session, chat.tenant_id, chat.platform, chat.conversation_id, "summary")
        except Exception:  # noqa: BLE001 - a busy or unreachable database: the next check tries again
            log.exception("quiet-chat check failed")
            return 0
        return len(claimed)

    def _still_ours(self, job: PushJob, claim: str) -> bool:
        """Right before sending: a claim taken over (this push outlived the timeout) means the other process pushes."""
        with self.runtime.session() as session:
            if confirm_claim(session, claim):
                return True
        log.warning("push job taken over by another push worker after %.0f s; not pushed here", self.claim_timeout_s,
                    extra={"tenant": job.tenant_id, "conversation": job.conversation_id})
        return False

    def _handle(self, job: PushJob, claim: str | None = None) -> None:
        """Push the job's prompt (none for an 'analysis' job), then store the chat's analysis: the rep waits for the
        prompt, nobody for the analysis. The analysis is refreshed even when the push fails or is dropped."""
        with self.runtime.session() as session:
            record = crud.get_conversation(session, job.tenant_id, job.conversation_id)
            body = record.conversation
        conversation = Conversation.model_validate(body)
        try:
            if job.kind != "analysis":
                self._push(job, claim, conversation)
        finally:
            self._analyse(job, body, conversation)

    def _push(self, job: PushJob, claim: str | None, conversation: Conversation) -> None:
        with self.runtime.session() as session:
            stored = load_settings(session, job.tenant_id, job.platform, fernet(self.runtime.settings))
        if stored is None:
            log.info("no %s settings any more; prompt dropped", job.platform, extra={"tenant": job.tenant_id})
            return
        message = self._summary(job, conversation) if job.kind == "summary" else self._suggestion(job, conversation)
        if message is not None and (claim is None or self._still_ours(job, claim)):
            self._send(job, stored, conversation, message)

    def _analyse(self, job: PushJob, body: dict, conversation: Conversation) -> None:
        """Store the chat's analysis, unless a message changed the chat since `body` was read (its job analyses it)."""
        analysis = chat_analysis(self.runtime, conversation)
        with self.runtime.session() as session:
            current = store_analysis(session, job.tenant_id, job.conversation_id, body, analysis)
        if not current:
            log.debug("chat changed while it was analysed; its newer job stores the analysis",
                      extra={"tenant": job.tenant_id, "conversation": job.conversation_id})

    def _summary(self, job: PushJob, conversation: Conversation) -> OutgoingMessage:
        return summary_message(summarize(job.conversation_id, conversation, self.runtime.tagger))

    def _suggestion(self, job: PushJob, conversation: Conversation) -> OutgoingMessage | None:
        from agent.suggest import SuggestError, suggest
        from knowledge_base import UsageLog

        said = _last_customer_text(conversation)
        if said is None:
            return None
        tagger = self.runtime.tagger
        labels = list(tagger.classify([{"text": said, "role": "customer"}])[0].labels)
        try:
            suggestions = suggest(conversation, kb=self.runtime.knowledge_base(job.tenant_id), tagger=tagger, k=2)
        except SuggestError as error:
            log.warning("no suggestion for a chat: %s", error, extra={"tenant": job.tenant_id, "conversation": job.conversation_id})
            return None
        usage = UsageLog(self.runtime.engine)
        collection = tenant_collection(self.runtime.settings.kb_collection, job.tenant_id)
        with self.runtime.session() as session:
            for suggestion in suggestions:
                shown = crud.add_suggestion(session, job.tenant_id, job.conversation_id, suggestion.model_dump())
                for chunk_id in suggestion.citations:
                    usage.record("shown", chunk_id, objection_type=suggestion.objection_type, conversation_id=job.conversation_id,
                                 suggestion_id=shown.id, collection=collection, session=session)
        zh = language_of(conversation) == "zh"
        chat = conversation.metadata.get("chat_id", "")
        return suggestion_message(said, labels, suggestions, zh=zh, heading=f"{'客户新消息' if zh else 'Customer wrote'} · {chat}")

    def _send(self, job: PushJob, stored: StoredSettings, conversation: Conversation, message: OutgoingMessage) -> None:
        """To every target of the platform; one target failing (logged and audited) does not keep it from the others."""
        senders = self._senders_for(job.tenant_id, stored)
        if not senders:
            log.info("no push target configured for %s", job.platform, extra={"tenant": job.tenant_id})
            return
        for sender in senders:
            addressed = message
            if sender.name in _ADDRESSED:
                addressed = message.model_copy(update={"to": _recipients(stored.credentials, conversation)})
                if not addressed.to:
                    log.warning("%s prompt has no recipient: the chat names no rep and no --notify users are set", sender.name,
                                extra={"tenant": job.tenant_id, "conversation": job.conversation_id})
                    continue
            try:
                sender.send(addressed)
            except IntegrationError as error:
                self._failed(job, sender.name, error)
            else:
                log.info("pushed %s via %s", job.kind, sender.name, extra={"tenant": job.tenant_id, "conversation": job.conversation_id})

    def _senders_for(self, tenant_id: str, stored: StoredSettings) -> list[Sender]:
        """The senders of a tenant's platform, kept while its settings are unchanged (their access tokens are cached)."""
        key = (tenant_id, stored.credentials.platform)
        cached = self._senders.get(key)
        if cached is not None and cached[0] == stored.updated_at:
            return cached[1]
        if cached is not None:
            for sender in cached[1]:
                sender.close()
            del self._senders[key]
        senders = self._make_senders(stored.credentials)
        if senders:
            self._senders[key] = (stored.updated_at, senders)
        return senders

    def _make_senders(self, credentials: WeComSettings | DingTalkSettings) -> list[Sender]:
        settings = self.runtime.settings
        if isinstance(credentials, WeComSettings):
            if credentials.robot_webhook:
                return [get_sender("wecom-robot", key=credentials.robot_webhook, base_url=settings.wecom_base_url)]
            return [get_sender("wecom-app", corp_id=credentials.corp_id, corp_secret=credentials.secret,
                               agent_id=credentials.agent_id, base_url=settings.wecom_base_url)]
        senders = []
        if credentials.robot_webhook:
            senders.append(get_sender("dingtalk-robot", access_token=credentials.robot_webhook, secret=credentials.robot_secret,
                                      base_url=settings.dingtalk_base_url))
        if credentials.agent_id is not None:
            senders.append(get_sender("dingtalk-notice", app_key=credentials.app_key, app_secret=credentials.app_secret,
                                      agent_id=credentials.agent_id, base_url=settings.dingtalk_base_url))
        return senders

    def _failed(self, job: PushJob, sender: str, error: IntegrationError) -> None:
        details = error.to_dict() if isinstance(error, PlatformError) else {"message": str(error)}
        log.warning("push via %s failed: %s", sender, error, extra={"tenant": job.tenant_id, "conversation": job.conversation_id})
        try:
            from agent import audit
            from agent.store import transact

            transact(self.runtime.engine, lambda session: audit.append(
                session, "failure", actor=f"integrations:{sender}", tenant=job.tenant_id,
                data={"conversation_id": job.conversation_id, "kind": job.kind, **details}))
        except Exception:  # noqa: BLE001 - the log line above already tells the story
            log.exception("could not write the push failure to the audit log", extra={"tenant": job.tenant_id})
