"""The prompt loader: latest version by default, pinned versions, strict variables, package data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import prompts
from prompts import PromptError, Template


@pytest.fixture
def root(tmp_path):
    """A copy of the shipped prompts with more versions of `suggest`, so the tests never touch the package."""
    copy = tmp_path / "prompts"
    shutil.copytree(prompts.ROOT, copy, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    (copy / "suggest" / "v10.md").write_text("=== user ===\nten", encoding="utf-8")
    (copy / "suggest" / "v9.md").write_text("=== system ===\nsys {{ n }}\n=== user ===\nuser {{ n }}\n", encoding="utf-8")
    (copy / "suggest" / "notes.md").write_text("not a version", encoding="utf-8")
    return copy


def test_every_shipped_prompt_loads_and_has_both_messages():
    assert {"suggest", "email", "minutes", "intel"} <= set(prompts.names())
    for name in prompts.names():
        template = prompts.load(name)
        assert template.version == max(prompts.versions(name))
        assert "=== system ===" in template.source and "=== user ===" in template.source


def test_latest_version_is_the_highest_number_not_the_last_name(root):
    assert prompts.versions("suggest", root) == [1, 9, 10]  # v10 sorts before v9 as text
    assert prompts.load("suggest", root=root).ref == "suggest/v10"
    assert prompts.load("suggest", root=root).render() == ("", "ten")
    assert prompts.load("suggest", 9, root=root).render(n=3) == ("sys 3", "user 3")
    assert prompts.load("suggest", 1, root=root).source == prompts.load("suggest", 1).source  # pinned, unchanged


def test_unknown_name_and_version_are_clear_errors():
    with pytest.raises(PromptError, match="unknown prompt 'nope'.*suggest"):
        prompts.load("nope")
    with pytest.raises(PromptError, match="no version 7.*v1"):
        prompts.load("suggest", version=7)
    with pytest.raises(PromptError):
        prompts.load("../llm")


def test_missing_variable_is_an_error_not_a_hole():
    with pytest.raises(PromptError, match="suggest/v1"):
        prompts.load("suggest", 1).render(language="zh")


def test_suggest_prompt_renders_chunk_ids_and_transcript():
    system, user = prompts.load("suggest", 1).render(
        language="zh",
        transcript=["customer: 太贵了"],
        stage="objection_handling",
        objection_types=["price"],
        chunks=[{"id": "pb-007", "text": "价格话术", "objection_type": "price"}],
        n=2,
    )
    assert "Simplified Chinese" in system and "cite" in system.lower()
    assert "[pb-007] (price) 价格话术" in user and "customer: 太贵了" in user and "up to 2" in user


def test_template_without_sections_is_one_user_message():
    assert Template("x", 1, "hello {{ who }}").render(who="you") == ("", "hello you")


def test_package_data_glob_covers_every_prompt_file():
    import fnmatch
    import tomllib

    root = Path(prompts.__file__).parent
    globs = tomllib.loads((root.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["prompts"]
    files = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and p.suffix in (".md", ".txt")]
    assert files
    assert all(any(fnmatch.fnmatch(f, g) for g in globs) for f in files), files
