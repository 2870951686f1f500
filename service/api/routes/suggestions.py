"""Suggestions for a stored or posted conversation, and the rep's feedback on them (feeds the heatmap)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field, model_validator

from conversation import Conversation
from service import crud
from service.api.deps import CallerDep, RuntimeDep, SessionDep
from service.runtime import tenant_collection

router = APIRouter(prefix="/v1/suggestions", tags=["suggestions"])


class SuggestRequest(BaseModel):
    conversation_id: str | None = None
    conversation: Conversation | None = None
    at: int | None = Field(default=None, ge=0, description="Segment index to suggest a reply to (default: the last).")
    k: int = Field(default=3, ge=1, le=10)

    @model_validator(mode="after")
    def _one_source(self) -> SuggestRequest:
        if (self.conversation_id is None) == (self.conversation is None):
            raise ValueError("give exactly one of conversation_id or conversation")
        return self


class SuggestionOut(BaseModel):
    id: str
    text: str
    objection_type: str | None
    reason: str
    citations: list[str]
    score: float


class Feedback(BaseModel):
    event: Literal["used", "ignored"]


@router.post("")
def create_suggestions(body: SuggestRequest, caller: CallerDep, session: SessionDep, runtime: RuntimeDep) -> list[SuggestionOut]:
    """The next best things to say after segment `at`, grounded in the tenant's playbook; each is logged as shown."""
    from agent.suggest import suggest

    if body.conversation_id is not None:
        try:
            record = crud.get_conversation(session, caller.tenant_id, body.conversation_id)
        except crud.NotFound as error:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(error)) from None
        conversation, conversation_id = Conversation.model_validate(record.conversation), record.id
    else:
        conversation, conversation_id = body.conversation, None
    if body.at is not None and body.at >= len(conversation.segments):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, f"at={body.at} but the conversation has {len(conversation.segments)} segments")
    suggestions = suggest(conversation, body.at, kb=runtime.knowledge_base(caller.tenant_id), tagger=runtime.tagger, k=body.k)
    ids = runtime.record_shown(session, caller.tenant_id, conversation_id, suggestions, caller.rep_id)
    return [SuggestionOut(id=id_, **suggestion.model_dump()) for id_, suggestion in zip(ids, suggestions)]


@router.post("/{suggestion_id}/feedback")
def suggestion_feedback(suggestion_id: str, body: Feedback, caller: CallerDep, session: SessionDep, runtime: RuntimeDep) -> dict[str, Any]:
    """The rep used or ignored a suggestion: credited to the scripts it cites in the usage heatmap."""
    from knowledge_base import UsageLog

    try:
        record = crud.get_suggestion(session, caller.tenant_id, suggestion_id)
    except crud.NotFound as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(error)) from None
    if record.feedback is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, f"feedback already given: {record.feedback}")
    record.feedback = body.event
    usage, collection = UsageLog(runtime.engine), tenant_collection(runtime.settings.kb_collection, caller.tenant_id)
    for chunk_id in record.citations:
        usage.record(
            body.event, chunk_id, objection_type=record.objection_type, conversation_id=record.conversation_id,
            suggestion_id=record.id, collection=collection, user_id=caller.rep_id, session=session,
        )
    return {"id": record.id, "feedback": record.feedback}
