"""The coach's DNA report over the tenant's own labelled conversations (won vs lost), as HTML or JSON.

The same `cohort_dna` + `render_report` as `dealwise dna`, fed from the tenant's stored conversations
instead of a corpus file, so the dashboard and the CLI always agree on the numbers.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from conversation import Conversation
from service import crud
from service.api.deps import CallerDep, RuntimeDep, SessionDep

router = APIRouter(prefix="/v1/reports", tags=["reports"])

OUTCOMES = ("won", "lost")
_PAGE = 500

_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The coach report (self-contained HTML), or with `format=json` the DnaResult statistics.",
        "content": {"text/html": {"schema": {"type": "string"}}, "application/json": {"schema": {"type": "object"}}},
    },
    422: {"description": "Too few won and lost conversations to compare (the message says how many there are)."},
}


def labelled_conversations(session: Session, tenant_id: str, rep: str | None) -> list[Conversation]:
    """Every stored won/lost conversation of the tenant (optionally one rep's), read page by page."""
    conversations: list[Conversation] = []
    for outcome in OUTCOMES:
        offset = 0
        while True:
            rows = crud.list_conversations(session, tenant_id, rep=rep, outcome=outcome, limit=_PAGE, offset=offset)
            conversations += [Conversation.model_validate(row.conversation) for row in rows]
            if len(rows) < _PAGE:
                break
            offset += _PAGE
    return conversations


@router.get("/dna", response_model=None, responses=_RESPONSES)
def dna_report(
    caller: CallerDep,
    session: SessionDep,
    runtime: RuntimeDep,
    format: Literal["html", "json"] = "html",  # noqa: A002 - the query parameter's public name
    rep: Annotated[str | None, Query(max_length=100, description="Only this rep's conversations.")] = None,
) -> Any:
    """Won-vs-lost behavior DNA of the tenant's labelled conversations: the coach report, or its statistics."""
    from behavior.dna import CohortError, cohort_dna
    from behavior.report import render_report

    conversations = labelled_conversations(session, caller.tenant_id, rep)
    won = sum(c.outcome == "won" for c in conversations)
    scope = f" for rep {rep!r}" if rep else ""
    try:
        # one worker: a request must not fork a process pool inside the server
        result = cohort_dna(conversations, detector="lexicon", model_dir=runtime.settings.models_dir, workers=1)
    except CohortError as error:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_ENTITY,
            f"too few labelled conversations to compare{scope}: {won} won and {len(conversations) - won} lost stored "
            f"(store conversations with outcome 'won' or 'lost'; both are needed) — {error}. "
            f"已标注的对话太少，无法比较赢单与输单。",
        ) from None
    if format == "json":
        return result.model_dump(mode="json")
    title = f"Behavior DNA · 销售行为DNA{f' · {rep}' if rep else ''}"
    return HTMLResponse(render_report(result, title=title))
