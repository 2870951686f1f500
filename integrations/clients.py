"""API clients and message senders for WeCom and DingTalk.

One `ApiClient` core does what every endpoint needs: fetch an access token and cache it until shortly before
it expires, fetch a new one once when the platform says the token is invalid or expired, retry with
exponential backoff on network errors, HTTP 5xx/429 and the platforms' rate-limit / busy codes, and raise
`PlatformError` carrying the platform's code for anything else (the service writes it to the audit log).
Permanent errors (bad parameters, no permission, HTTP 4xx) are raised at once: retrying cannot fix them.

Senders are a registry by name (`SENDERS`), each turning an `OutgoingMessage` (title + markdown) into its
platform's request. Base URLs are parameters so tests, proxies and private deployments can point elsewhere.
"""

from __future__ import annotations

import threading
import time
from urllib.parse import parse_qs, quote_plus, urlsplit
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, ConfigDict, Field

from integrations.dingtalk import robot_sign
from integrations.errors import IntegrationError, NetworkError, PlatformError

WECOM_BASE_URL = "https://qyapi.weixin.qq.com"
DINGTALK_BASE_URL = "https://oapi.dingtalk.com"


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # in all, the first try included
    base_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, attempt: int) -> float:
        return min(self.max_delay, self.base_delay * 2 ** (attempt - 1))


@dataclass(frozen=True)
class PlatformCodes:
    """What a platform's errcodes mean to the client."""

    name: str
    token_expired: frozenset[int]
    retryable: frozenset[int]
    # DingTalk reports some token problems as errcode 88 with the real code in sub_code
    wrapper_code: int | None = None


# WeCom: 40014 invalid access_token, 42001 access_token expired; -1 system busy, 45009 API frequency limit,
# 45033 concurrent-call limit, 45011 API called too often.
WECOM = PlatformCodes("wecom", frozenset({40014, 42001}), frozenset({-1, 45009, 45011, 45033}))
# DingTalk: 40014 invalid access_token, 42001 access_token expired (also as errcode 88 + sub_code);
# -1 system busy; 90002/90005/90006/90018 API frequency or quota limits; 130101 and 410100 robot "send too fast".
DINGTALK = PlatformCodes(
    "dingtalk",
    frozenset({40014, 42001}),
    frozenset({-1, 90002, 90005, 90006, 90018, 130101, 410100}),
    wrapper_code=88,
)


class _TokenCache:
    """One access token, reused until `margin` seconds before it expires; thread-safe for the service's workers."""

    def __init__(self, fetch: Callable[[], tuple[str, float]], clock: Callable[[], float], margin: float = 300.0):
        self._fetch = fetch
        self._clock = clock
        self._margin = margin
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0

    def get(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at:
                token, lifetime = self._fetch()
                self._token = token
                # expire early (but never instantly) so no request goes out with a token in its last moments
                self._expires_at = self._clock() + max(lifetime - self._margin, lifetime / 2)
            return self._token

    def invalidate(self, token: str) -> None:
        with self._lock:
            if self._token == token:  # another thread may already have refreshed it
                self._token = None


class ApiClient:
    """The HTTP core shared by every platform client: tokens, retries, typed errors."""

    def __init__(
        self,
        codes: PlatformCodes,
        base_url: str,
        *,
        token_fetch: Callable[[ApiClient], tuple[str, float]] | None = None,
        http: httpx.Client | None = None,
        timeout: float = 10.0,
        trust_env: bool = True,
        retry: RetryPolicy = RetryPolicy(),
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.codes = codes
        self.base_url = base_url.rstrip("/")
        # trust_env: honour HTTPS_PROXY/NO_PROXY, as egress from company networks often needs a proxy
        self.http = http or httpx.Client(timeout=timeout, trust_env=trust_env)
        self.retry = retry
        self.sleep = sleep
        self._tokens = _TokenCache(lambda: token_fetch(self), clock) if token_fetch else None

    def close(self) -> None:
        self.http.close()

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}/{path.lstrip('/')}"

    def _error_code(self, data: dict[str, Any]) -> int:
        try:
            code = int(data.get("errcode", 0) or 0)
        except (TypeError, ValueError):
            return -1
        if self.codes.wrapper_code is not None and code == self.codes.wrapper_code:
            try:
                return int(data.get("sub_code"))
            except (TypeError, ValueError):
                return code
        return code

    def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        with_token: bool = True,
        endpoint: str | None = None,
        url_factory: Callable[[], str] | None = None,
    ) -> dict[str, Any]:
        """One API call; returns the decoded JSON body when errcode is 0, raises PlatformError otherwise."""
        endpoint = endpoint or path.split("?")[0]
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            query = dict(params or {})
            token = None
            if with_token and self._tokens is not None:
                token = self._tokens.get()
                query["access_token"] = token
            url = url_factory() if url_factory else self.url(path)
            retry_reason: PlatformError | None = None
            try:
                response = self.http.request(method, url, params=query or None, json=json)
            except httpx.TransportError as error:
                retry_reason = NetworkError(self.codes.name, endpoint, f"{type(error).__name__}: {error}",
                                            retryable=True, attempts=attempt)
            else:
                if response.status_code >= 500 or response.status_code == 429:
                    retry_reason = PlatformError(self.codes.name, endpoint, response.text[:200] or response.reason_phrase,
                                                 http_status=response.status_code, retryable=True, attempts=attempt)
                elif response.status_code >= 400:
                    raise PlatformError(self.codes.name, endpoint, response.text[:200] or response.reason_phrase,
                                        http_status=response.status_code, attempts=attempt)
                else:
                    try:
                        data = response.json()
                    except ValueError:
                        raise PlatformError(self.codes.name, endpoint, f"response is not JSON: {response.text[:200]!r}",
                                            http_status=response.status_code, attempts=attempt) from None
                    if not isinstance(data, dict):
                        raise PlatformError(self.codes.name, endpoint, "response is not a JSON object", attempts=attempt)
                    code = self._error_code(data)
                    if code == 0:
                        return data
                    message = str(data.get("errmsg") or data.get("sub_msg") or "")
                    if code in self.codes.token_expired and token is not None and not refreshed:
                        # one fresh token, and this try does not count against the retry budget
                        self._tokens.invalidate(token)
                        refreshed = True
                        attempt -= 1
                        continue
                    if code not in self.codes.retryable:
                        raise PlatformError(self.codes.name, endpoint, message, code=code, attempts=attempt)
                    retry_reason = PlatformError(self.codes.name, endpoint, message, code=code, retryable=True,
                                                 attempts=attempt)
            if attempt >= self.retry.attempts:
                raise retry_reason
            self.sleep(self.retry.delay(attempt))


# --- token endpoints ---------------------------------------------------------------------------------------------


def _token_from(data: dict[str, Any]) -> tuple[str, float]:
    return str(data["access_token"]), float(data.get("expires_in", 7200))


def wecom_client(corp_id: str, corp_secret: str, *, base_url: str = WECOM_BASE_URL, **options: Any) -> ApiClient:
    """A WeCom API client whose token comes from GET /cgi-bin/gettoken?corpid=…&corpsecret=…."""

    def fetch(client: ApiClient) -> tuple[str, float]:
        data = client.call("GET", "/cgi-bin/gettoken", params={"corpid": corp_id, "corpsecret": corp_secret},
                           with_token=False)
        return _token_from(data)

    return ApiClient(WECOM, base_url, token_fetch=fetch, **options)


def dingtalk_client(app_key: str, app_secret: str, *, base_url: str = DINGTALK_BASE_URL, **options: Any) -> ApiClient:
    """A DingTalk API client whose token comes from GET /gettoken?appkey=…&appsecret=…."""

    def fetch(client: ApiClient) -> tuple[str, float]:
        data = client.call("GET", "/gettoken", params={"appkey": app_key, "appsecret": app_secret}, with_token=False)
        return _token_from(data)

    return ApiClient(DINGTALK, base_url, token_fetch=fetch, **options)


# --- senders -----------------------------------------------------------------------------------------------------


class OutgoingMessage(BaseModel):
    """What dealwise sends: a title (DingTalk shows it in the notification) and markdown text."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1)
    markdown: str = Field(min_length=1)
    to: list[str] = Field(default_factory=list, description="User ids, for app messages and work notifications.")


class Sender:
    """A way to deliver an OutgoingMessage; subclasses register themselves under `name`."""

    name: ClassVar[str]

    client: ApiClient

    def send(self, message: OutgoingMessage) -> dict[str, Any]:
        raise NotImplementedError

    def close(self) -> None:
        self.client.close()

    def _need_recipients(self, message: OutgoingMessage) -> None:
        if not message.to:
            raise IntegrationError(f"{self.name}: no recipients (set OutgoingMessage.to)")


SENDERS: dict[str, type[Sender]] = {}


def _webhook_credential(value: str, param: str, base_url: str) -> tuple[str, str]:
    """Accept either the bare credential or the whole webhook URL the admin console shows (…?param=…)."""
    if not value.startswith(("http://", "https://")):
        return value, base_url
    parts = urlsplit(value)
    found = parse_qs(parts.query).get(param)
    if not found:
        raise IntegrationError(f"webhook URL has no {param}= parameter")
    return found[0], f"{parts.scheme}://{parts.netloc}"


def register_sender(cls: type[Sender]) -> type[Sender]:
    SENDERS[cls.name] = cls
    return cls


def get_sender(name: str, **config: Any) -> Sender:
    try:
        cls = SENDERS[name]
    except KeyError:
        raise IntegrationError(f"unknown sender {name!r} (known: {', '.join(sorted(SENDERS))})") from None
    return cls(**config)


@register_sender
class WeComAppSender(Sender):
    """WeCom application message: POST /cgi-bin/message/send (markdown) to users of the corp."""

    name = "wecom-app"

    def __init__(self, corp_id: str, corp_secret: str, agent_id: int, *, base_url: str = WECOM_BASE_URL, **options: Any):
        self.agent_id = int(agent_id)
        self.client = wecom_client(corp_id, corp_secret, base_url=base_url, **options)

    def send(self, message: OutgoingMessage) -> dict[str, Any]:
        self._need_recipients(message)
        body = {"touser": "|".join(message.to), "msgtype": "markdown", "agentid": self.agent_id,
                "markdown": {"content": message.markdown}}
        return self.client.call("POST", "/cgi-bin/message/send", json=body)


@register_sender
class WeComRobotSender(Sender):
    """WeCom group robot: POST /cgi-bin/webhook/send?key=… (markdown); no token, the key is the credential."""

    name = "wecom-robot"

    def __init__(self, key: str, *, base_url: str = WECOM_BASE_URL, **options: Any):
        self.key, base_url = _webhook_credential(key, "key", base_url)
        self.client = ApiClient(WECOM, base_url, **options)

    def send(self, message: OutgoingMessage) -> dict[str, Any]:
        body = {"msgtype": "markdown", "markdown": {"content": message.markdown}}
        return self.client.call("POST", "/cgi-bin/webhook/send", params={"key": self.key}, json=body,
                                with_token=False)


@register_sender
class DingTalkRobotSender(Sender):
    """DingTalk custom group robot with 加签: POST /robot/send?access_token=…&timestamp=…&sign=… (markdown)."""

    name = "dingtalk-robot"

    def __init__(self, access_token: str, secret: str, *, base_url: str = DINGTALK_BASE_URL,
                 now_ms: Callable[[], int] | None = None, **options: Any):
        self.access_token, base_url = _webhook_credential(access_token, "access_token", base_url)
        self.secret = secret
        self.now_ms = now_ms or (lambda: int(time.time() * 1000))
        self.client = ApiClient(DINGTALK, base_url, **options)

    def _signed_url(self) -> str:
        # Built by hand: `sign` is already URL-encoded (robot_sign), and passing it through `params` would
        # encode its % signs a second time. A fresh timestamp per try keeps retries inside DingTalk's hour.
        timestamp = self.now_ms()
        return (f"{self.client.url('/robot/send')}?access_token={quote_plus(self.access_token)}"
                f"&timestamp={timestamp}&sign={robot_sign(self.secret, timestamp)}")

    def send(self, message: OutgoingMessage) -> dict[str, Any]:
        body = {"msgtype": "markdown", "markdown": {"title": message.title, "text": message.markdown}}
        return self.client.call("POST", "/robot/send", json=body, with_token=False, url_factory=self._signed_url)


@register_sender
class DingTalkWorkNoticeSender(Sender):
    """DingTalk work notification: POST /topapi/message/corpconversation/asyncsend_v2 (markdown) to users."""

    name = "dingtalk-notice"

    def __init__(self, app_key: str, app_secret: str, agent_id: int, *, base_url: str = DINGTALK_BASE_URL,
                 **options: Any):
        self.agent_id = int(agent_id)
        self.client = dingtalk_client(app_key, app_secret, base_url=base_url, **options)

    def send(self, message: OutgoingMessage) -> dict[str, Any]:
        self._need_recipients(message)
        body = {"agent_id": self.agent_id, "userid_list": ",".join(message.to),
                "msg": {"msgtype": "markdown", "markdown": {"title": message.title, "text": message.markdown}}}
        return self.client.call("POST", "/topapi/message/corpconversation/asyncsend_v2", json=body)
