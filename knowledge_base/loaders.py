"""File formats, by suffix: each loader turns one file into chunks or raises KnowledgeBaseError.

Adding a format is adding a decorated function here (`@loader(".html")`). Loaders read the whole
file before anything is stored, so a file that fails leaves nothing behind. Errors name the problem
only; the caller prefixes the path.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from knowledge_base import text as kbtext
from knowledge_base.chunking import Block, Event, Heading, Meta, chunk_events, join_lines, parse_meta, text_events
from knowledge_base.models import Chunk, KnowledgeBaseError

Loader = Callable[[Path, str], list[Chunk]]
LOADERS: dict[str, Loader] = {}


def loader(*suffixes: str):
    def add(function: Loader) -> Loader:
        for suffix in suffixes:
            LOADERS[suffix] = function
        return function

    return add


def supported_suffixes() -> list[str]:
    return sorted(LOADERS)


def load_file(path: Path) -> list[Chunk]:
    """Chunks of one file (ids empty); KnowledgeBaseError naming the file when it cannot be used."""
    suffix = path.suffix.lower()
    if suffix not in LOADERS:
        raise KnowledgeBaseError(f"{path}: unsupported file type {suffix or '(no suffix)'!r}; supported: {', '.join(supported_suffixes())}")
    if not path.is_file():
        raise KnowledgeBaseError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise KnowledgeBaseError(f"{path}: empty file")
    try:
        chunks = LOADERS[suffix](path, str(path.resolve()))
    except KnowledgeBaseError as error:
        raise KnowledgeBaseError(f"{path}: {error}") from None
    except OSError as error:
        raise KnowledgeBaseError(f"{path}: cannot read ({error.strerror or error})") from None
    if not chunks:
        raise KnowledgeBaseError(f"{path}: no text found")
    return chunks


def read_text(path: Path) -> str:
    """UTF-8 (with or without BOM); GB18030 as a fallback, the encoding of Chinese Windows exports."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        decoded = raw.decode("gb18030")
    except UnicodeDecodeError:
        decoded = ""
    if decoded and kbtext.is_chinese(decoded) and "\x00" not in decoded:
        return decoded
    raise KnowledgeBaseError("not a text file (neither UTF-8 nor GB18030)")


# --- Markdown ----------------------------------------------------------------------------------------------
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_KB_COMMENT = re.compile(r"^\s*<!--\s*(?:kb|meta)\s*:?\s*(.*?)\s*-->\s*$", re.IGNORECASE)
_FENCE = re.compile(r"^\s*(```|~~~)")


def markdown_events(raw: str) -> tuple[dict[str, str], list[Event]]:
    """Front matter (--- key: value ---) and the events of a Markdown document."""
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    file_meta: dict[str, str] = {}
    if lines and lines[0].strip() == "---" and "---" in (line.strip() for line in lines[1:]):
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        pairs = [tuple(line.split(":", 1)) for line in lines[1:end] if ":" in line]  # YAML-style key: value
        file_meta = parse_meta("", pairs=pairs)
        lines = lines[end + 1 :]
    events: list[Event] = []
    paragraph: list[str] = []
    in_fence = False

    def flush() -> None:
        if paragraph:
            events.extend(_md_blocks(paragraph))
            paragraph.clear()

    for line in lines:
        if _FENCE.match(line):
            in_fence = not in_fence
            paragraph.append(line)
            continue
        if in_fence:
            paragraph.append(line)
            continue
        if heading := _MD_HEADING.match(line):
            flush()
            events.append(Heading(len(heading.group(1)), _strip_inline(heading.group(2))))
        elif comment := _KB_COMMENT.match(line):
            flush()
            events.append(Meta(parse_meta(comment.group(1))))
        elif not line.strip() or re.match(r"^\s*(?:---+|\*\*\*+|___+)\s*$", line):
            flush()
        else:
            paragraph.append(line)
    flush()
    return file_meta, events


def _md_blocks(lines: list[str]) -> Iterator[Block]:
    """A paragraph, or one block per top-level list item (with its continuation lines)."""
    if not re.match(r"^(?:[-*+]|\d+[.)])\s", lines[0]):
        yield Block("\n".join(lines) if lines[0].lstrip().startswith(("|", ">", "```", "~~~")) else join_lines(lines))
        return
    item: list[str] = []
    for line in lines:
        if re.match(r"^(?:[-*+]|\d+[.)])\s", line) and item:
            yield Block(join_lines(item), list_item=True)
            item = []
        item.append(line)
    if item:
        yield Block(join_lines(item), list_item=True)


def _strip_inline(text: str) -> str:
    return re.sub(r"\*\*|__|`", "", text).strip()


@loader(".md", ".markdown")
def load_markdown(path: Path, source: str) -> list[Chunk]:
    file_meta, events = markdown_events(read_text(path))
    return chunk_events(events, source, file_meta)


@loader(".txt", ".text")
def load_text(path: Path, source: str) -> list[Chunk]:
    return chunk_events(text_events(read_text(path)), source)


# --- PDF ------------------------------------------------------------------------------------------------
@loader(".pdf")
def load_pdf(path: Path, source: str) -> list[Chunk]:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf warns on every odd but readable file
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            try:
                unlocked = reader.decrypt("")  # many "protected" PDFs only restrict printing, no password
            except Exception:  # noqa: BLE001 - unsupported cipher: same answer for the user
                unlocked = 0
            if not unlocked:
                raise KnowledgeBaseError("encrypted PDF (needs a password); save an unprotected copy")
        pages = [page.extract_text() or "" for page in reader.pages]
    except KnowledgeBaseError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise KnowledgeBaseError(f"not a readable PDF ({type(error).__name__}: {error})") from None
    if not any(page.strip() for page in pages):
        raise KnowledgeBaseError("no extractable text (a scanned PDF? run OCR on it first)")
    events: list[Event] = []
    for number, page in enumerate(pages, start=1):
        events.extend(text_events(page, extra={"page": str(number)}))
    return chunk_events(events, source)


# --- DOCX -----------------------------------------------------------------------------------------------
_DOCX_HEADING = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


@loader(".docx")
def load_docx(path: Path, source: str) -> list[Chunk]:
    import zipfile

    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from docx.opc.exceptions import OpcError

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OpcError) as error:
        raise KnowledgeBaseError(f"not a readable DOCX ({type(error).__name__}: {error})") from None
    events: list[Event] = []
    chunks: list[Chunk] = []
    section: list[tuple[int, str]] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, document)
            text = paragraph.text.strip()
            if not text:
                continue
            style = (paragraph.style.name if paragraph.style is not None else "") or ""
            if match := _DOCX_HEADING.match(style.strip()):
                level = int(match.group(1))
            elif style.strip().lower() in ("title", "标题"):
                level = 1
            else:
                level = 0
            if level:
                events.append(Heading(level, text))
                section = [s for s in section if s[0] < level] + [(level, text)]
            else:
                events.append(Block(text, list_item="list" in style.lower()))
        elif tag == "tbl":
            rows = [[cell.text.strip() for cell in row.cells] for row in Table(element, document).rows]
            context = " > ".join(title for _, title in section)
            try:
                chunks.extend(table_chunks(rows, source, section_prefix=context))
            except KnowledgeBaseError:  # not a script table: its rows are text
                events.extend(Block(" | ".join(dict.fromkeys(c for c in row if c))) for row in rows if any(row))
    return chunk_events(events, source) + chunks


# --- script tables: CSV and XLSX ----------------------------------------------------------------------------
COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("script", "scripts", "response", "answer", "reply", "talk track", "suggested response",
             "话术", "回应", "应对", "应对话术", "推荐话术", "参考话术", "回答", "答复", "标准话术"),
    "objection_type": ("objection type", "objection_type", "objection", "type", "category",
                       "异议类型", "异议", "类型", "分类", "异议分类"),
    "stage": ("stage", "sales stage", "阶段", "销售阶段"),
    "product": ("product", "products", "产品", "产品线"),
    "language": ("language", "lang", "语言"),
    "context": ("customer says", "customer", "trigger", "scenario", "situation", "title", "question", "objection text",
                "客户说法", "客户原话", "客户话术", "场景", "情境", "标题", "问题", "客户问题", "触发"),
}
_COLUMN_OF = {alias: field for field, aliases in COLUMNS.items() for alias in aliases}


def _column(header: str) -> str | None:
    key = re.sub(r"[\s_]+", " ", kbtext.normalize(header)).strip().lower()
    return _COLUMN_OF.get(key) or _COLUMN_OF.get(key.replace(" ", "_"))


def table_chunks(rows: list[list[str]], source: str, section_prefix: str = "", extra: dict[str, str] | None = None) -> list[Chunk]:
    """One script chunk per row with a script; the first non-empty row is the header."""
    rows = [[("" if c is None else str(c)).strip() for c in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        raise KnowledgeBaseError("empty table")
    header, body = rows[0], rows[1:]
    fields = [_column(h) for h in header]
    if "text" not in fields:
        expected = ", ".join(COLUMNS["text"][:3] + COLUMNS["text"][7:9])
        raise KnowledgeBaseError(f"no script column in the header {header} (expected one of: {expected}, ...)")
    chunks = []
    for number, row in enumerate(body, start=2):
        values: dict[str, str] = {}
        other: dict[str, str] = dict(extra or {})
        for name, field, value in zip(header, fields, row + [""] * (len(header) - len(row))):
            if not value:
                continue
            if field and field not in values:
                values[field] = value
            elif name:
                other[re.sub(r"\W+", "_", name.strip().lower()) or "column"] = value
        if not values.get("text"):
            continue
        other["row"] = str(number)
        text = values["text"]
        context = values.get("context", "")
        objection = kbtext.objection_type(values.get("objection_type", ""))
        title = context or text[:30]
        chunks.append(
            Chunk(
                id="",
                text=text,
                source=source,
                section=" > ".join(p for p in (section_prefix, title) if p),
                context=context,
                objection_type=objection,
                stage=kbtext.stage(values.get("stage", "")) or ("objection_handling" if objection else ""),
                language=kbtext.language(values.get("language", "")) or kbtext.detect_language(f"{context} {text}"),
                product=values.get("product", ""),
                kind="script",
                extra=other,
            )
        )
    if not chunks:
        raise KnowledgeBaseError("no rows with a script")
    return chunks


@loader(".csv", ".tsv")
def load_csv(path: Path, source: str) -> list[Chunk]:
    raw = read_text(path)
    first = raw.split("\n", 1)[0]
    delimiter = max([",", "\t", ";", "，"], key=first.count) if path.suffix.lower() != ".tsv" else "\t"
    try:
        rows = list(csv.reader(io.StringIO(raw), delimiter=delimiter))
    except csv.Error as error:
        raise KnowledgeBaseError(f"not a readable CSV ({error})") from None
    return table_chunks(rows, source)


@loader(".xlsx", ".xlsm")
def load_xlsx(path: Path, source: str) -> list[Chunk]:
    import zipfile

    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise KnowledgeBaseError(f"not a readable XLSX ({type(error).__name__}: {error})") from None
    chunks: list[Chunk] = []
    problems = []
    try:
        for sheet in workbook.worksheets:
            rows = [list(row) for row in sheet.iter_rows(values_only=True)]
            try:
                chunks.extend(table_chunks(rows, source, extra={"sheet": sheet.title}))
            except KnowledgeBaseError as error:  # a notes sheet next to the script sheet is fine
                problems.append(f"sheet {sheet.title!r}: {error}")
    finally:
        workbook.close()
    if not chunks:
        raise KnowledgeBaseError("; ".join(problems) or "no sheets")
    return chunks
