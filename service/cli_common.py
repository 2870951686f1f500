"""What every dealwise command shares: one clean error line instead of a traceback, atomic writes."""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from pathlib import Path

import click


def _known_errors() -> tuple[type[Exception], ...]:
    from behavior.analysis import AnalysisError
    from behavior.corpus import CorpusError
    from behavior.trackers import TrackerError
    from conversation import ConversationError
    from speech import SpeechError

    return (SpeechError, ConversationError, AnalysisError, CorpusError, TrackerError, OSError)


def user_errors(command):
    """Turn known user errors into one clean line; never let a traceback reach the user."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except click.ClickException:
            raise
        except _known_errors() as error:
            raise click.ClickException(str(error)) from None
        except ValueError as error:  # the packages raise ValueError subclasses with a user-facing message
            if os.environ.get("DEALWISE_DEBUG") == "1":
                raise
            raise click.ClickException(str(error)) from None
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except Exception as error:  # noqa: BLE001 - last line of defence for the user
            if os.environ.get("DEALWISE_DEBUG") == "1":
                raise
            raise click.ClickException(
                f"unexpected failure: {type(error).__name__}: {error} (rerun with DEALWISE_DEBUG=1 for details)"
            ) from None

    return wrapper


def write_atomically(path: Path, text: str) -> None:
    """Write via a temp file and rename, so a failure never leaves half a JSON file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
