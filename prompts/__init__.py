"""Versioned prompt templates, as files: `prompts/<name>/v<N>.md`, rendered with Jinja2.

    from prompts import load
    template = load("suggest")                 # the latest version (highest N)
    template = load("suggest", version=1)      # a pinned one, for reproducing an old answer
    system, user = template.render(chunks=..., transcript=...)

A file holds the system message and the user message, each after a line `=== system ===` /
`=== user ===`, so a prompt reads as one document and changes to it show up as one diff. Templates
use StrictUndefined: a variable the caller forgot is an error, not an empty hole in the prompt.
Versions are never edited once released: a change is a new `v<N+1>.md`, and answers record
`template.ref` (e.g. "suggest/v1") so an answer can be traced to the exact prompt.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2

ROOT = Path(__file__).resolve().parent  # the files ship as package data next to this module
_VERSION = re.compile(r"^v(\d+)\.(md|txt)$")
_SECTION = re.compile(r"^=== (system|user) ===[ \t]*$", re.MULTILINE)
_ENV = jinja2.Environment(
    undefined=jinja2.StrictUndefined, keep_trailing_newline=False, autoescape=False, trim_blocks=True, lstrip_blocks=True
)


class PromptError(ValueError):
    """An unknown prompt name or version, or a template that cannot be rendered; the message says which."""


@dataclass(frozen=True)
class Template:
    name: str
    version: int
    source: str

    @property
    def ref(self) -> str:
        return f"{self.name}/v{self.version}"

    def render(self, **variables) -> tuple[str, str]:
        """(system message, user message) with the variables filled in."""
        try:
            text = _ENV.from_string(self.source).render(**variables)
        except jinja2.UndefinedError as error:
            raise PromptError(f"prompt {self.ref}: {error.message}") from None
        sections = dict(_split(text))
        return sections.get("system", "").strip(), sections.get("user", "").strip()


def _split(text: str) -> list[tuple[str, str]]:
    marks = list(_SECTION.finditer(text))
    if not marks:
        return [("user", text)]
    return [(m.group(1), text[m.end() : (marks[i + 1].start() if i + 1 < len(marks) else len(text))]) for i, m in enumerate(marks)]


def versions(name: str, root: Path | None = None) -> list[int]:
    """The released versions of prompt `name`, ascending (numerically: v10 after v9)."""
    folder = (root or ROOT) / name
    if not name or "/" in name or "\\" in name or name.startswith(".") or not folder.is_dir():
        return []
    return sorted(int(m.group(1)) for entry in folder.iterdir() if (m := _VERSION.match(entry.name)))


def names(root: Path | None = None) -> list[str]:
    root = root or ROOT
    return sorted(entry.name for entry in root.iterdir() if entry.is_dir() and versions(entry.name, root))


@functools.cache
def load(name: str, version: int | None = None, root: Path | None = None) -> Template:
    """Prompt `name` at `version`, or its latest version; `root` is another prompt folder (tests, overrides)."""
    root = root or ROOT
    available = versions(name, root)
    if not available:
        raise PromptError(f"unknown prompt {name!r}; available: {', '.join(names(root)) or 'none'}")
    chosen = available[-1] if version is None else int(version)
    if chosen not in available:
        raise PromptError(f"prompt {name!r} has no version {chosen}; available: {', '.join(f'v{v}' for v in available)}")
    path = next(p for p in (root / name).iterdir() if (m := _VERSION.match(p.name)) and int(m.group(1)) == chosen)
    return Template(name=name, version=chosen, source=path.read_text(encoding="utf-8"))


__all__ = ["ROOT", "PromptError", "Template", "load", "names", "versions"]
