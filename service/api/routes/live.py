"""WebSocket `/v1/live`: the rep's assist panel (or a call bridge) streams a call and gets help back.

Authenticate with `Authorization: Bearer KEY` or, from a browser, `?key=KEY`. Client messages (JSON):
`{"type": "turn", "speaker": "customer"|"rep", "text", "ts"}` for a chat or an already-transcribed line;
`{"type": "audio_start", "sample_rate": 16000, "channels": 1|2, "rep_channel": 0}` then binary PCM16
frames (interleaved when stereo), `{"type": "audio_end"}`; `{"type": "end"}` closes the session. Server
events: `ready`, `transcript` (partial/final), `objection`, `suggestion` (with citations), `hint`, `error`
(the session goes on), and `stored` with the conversation id at the end. The conversation is stored
when the session ends or the connection drops.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect, status

from service import crud
from service.live import LiveError, LiveSession
from service.runtime import Runtime

router = APIRouter(tags=["live"])
log = logging.getLogger("dealwise.live")


def _key(websocket: WebSocket) -> str | None:
    header = websocket.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return websocket.query_params.get("key")


@router.websocket("/v1/live")
async def live(websocket: WebSocket) -> None:
    runtime: Runtime = websocket.app.state.runtime
    key = _key(websocket)

    def authenticate():
        with runtime.session() as session:
            return crud.principal_for_key(session, key) if key else None

    caller = await asyncio.to_thread(authenticate)
    if caller is None:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION, reason="missing or unknown API key")
        return
    await websocket.accept()
    session = LiveSession(runtime, caller)
    await websocket.send_json({"type": "ready", "session_id": session.id})
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    reader = asyncio.create_task(_read(websocket, inbox))
    held: list[dict[str, Any]] = []
    open_ = True
    try:
        while True:
            message = await _next(inbox, held)
            if message["type"] == "websocket.disconnect":
                open_ = False
                break
            events, done = await _answer(session, message)
            for event in events:
                await websocket.send_json(event)
            # a recognized final's transcript is out; its objections and suggestions follow
            for event in await _follow_up(session):
                await websocket.send_json(event)
            if done:
                break
    except WebSocketDisconnect:
        open_ = False
    finally:
        reader.cancel()
        conversation_id = await session.close()
        log.info("live session closed", extra={"session_id": session.id, "conversation_id": conversation_id})
    if open_:
        await websocket.send_json({"type": "stored", "conversation_id": conversation_id})
        await websocket.close()


async def _answer(session: LiveSession, message: dict[str, Any]) -> tuple[list[dict[str, Any]], bool]:
    try:
        return await _dispatch(session, message)
    except Exception as error:  # noqa: BLE001 - one failed message must not end the rep's session
        return _failure(session, error), False


async def _follow_up(session: LiveSession) -> list[dict[str, Any]]:
    try:
        return await session.analyse_pending()
    except Exception as error:  # noqa: BLE001
        return _failure(session, error)


def _failure(session: LiveSession, error: Exception) -> list[dict[str, Any]]:
    if isinstance(error, LiveError):
        return [{"type": "error", "detail": str(error)}]
    log.exception("live message failed", extra={"session_id": session.id}, exc_info=error)
    return [{"type": "error", "detail": f"internal error ({type(error).__name__}); it has been logged"}]


async def _read(websocket: WebSocket, inbox: asyncio.Queue[dict[str, Any]]) -> None:
    """Receive while the session works, so audio that arrives during a decode waits in one place."""
    while True:
        message = await websocket.receive()
        inbox.put_nowait(message)
        if message["type"] == "websocket.disconnect":
            return


async def _next(inbox: asyncio.Queue[dict[str, Any]], held: list[dict[str, Any]]) -> dict[str, Any]:
    """The next message; audio frames queued behind each other are joined into one.

    A decode can take longer than the audio it covers on a busy box; feeding the frames that piled
    up meanwhile as one chunk means one decode for all of them, so the session catches up instead of
    falling further behind frame by frame.
    """
    message = held.pop() if held else await inbox.get()
    if message.get("bytes") is None:
        return message
    frames = [message["bytes"]]
    while not inbox.empty():
        following = inbox.get_nowait()
        if following.get("bytes") is None:
            held.append(following)
            break
        frames.append(following["bytes"])
    return {**message, "bytes": b"".join(frames)} if len(frames) > 1 else message


async def _dispatch(session: LiveSession, message: dict[str, Any]) -> tuple[list[dict[str, Any]], bool]:
    if message.get("bytes") is not None:
        return await session.audio(message["bytes"]), False
    try:
        payload = json.loads(message.get("text") or "")
    except json.JSONDecodeError as error:
        raise LiveError(f"a text message must be JSON: {error.msg} at position {error.pos}") from None
    if not isinstance(payload, dict):
        raise LiveError("a message must be a JSON object with a 'type'")
    kind = payload.get("type")
    if kind == "turn":
        return await session.turn(payload), False
    if kind == "audio_start":
        return await session.audio_start(payload), False
    if kind == "audio_end":
        return await session.audio_end(), False
    if kind == "end":
        return [], True
    if kind == "ping":
        return [{"type": "pong"}], False
    raise LiveError(f"unknown message type {kind!r}; use turn, audio_start, audio_end, end or ping")
