"""The knowledge base's contracts: chunks in, search hits out, and what an ingest did."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class KnowledgeBaseError(ValueError):
    """A user-facing problem (bad file, empty collection, bad filter); the message names what and why."""


class Chunk(BaseModel):
    """One retrievable unit: a script (a table row or a heading section) or a passage of a document.

    `text` is what the rep reads; `context` (the heading path, the customer's words in a script table)
    is indexed together with it but not shown, so a query can match why a script exists.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    text: str
    source: str = Field(description="Absolute path of the file the chunk came from.")
    section: str = Field(default="", description="Heading path, e.g. '价格异议 > 太贵了'; the row's title for tables.")
    context: str = Field(default="", description="Indexed with the text but not shown.")
    objection_type: str = Field(default="", description="price, timing, stall, competitor, authority, need, trust, or ''.")
    stage: str = Field(default="", description="discovery, objection_handling, closing, or ''.")
    language: str = Field(default="", description="zh or en, detected per chunk unless the file says.")
    product: str = ""
    kind: str = Field(default="passage", description="script (a table row or a script section) or passage.")
    extra: dict[str, str] = Field(default_factory=dict, description="Other columns of a script table, page numbers.")

    def situation(self) -> str:
        """What the customer said or the case the script is for: the table's "customer says" cell, else the
        last heading and a leading 场景/Situation line. Customer turns read like this, not like the script."""
        if self.context:
            return self.context
        title = self.section.split(" > ")[-1] if self.section else ""
        first = self.text.split("\n", 1)[0]
        if re.match(r"^\s*(?:场景|情境|Situation|Scenario|When)\s*[:：]", first, re.IGNORECASE):
            return f"{title}\n{first}".strip()
        return title

    def indexed_text(self) -> str:
        return "\n".join(part for part in (self.section.replace(" > ", " "), self.context, self.text) if part)

    def metadata(self) -> dict[str, Any]:
        """Flat str metadata (what Chroma stores): no None values, extra keys prefixed to avoid clashes."""
        meta = {
            "source": self.source,
            "section": self.section,
            "context": self.context,
            "objection_type": self.objection_type,
            "stage": self.stage,
            "language": self.language,
            "product": self.product,
            "kind": self.kind,
        }
        meta.update({f"x_{key}": str(value) for key, value in self.extra.items()})
        return meta


class SearchHit(BaseModel):
    """One search result: the contract of `kb search --json` and of `KnowledgeBase.search`."""

    id: str
    text: str
    source: str
    score: float = Field(description="Fused relevance in 0..1 (1 = first in every ranking used); rank, don't threshold.")
    metadata: dict[str, Any]


class FileResult(BaseModel):
    path: str
    status: str = Field(description="ingested, replaced, unchanged or failed")
    chunks: int = 0
    removed: int = 0
    error: str | None = None


class IngestReport(BaseModel):
    collection: str
    files: list[FileResult] = Field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def chunks_added(self) -> int:
        return sum(f.chunks for f in self.files if f.status in ("ingested", "replaced"))

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for f in self.files:
            counts[f.status] = counts.get(f.status, 0) + 1
        parts = [f"{n} {status}" for status, n in counts.items()]
        rate = f", {self.chunks_added / self.seconds:.0f} chunks/s" if self.seconds > 0 and self.chunks_added else ""
        return f"{self.collection}: {', '.join(parts) or 'no files'}; {self.chunks_added} chunks written in {self.seconds:.1f} s{rate}"
