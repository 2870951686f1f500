"""Declarative action rules: YAML in, validated with line numbers, evaluated safely with simpleeval.

    - id: price-authority
      description: Discount beyond the rep's authority
      when: deal.discount_pct > rep.max_discount_pct + 3
      then: [block_quote, notify_manager]
      approval: none            # none (run at once) | manager (wait for a person)
      args:                     # optional static arguments per tool
        notify_manager: {severity: critical}

Expressions read five namespaces and nothing else (see `NAMESPACES`): `deal`, `customer`, `rep`,
`conversation` (facts from the behavior analysis) and `features` (the 120 behavior features). Names are
checked before anything runs, so a typo is an error with a line number, not a rule that never fires. There
is no `eval`: simpleeval walks the AST, and we refuse every node and name outside a small whitelist first.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from agent.deal import Deal
from agent.tools import TOOLS

DEFAULT_RULES = Path(__file__).parent / "data" / "rules.yaml"

Approval = Literal["none", "manager"]
RULE_FIELDS = ("id", "description", "when", "then", "approval", "args")


class RulesError(ValueError):
    """A rule file that cannot be used; the message lists every problem as `FILE:LINE: ...`."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems) if len(problems) > 1 else problems[0])


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    description: str = ""
    when: str
    then: list[str] = Field(min_length=1)
    approval: Approval = "none"
    args: dict[str, dict[str, Any]] = Field(default_factory=dict)
    line: int = Field(default=0, description="Line of the rule in its file (for messages).")


class RuleSet(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: str
    rules: list[Rule]


# -- what expressions may read ---------------------------------------------------------------------

_CONVERSATION_FIELDS = {
    "id": "conversation id",
    "language": "BCP-47 tag",
    "channel": "call, meeting or chat",
    "duration_s": "seconds",
    "analysed": "true when the conversation had rep and customer turns to analyse",
    "objection_types": "sorted objection labels raised by the customer (price, timing, stall, competitor, authority, need, trust)",
    "objection_count": "customer turns with at least one objection",
    "customer_text": "everything the customer said, joined",
    "rep_text": "everything the rep said, joined",
}
_DEAL_EXTRA = {"skus": "list of product SKUs", "total_qty": "sum of product quantities"}
FUNCTIONS = {"len": len, "min": min, "max": max, "abs": abs, "round": round}


@functools.cache
def _feature_names() -> tuple[str, ...]:
    from behavior.features import FEATURES

    return tuple(FEATURES)


def namespace_fields() -> dict[str, tuple[str, ...]]:
    """Every name an expression may read, by namespace."""
    from agent.deal import Customer, Rep

    deal_fields = tuple(f for f in Deal.model_fields if f not in ("customer", "rep", "products")) + tuple(_DEAL_EXTRA)
    return {
        "deal": deal_fields,
        "customer": tuple(Customer.model_fields),
        "rep": tuple(Rep.model_fields),
        "conversation": tuple(_CONVERSATION_FIELDS),
        "features": _feature_names(),
    }


_ALLOWED_NODES = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd, ast.BinOp, ast.Add,
    ast.Sub, ast.Mult, ast.Div, ast.Mod, ast.FloorDiv, ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt,
    ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot, ast.Attribute, ast.Name, ast.Load, ast.Constant, ast.List,
    ast.Tuple, ast.Call, ast.IfExp,
)


def check_expression(expression: str) -> list[str]:
    """Problems with one `when` expression (empty when it is fine): syntax, forbidden constructs, unknown names."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as error:
        where = f", column {error.offset}" if error.offset and error.offset <= len(expression.strip()) else ""
        return [f"bad syntax in `when` ({error.msg}{where}): {expression.strip()}"]
    fields = namespace_fields()
    problems: list[str] = []
    attribute_roots = set()
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            problems.append(f"`{ast.unparse(node) if isinstance(node, ast.expr) else type(node).__name__}` is not allowed in `when`")
        elif isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS) or node.keywords:
                problems.append(f"call `{ast.unparse(node)}` is not allowed (functions: {', '.join(FUNCTIONS)})")
            attribute_roots.add(id(node.func))
        elif isinstance(node, ast.Attribute):
            if not isinstance(node.value, ast.Name) or node.value.id not in fields:
                problems.append(f"`{ast.unparse(node)}`: write namespace.field with a namespace of {', '.join(fields)}")
                continue
            attribute_roots.add(id(node.value))
            if node.attr not in fields[node.value.id]:
                close = _close_match(node.attr, fields[node.value.id])
                hint = f"; did you mean {node.value.id}.{close}?" if close else f" (known: {', '.join(fields[node.value.id][:12])}{', ...' if len(fields[node.value.id]) > 12 else ''})"
                problems.append(f"unknown field `{node.value.id}.{node.attr}`{hint}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and id(node) not in attribute_roots:
            if node.id in fields:
                problems.append(f"`{node.id}` alone is not a value: write {node.id}.<field>")
            else:
                problems.append(f"unknown name `{node.id}` (namespaces: {', '.join(fields)})")
    return problems


def _close_match(word: str, candidates: tuple[str, ...]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, candidates, n=1, cutoff=0.75)
    return found[0] if found else None


# -- loading with line numbers -----------------------------------------------------------------------


@dataclass
class _Located:
    """A YAML value with the line it starts on; for a mapping entry, the key's line, and `inner` the value node."""

    value: Any
    line: int  # 1-based
    inner: _Located | None = None


def _build(node: yaml.Node) -> _Located:
    """Mappings become key -> _Located(value, line of the key, inner=the value's own _Located)."""
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, _Located] = {}
        for key_node, value_node in node.value:
            built = _build(value_node)
            out[_unwrap(_build(key_node))] = _Located(built.value, key_node.start_mark.line + 1, built)
        return _Located(out, line)
    if isinstance(node, yaml.SequenceNode):
        return _Located([_build(item) for item in node.value], line)
    return _Located(_scalar(node), line)


def _scalar(node: yaml.Node) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def _unwrap(value: Any) -> Any:
    if isinstance(value, _Located):
        return _unwrap(value.value)
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


def parse_rules(text: str, source: str = "<rules>") -> RuleSet:
    """Validate a rule file's text; raise RulesError listing every problem with its line."""
    try:
        root_node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        raise RulesError([f"{source}:{line}: YAML syntax error: {error.problem or error}"]) from None
    except yaml.YAMLError as error:
        raise RulesError([f"{source}: YAML error: {error}"]) from None
    if root_node is None:
        raise RulesError([f"{source}:1: no rules (the file is empty)"])
    root = _build(root_node)
    items = root.value
    if isinstance(items, dict) and set(items) == {"rules"}:
        root = items["rules"].inner
        items = root.value
    if not isinstance(items, list):
        raise RulesError([f"{source}:{root.line}: a rule file is a list of rules (`- id: ...`), or `rules:` holding one"])
    problems: list[str] = []
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for item in items:
        before = len(problems)
        rule = _parse_rule(item, source, problems)
        if rule is None or len(problems) > before:
            continue
        if rule.id in seen:
            problems.append(f"{source}:{item.line}: rule id {rule.id!r} is used twice (first at line {seen[rule.id]})")
            continue
        seen[rule.id] = item.line
        rules.append(rule)
    if problems:
        raise RulesError(sorted(problems, key=lambda p: _line_of(p, source)))
    return RuleSet(source=source, rules=rules)


def _line_of(problem: str, source: str) -> int:
    head = problem[len(source) + 1 :].split(":", 1)[0]
    return int(head) if head.isdigit() else 0


def _parse_rule(item: _Located, source: str, problems: list[str]) -> Rule | None:
    where = f"{source}:{item.line}"
    if not isinstance(item.value, dict):
        problems.append(f"{where}: a rule is a mapping with id, when and then; got {type(_unwrap(item)).__name__}")
        return None
    fields: dict[str, _Located] = item.value
    label = f"rule {_unwrap(fields['id'])!r}" if "id" in fields else "rule"
    for key, located in fields.items():
        if key not in RULE_FIELDS:
            close = _close_match(str(key), RULE_FIELDS)
            problems.append(f"{source}:{located.line}: {label}: unknown field {key!r}" + (f" (did you mean {close!r}?)" if close else f" (known: {', '.join(RULE_FIELDS)})"))
    for required in ("id", "when", "then"):
        if required not in fields:
            problems.append(f"{where}: {label}: missing required field {required!r}")
    if any(required not in fields for required in ("id", "when", "then")):
        return None
    data = _unwrap(item)
    data = {k: v for k, v in data.items() if k in RULE_FIELDS}
    if isinstance(data.get("then"), str):
        data["then"] = [data["then"]]  # `then: notify_manager` reads naturally; accept it
    if isinstance(data.get("id"), (int, float)):
        data["id"] = str(data["id"])
    try:
        rule = Rule.model_validate({**data, "line": item.line})
    except ValidationError as error:
        for problem in error.errors():
            key = str(problem["loc"][0]) if problem["loc"] else ""
            line = fields[key].line if key in fields else item.line
            problems.append(f"{source}:{line}: {label}: {'.'.join(map(str, problem['loc']))}: {problem['msg']}")
        return None
    when_line = fields["when"].line
    for problem in check_expression(rule.when):
        problems.append(f"{source}:{when_line}: {label}: {problem}")
    inner = fields["then"].inner
    then_items = inner.value if isinstance(inner.value, list) else [inner]
    for name, located in zip(rule.then, then_items):
        if name not in TOOLS:
            close = _close_match(name, tuple(TOOLS))
            problems.append(f"{source}:{located.line}: {label}: unknown tool {name!r}" + (f" (did you mean {close!r}?)" if close else f" (tools: {', '.join(TOOLS)})"))
    if len(set(rule.then)) != len(rule.then):
        problems.append(f"{source}:{fields['then'].line}: {label}: a tool is listed twice in `then`")
    for tool_name, overrides in rule.args.items():
        line = fields["args"].line
        if tool_name not in rule.then:
            problems.append(f"{source}:{line}: {label}: args for {tool_name!r}, which is not in `then`")
            continue
        problems.extend(f"{source}:{line}: {label}: {p}" for p in _check_overrides(tool_name, overrides))
    return rule


def _check_overrides(tool_name: str, overrides: dict[str, Any]) -> list[str]:
    model = TOOLS[tool_name].args_model
    problems = []
    for key, value in overrides.items():
        if key == "deal_id" or key not in model.model_fields:
            settable = [f for f in model.model_fields if f != "deal_id"]
            problems.append(f"args.{tool_name}.{key}: not an argument of {tool_name} (arguments: {', '.join(settable)})")
            continue
        try:
            TypeAdapter(model.model_fields[key].annotation).validate_python(value)
        except ValidationError as error:
            problems.append(f"args.{tool_name}.{key}: {error.errors()[0]['msg']}")
    return problems


def load_rules(path: str | Path | None = None) -> RuleSet:
    """Read and validate a rule file (default: the bundled rule set)."""
    path = Path(path) if path else DEFAULT_RULES
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesError([f"{path}: no such file"]) from None
    except IsADirectoryError:
        raise RulesError([f"{path}: is a directory, not a rule file"]) from None
    except UnicodeDecodeError:
        raise RulesError([f"{path}: not UTF-8 text"]) from None
    return parse_rules(text, str(path))


# -- evaluation -----------------------------------------------------------------------------------


class _Record(SimpleNamespace):
    """Attribute access only: unlike a dict, it exposes no methods (`.items`, `.get`) to an expression."""


def facts(deal: Deal, conversation: Mapping[str, Any] | None = None, features: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The names an expression sees, built from the deal and the conversation facts."""
    deal_values = {f: getattr(deal, f) for f in Deal.model_fields if f not in ("customer", "rep", "products")}
    deal_values["skus"] = [p.sku for p in deal.products]
    deal_values["total_qty"] = sum(p.qty for p in deal.products)
    conversation_values = {name: None for name in _CONVERSATION_FIELDS}
    conversation_values.update({"analysed": False, "objection_types": [], "objection_count": 0, "customer_text": "", "rep_text": ""})
    conversation_values.update(conversation or {})
    feature_values = {name: None for name in _feature_names()}
    feature_values.update(features or {})
    return {
        "deal": _Record(**deal_values),
        "customer": _Record(**deal.customer.model_dump()),
        "rep": _Record(**deal.rep.model_dump()),
        "conversation": _Record(**conversation_values),
        "features": _Record(**feature_values),
    }


class RuleEvaluation(BaseModel):
    rule_id: str
    fired: bool
    error: str | None = Field(default=None, description="Why the expression could not be evaluated (the rule then does not fire).")


def evaluate(rule: Rule, names: dict[str, Any]) -> RuleEvaluation:
    """Whether a rule fires. An expression that fails at run time (a missing feature compared with a number)
    does not fire: a rule that cannot be checked must never widen what the agent does."""
    from simpleeval import EvalWithCompoundTypes

    evaluator = EvalWithCompoundTypes(names=names, functions=FUNCTIONS)
    try:
        value = evaluator.eval(rule.when.strip())
    except Exception as error:  # noqa: BLE001 - any failure means "does not fire", reported
        return RuleEvaluation(rule_id=rule.id, fired=False, error=f"{type(error).__name__}: {error}")
    return RuleEvaluation(rule_id=rule.id, fired=bool(value))


def fired_rules(rules: RuleSet, names: dict[str, Any]) -> list[RuleEvaluation]:
    return [evaluate(rule, names) for rule in rules.rules]

__all__ = [
    "DEFAULT_RULES",
    "Rule",
    "RuleEvaluation",
    "RuleSet",
    "RulesError",
    "check_expression",
    "evaluate",
    "facts",
    "fired_rules",
    "load_rules",
    "namespace_fields",
    "parse_rules",
]
