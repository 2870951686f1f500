"""The deal context the agent acts on: one JSON document, validated before any rule looks at it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class DealError(ValueError):
    """A deal document that cannot be read or breaks the contract; the message names the file and field."""


class _Model(BaseModel):
    # Unknown fields are refused: a typo such as "discount_pc" must not silently leave a rule input unset.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Product(_Model):
    sku: str = Field(min_length=1)
    qty: int = Field(ge=1)


class Customer(_Model):
    name: str = Field(min_length=1)
    credit_limit: float = Field(ge=0, description="Credit limit in the deal currency.")


class Rep(_Model):
    id: str = Field(min_length=1)
    max_discount_pct: float = Field(ge=0, le=100, description="The largest discount this rep may grant alone, in percent.")


class Deal(_Model):
    deal_id: str = Field(min_length=1)
    amount: float = Field(ge=0, description="Deal value in `currency`, after discount.")
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code: CNY, USD, ...")
    discount_pct: float = Field(ge=0, le=100)
    delivery_days: int = Field(ge=0, description="Days until the customer wants delivery.")
    products: list[Product] = Field(min_length=1)
    customer: Customer
    rep: Rep


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        path = ""
        for part in item["loc"]:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "missing":
            message = "missing (required)"
        elif item["type"] == "extra_forbidden":
            message = f"unknown field (known: {_known_fields(item['loc'])})"
        lines.append(f"{path}: {message}" if path else message)
    return "; ".join(lines)


def _known_fields(loc: tuple[Any, ...]) -> str:
    model: type[BaseModel] = Deal
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        annotation = model.model_fields[part].annotation
        model = getattr(annotation, "__args__", (annotation,))[0] if part == "products" else annotation
    return ", ".join(model.model_fields)


def parse_deal(data: str | bytes | dict[str, Any]) -> Deal:
    """Validate a deal JSON text or dict; raise DealError naming every offending field."""
    try:
        if isinstance(data, dict):
            return Deal.model_validate(data)
        return Deal.model_validate_json(data)
    except ValidationError as error:
        if any(item["type"] == "json_invalid" for item in error.errors()):
            raise DealError(f"invalid JSON: {error.errors()[0]['ctx']['error']}") from None
        raise DealError(f"deal: {_describe(error)}") from None


def load_deal(path: str | Path) -> Deal:
    """Read a deal JSON file; errors name the file and the field."""
    path = Path(path)
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        raise DealError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DealError(f"{path}: is a directory, not a deal JSON file") from None
    try:
        decoded = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DealError(f"{path}: invalid JSON: {error}") from None
    if not isinstance(decoded, dict):
        raise DealError(f"{path}: a deal is a JSON object, got {type(decoded).__name__}")
    try:
        return parse_deal(decoded)
    except DealError as error:
        raise DealError(f"{path}: {error}") from None


__all__ = ["Customer", "Deal", "DealError", "Product", "Rep", "load_deal", "parse_deal"]
