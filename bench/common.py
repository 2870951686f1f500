"""What every benchmark prints next to its figures: where it ran and which code it measured."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def pin(threads: int) -> str:
    """Restrict this process (and its children) to `threads` cores when more are available."""
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) > threads:
        os.sched_setaffinity(0, set(allowed[:threads]))
        return f"pinned to cores {allowed[:threads]} of {len(allowed)}"
    return f"{len(allowed)} cores available, no pinning needed"


def code_version() -> str:
    """The commit measured, and whether the working tree differs from it (other work in progress)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], check=True, capture_output=True, text=True, cwd=REPO
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            check=True,
            capture_output=True,
            text=True,
            cwd=REPO,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    changed = len(dirty.stdout.splitlines())
    return head.stdout.strip() + (f" + {changed} uncommitted file(s)" if changed else "")
