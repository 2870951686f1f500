"""Helpers for the agent tests: deals, conversations, a real HTTP receiver, independent checksum helpers.

(Not in conftest.py: several test folders have a conftest module, so importing helpers from "conftest"
would pick up whichever was loaded first.)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from agent.deal import Deal, parse_deal
from conversation import Conversation

SECRET = "test-secret-0123"


def make_deal(**overrides: Any) -> Deal:
    base = {
        "deal_id": "D-1", "amount": 100000, "currency": "CNY", "discount_pct": 5, "delivery_days": 30,
        "products": [{"sku": "SKU-A", "qty": 2}], "customer": {"name": "测试客户", "credit_limit": 1000000},
        "rep": {"id": "rep-1", "max_discount_pct": 10},
    }
    for key, value in overrides.items():
        if key in ("customer", "rep"):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return parse_deal(base)


def make_conversation(*turns: tuple[str, str], language: str = "zh") -> Conversation:
    segments = [{"speaker": role, "start": float(i * 5), "end": float(i * 5 + 4), "text": text_} for i, (role, text_) in enumerate(turns)]
    return Conversation.model_validate({
        "id": "c-test", "language": language, "channel": "chat",
        "participants": [{"speaker": "rep", "role": "rep"}, {"speaker": "customer", "role": "customer"}],
        "segments": segments,
    })


class Receiver:
    """A real HTTP server standing in for the CRM/ERP: scripted statuses per call, signature checked."""

    def __init__(self, secret: str = SECRET):
        self.secret = secret
        self.requests: list[dict[str, Any]] = []
        self.script: list[int] = []  # statuses to answer, in order; 200 once exhausted
        self.delay_s = 0.0
        self.seen_keys: set[str] = set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                expected = "sha256=" + hmac.new(receiver.secret.encode(), body, hashlib.sha256).hexdigest()
                key = self.headers.get("Idempotency-Key")
                record = {"path": self.path, "body": json.loads(body), "raw": body, "key": key,
                          "signature_ok": hmac.compare_digest(expected, self.headers.get("X-Dealwise-Signature", ""))}
                receiver.requests.append(record)
                if receiver.delay_s:
                    time.sleep(receiver.delay_s)
                status = receiver.script.pop(0) if receiver.script else 200
                if not record["signature_ok"]:
                    status = 401
                duplicate = status == 200 and key in receiver.seen_keys
                if status == 200:
                    receiver.seen_keys.add(key)
                payload = json.dumps({"ok": status == 200, "duplicate": duplicate, "id": f"ext-{len(receiver.requests)}"}).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and went away

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def luhn_complete(prefix: str) -> str:
    """prefix + the one digit that makes it Luhn-valid (computed here, independently of agent.pii)."""
    for digit in "0123456789":
        number = prefix + digit
        total = 0
        for i, d in enumerate(reversed(number)):
            n = int(d) * (2 if i % 2 else 1)
            total += n - 9 if n > 9 else n
        if total % 10 == 0:
            return number
    raise AssertionError("unreachable")


def id_card(first17: str) -> str:
    """first17 + its GB 11643 check character (computed here, independently of agent.pii)."""
    weights = [2 ** (17 - i) % 11 for i in range(17)]  # the standard's definition: W_i = 2^(i-1) mod 11
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]
