"""Server-rendered pages for reps, coaches and managers under `/app` (Chinese and English UI text).

Each page is a shell rendered from a template; its plain-JS script fetches the data from `/v1` with
the caller's key (kept in the browser), so the pages need no session or auth of their own and cannot
show anything the key could not read through the API.
"""

from __future__ import annotations

import functools
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from service.pages import STATIC_DIR, TEMPLATES_DIR

router = APIRouter(prefix="/app", tags=["pages"], include_in_schema=False)
templates = Jinja2Templates(directory=TEMPLATES_DIR)
STATIC_PATH = "/app/static"


def mount_static(app: FastAPI) -> None:
    """Serve the pages' CSS and JS from the package itself (the pages work offline)."""
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="pages-static")


@functools.cache
def feature_meta() -> dict[str, Any]:
    """Names and units of the behavior features (registry metadata, no tenant data) for the feature tables."""
    from behavior import FEATURES, GROUPS

    return {
        # a list, not an object: tojson sorts keys, and the groups read best in registry order
        "groups": [[key, {"en": en, "zh": zh}] for key, (en, zh) in GROUPS.items()],
        "features": {f.key: {"group": f.group, "kind": f.kind, "unit": f.unit, "en": f.en, "zh": f.zh} for f in FEATURES.values()},
    }


def _page(request: Request, template: str, page: str, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, template, {"page": page, "static": STATIC_PATH, **context})


@router.get("", response_class=HTMLResponse)
def login(request: Request) -> HTMLResponse:
    """Paste an API key; it stays in this browser and signs every API call the pages make."""
    return _page(request, "login.html", "login")


@router.get("/live", response_class=HTMLResponse)
def live(request: Request) -> HTMLResponse:
    """The rep's assist panel over WebSocket /v1/live: transcript, objections, suggestions, hints."""
    return _page(request, "live.html", "live")


@router.get("/coach", response_class=HTMLResponse)
def coach(request: Request) -> HTMLResponse:
    """The team DNA dashboard: per-rep cards, the DNA report link, the script heatmap."""
    return _page(request, "coach.html", "coach")


@router.get("/approvals", response_class=HTMLResponse)
def approvals(request: Request) -> HTMLResponse:
    """Actions held for a person: approve or reject (coach/admin keys; the API enforces it)."""
    return _page(request, "approvals.html", "approvals")


@router.get("/audit", response_class=HTMLResponse)
def audit(request: Request) -> HTMLResponse:
    """The hash-chained audit log and whether it verifies."""
    return _page(request, "audit.html", "audit")


@router.get("/conversations/{conversation_id}", response_class=HTMLResponse)
def conversation(request: Request, conversation_id: str) -> HTMLResponse:
    """One stored conversation: transcript, objection tags, features, hints (404 from the API is shown)."""
    return _page(request, "conversation.html", "conversations", conversation_id=conversation_id, feature_meta=feature_meta())
