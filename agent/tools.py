"""The tools the agent can act with: typed arguments, registered once, exposed to LangChain as proposals.

A tool is declared with `@tool(name, Args, ...)` on a function that builds its arguments from the deal;
rules name tools, connectors carry them out. Adding a tool is adding one decorated function here.

Tool arguments always come from the deal and the rule (plus static `args` a rule file sets), never from
what a customer or an LLM wrote: that is what keeps a prompt injection from changing a contract's discount.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from agent.deal import Deal


class ToolArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    deal_id: str


class LineItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: str
    qty: int = Field(ge=1)


@dataclass(frozen=True)
class RuleRef:
    """What a tool's argument builder may know about the rule that asked for it."""

    id: str
    description: str = ""


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    args_model: type[ToolArgs]
    build: Callable[[Deal, RuleRef], dict[str, Any]]
    # A commitment to price or goods: held back ("blocked") while a rule in the same run blocks the quote.
    commits_price: bool = False


TOOLS: dict[str, Tool] = {}


def tool(name: str, args_model: type[ToolArgs], description: str, *, commits_price: bool = False):
    def register(build: Callable[[Deal, RuleRef], dict[str, Any]]):
        if name in TOOLS:
            raise RuntimeError(f"tool {name!r} registered twice")
        TOOLS[name] = Tool(name, description, args_model, build, commits_price)
        return build

    return register


def get_tool(name: str) -> Tool:
    try:
        return TOOLS[name]
    except KeyError:
        raise KeyError(f"unknown tool {name!r} (known: {', '.join(TOOLS)})") from None


def build_args(tool_name: str, deal: Deal, rule: RuleRef, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The validated arguments of one call: built from the deal, then the rule file's static overrides."""
    spec = get_tool(tool_name)
    raw = {**spec.build(deal, rule), **(overrides or {}), "deal_id": deal.deal_id}
    return spec.args_model.model_validate(raw).model_dump(mode="json")


def _items(deal: Deal) -> list[dict[str, Any]]:
    return [{"sku": p.sku, "qty": p.qty} for p in deal.products]


def _reason(rule: RuleRef) -> str:
    return rule.description or f"rule {rule.id}"


# -- the tools -------------------------------------------------------------------------------------


class GenerateContractArgs(ToolArgs):
    customer_name: str
    amount: float = Field(ge=0)
    currency: str
    discount_pct: float = Field(ge=0, le=100)
    items: list[LineItem]
    template: str = "standard"


@tool("generate_contract", GenerateContractArgs, "Draft the sales contract for the deal at its agreed price.", commits_price=True)
def _generate_contract(deal: Deal, rule: RuleRef) -> dict[str, Any]:
    return {"customer_name": deal.customer.name, "amount": deal.amount, "currency": deal.currency,
            "discount_pct": deal.discount_pct, "items": _items(deal)}


class ReserveInventoryArgs(ToolArgs):
    items: list[LineItem]
    hold_days: int = Field(default=14, ge=1, le=365)


@tool("reserve_inventory", ReserveInventoryArgs, "Hold stock for the deal's products.", commits_price=True)
def _reserve_inventory(deal: Deal, rule: RuleRef) -> dict[str, Any]:
    return {"items": _items(deal)}


class LegalReviewArgs(ToolArgs):
    amount: float = Field(ge=0)
    currency: str
    reason: str
    priority: Literal["normal", "high"] = "normal"


@tool("request_legal_review", LegalReviewArgs, "Ask legal to review the deal's contract terms.")
def _request_legal_review(deal: Deal, rule: RuleRef) -> dict[str, Any]:
    return {"amount": deal.amount, "currency": deal.currency, "reason": _reason(rule)}


class DeliveryPlanArgs(ToolArgs):
    items: list[LineItem]
    delivery_days: int = Field(ge=0)


@tool("create_delivery_plan", DeliveryPlanArgs, "Plan delivery of the deal's products by the promised date.", commits_price=True)
def _create_delivery_plan(deal: Deal, rule: RuleRef) -> dict[str, Any]:
    return {"items": _items(deal), "delivery_days": deal.delivery_days}


class FollowupArgs(ToolArgs):
    rep_id: str
    due_in_days: int = Field(default=2, ge=0, le=90)
    topic: str


@tool("schedule_followup", FollowupArgs, "Put a follow-up task on the rep's calendar.")
def _schedule_followup(deal: Deal, rule: RuleRef) -> dict[str, Any]:
    return {"rep_id": deal.rep.id, "topic": _reason(rule)}


class CrmUpdateArgs(ToolArgs):
    amount: float = Field(ge=0)
    currency: str
    discount_pct: float = Field(ge=0, le=100)
    stage: str | None = None
    note: str = ""


@tool("update_crm_opportunity", CrmUpdateArgs, "Write the deal's current figures (and optionally a stage) to the CRM opportunity.")
def _update_crm(deal: Deal, rule: RuleRef) -> dict[str, Any]:
    return {"amount": deal.amount, "currency": deal.currency, "discount_pct": deal.discount_pct, "note": _reason(rule)}


class NotifyManagerArgs(ToolArgs):
    rep_id: str
    reason: str
    severity: Literal["info", "warning", "critical"] = "warning"


@tool("notify_manager", NotifyManagerArgs, "Tell the rep's manager about the deal and why.")
def _notify_manager(deal: Deal, rule: RuleRef) -> dict[str, Any]:
    return {"rep_id": deal.rep.id, "reason": _reason(rule)}


class BlockQuoteArgs(ToolArgs):
    rep_id: str
    discount_pct: float = Field(ge=0, le=100)
    max_discount_pct: float = Field(ge=0, le=100)
    reason: str


@tool("block_quote", BlockQuoteArgs, "Stop the quote from going out; commitments in the same run are held back.")
def _block_quote(deal: Deal, rule: RuleRef) -> dict[str, Any]:
    return {"rep_id": deal.rep.id, "discount_pct": deal.discount_pct, "max_discount_pct": deal.rep.max_discount_pct,
            "reason": _reason(rule)}


# -- LangChain exposure ----------------------------------------------------------------------------


def langchain_tools(on_call: Callable[[str, dict[str, Any]], Any] | None = None) -> list[Any]:
    """Every tool as a langchain-core `StructuredTool` with its pydantic schema, for `bind_tools`.

    Invoking one never performs the action: it reports to `on_call` (default: nothing) and answers that the
    call is a proposal; whether anything happens is decided by the rules in `agent.run`.
    """
    from langchain_core.tools import StructuredTool

    def make(spec: Tool):
        def propose(**kwargs: Any) -> str:
            if on_call is not None:
                on_call(spec.name, kwargs)
            return f"{spec.name}: recorded as a proposal; the deal's rules decide whether it runs"

        return StructuredTool.from_function(func=propose, name=spec.name, description=spec.description, args_schema=spec.args_model)

    return [make(spec) for spec in TOOLS.values()]


__all__ = ["TOOLS", "RuleRef", "Tool", "ToolArgs", "build_args", "get_tool", "langchain_tools", "tool"]
