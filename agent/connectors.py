"""Connectors carry out a tool call in a system: `builtin` (the project's own database) or `webhook` (HTTP).

Configuration (DEALWISE_CONNECTORS, a YAML file) maps tools to connectors; unlisted tools use `default`,
which is builtin unless set:

    default: builtin
    generate_contract: {type: webhook, url: "https://erp.example.com/hooks/contract", timeout_s: 5}
    notify_manager: https://im.example.com/hooks/notify      # a bare URL is a webhook

The webhook POSTs canonical JSON, signed `X-Dealwise-Signature: sha256=<hex HMAC-SHA256(secret, body)>`, with
the action's `Idempotency-Key`, so the receiving system can drop a repeat. 5xx, timeouts and connection
errors are retried with exponential backoff; a 4xx is the receiver saying no, and is not retried.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Engine, select

from agent.store import ConnectorRecordRow, canonical_json, now, transact
from agent.tools import TOOLS


class ConnectorConfigError(ValueError):
    """A connector configuration that cannot be used (bad YAML, unknown tool, webhook without URL or secret)."""


class ConnectorError(Exception):
    """A connector that did not carry out the call; `retryable` says whether trying again may help."""

    def __init__(self, message: str, *, retryable: bool, attempts: int = 1, status_code: int | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.attempts = attempts
        self.status_code = status_code


class ConnectorSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["builtin", "webhook"] = "builtin"
    url: str | None = Field(default=None, pattern=r"^https?://")
    timeout_s: float = Field(default=10.0, gt=0, le=300)
    retries: int = Field(default=3, ge=0, le=10, description="Extra attempts after the first, on 5xx/timeouts.")
    backoff_s: float = Field(default=0.5, ge=0, le=60, description="Wait before retry n is backoff_s * 2**(n-1).")
    headers: dict[str, str] = Field(default_factory=dict)


class ConnectorConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    default: ConnectorSpec = ConnectorSpec()
    tools: dict[str, ConnectorSpec] = Field(default_factory=dict)

    def for_tool(self, tool: str) -> ConnectorSpec:
        return self.tools.get(tool, self.default)


class Request(BaseModel):
    """One call as a connector sees it (args are already masked and final)."""

    tenant: str = Field(description="Whose deal it is: a receiving system shared by several tenants keeps them apart by it.")
    action_id: str
    idempotency_key: str
    tool: str
    deal_id: str
    rule_id: str | None
    args: dict[str, Any]


Connector = Callable[[Request], dict[str, Any]]
CONNECTORS: dict[str, Callable[..., Connector]] = {}


def connector(name: str):
    def register(factory: Callable[..., Connector]):
        CONNECTORS[name] = factory
        return factory

    return register


def parse_connectors(data: Any, source: str = "<connectors>") -> ConnectorConfig:
    if data is None:
        return ConnectorConfig()
    if not isinstance(data, dict):
        raise ConnectorConfigError(f"{source}: a mapping of tool -> connector (builtin, a URL, or {{type, url, ...}})")

    def spec(key: str, value: Any) -> ConnectorSpec:
        if isinstance(value, str):
            value = {"type": "builtin"} if value == "builtin" else {"type": "webhook", "url": value}
        try:
            made = ConnectorSpec.model_validate(value)
        except ValidationError as error:
            problem = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg']}" for e in error.errors())
            raise ConnectorConfigError(f"{source}: {key}: {problem}") from None
        if made.type == "webhook" and not made.url:
            raise ConnectorConfigError(f"{source}: {key}: a webhook connector needs a url")
        return made

    default = spec("default", data["default"]) if "default" in data else ConnectorSpec()
    tools = {}
    for key, value in data.items():
        if key == "default":
            continue
        if key not in TOOLS:
            raise ConnectorConfigError(f"{source}: unknown tool {key!r} (tools: {', '.join(TOOLS)})")
        tools[key] = spec(key, value)
    return ConnectorConfig(default=default, tools=tools)


def load_connectors(path: str | Path | None) -> ConnectorConfig:
    """Read a connector YAML file; None means every tool uses the builtin connector."""
    if path is None:
        return ConnectorConfig()
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConnectorConfigError(f"{path}: no such file") from None
    except yaml.YAMLError as error:
        raise ConnectorConfigError(f"{path}: YAML error: {error}") from None
    return parse_connectors(data, str(path))


class Connectors:
    """The configured connectors of a process, ready to carry out calls."""

    def __init__(self, engine: Engine, config: ConnectorConfig | None = None, secret: str | None = None):
        self.config = config or ConnectorConfig()
        self.engine = engine
        self.secret = secret
        uses_webhook = self.config.default.type == "webhook" or any(s.type == "webhook" for s in self.config.tools.values())
        if uses_webhook and not secret:
            # Checked before anything runs: an unsigned call would be refused (or worse, trusted) downstream.
            raise ConnectorConfigError("webhook connectors are configured but no signing secret is set (DEALWISE_WEBHOOK_SECRET)")

    def execute(self, request: Request) -> dict[str, Any]:
        spec = self.config.for_tool(request.tool)
        return CONNECTORS[spec.type](spec=spec, engine=self.engine, secret=self.secret)(request)


@connector("builtin")
def builtin(*, engine: Engine, **_: Any) -> Connector:
    """Record the call in `agent_connector_records`: the product works with no other system. Idempotent per action."""

    def execute(request: Request) -> dict[str, Any]:
        def unit(session):
            existing = session.execute(select(ConnectorRecordRow).where(ConnectorRecordRow.action_id == request.action_id)).scalar_one_or_none()
            if existing is None:
                existing = ConnectorRecordRow(tenant_id=request.tenant, action_id=request.action_id, idempotency_key=request.idempotency_key,
                                              tool=request.tool, deal_id=request.deal_id, args=request.args, created_at=now())
                session.add(existing)
                session.flush()
            return {"connector": "builtin", "record_id": existing.id}

        return transact(engine, unit)

    return execute


def sign(secret: str, body: bytes) -> str:
    """The X-Dealwise-Signature value of a body: `sha256=` + hex HMAC-SHA256 with the shared secret."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


@connector("webhook")
def webhook(*, spec: ConnectorSpec, secret: str, **_: Any) -> Connector:
    import httpx

    def execute(request: Request) -> dict[str, Any]:
        body = canonical_json(request.model_dump(mode="json")).encode("utf-8")
        headers = {**spec.headers, "Content-Type": "application/json", "Idempotency-Key": request.idempotency_key,
                   "X-Dealwise-Signature": sign(secret, body), "X-Dealwise-Tool": request.tool, "User-Agent": "dealwise-agent"}
        attempts = spec.retries + 1
        last_error = ""
        with httpx.Client(timeout=spec.timeout_s, follow_redirects=False) as client:
            for attempt in range(1, attempts + 1):
                if attempt > 1:
                    time.sleep(spec.backoff_s * 2 ** (attempt - 2))
                try:
                    response = client.post(spec.url, content=body, headers=headers)
                except httpx.TimeoutException:
                    last_error = f"timed out after {spec.timeout_s:g} s"
                    continue
                except httpx.TransportError as error:
                    last_error = f"connection failed: {type(error).__name__}: {error}"
                    continue
                if response.status_code >= 500:
                    last_error = f"HTTP {response.status_code}: {response.text[:200]}"
                    continue
                if response.status_code >= 300:
                    raise ConnectorError(f"{spec.url} refused the call: HTTP {response.status_code}: {response.text[:200]}",
                                         retryable=False, attempts=attempt, status_code=response.status_code)
                try:
                    payload: Any = response.json()
                except ValueError:
                    payload = response.text[:1000]
                return {"connector": "webhook", "status_code": response.status_code, "response": payload, "attempts": attempt}
        raise ConnectorError(f"{spec.url}: {last_error} (gave up after {attempts} attempt{'s' if attempts > 1 else ''})",
                             retryable=True, attempts=attempts)

    return execute


__all__ = ["CONNECTORS", "ConnectorConfig", "ConnectorConfigError", "ConnectorError", "ConnectorSpec", "Connectors", "Request",
           "connector", "load_connectors", "parse_connectors", "sign"]
