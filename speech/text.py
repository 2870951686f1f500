"""Text normalization for recognizer output: Simplified Chinese, spacing, language codes."""

from __future__ import annotations

import functools
import re

from speech.errors import LanguageError

# Scripts written without spaces between words: recognizer word pieces are joined bare.
_UNSPACED = {"zh", "ja", "yue", "th", "lo", "my", "bo"}


@functools.cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


_CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
_HALF_TO_FULL = {",": "，", "?": "？", "!": "！", ":": "：", ";": "；", ".": "。"}
# ASCII punctuation right after a Chinese character is Chinese punctuation written half-width
# (Whisper often does this); "3.5" or "Q3," are left alone because a CJK character must precede.
_HALF_AFTER_CJK = re.compile(f"(?<={_CJK})([,?!:;.])(?!\\d)")


def normalize_text(text: str, language: str) -> str:
    """Strip; for Chinese, Traditional -> Simplified (Whisper mixes them) and full-width punctuation."""
    text = text.strip()
    if language.split("-")[0] in ("zh", "yue"):
        text = _t2s().convert(text)
        text = _HALF_AFTER_CJK.sub(lambda m: _HALF_TO_FULL[m.group(1)], text)
    return text


def pick_language(probabilities: dict[str, float], candidates: tuple[str, ...]) -> str:
    """The most probable language, restricted to `candidates` when given (e.g. zh/en for a sales team)."""
    allowed = {code: p for code, p in probabilities.items() if not candidates or code in candidates}
    return max(allowed or probabilities, key=(allowed or probabilities).get)


def join_words(words: list[str], language: str) -> str:
    if language.split("-")[0] in _UNSPACED:
        return "".join(w.strip() for w in words)
    # Whisper's words carry their leading space, except the first word of a decode: words of two decodes
    # joined raw read "Andso".
    return " ".join(w.strip() for w in words if w.strip())


@functools.cache
def known_languages() -> frozenset[str]:
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    return frozenset(_LANGUAGE_CODES)


def resolve_language(language: str | None) -> str | None:
    """Map a user's --language to a recognizer code; None means detect ("auto")."""
    if language is None or language == "auto":
        return None
    code = language.strip().lower().split("-")[0]
    if code not in known_languages():
        raise LanguageError(f"unknown language {language!r}: use zh, en, auto, or another Whisper language code")
    return code
