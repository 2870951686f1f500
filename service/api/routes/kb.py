"""The tenant's playbook: upload documents, search, and the script-usage heatmap."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from service.api.deps import CallerDep, RuntimeDep, require
from service.api.uploads import receive_upload
from service.runtime import tenant_collection

router = APIRouter(prefix="/v1/kb", tags=["knowledge base"])
_SAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


class IngestedFile(BaseModel):
    path: str
    status: str
    chunks: int
    removed: int
    error: str | None


class IngestOut(BaseModel):
    collection: str
    files: list[IngestedFile]


class Hit(BaseModel):
    id: str
    text: str
    source: str
    score: float
    metadata: dict[str, Any]


_UPLOAD_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}
            }
        },
    }
}


@router.post("/documents", status_code=status.HTTP_201_CREATED, openapi_extra=_UPLOAD_DOC, dependencies=[Depends(require("coach", "admin"))])
async def upload_document(request: Request, caller: CallerDep, runtime: RuntimeDep) -> IngestOut:
    """Add or replace a playbook document (Markdown, text, PDF, DOCX, CSV/XLSX script table)."""
    from knowledge_base import supported_suffixes

    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "multipart/form-data":
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "upload the document as multipart/form-data field 'file'")

    def name_of(filename: str, _sha256: str) -> str:
        # the document's own name: a new version of it replaces the old one's chunks
        return _SAFE_NAME.sub("_", Path(filename or "document").name).strip("._") or "document"

    upload = await receive_upload(
        request, runtime, runtime.settings.data_dir / "documents" / caller.tenant_id, what="document", suffixes=supported_suffixes(), name_of=name_of
    )
    final, name = upload.path, upload.path.name
    import anyio

    report = await anyio.to_thread.run_sync(lambda: runtime.knowledge_base(caller.tenant_id).ingest([final]))
    failed = [f for f in report.files if f.status == "failed"]
    if failed:
        final.unlink(missing_ok=True)
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, failed[0].error or "the document could not be read")
    files = [IngestedFile(path=name, status=f.status, chunks=f.chunks, removed=f.removed, error=f.error) for f in report.files]
    return IngestOut(collection=report.collection, files=files)


@router.get("/search")
def search(
    caller: CallerDep,
    runtime: RuntimeDep,
    q: Annotated[str, Query(min_length=1, max_length=2000)],
    k: Annotated[int, Query(ge=1, le=50)] = 5,
    type: Annotated[Literal["price", "timing", "stall", "competitor", "authority", "need", "trust"] | None, Query()] = None,  # noqa: A002
    stage: str | None = None,
    language: Literal["zh", "en"] | None = None,
) -> list[Hit]:
    filters = {key: value for key, value in {"objection_type": type, "stage": stage, "language": language}.items() if value}
    from knowledge_base import KnowledgeBaseError

    kb = runtime.knowledge_base(caller.tenant_id)
    try:
        empty = not q.strip() or kb.stats().get("chunks", 0) == 0
    except KnowledgeBaseError:  # the tenant has not uploaded a playbook yet
        empty = True
    if empty:
        return []
    return [Hit(**hit.model_dump()) for hit in kb.search(q, k=k, filters=filters)]


@router.get("/heatmap", response_model=None)
def heatmap(caller: CallerDep, runtime: RuntimeDep, format: Literal["json", "html"] = "json") -> Any:  # noqa: A002
    """Script x objection type: how often each script was shown, used, ignored, and the win rate where used."""
    from knowledge_base import UsageLog, render_heatmap

    cells = UsageLog(runtime.engine).heatmap(collection=tenant_collection(runtime.settings.kb_collection, caller.tenant_id))
    if format == "json":
        return [cell.model_dump() for cell in cells]
    if not cells:
        return HTMLResponse("<!doctype html><meta charset=utf-8><p>No suggestion has been shown yet. 还没有展示过任何话术建议。</p>")
    with tempfile.TemporaryDirectory() as folder:
        path = render_heatmap(cells, Path(folder) / "heatmap.html")
        return HTMLResponse(path.read_text(encoding="utf-8"))
