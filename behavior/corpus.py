"""Reading a cohort of conversations: a directory of JSON files or one JSONL file, one bad item at a time.

A cohort is real data from many systems: a file that does not parse or breaks the schema, or a
conversation without an outcome, is skipped and counted by reason, never fatal.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from conversation import Conversation, ConversationError, parse_conversation


class CorpusError(ValueError):
    """A corpus path that cannot be read at all."""


@dataclass
class Corpus:
    conversations: list[Conversation]
    skipped: Counter = field(default_factory=Counter)  # reason -> count
    problems: list[str] = field(default_factory=list)  # the first few, for the user to fix


def _documents(path: Path) -> Iterator[tuple[str, bytes | str]]:
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in (".json", ".jsonl"))
        if not files:
            raise CorpusError(f"{path}: no .json or .jsonl files in this directory")
        for file in files:
            yield from _documents(file)
    elif path.suffix.lower() == ".jsonl":
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield f"{path.name}:{number}", line
    elif path.is_file():
        yield path.name, path.read_bytes()
    else:
        raise CorpusError(f"{path}: no such file or directory")


def read_corpus(path: str | Path, *, require_outcome: bool = True) -> Corpus:
    corpus = Corpus([])
    for where, document in _documents(Path(path)):
        try:
            text = document.decode("utf-8") if isinstance(document, bytes) else document
            data = json.loads(text)
            items = data if isinstance(data, list) else [data]
            conversations = [parse_conversation(item) for item in items]
        except UnicodeDecodeError:
            _skip(corpus, "not UTF-8", f"{where}: not UTF-8 text")
            continue
        except (json.JSONDecodeError, ConversationError, TypeError) as error:
            _skip(corpus, "invalid conversation", f"{where}: {error}")
            continue
        for conversation in conversations:
            if require_outcome and conversation.outcome is None:
                _skip(corpus, "missing outcome", f"{where}: no outcome (won/lost)")
            else:
                corpus.conversations.append(conversation)
    return corpus


def _skip(corpus: Corpus, reason: str, problem: str) -> None:
    corpus.skipped[reason] += 1
    if len(corpus.problems) < 5:
        corpus.problems.append(problem)
