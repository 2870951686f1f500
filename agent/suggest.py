"""The next best things for the rep to say, given the conversation up to a turn.

    suggest(conversation, at=12, kb=KnowledgeBase(dir), tagger=get_tagger("hybrid"))      # retrieval
    suggest(conversation, kb=kb, llm=get_chat_model("openai", base_url=..., model=...))   # grounded LLM

Without an LLM (the default and the live path): the latest substantive customer turn is tagged for
objections, the stage is inferred, and the playbook is searched with the customer's words filtered by
objection type (or stage) and language; each hit's script is filled with the conversation's names and
numbers. With an LLM: the same hits go into the `suggest` prompt and the model must answer JSON whose
suggestions cite hit ids; a suggestion citing nothing, or an id we did not retrieve, is dropped, and when
none survive (or the model fails or times out) the retrieval answer is returned. The LLM never sees
unmasked PII.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from agent.suggest_context import (
    LABEL_NAMES_ZH,
    STAGE_NAMES_ZH,
    Facts,
    address,
    extract_facts,
    fill_placeholders,
    infer_stage,
    language_of,
    roles,
    transcript_lines,
    truncate,
)
from conversation import Conversation

log = logging.getLogger(__name__)


class SuggestError(ValueError):
    """Suggestions cannot be made for this input (no segments, nothing retrievable); the message says why."""


class Suggestion(BaseModel):
    """One thing the rep could say next: the suggestion contract, exactly these keys."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="What the rep can say, filled with the conversation's names and numbers.")
    objection_type: str | None = Field(description="The objection it answers, from the taxonomy; null outside objection handling.")
    reason: str = Field(description="Why this suggestion, in the conversation's language.")
    citations: list[str] = Field(description="Knowledge-base chunk ids it is grounded in (never empty).")
    score: float = Field(ge=0, le=1, description="Relevance, 0..1; suggestions come best first.")


class Hit(Protocol):
    """A knowledge-base search hit (knowledge_base.SearchHit)."""

    id: str
    text: str
    source: str
    score: float
    metadata: Mapping[str, Any]


class Retriever(Protocol):
    """What suggestions need of a knowledge base (knowledge_base.KnowledgeBase)."""

    def search(self, query: str, k: int = 5, filters: Mapping[str, Any] | None = None) -> Sequence[Hit]: ...


class Tagger(Protocol):
    def classify(self, items: Sequence[Mapping[str, str]]) -> Sequence[Any]: ...


ShownHook = Callable[[Conversation, list[Suggestion]], None]

_RECENT_CUSTOMER_TURNS = 3  # tag only these: the live path must not re-embed the whole call every turn
_LLM_CHUNKS = 4  # retrieved chunks shown to the LLM
_MIN_SUBSTANCE = 4  # characters (zh) / letters: 嗯, 好的, ok are not something to answer


# --- the customer's latest words and what they object to -----------------------------------------------
def _substantive(text: str) -> bool:
    from behavior.text import is_backchannel

    stripped = re.sub(r"[\W_]+", "", text)
    return len(stripped) >= _MIN_SUBSTANCE and not is_backchannel(text)


class Moment(BaseModel):
    """What the suggestion answers: the customer's latest substantive turn, its objections, the stage."""

    segment: int | None
    text: str
    labels: list[str]
    evidence: dict[str, str]
    stage: str
    language: str


def read_moment(conversation: Conversation, tagger: Tagger | None) -> Moment:
    """The customer's open point: their substantive turns since the rep last spoke (a chat customer often
    sends two messages in a row), else their latest substantive turn; objection labels are the union."""
    who = roles(conversation)
    segments = conversation.segments
    customer = [i for i, s in enumerate(segments) if who[s.speaker] == "customer" and s.text.strip()]
    substantive = [i for i in customer if _substantive(segments[i].text)] or customer[-1:]
    last_rep = max((i for i, s in enumerate(segments) if who[s.speaker] == "rep"), default=-1)
    recent = [i for i in substantive if i > last_rep][-_RECENT_CUSTOMER_TURNS:] or substantive[-1:]
    labels: list[str] = []
    evidence: dict[str, str] = {}
    if recent and tagger is not None:
        results = tagger.classify([{"text": segments[i].text, "role": "customer"} for i in recent])
        for result in reversed(list(results)):  # the latest turn's evidence wins
            for label in result.labels:
                if label not in labels:
                    labels.append(label)
                    evidence[label] = result.evidence.get(label, "")
    segment = recent[-1] if recent else None
    text = " ".join(segments[i].text for i in recent) if recent else segments[-1].text
    return Moment(
        segment=segment,
        text=text,
        labels=labels,
        evidence=evidence,
        stage=infer_stage(conversation, labels),
        language=language_of(conversation),
    )


# --- retrieval -------------------------------------------------------------------------------------------
def _search_relaxed(kb: Retriever, query: str, k: int, attempts: list[dict[str, Any]]) -> tuple[list[Hit], int]:
    """The first of `attempts` (filters, strictest first) that finds anything; returns hits and its position."""
    for position, filters in enumerate(attempts):
        hits = list(kb.search(query, k=k, filters=filters or None))
        if hits:
            return hits, position
    return [], len(attempts)


def _attempts(label: str | None, moment: Moment) -> list[dict[str, Any]]:
    # An objection keeps its type before its language (an English price script beats a Chinese script about
    # something else); a stage query keeps the language (a rep cannot read out a script in the wrong language).
    # Scripts (kind=script) are what a rep can say; passages (a manual's intro) only when no script matches.
    lang = moment.language
    if label:
        return [{"objection_type": label, "language": lang, "kind": "script"}, {"objection_type": label, "language": lang}, {"objection_type": label}, {"language": lang}]
    return [{"stage": moment.stage, "language": lang, "kind": "script"}, {"stage": moment.stage, "language": lang}, {"language": lang}, {}]


# Plays a rep must see for an objection, whatever the customer's exact words: a stall is answered by making
# the decision smaller (the minimal trial path), which a search by the customer's words ("let me think")
# ranks below the scripts that merely echo them. One entry per objection type; adding one is adding a line.
MUST_SURFACE: dict[str, dict[str, str]] = {
    "stall": {"zh": "最小试点路径 先免费试用 小范围试点 约定成功标准", "en": "minimal trial path free trial small pilot success criteria"},
}
_MUST_SURFACE_SCORE = 0.9  # ranked right after the best direct answer


def retrieve(kb: Retriever, moment: Moment, k: int) -> list[tuple[Hit, str | None, float]]:
    """(hit, the objection it answers, match quality 0..1) best first, one entry per chunk."""
    found: dict[str, tuple[Hit, str | None, float]] = {}
    for label in moment.labels:
        query = MUST_SURFACE.get(label, {}).get(moment.language)
        if query:
            hits, _ = _search_relaxed(kb, query, 3, _attempts(label, moment)[:1])
            # A section's intro can rank first; a chunk that carries a marked script (话术：/Script:) is the play.
            marked = [hit for hit in hits if _SCRIPT_MARK.search(hit.text)]
            for hit in (marked or hits)[:1]:
                found[hit.id] = (hit, label, _MUST_SURFACE_SCORE)
    for label in moment.labels or [None]:
        hits, dropped = _search_relaxed(kb, moment.text, k, _attempts(label, moment))
        quality = 1.0 - 0.1 * dropped
        top = max((h.score for h in hits), default=0.0) or 1.0
        for rank, hit in enumerate(hits):
            # Scores of different searches are not comparable: rank within each search, scaled by its top score.
            relevance = quality * (0.5 + 0.5 * max(0.0, hit.score) / top) * (1.0 / (1.0 + 0.25 * rank))
            if hit.id not in found or found[hit.id][2] < relevance:
                found[hit.id] = (hit, label if dropped < 3 else _meta(hit, "objection_type"), relevance)
    return sorted(found.values(), key=lambda item: -item[2])


def _meta(hit: Hit, key: str) -> str | None:
    value = (hit.metadata or {}).get(key)
    if isinstance(value, str) and value and value not in ("none", "general", "-"):
        return value
    return None


_HEADING = re.compile(r"^\s*#{1,6}\s.*$|^\s*(?:---+|\*\*\*+)\s*$", re.MULTILINE)
_SCRIPT_MARK = re.compile(r"(?:话术|参考话术|推荐话术|回应|Script|Say|Response|Suggested response)\s*[:：]\s*", re.IGNORECASE)
_QUOTE = re.compile(r"^\s*>\s?(.*)$", re.MULTILINE)
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)、])\s+(.+)$", re.MULTILINE)
_MAX_SCRIPT = 320


def script_of(chunk: str) -> str:
    """The words to say from a playbook chunk: its marked script (话术：/Script:) or quote, else its body."""
    if mark := _SCRIPT_MARK.search(chunk):
        script = chunk[mark.end() :].split("\n\n")[0]
    elif bullets := _BULLET.findall(chunk):
        # A list of questions (discovery): the first two are what to ask next, not the whole checklist.
        script = " ".join(b.strip() for b in bullets[:2])
    elif quotes := _QUOTE.findall(chunk):
        script = " ".join(q.strip() for q in quotes if q.strip())
    else:
        script = _HEADING.sub("", chunk)
    script = re.sub(r"\s*\n\s*", " ", script).strip().strip("\"“”「」")
    script = re.sub(r"\*\*|__|`", "", script)
    if len(script) > _MAX_SCRIPT:
        cut = max(script.rfind(p, 0, _MAX_SCRIPT) for p in "。！？.!?")
        script = script[: cut + 1] if cut > _MAX_SCRIPT // 3 else script[:_MAX_SCRIPT].rstrip() + "…"
    return script


def _reason(moment: Moment, label: str | None, hit: Hit) -> str:
    section = _meta(hit, "section") or _meta(hit, "title") or hit.source
    said = (moment.evidence.get(label or "", "") or moment.text).strip()
    if len(said) > 40:
        said = said[:38] + "…"
    if moment.language == "zh":
        if label:
            return f"客户说“{said}”（{LABEL_NAMES_ZH.get(label, label)}异议），参考剧本《{section}》"
        return f"{STAGE_NAMES_ZH.get(moment.stage, moment.stage)}阶段，客户说“{said}”，参考剧本《{section}》"
    if label:
        return f'The customer said "{said}" ({label} objection); playbook: {section}'
    return f'{moment.stage.replace("_", " ")} stage, the customer said "{said}"; playbook: {section}'


def retrieval_suggestions(moment: Moment, ranked: list[tuple[Hit, str | None, float]], facts: Facts, k: int) -> list[Suggestion]:
    suggestions: list[Suggestion] = []
    seen: set[str] = set()
    for hit, label, relevance in ranked:
        text = address(fill_placeholders(script_of(hit.text), facts), facts)
        if not text or text in seen:
            continue
        seen.add(text)
        suggestions.append(
            Suggestion(text=text, objection_type=label, reason=_reason(moment, label, hit), citations=[hit.id], score=round(min(1.0, relevance), 3))
        )
        if len(suggestions) == k:
            break
    return suggestions


# --- the LLM path ----------------------------------------------------------------------------------------
class _LLMSuggestion(BaseModel):
    text: str
    objection_type: str | None = None
    reason: str = ""
    citations: list[str] = Field(default_factory=list)


class _LLMAnswer(BaseModel):
    suggestions: list[_LLMSuggestion]


def llm_suggestions(
    llm, conversation: Conversation, moment: Moment, ranked: list[tuple[Hit, str | None, float]], k: int, timeout: float
) -> list[Suggestion]:
    """Grounded generation; returns only suggestions whose citations are non-empty and all retrieved."""
    from langchain_core.messages import HumanMessage, SystemMessage

    import prompts
    from agent.pii import mask_pii
    from behavior.objections import LABELS
    from llm import invoke_json

    template = prompts.load("suggest")
    # The script part of each chunk only (script_of caps it): a short prompt keeps small local models fast.
    ranked = ranked[:_LLM_CHUNKS]
    chunks = [{"id": hit.id, "text": mask_pii(script_of(hit.text)), "objection_type": label} for hit, label, _ in ranked]
    system, user = template.render(
        language=moment.language,
        transcript=transcript_lines(conversation, mask_pii, limit=8),
        stage=moment.stage,
        objection_types=moment.labels,
        chunks=chunks,
        n=k,
    )
    answer = invoke_json(llm, [SystemMessage(system), HumanMessage(user)], _LLMAnswer, timeout=timeout)
    relevance = {hit.id: score for hit, _, score in ranked}
    kept: list[Suggestion] = []
    for item in answer.suggestions:
        cited = list(dict.fromkeys(c.strip() for c in item.citations if c and c.strip()))
        if any(s.text == item.text.strip() for s in kept):
            continue
        if not item.text.strip() or not cited or any(c not in relevance for c in cited):
            log.info("LLM suggestion dropped (citations %s not all retrieved): %.60s", cited, item.text)
            continue
        label = item.objection_type if item.objection_type in LABELS else (moment.labels[0] if moment.labels else None)
        reason = item.reason.strip() or _reason(moment, label, next(h for h, _, _ in ranked if h.id == cited[0]))
        kept.append(
            Suggestion(
                text=item.text.strip(),
                objection_type=label,
                reason=f"{reason} [{template.ref}]",
                citations=cited,
                score=round(min(1.0, max(relevance[c] for c in cited)), 3),
            )
        )
    return kept[:k]


# --- the API ---------------------------------------------------------------------------------------------
def suggest(
    conversation: Conversation,
    at: int | None = None,
    *,
    kb: Retriever,
    llm=None,
    tagger: Tagger | None = None,
    k: int = 3,
    llm_timeout: float = 30.0,
    on_shown: ShownHook | None = None,
) -> list[Suggestion]:
    """Up to `k` suggestions for what the rep says after segment `at` (default: the last segment).

    `tagger`: an objection tagger (behavior.get_tagger(...)); None uses the pattern layer ("lexicon").
    `llm`: a LangChain chat model (llm.get_chat_model(...)) or None for retrieval only.
    `on_shown(conversation, suggestions)`: called when suggestions are returned, e.g. to log "shown" usage
    events; a failing hook is logged and never breaks the live path.
    """
    if k < 1:
        raise SuggestError("k must be at least 1")
    view = truncate(conversation, at)
    if not view.segments:
        raise SuggestError("the conversation has no segments: nothing to suggest a reply to")
    if tagger is None:
        from behavior import get_tagger

        tagger = get_tagger("lexicon")
    moment = read_moment(view, tagger)
    facts = extract_facts(view)
    ranked = retrieve(kb, moment, k=max(k, 5) if llm is not None else k + 2)
    if not ranked:
        raise SuggestError("the knowledge base returned nothing: ingest a playbook first (dealwise kb ingest examples/kb)")
    suggestions = retrieval_suggestions(moment, ranked, facts, k)
    if llm is not None:
        try:
            grounded = llm_suggestions(llm, view, moment, ranked, k, llm_timeout)
        except ValueError as error:  # LLMAnswerError, PromptError: fall back, never break the live path
            log.warning("LLM suggestion failed, using retrieval: %s", error)
            grounded = []
        if grounded:
            suggestions = grounded
        else:
            log.info("no grounded LLM suggestion survived validation; using the retrieval answer")
    if on_shown is not None:
        try:
            on_shown(view, suggestions)
        except Exception as error:  # noqa: BLE001 - usage logging is best effort
            log.warning("on_shown hook failed: %s", error)
    return suggestions


__all__ = ["Moment", "Retriever", "SuggestError", "Suggestion", "read_moment", "retrieve", "script_of", "suggest"]
