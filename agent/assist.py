"""The assistant: follow-up email drafts, meeting minutes and competitive-intel answers.

    draft_email(conversation, kb=kb, llm=None)   -> EmailDraft     (subject, body, action items, citations)
    minutes(conversation, llm=None)              -> Minutes        (summary, decisions, action items w/ owner+date)
    intel(conversation_or_question, kb, llm=None) -> IntelAnswer   (answer grounded in knowledge-base chunks)

Every function works without an LLM: sentences are picked out of the conversation by cue phrases
(behavior.text.CUES), dates are resolved against `conversation.started_at` (agent.assist_dates) and the
result is laid out by a template. With an LLM the same extraction is handed to a versioned prompt
(prompts/email, minutes, intel) to be rewritten; action items and dates always stay ours (a model
must not move a deadline), answers that break the rules (uncited intel, empty text) fall back, and
the model only sees PII-masked text.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agent.assist_dates import find_dates
from agent.suggest import Retriever, Suggestion, read_moment, retrieve, script_of, suggest
from agent.suggest_context import LABEL_NAMES_ZH, Facts, extract_facts, language_of, roles, segment_time, transcript_lines
from conversation import Conversation

log = logging.getLogger(__name__)
Source = Literal["template", "llm"]


class AssistError(ValueError):
    """The assistant cannot answer this input (no segments, no question, empty knowledge base)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ActionItem(_Model):
    owner: str = Field(description="Who does it: a name when the conversation gives one, else rep/customer.")
    owner_role: Literal["rep", "customer", "other"]
    task: str = Field(description="The sentence that commits to it, as said.")
    due: datetime | date | None = Field(default=None, description="Resolved against started_at; null when unknown.")
    due_text: str | None = Field(default=None, description="The date as said: 下周三下午两点, by Friday.")
    segment: int


class Minutes(_Model):
    language: str
    summary: str
    decisions: list[str]
    action_items: list[ActionItem]
    generated_by: Source = "template"


class EmailDraft(_Model):
    language: str
    to: str | None = Field(description="The customer as addressed in the conversation.")
    subject: str
    body: str
    action_items: list[ActionItem]
    citations: list[str] = Field(description="Knowledge-base chunks the answers to objections come from.")
    generated_by: Source = "template"


class IntelAnswer(_Model):
    language: str
    question: str
    competitor: str | None
    answer: str
    citations: list[str]
    generated_by: Source = "template"


# --- extraction ------------------------------------------------------------------------------------------
# A commitment: someone says they (or the other side) will do something.
_COMMIT_ZH = re.compile(
    r"(?:我|我们|咱们|我这边|我们这边|您|你|您那边|你们|贵司)(?:这边|那边)?(?:会|来|先|负责|马上|尽快|回头|稍后|待会|今天|明天|下周|再)"
    r"|(?:麻烦|请)(?:您|你)|给(?:您|你)(?:发|寄|演示|安排|准备|回复|答复|打电话)|发(?:给|到)(?:您|你)|(?:安排|约)(?:一下|个|一次)?(?:演示|会|时间|试用|培训|上门)"
)
_COMMIT_EN = re.compile(
    r"\b(?:I'll|I will|we'll|we will|let me|I can|we can|I'm going to|we're going to|you'll|could you|can you|please|"
    r"will send|will share|will follow up|to follow up)\b",
    re.IGNORECASE,
)
_ACTION_ZH = re.compile(r"发|寄|演示|安排|准备|跟进|约|确认|提供|回复|答复|整理|汇报|申请|审批|开通|联系|对接|报价|试用|培训|上线|签|走流程|拉群|沟通|讨论|评估|测试|拜访|开会|过一下")
_ACTION_EN = re.compile(
    r"\b(?:send|share|email|schedule|book|set up|prepare|follow up|confirm|review|call|demo|draft|introduce|check|"
    r"loop in|arrange|deliver|provide|get back|sign|start|run|discuss|present)\b",
    re.IGNORECASE,
)
_OTHER_PARTY = re.compile(r"^(?:那)?(?:麻烦|请)?(?:您|你|您那边|你们|贵司)|\b(?:could you|can you|please|you'll|you will)\b", re.IGNORECASE)
_DECISION = re.compile(
    r"决定|确定(?:了|下来)|定下来|就这么定|就按|那就(?:先|这样|这么)|同意|没问题，?(?:那|就)|可以，?(?:那|就)先|先(?:试|从).{0,8}(?:开始|试点)|签(?:合同|约)吧"
    r"|\b(?:agreed|we decided|decided to|let's go with|we'll go with|go ahead with|sounds good, let's|deal\b|approved?)\b",
    re.IGNORECASE,
)
_LEADING_FILLER = re.compile(r"^(?:好的|好|嗯|行|那|OK|Okay|Ok|Sure|Great|Yes|Yeah)[，,。.!！\s]*", re.IGNORECASE)


def _sentences(text: str) -> list[str]:
    from behavior.text import sentences

    # Commas join clauses in spoken Chinese; a commitment is usually one clause set off by a comma or stop.
    return [s for s in sentences(text) if s.strip()]


def _display_name(conversation: Conversation, role: str, facts: Facts) -> str:
    if role == "rep":
        return facts.rep_name or ("销售" if facts.language == "zh" else "rep")
    if role == "customer":
        return facts.customer_name or ("客户" if facts.language == "zh" else "customer")
    return "其他" if facts.language == "zh" else "other"


def action_items(conversation: Conversation, facts: Facts | None = None) -> list[ActionItem]:
    """Commitments with their owner and due date, in conversation order."""
    facts = facts or extract_facts(conversation)
    who = roles(conversation)
    items: list[ActionItem] = []
    seen: set[str] = set()
    for index, segment in enumerate(conversation.segments):
        speaker_role = who[segment.speaker]
        base = segment_time(conversation, index)
        for sentence in _sentences(segment.text):
            dates = find_dates(sentence, base)
            commits = _COMMIT_ZH.search(sentence) or _COMMIT_EN.search(sentence)
            acts = _ACTION_ZH.search(sentence) or _ACTION_EN.search(sentence)
            if not acts or not (commits or dates):
                continue
            if "?" in sentence[-2:] or "？" in sentence[-2:]:
                if not dates:  # "要不要我发给您？" is an offer, not yet a commitment
                    continue
            task = _LEADING_FILLER.sub("", sentence).strip()
            if task in seen or len(task) < 4:
                continue
            seen.add(task)
            role = speaker_role
            if _OTHER_PARTY.search(task) and speaker_role in ("rep", "customer"):
                role = "customer" if speaker_role == "rep" else "rep"
            due = dates[-1] if dates else None
            items.append(
                ActionItem(
                    owner=_display_name(conversation, role, facts),
                    owner_role=role,
                    task=task,
                    due=due.value if due else None,
                    due_text=due.text if due else None,
                    segment=index,
                )
            )
    return items


def decisions(conversation: Conversation) -> list[str]:
    found: list[str] = []
    for segment in conversation.segments:
        for sentence in _sentences(segment.text):
            if _DECISION.search(sentence):
                text = _LEADING_FILLER.sub("", sentence).strip() or sentence.strip()
                if text not in found:
                    found.append(text)
    return found


def _pains(conversation: Conversation, limit: int = 3) -> list[str]:
    from behavior.text import has_cue

    who = roles(conversation)
    pains = []
    for segment in conversation.segments:
        if who[segment.speaker] != "customer":
            continue
        for sentence in _sentences(segment.text):
            # 麻烦您/麻烦你 is "please", not a pain
            if has_cue(re.sub(r"麻烦(?:您|你)", "", sentence), "pain") and sentence not in pains:
                pains.append(sentence.strip())
    return pains[:limit]


def _objection_types(conversation: Conversation, tagger) -> list[str]:
    if tagger is None:
        from behavior import get_tagger

        tagger = get_tagger("lexicon")
    who = roles(conversation)
    customer = [s.text for s in conversation.segments if who[s.speaker] == "customer" and s.text.strip()]
    labels: list[str] = []
    for result in tagger.classify([{"text": t, "role": "customer"} for t in customer]) if customer else []:
        labels += [label for label in result.labels if label not in labels]
    return labels


def _format_due(item: ActionItem, language: str) -> str:
    if item.due is None:
        return item.due_text or ""
    if isinstance(item.due, datetime):
        formatted = item.due.strftime("%Y-%m-%d %H:%M")
    else:
        formatted = item.due.isoformat()
    return f"{item.due_text}（{formatted}）" if language == "zh" else f"{item.due_text} ({formatted})"


def _check(conversation: Conversation) -> None:
    if not conversation.segments:
        raise AssistError("the conversation has no segments: nothing to work from")


# --- minutes ---------------------------------------------------------------------------------------------
class _LLMMinutes(BaseModel):
    summary: str
    decisions: list[str] = Field(default_factory=list)


def minutes(conversation: Conversation, *, llm=None, tagger=None, llm_timeout: float = 30.0) -> Minutes:
    """Summary, decisions and action items (owner, date resolved against started_at)."""
    _check(conversation)
    facts = extract_facts(conversation)
    language = facts.language
    items = action_items(conversation, facts)
    found = decisions(conversation)
    pains = _pains(conversation)
    labels = _objection_types(conversation, tagger)
    rep = _display_name(conversation, "rep", facts)
    customer = _display_name(conversation, "customer", facts)
    company = f"（{facts.company}）" if facts.company and language == "zh" else (f" ({facts.company})" if facts.company else "")
    if language == "zh":
        parts = [f"{rep}{company}与{customer}进行了{ {'call': '电话沟通', 'meeting': '会议', 'chat': '聊天沟通'}[conversation.channel] }。"]
        if pains:
            parts.append("客户提到的问题：" + "；".join(p.rstrip("。") for p in pains) + "。")
        if labels:
            parts.append("客户的顾虑：" + "、".join(LABEL_NAMES_ZH.get(label, label) for label in labels) + "。")
        if facts.budget or facts.price:
            parts.append("涉及金额：" + "、".join(v for v in (facts.budget, facts.price) if v) + "。")
        parts.append(f"共 {len(items)} 项待办，{len(found)} 项决定。")
    else:
        parts = [f"{rep}{company} spoke with {customer} ({conversation.channel})."]
        if pains:
            parts.append("Problems raised: " + "; ".join(p.rstrip(".") for p in pains) + ".")
        if labels:
            parts.append("Concerns: " + ", ".join(labels) + ".")
        if facts.budget or facts.price:
            parts.append("Amounts mentioned: " + ", ".join(v for v in (facts.budget, facts.price) if v) + ".")
        parts.append(f"{len(items)} action item(s), {len(found)} decision(s).")
    result = Minutes(language=language, summary="".join(parts) if language == "zh" else " ".join(parts), decisions=found, action_items=items)
    if llm is None:
        return result
    try:
        answer = _ask(llm, "minutes", _LLMMinutes, llm_timeout, conversation, language=language, decisions=found, action_items=items)
    except ValueError as error:
        log.warning("LLM minutes failed, using the extractive ones: %s", error)
        return result
    if not answer.summary.strip():
        return result
    return result.model_copy(
        update={"summary": answer.summary.strip(), "decisions": [d for d in answer.decisions if d.strip()] or found, "generated_by": "llm"}
    )


def _ask(llm, prompt: str, schema, timeout: float, conversation: Conversation, **variables):
    from langchain_core.messages import HumanMessage, SystemMessage

    import prompts
    from agent.pii import mask_pii
    from llm import invoke_json

    system, user = prompts.load(prompt).render(transcript=transcript_lines(conversation, mask_pii, limit=60), **variables)
    return invoke_json(llm, [SystemMessage(mask_pii(system)), HumanMessage(mask_pii(user))], schema, timeout=timeout)


# --- email -----------------------------------------------------------------------------------------------
class _LLMEmail(BaseModel):
    subject: str
    body: str


def draft_email(
    conversation: Conversation, *, kb: Retriever | None = None, llm=None, tagger=None, llm_timeout: float = 30.0
) -> EmailDraft:
    """A follow-up email: thanks, the customer's problems in their words, answers to their objections
    (from the playbook when a knowledge base is given), the next steps with owners and dates."""
    _check(conversation)
    facts = extract_facts(conversation)
    language = facts.language
    items = action_items(conversation, facts)
    pains = _pains(conversation)
    answers: list[Suggestion] = []
    if kb is not None:
        try:
            answers = [s for s in suggest(conversation, kb=kb, tagger=tagger, k=2) if s.objection_type]
        except ValueError as error:  # an empty knowledge base: the email still goes out without answers
            log.info("no playbook answers for the email: %s", error)
    rep = facts.rep_name or ("销售" if language == "zh" else "your account rep")
    customer = facts.customer_name
    if language == "zh":
        subject = f"{facts.company + '｜' if facts.company else ''}今天沟通的要点与下一步"
        lines = [f"{customer or '您'}，您好：", "", "感谢您今天抽时间交流。"]
        if pains:
            lines += ["", "我们聊到的情况："] + [f"- {p}" for p in pains]
        if answers:
            lines += ["", "关于您提到的顾虑："] + [f"- {LABEL_NAMES_ZH.get(a.objection_type, a.objection_type)}：{a.text}" for a in answers]
        if items:
            lines += ["", "下一步："] + [f"- {i.owner}：{i.task}" + (f"（时间：{_format_due(i, language)}）" if i.due_text else "") for i in items]
        lines += ["", "如有任何问题，随时联系我。", "", "祝好！", rep + (f"\n{facts.company}" if facts.company else "")]
    else:
        subject = f"Following up on our conversation{' - ' + facts.company if facts.company else ''}: next steps"
        lines = [f"Hi {customer or 'there'},", "", "Thank you for your time today."]
        if pains:
            lines += ["", "What we discussed:"] + [f"- {p}" for p in pains]
        if answers:
            lines += ["", "On the concerns you raised:"] + [f"- {a.objection_type}: {a.text}" for a in answers]
        if items:
            lines += ["", "Next steps:"] + [f"- {i.owner}: {i.task}" + (f" (when: {_format_due(i, language)})" if i.due_text else "") for i in items]
        lines += ["", "Let me know if you have any questions.", "", "Best regards,", rep + (f"\n{facts.company}" if facts.company else "")]
    draft = EmailDraft(
        language=language,
        to=customer,
        subject=subject,
        body="\n".join(lines),
        action_items=items,
        citations=list(dict.fromkeys(c for a in answers for c in a.citations)),
    )
    if llm is None:
        return draft
    try:
        answer = _ask(
            llm, "email", _LLMEmail, llm_timeout, conversation, language=language, rep_name=rep, customer_name=customer or "-", draft=draft
        )
    except ValueError as error:
        log.warning("LLM email failed, using the template draft: %s", error)
        return draft
    if not answer.subject.strip() or not answer.body.strip():
        return draft
    return draft.model_copy(update={"subject": answer.subject.strip(), "body": answer.body.strip(), "generated_by": "llm"})


# --- competitive intel -----------------------------------------------------------------------------------
class _LLMIntel(BaseModel):
    answer: str
    citations: list[str] = Field(default_factory=list)


def _intel_question(conversation: Conversation, tagger) -> tuple[str, str | None]:
    """The customer's competitor remark (latest tagged competitor turn) and the competitor's name."""
    facts = extract_facts(conversation)
    who = roles(conversation)
    if tagger is None:
        from behavior import get_tagger

        tagger = get_tagger("lexicon")
    turns = [(i, s.text) for i, s in enumerate(conversation.segments) if who[s.speaker] == "customer" and s.text.strip()]
    results = tagger.classify([{"text": t, "role": "customer"} for _, t in turns]) if turns else []
    for (index, text), result in reversed(list(zip(turns, results))):
        if "competitor" in result.labels:
            return text, facts.competitor
    if facts.competitor:
        return (f"{facts.competitor}和我们相比怎么样？" if facts.language == "zh" else f"How do we compare with {facts.competitor}?"), facts.competitor
    raise AssistError("no competitor is mentioned in this conversation: ask a question instead (--question)")


def intel(
    subject: Conversation | str, kb: Retriever, *, llm=None, tagger=None, language: str | None = None, k: int = 3, llm_timeout: float = 30.0
) -> IntelAnswer:
    """A competitive-intel answer from the knowledge base to a question, or to a conversation's competitor remark."""
    from behavior.text import is_chinese

    if isinstance(subject, Conversation):
        _check(subject)
        question, competitor = _intel_question(subject, tagger)
        language = language or language_of(subject)
    else:
        question = subject.strip()
        if not question:
            raise AssistError("the question is empty")
        competitor = None
        language = language or ("zh" if is_chinese(question) else "en")
    from agent.suggest import Moment

    moment = Moment(segment=None, text=question, labels=["competitor"], evidence={}, stage="objection_handling", language=language)
    ranked = retrieve(kb, moment, k=k)
    if not ranked:
        raise AssistError("the knowledge base returned nothing: ingest a playbook first (dealwise kb ingest examples/kb)")
    scripts = [(hit.id, script_of(hit.text)) for hit, _, _ in ranked[:k]]
    if language == "zh":
        head = f"关于{competitor}：" if competitor else ""
        answer_text = head + " ".join(s for _, s in scripts[:2])
    else:
        head = f"On {competitor}: " if competitor else ""
        answer_text = head + " ".join(s for _, s in scripts[:2])
    result = IntelAnswer(
        language=language, question=question, competitor=competitor, answer=answer_text, citations=[i for i, _ in scripts[:2]]
    )
    if llm is None:
        return result
    from langchain_core.messages import HumanMessage, SystemMessage

    import prompts
    from agent.pii import mask_pii
    from llm import invoke_json

    retrieved = {hit.id for hit, _, _ in ranked}
    system, user = prompts.load("intel").render(
        language=language, question=mask_pii(question), chunks=[{"id": h.id, "text": mask_pii(h.text)} for h, _, _ in ranked]
    )
    try:
        answer = invoke_json(llm, [SystemMessage(system), HumanMessage(user)], _LLMIntel, timeout=llm_timeout)
    except ValueError as error:
        log.warning("LLM intel failed, using the extractive answer: %s", error)
        return result
    cited = list(dict.fromkeys(c.strip() for c in answer.citations if c.strip()))
    if not answer.answer.strip() or not cited or any(c not in retrieved for c in cited):
        log.info("LLM intel answer discarded: citations %s not all retrieved", cited)
        return result
    return result.model_copy(update={"answer": answer.answer.strip(), "citations": cited, "generated_by": "llm"})


__all__ = ["ActionItem", "AssistError", "EmailDraft", "IntelAnswer", "Minutes", "action_items", "decisions", "draft_email", "intel", "minutes"]
