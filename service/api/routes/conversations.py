"""Conversations: a Conversation JSON is analysed at once; an audio upload becomes a durable job."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from conversation import ConversationError, parse_conversation
from service import crud
from service.api.deps import CallerDep, RuntimeDep, SessionDep
from service.api.uploads import receive_upload
from service.models import ConversationRecord

router = APIRouter(prefix="/v1", tags=["conversations"])

AUDIO_SUFFIXES = {".wav", ".mp3", ".m4a", ".aac", ".flac", ".ogg", ".opus", ".amr", ".webm", ".mp4"}


class ConversationOut(BaseModel):
    id: str
    created_at: datetime
    conversation: dict[str, Any]
    features: dict[str, Any] | None
    objections: list[dict[str, Any]]
    objection_types: list[str]
    hints: list[dict[str, Any]]


class ConversationSummary(BaseModel):
    id: str
    created_at: datetime
    rep: str | None
    outcome: str | None
    channel: str
    language: str
    objection_types: list[str]


class ConversationPage(BaseModel):
    items: list[ConversationSummary]
    limit: int
    offset: int
    next_offset: int | None


class JobOut(BaseModel):
    id: str
    kind: str
    status: Literal["queued", "running", "done", "failed"]
    attempts: int
    conversation_id: str | None
    error: str | None
    created_at: datetime
    updated_at: datetime


def conversation_out(record: ConversationRecord) -> ConversationOut:
    analysis = record.analysis or {}
    return ConversationOut(
        id=record.id,
        created_at=record.created_at,
        conversation=record.conversation,
        features=analysis.get("features"),
        objections=analysis.get("objections", []),
        objection_types=analysis.get("objection_types", []),
        hints=analysis.get("hints", []),
    )


def job_out(job) -> JobOut:
    return JobOut.model_validate(job, from_attributes=True)


_UPLOAD_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Conversation"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "language": {"type": "string", "enum": ["zh", "en", "auto"]},
                        "stereo": {"type": "string", "enum": ["rep-left", "rep-right"]},
                        "speakers": {"type": "integer", "minimum": 1, "maximum": 10},
                        "rep": {"type": "string"},
                        "outcome": {"type": "string", "enum": ["won", "lost"]},
                    },
                }
            },
        },
    }
}


@router.post(
    "/conversations",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=_UPLOAD_DOC,
    responses={202: {"model": JobOut, "description": "Audio accepted: transcription runs as a durable job."}},
)
async def create_conversation(request: Request, caller: CallerDep, session: SessionDep, runtime: RuntimeDep) -> ConversationOut:
    """Store a conversation: JSON is analysed now (201); an audio upload is transcribed by a job (202)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        try:
            conversation = parse_conversation(await request.body())
        except ConversationError as error:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(error)) from None
        analysis = runtime.analyze(conversation)
        record = crud.add_conversation(session, caller.tenant_id, analysis.pop("conversation"), analysis)
        runtime.note_outcome(record, session)
        return conversation_out(record)
    if content_type == "multipart/form-data":
        job = await _accept_audio(request, caller, session, runtime)
        return JSONResponse(job_out(job).model_dump(mode="json"), status_code=status.HTTP_202_ACCEPTED)  # type: ignore[return-value]
    raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "send application/json (a Conversation) or multipart/form-data (an audio file)")


async def _accept_audio(request: Request, caller: crud.Principal, session, runtime) -> Any:
    def name_of(filename: str, sha256: str) -> str:
        return sha256 + Path(filename).suffix.lower()  # the same audio twice is one file

    upload = await receive_upload(
        request, runtime, runtime.settings.data_dir / "uploads" / caller.tenant_id, what="recording", suffixes=AUDIO_SUFFIXES, name_of=name_of
    )
    params = _job_params(upload.form)
    job = crud.enqueue_job(session, caller.tenant_id, "transcribe", str(upload.path), upload.sha256, params)
    session.commit()
    runtime_worker = getattr(request.app.state, "worker", None)
    if runtime_worker is not None:
        runtime_worker.wake()
    return job


def _job_params(form) -> dict[str, Any]:
    params: dict[str, Any] = {}
    choices = {"language": {"zh", "en", "auto"}, "stereo": {"rep-left", "rep-right"}, "outcome": {"won", "lost"}}
    for name, allowed in choices.items():
        value = form.get(name)
        if value:
            if value not in allowed:
                raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, f"{name} must be one of {', '.join(sorted(allowed))}")
            params[name] = value
    if form.get("speakers"):
        try:
            params["speakers"] = int(form["speakers"])
        except ValueError:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "speakers must be an integer 1-10") from None
        if not 1 <= params["speakers"] <= 10:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "speakers must be an integer 1-10")
    if form.get("rep"):
        params["rep"] = str(form["rep"])[:100]
    return params


@router.get("/conversations/{conversation_id}")
def read_conversation(conversation_id: str, caller: CallerDep, session: SessionDep) -> ConversationOut:
    return conversation_out(_found(lambda: crud.get_conversation(session, caller.tenant_id, conversation_id)))


@router.get("/conversations")
def list_conversations(
    caller: CallerDep,
    session: SessionDep,
    rep: str | None = None,
    outcome: Literal["won", "lost"] | None = None,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ConversationPage:
    rows = crud.list_conversations(session, caller.tenant_id, rep=rep, outcome=outcome, since=since, limit=limit + 1, offset=offset)
    items = [
        ConversationSummary(
            id=r.id, created_at=r.created_at, rep=r.rep, outcome=r.outcome, channel=r.channel, language=r.language,
            objection_types=(r.analysis or {}).get("objection_types", []),
        )
        for r in rows[:limit]
    ]
    return ConversationPage(items=items, limit=limit, offset=offset, next_offset=offset + limit if len(rows) > limit else None)


@router.get("/jobs/{job_id}", tags=["jobs"])
def read_job(job_id: str, caller: CallerDep, session: SessionDep) -> JobOut:
    return job_out(_found(lambda: crud.get_job(session, caller.tenant_id, job_id)))


def _found(load):
    try:
        return load()
    except crud.NotFound as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(error)) from None
