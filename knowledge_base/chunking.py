"""Documents as a stream of headings and blocks, cut into chunks that keep their heading path.

Every loader turns its format into the same events (a heading with its level, a block of text, or
metadata for the current heading), so one chunker serves Markdown, plain text, PDF and DOCX alike:
- a chunk never crosses a heading, so each script under its own heading is its own chunk;
- a long list item (a script in a list of scripts) is a chunk of its own; short items and paragraphs
  are packed up to `MAX_CHARS`; a paragraph longer than that is cut at sentence ends;
- metadata set on a heading (a `<!-- kb: type=price stage=closing -->` comment, or a heading that names
  an objection type such as "价格异议") holds for everything under it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from knowledge_base import text as kbtext
from knowledge_base.models import Chunk

MAX_CHARS = 700  # ~350 Chinese characters of script plus context; e5 reads 512 tokens
STANDALONE_ITEM_CHARS = 100  # a list item this long is a script of its own, not one of a list of short points
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=[.])\s+")
_SCRIPT_MARK = re.compile(r"(?:话术|参考话术|推荐话术|回应|应对|Script|Say|Response|Talk track)\s*[:：]", re.IGNORECASE)


@dataclass
class Heading:
    level: int
    title: str


@dataclass
class Block:
    text: str
    list_item: bool = False
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Meta:
    """Metadata for the innermost open heading (or the whole file before the first heading)."""

    values: dict[str, str]


Event = Heading | Block | Meta

_META_KEYS = {
    "type": "objection_type",
    "objection": "objection_type",
    "objection_type": "objection_type",
    "异议类型": "objection_type",
    "异议": "objection_type",
    "stage": "stage",
    "阶段": "stage",
    "language": "language",
    "lang": "language",
    "语言": "language",
    "product": "product",
    "产品": "product",
}


def parse_meta(text: str, pairs: list[tuple[str, str]] | None = None) -> dict[str, str]:
    """`type=price stage=closing` or `type: price, stage: closing` -> canonical keys and values."""
    values = {}
    if pairs is None:
        pairs = re.findall(r"([\w\u4e00-\u9fff]+)\s*[=:：]\s*([^,，;；\s]+)", text)
    for key, value in pairs:
        key, value = key.strip(), value.strip().strip("\"'")
        canonical = _META_KEYS.get(key.lower())
        if canonical == "objection_type":
            values[canonical] = kbtext.objection_type(value)
        elif canonical == "stage":
            values[canonical] = kbtext.stage(value)
        elif canonical == "language":
            values[canonical] = kbtext.language(value)
        elif canonical:
            values[canonical] = value.strip()
    return values


def split_long(text: str, limit: int = MAX_CHARS) -> list[str]:
    """Cut at sentence ends (full- or half-width) into pieces of at most ~limit characters."""
    if len(text) <= limit:
        return [text]
    pieces, current = [], ""
    for sentence in (s for s in _SENTENCE_END.split(text) if s and s.strip()):
        while len(sentence) > limit:  # one enormous sentence: hard cut
            pieces.extend([current] if current else [])
            current = ""
            pieces.append(sentence[:limit])
            sentence = sentence[limit:]
        if current and len(current) + len(sentence) > limit:
            pieces.append(current)
            current = ""
        current += sentence
    if current.strip():
        pieces.append(current)
    return [p.strip() for p in pieces if p.strip()]


@dataclass
class _Open:
    level: int
    title: str
    meta: dict[str, str]


def chunk_events(events: Iterable[Event], source: str, file_meta: dict[str, str] | None = None) -> list[Chunk]:
    """Chunks (id left empty: the store assigns ids) from a document's events."""
    stack: list[_Open] = [_Open(0, "", dict(file_meta or {}))]
    pending: list[Block] = []
    chunks: list[Chunk] = []

    def flush() -> None:
        if not pending:
            return
        meta: dict[str, str] = {}
        for level in stack:
            meta.update(level.meta)
        section = " > ".join(level.title for level in stack if level.title)
        for text, extra in _pack(pending):
            chunks.append(_make_chunk(text, source, section, meta, extra))
        pending.clear()

    for event in events:
        if isinstance(event, Heading):
            flush()
            while len(stack) > 1 and stack[-1].level >= event.level:
                stack.pop()
            meta = {}
            if objection := kbtext.objection_from_heading(event.title):
                meta["objection_type"] = objection
            stack.append(_Open(event.level, event.title.strip(), meta))
        elif isinstance(event, Meta):
            stack[-1].meta.update(event.values)
        elif event.text.strip():
            pending.append(event)
    flush()
    return chunks


def _pack(blocks: list[Block]) -> Iterator[tuple[str, dict[str, str]]]:
    current: list[str] = []
    extra: dict[str, str] = {}
    size = 0
    for block in blocks:
        text = block.text.strip()
        if block.list_item and len(text) >= STANDALONE_ITEM_CHARS:
            if current:
                yield "\n\n".join(current), extra
                current, size, extra = [], 0, {}
            for piece in split_long(_ITEM_MARK.sub("", text, count=1)):
                yield piece, dict(block.extra)
            continue
        for piece in split_long(text):
            if current and size + len(piece) > MAX_CHARS:
                yield "\n\n".join(current), extra
                current, size, extra = [], 0, {}
            if not current:
                extra = dict(block.extra)
            current.append(piece)
            size += len(piece) + 2
    if current:
        yield "\n".join(current) if all(_is_item(c) for c in current) else "\n\n".join(current), extra


_ITEM_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)、])\s+")


def _is_item(text: str) -> bool:
    return _ITEM_MARK.match(text) is not None


def _make_chunk(text: str, source: str, section: str, meta: dict[str, str], extra: dict[str, str]) -> Chunk:
    objection = meta.get("objection_type", "")
    is_script = bool(objection) or _SCRIPT_MARK.search(text) is not None or text.lstrip().startswith(">")
    return Chunk(
        id="",
        text=text,
        source=source,
        section=section,
        objection_type=objection,
        stage=meta.get("stage", "objection_handling" if objection else ""),
        language=meta.get("language") or kbtext.detect_language(f"{section} {text}"),
        product=meta.get("product", ""),
        kind="script" if is_script else "passage",
        extra=extra,
    )


# --- plain text as events ------------------------------------------------------------------------------
_NUMBERED_ZH = re.compile(r"^(?:第[一二三四五六七八九十百\d]+[章节部分篇]|[一二三四五六七八九十]+、)\s*\S")
_NUMBERED_SUB_ZH = re.compile(r"^[（(][一二三四五六七八九十\d]+[)）]\s*\S")
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)[.、)]?\s+\S")
_ENDS_SENTENCE = re.compile(r"[。！？!?；;，,：:.…]$")


def heading_level(line: str) -> int:
    """A line that reads like a heading in plain text (short, no sentence end): its level, else 0."""
    line = line.strip()
    if not line or len(line) > 40 or _ENDS_SENTENCE.search(line):
        return 0
    if _NUMBERED_ZH.match(line):
        return 1
    if _NUMBERED_SUB_ZH.match(line):
        return 2
    if match := _NUMBERED.match(line):
        return match.group(1).count(".") + 1
    return 0


def text_events(raw: str, extra: dict[str, str] | None = None) -> Iterator[Event]:
    """Paragraphs (blank-line separated) of plain text; numbered or standalone short lines are headings."""
    paragraphs = re.split(r"\n\s*\n", raw.replace("\r\n", "\n").replace("\r", "\n"))
    for paragraph in paragraphs:
        lines = [line.rstrip() for line in paragraph.split("\n") if line.strip()]
        if not lines:
            continue
        if level := heading_level(lines[0]):
            yield Heading(level, lines[0].strip())
            lines = lines[1:]
        elif len(lines) == 1 and len(lines[0].strip()) <= 30 and not _ENDS_SENTENCE.search(lines[0].strip()):
            yield Heading(1, lines[0].strip())  # a short line standing alone: a title
            continue
        if lines:
            yield from _lines_to_blocks(lines, extra or {})


def _lines_to_blocks(lines: list[str], extra: dict[str, str]) -> Iterator[Block]:
    """List items become blocks of their own; other lines join into one paragraph."""
    current: list[str] = []
    item = False
    for line in lines:
        starts_item = _is_item(line)
        if starts_item and current:
            yield Block(join_lines(current), list_item=item, extra=extra)
            current = []
        if starts_item:
            item = True
        current.append(line.strip())
    if current:
        yield Block(join_lines(current), list_item=item, extra=extra)


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines: no space between Chinese characters (PDF and hard-wrapped text break mid-sentence)."""
    out = ""
    for line in lines:
        line = line.strip()
        if not out:
            out = line
        elif kbtext.is_chinese(out[-1]) or kbtext.is_chinese(line[:1]):
            out += line
        else:
            out += " " + line
    return out
