"""PII masking: Chinese mobile numbers, resident ID numbers, bank cards and emails, before storage or an LLM.

    mask_pii("手机 138-1234-5678，邮箱 zhang.san@example.com")  -> "手机 138****5678，邮箱 z***@example.com"
    mask_structure({"note": "卡号 6222021234567890128"})     -> {"note": "卡号 622202*********0128"}

What is masked, and how (the visible parts follow common practice, so a person can still tell two apart):

| kind | recognised when | masked as |
|---|---|---|
| mobile | 11 digits `1[3-9]xxxxxxxxx` (optionally after `+86`/`86`) | `138****5678` |
| ID card | 18 characters, 17 digits + check digit/X, GB 11643 checksum valid | `1101**********123X` |
| bank card | 16-19 digits, Luhn valid | `622202******7890` (PCI DSS: BIN + last 4) |
| email | `local@domain.tld` | `z***@example.com` |

Numbers may be written in one run or in groups split by single spaces or dashes (`138-1234-5678`,
`6222 0212 3456 7890`). A number whose checksum fails is left alone on purpose: order numbers, SKUs
and amounts are long digit strings too, and masking them would destroy the evidence the audit keeps.
A digit run glued to ASCII letters (`SO2024...`, `ab13812345678`) is a code, not a number, and is left alone.
Masking is idempotent: masked text contains no digit run that can match again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

_EMAIL = re.compile(r"(?<![\w.%+-])([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})(?![\w-])")
# A run of digit groups joined by single spaces or dashes; the final group may end in X (ID check digit).
# Not glued to ASCII letters/digits/underscore on either side: that is a code, not a number.
_GROUPS = re.compile(r"(?<![0-9A-Za-z_])\d+(?:[ \-]\d+)*[Xx]?(?![0-9A-Za-z_])")
_GROUP = re.compile(r"\d+[Xx]?")
_MAX_DIGITS = 19  # the longest thing we recognise (a 19-digit card); longer spans cannot match

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _ascii_digits(text: str) -> str:
    """Full-width and other Unicode decimal digits (Chinese IMEs type １３８...) as ASCII, X upper-cased."""
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c.upper() for c in text)


def id_card_valid(number: str) -> bool:
    """GB 11643-1999 check character: weighted sum of the first 17 digits mod 11 picks it from 10X98765432."""
    number = _ascii_digits(number)
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17]


def luhn_valid(number: str) -> bool:
    """ISO/IEC 7812 Luhn check, as every UnionPay/Visa/Mastercard number carries."""
    number = _ascii_digits(number)
    if not number.isdigit():
        return False
    total = 0
    for i, digit in enumerate(int(d) for d in reversed(number)):
        if i % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def _mask_number(text: str) -> str | None:
    """The masked form of one candidate number (separators dropped), or None when it is not PII."""
    raw = re.sub(r"[ \-]", "", text)
    digits = _ascii_digits(raw)
    # Check the ID first: an 18-digit ID can also happen to pass Luhn, and it is the more sensitive reading.
    if len(digits) == 18 and id_card_valid(digits):
        return raw[:4] + "*" * 10 + raw[-4:]
    if not digits.isdigit():
        return None
    if 16 <= len(digits) <= 19 and luhn_valid(digits):
        return raw[:6] + "*" * (len(raw) - 10) + raw[-4:]
    if len(digits) == 11 and re.fullmatch(r"1[3-9]\d{9}", digits):
        return raw[:3] + "****" + raw[-4:]
    if len(digits) == 13 and re.fullmatch(r"861[3-9]\d{9}", digits):  # +86 138..., the country code kept as written
        cut = [m.start() for m in re.finditer(r"\d", text)][2]
        return text[:cut] + raw[2:5] + "****" + raw[-4:]
    return None


def _mask_groups(match: re.Match[str]) -> str:
    """Mask the longest PII number in each stretch of groups, left to right; groups are never split."""
    text = match.group(0)
    groups = [(m.start(), m.end()) for m in _GROUP.finditer(text)]
    out, cursor, i = [], 0, 0
    while i < len(groups):
        found = None
        digits = 0
        spans = []
        for j in range(i, len(groups)):
            digits += groups[j][1] - groups[j][0]
            if digits > _MAX_DIGITS:
                break
            if j < len(groups) - 1 and "X" in text[groups[j][0] : groups[j][1]].upper():
                spans.append(j)
                break  # X only ends a number
            spans.append(j)
        for j in reversed(spans):  # longest first: a card written 4-4-4-4 beats the phone-like tail inside it
            masked = _mask_number(text[groups[i][0] : groups[j][1]])
            if masked is not None:
                found = (j, masked)
                break
        if found is None:
            i += 1
            continue
        j, masked = found
        out.append(text[cursor : groups[i][0]])
        out.append(masked)
        cursor = groups[j][1]
        i = j + 1
    out.append(text[cursor:])
    return "".join(out)


def _mask_email(match: re.Match[str]) -> str:
    local, domain = match.group(1), match.group(2)
    return f"{local[0]}***@{domain}"


def mask_pii(text: str) -> str:
    """`text` with every mobile number, checksum-valid ID card and bank card, and email masked."""
    if not text:
        return text
    text = _EMAIL.sub(_mask_email, text)
    return _GROUPS.sub(_mask_groups, text)


def mask_structure(value: Any) -> Any:
    """A copy of a JSON-like structure with every string (and PII-shaped integer) masked; keys are kept.

    Integers are checked too, because CRM exports carry phone and card numbers as JSON numbers; one that
    matches becomes its masked string. Pydantic models are dumped to plain data first.
    """
    if isinstance(value, str):
        return mask_pii(value)
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return value
    if isinstance(value, int):
        masked = _mask_number(str(value))
        return value if masked is None else masked
    if isinstance(value, Mapping):
        return {key: mask_structure(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_structure(item) for item in value]
    if hasattr(value, "model_dump"):
        return mask_structure(value.model_dump(mode="json"))
    return value


__all__ = ["id_card_valid", "luhn_valid", "mask_pii", "mask_structure"]
