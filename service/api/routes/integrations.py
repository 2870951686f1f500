"""WeCom and DingTalk callbacks, the DingTalk outgoing robot, and chat summaries on demand.

The callbacks are called by the platforms, not by API-key holders: they are authenticated by the tenant's
callback token and AES key (WeCom, DingTalk events) or the app secret (outgoing robot). Answers:
404 unknown tenant or no settings for the platform; 403 bad signature, a timestamp outside the replay window
(DEALWISE_CALLBACK_WINDOW_S) or a nonce accepted before; 400 malformed (XML, JSON, base64, receive id,
missing parameters); 413 body over DEALWISE_CALLBACK_MAX_KB; 503 when the database is busy or the stored
settings no longer decrypt (the platform retries). A redelivered message id is answered like the first
delivery and changes nothing. A callback only stores the message; tagging, suggesting and pushing to the rep
happen afterwards on the push worker (integration_push.py), so the answer never waits for them.

A WeCom message is answered with the encrypted envelope around an empty passive reply: the message goes to
the rep as a pushed prompt, never back to the customer who wrote it. The DingTalk outgoing robot is a rep
asking ("@dealwise 客户说太贵了怎么回"): it is answered in the response, and only the answer is stored (so a
redelivery gets the same one); it adds nothing to a chat's Conversation.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager, nullcontext

from fastapi import APIRouter, FastAPI, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError

from conversation import Conversation
from integrations import IncomingMessage, SignatureError, parse_dingtalk_event, parse_dingtalk_robot, parse_wecom_xml, verify_outgoing
from service import crud
from service.api.deps import CallerDep, RuntimeDep, SessionDep
from service.integration_push import ChatSummary, Pusher, suggestion_message, summarize
from service.integration_store import (
    Intake,
    Platform,
    Replay,
    SettingsUnreadable,
    StoredSettings,
    any_configured,
    enqueue_push,
    fernet,
    load_settings,
    mark_summarized,
    remember_reply,
    stored_reply,
    take_message,
    take_nonce,
)
from service.runtime import Runtime

log = logging.getLogger("dealwise.integrations")


@asynccontextmanager
async def _lifespan(app: FastAPI):
    """A service with platforms configured starts its push worker (and loads the tagger) before traffic arrives."""
    runtime: Runtime = app.state.runtime

    def configured() -> bool:
        with runtime.session() as session:
            return any_configured(session)

    if await run_in_threadpool(configured):
        pusher(app)
    yield
    running = getattr(app.state, "integration_pusher", None)
    if running is not None:
        await run_in_threadpool(running.stop)
        app.state.integration_pusher = None


router = APIRouter(tags=["integrations"], lifespan=_lifespan)
_pusher_lock = threading.Lock()
_MAX_PARAM = 128
_TENANT_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def pusher(app: FastAPI) -> Pusher:
    """The service's push worker, started by the first message that needs one (and again if it died)."""
    with _pusher_lock:
        current = getattr(app.state, "integration_pusher", None)
        if current is None or not current.alive():
            if current is not None:
                log.error("push worker process died; starting another (it takes over the dead one's jobs)")
            app.state.integration_pusher = Pusher(app.state.runtime.settings)
        return app.state.integration_pusher


# --- the shared checks ---------------------------------------------------------------------------------------


async def _body(request: Request) -> bytes:
    """The request body, refused with 413 as soon as it passes the limit (never read whole first)."""
    limit = request.app.state.runtime.settings.callback_max_kb * 1024
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, f"callback body larger than {limit // 1024} KB")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, f"callback body larger than {limit // 1024} KB")
        chunks.append(chunk)
    return b"".join(chunks)


def _doc(query: tuple[str, ...] = (), headers: tuple[str, ...] = (), body: tuple[str, dict] | None = None) -> dict:
    """OpenAPI for what the routes read by hand (so that a missing one is a 400, not FastAPI's 422)."""
    extra: dict = {"parameters": [{"name": n, "in": "query", "required": True, "schema": {"type": "string"}} for n in query]
                   + [{"name": n, "in": "header", "required": True, "schema": {"type": "string"}} for n in headers]}
    if body is not None:
        extra["requestBody"] = {"required": True, "content": {body[0]: {"schema": body[1]}}}
    return extra


_SIGNED = ("msg_signature", "timestamp", "nonce")
_XML_BODY = ("text/xml", {"type": "string", "description": "<xml><ToUserName/><AgentID/><Encrypt/></xml>"})
_ENCRYPTED_JSON = ("application/json", {"type": "object", "required": ["encrypt"], "properties": {"encrypt": {"type": "string"}}})
_ROBOT_JSON = ("application/json", {"type": "object", "description": "DingTalk outgoing-robot message (msgtype, text, msgId, ...)"})


def _param(request: Request, *names: str) -> str:
    """The first of `names` present in the query string (platforms spell some two ways); 400 when none is."""
    for name in names:
        value = request.query_params.get(name, "").strip()
        if value:
            if len(value) > _MAX_PARAM and name != "echostr":
                raise HTTPException(status.HTTP_400_BAD_REQUEST, f"query parameter {name} is too long")
            return value
    raise HTTPException(status.HTTP_400_BAD_REQUEST, f"missing query parameter {names[0]}")


def _check_time(timestamp: str, window_s: float) -> None:
    """403 outside the replay window; WeCom stamps seconds, DingTalk milliseconds."""
    if not timestamp.isdigit() or len(timestamp) > 13:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"timestamp is not a Unix time: {timestamp[:20]!r}")
    value = int(timestamp)
    seconds = value / 1000 if value > 10**11 else value
    if abs(time.time() - seconds) > window_s:
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"timestamp outside the {window_s:g} s replay window")


@contextmanager
def _mapped() -> Iterator[None]:
    """Every failure a request can cause, as the status the platform (and a person reading logs) can act on."""
    try:
        yield
    except HTTPException:
        raise
    except (SignatureError, Replay) as error:
        raise HTTPException(status.HTTP_403_FORBIDDEN, str(error)) from None
    except SettingsUnreadable as error:
        log.error("%s", error)
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "integration settings unreadable; see the server log") from None
    except OperationalError as error:
        log.warning("database busy during a callback: %s", error)
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "database busy; retry", headers={"Retry-After": "1"}) from None
    except ValueError as error:  # CryptoError, MessageError, ConversationError, pydantic ValidationError
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(error)[:500]) from None


_sqlite_writer = threading.Lock()


def _one_writer(runtime: Runtime) -> AbstractContextManager:
    """On SQLite, callbacks queue here for the one write lock: SQLite's own busy handler sleeps up to 100 ms
    between tries, so under a burst an unlucky callback would wait seconds past the platform's 5 s timeout."""
    return _sqlite_writer if runtime.engine.dialect.name == "sqlite" else nullcontext()


def _stored(runtime: Runtime, tenant_id: str, platform: Platform) -> StoredSettings:
    stored = None
    if _TENANT_ID.fullmatch(tenant_id):  # anything else names no tenant (and never reaches the database)
        with runtime.session() as session:
            stored = load_settings(session, tenant_id, platform, fernet(runtime.settings))
    if stored is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no {platform} integration for tenant {tenant_id!r}")
    return stored


def _take_in(runtime: Runtime, tenant_id: str, platform: Platform, nonce: str, message: IncomingMessage | None) -> Intake:
    """The nonce and the message in one transaction: a replay or a failure stores neither."""
    with _one_writer(runtime), runtime.session() as session:
        take_nonce(session, tenant_id, platform, nonce, runtime.settings.callback_window_s)
        return take_message(session, tenant_id, message) if message is not None else Intake(duplicate=False)


def _after_commit(app: FastAPI, tenant_id: str, platform: Platform, message: IncomingMessage | None, intake: Intake) -> None:
    """Wake the push worker for a new customer message, once it is committed (take_message queued its push job)."""
    if message is None:
        return
    log.info("%s message %s", platform, "redelivered" if intake.duplicate else "taken in",
             extra={"tenant": tenant_id, "chat": message.chat_id, "msg_id": message.msg_id, "role": message.role})
    if not intake.duplicate and message.role == "customer" and intake.conversation_id:
        pusher(app).wake()


# --- WeCom -----------------------------------------------------------------------------------------------------


@router.get("/integrations/wecom/{tenant_id}/callback", response_class=PlainTextResponse, openapi_extra=_doc((*_SIGNED, "echostr")))
async def wecom_verify(tenant_id: str, request: Request) -> Response:
    """URL verification when the callback is saved in the WeCom admin console: answer the decrypted echostr."""
    signature, timestamp = _param(request, "msg_signature"), _param(request, "timestamp")
    nonce, echostr = _param(request, "nonce"), _param(request, "echostr")
    runtime: Runtime = request.app.state.runtime

    def verify() -> str:
        with _mapped():
            plain = _stored(runtime, tenant_id, "wecom").credentials.crypto().verify_url(signature, timestamp, nonce, echostr)
            _check_time(timestamp, runtime.settings.callback_window_s)
            _take_in(runtime, tenant_id, "wecom", nonce, None)
            return plain

    return PlainTextResponse(await run_in_threadpool(verify))


@router.post("/integrations/wecom/{tenant_id}/callback", openapi_extra=_doc(_SIGNED, body=_XML_BODY))
async def wecom_callback(tenant_id: str, request: Request) -> Response:
    """An encrypted application message or event; answered with the encrypted, signed XML envelope."""
    body = await _body(request)
    signature, timestamp, nonce = _param(request, "msg_signature"), _param(request, "timestamp"), _param(request, "nonce")
    app: FastAPI = request.app
    runtime: Runtime = app.state.runtime

    def handle() -> str:
        with _mapped():
            crypto = _stored(runtime, tenant_id, "wecom").credentials.crypto()
            plain = crypto.decrypt_message(signature, timestamp, nonce, body)
            _check_time(timestamp, runtime.settings.callback_window_s)
            message = parse_wecom_xml(plain)
            intake = _take_in(runtime, tenant_id, "wecom", nonce, message)
        _after_commit(app, tenant_id, "wecom", message, intake)
        return crypto.encrypt_message("")

    return Response(await run_in_threadpool(handle), media_type="application/xml")


# --- DingTalk ----------------------------------------------------------------------------------------------------


@router.post("/integrations/dingtalk/{tenant_id}/callback", openapi_extra=_doc(_SIGNED, body=_ENCRYPTED_JSON))
async def dingtalk_callback(tenant_id: str, request: Request) -> JSONResponse:
    """An event-subscription callback ({"encrypt": …}); answered with the encrypted "success" DingTalk expects."""
    body = await _body(request)
    signature = _param(request, "msg_signature", "signature")
    timestamp, nonce = _param(request, "timestamp", "timeStamp"), _param(request, "nonce")
    app: FastAPI = request.app
    runtime: Runtime = app.state.runtime

    def handle() -> dict[str, str]:
        with _mapped():
            crypto = _stored(runtime, tenant_id, "dingtalk").credentials.crypto()
            try:
                envelope = json.loads(body)
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise HTTPException(status.HTTP_400_BAD_REQUEST, "callback body is not JSON") from None
            encrypt = envelope.get("encrypt") if isinstance(envelope, dict) else None
            if not isinstance(encrypt, str) or not encrypt:
                raise HTTPException(status.HTTP_400_BAD_REQUEST, 'callback body has no "encrypt" string')
            plain = crypto.decrypt(signature, timestamp, nonce, encrypt)
            _check_time(timestamp, runtime.settings.callback_window_s)
            message = parse_dingtalk_event(plain)
            intake = _take_in(runtime, tenant_id, "dingtalk", nonce, message)
        _after_commit(app, tenant_id, "dingtalk", message, intake)
        return crypto.encrypt_response("success")

    return JSONResponse(await run_in_threadpool(handle))


_MENTION = re.compile(r"^(?:\s*@\S+)+\s*")
_ASKED_ZH = re.compile(
    r"^(?:客户|对方|客人|他|她)(?:说|问|讲|表示|觉得|回)[:：，,]?\s*[“\"「]?(?P<said>.+?)[”\"」]?[，,。.\s]*"
    r"(?:我们?)?(?:该|应该|要|可以)?(?:怎么|如何|咋)(?:回|回复|答|回答|应对|说|办|处理)[?？。!！\s]*$"
)
_ASKED_EN = re.compile(
    r"^(?:the\s+)?(?:customer|client|prospect)\s+(?:says|said|asks|asked|thinks)[:,]?\s*[\"“]?(?P<said>.+?)[\"”]?[,.;\s—-]*"
    r"(?:how|what)\s+(?:should|do|can|would)\s+(?:I|we)\s+(?:reply|respond|answer|say)\b.*$",
    re.IGNORECASE,
)


def customer_words(question: str) -> str:
    """"@dealwise 客户说太贵了怎么回" -> "太贵了": the customer's words a rep asks the robot about (else the whole text)."""
    text = _MENTION.sub("", question).strip()
    for pattern in (_ASKED_ZH, _ASKED_EN):
        found = pattern.match(text)
        if found:
            return found.group("said").strip()
    return text


def robot_answer(runtime: Runtime, tenant_id: str, message: IncomingMessage) -> dict:
    """The outgoing robot's markdown reply: suggestions for the quoted customer words, from the tenant's playbook."""
    from agent.suggest import SuggestError, suggest

    said = customer_words(message.text)
    zh = any("\u4e00" <= ch <= "\u9fff" for ch in said or message.text)
    if not said:
        return {"msgtype": "text", "text": {"content": "dealwise: 请@我并附上客户的原话，例如：客户说太贵了怎么回" if zh
                                             else "dealwise: mention me with the customer's words, e.g. customer says it's too expensive, how do I reply?"}}
    conversation = Conversation.model_validate({
        "language": "zh" if zh else "en", "channel": "chat",
        "participants": [{"speaker": message.sender, "role": "rep"}, {"speaker": "customer", "role": "customer"}],
        "segments": [{"speaker": "customer", "start": 0, "end": 0, "text": said}],
    })
    tagger = runtime.tagger
    try:
        suggestions = suggest(conversation, kb=runtime.knowledge_base(tenant_id), tagger=tagger, k=2)
    except SuggestError as error:
        return {"msgtype": "text", "text": {"content": f"dealwise: {error}"}}
    labels = list(tagger.classify([{"text": said, "role": "customer"}])[0].labels)
    reply = suggestion_message(said, labels, suggestions, zh=zh, heading="客户说" if zh else "Customer says")
    return {"msgtype": "markdown", "markdown": {"title": reply.title, "text": reply.markdown}}


@router.post("/integrations/dingtalk/{tenant_id}/robot", openapi_extra=_doc(headers=("timestamp", "sign"), body=_ROBOT_JSON))
async def dingtalk_robot(tenant_id: str, request: Request) -> Response:
    """Outgoing robot (@dealwise in a group): signed with the app secret; answered in the response body."""
    body = await _body(request)
    timestamp, sign = request.headers.get("timestamp", ""), request.headers.get("sign", "")
    runtime: Runtime = request.app.state.runtime

    def handle() -> str:
        with _mapped():
            credentials = _stored(runtime, tenant_id, "dingtalk").credentials
            if not verify_outgoing(credentials.app_secret, timestamp, sign):  # type: ignore[union-attr]
                raise HTTPException(status.HTTP_403_FORBIDDEN, "robot request signature does not match (timestamp/sign headers)")
            _check_time(timestamp, runtime.settings.callback_window_s)
            message = parse_dingtalk_robot(body)
            with runtime.session() as session:
                answered = stored_reply(session, tenant_id, "dingtalk", message.msg_id)
            if answered is not None:
                return answered
            reply = json.dumps(robot_answer(runtime, tenant_id, message), ensure_ascii=False)
            with _one_writer(runtime), runtime.session() as session:
                return remember_reply(session, tenant_id, message, reply)

    return Response(await run_in_threadpool(handle), media_type="application/json")


# --- summaries on demand (quiet chats are summarized by the push worker on its own) --------------------------------


class SummarizeRequest(BaseModel):
    push: bool = Field(default=False, description="Also push the summary where this chat's prompts go (robot or reps).")


@router.post("/v1/chats/{conversation_id}:summarize")
def summarize_chat(
    conversation_id: str, request: Request, caller: CallerDep, session: SessionDep, runtime: RuntimeDep, body: SummarizeRequest | None = None
) -> ChatSummary:
    """Objections the customer raised, the summary and next steps of a stored conversation (a chat, or any other)."""
    try:
        record = crud.get_conversation(session, caller.tenant_id, conversation_id)
    except crud.NotFound as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(error)) from None
    conversation = Conversation.model_validate(record.conversation)
    summary = summarize(record.id, conversation, runtime.tagger)
    if body is not None and body.push:
        platform = conversation.metadata.get("platform")
        if platform not in ("wecom", "dingtalk"):
            raise HTTPException(status.HTTP_409_CONFLICT, "only a WeCom or DingTalk chat can be pushed back to its platform")
        mark_summarized(session, caller.tenant_id, record.id)  # the quiet-chat summary would repeat this one
        enqueue_push(session, caller.tenant_id, platform, record.id, "summary")
        session.commit()  # before the wake-up, so the worker finds the job
        pusher(request.app).wake()
    return summary
