"""A stand-in for the WeCom and DingTalk HTTP APIs: a real `http.server` on 127.0.0.1 in a thread.

NOT the platforms. It implements only the documented request/response shapes of the endpoints dealwise calls,
so the clients are exercised over real HTTP without the network:
- WeCom   GET  /cgi-bin/gettoken?corpid&corpsecret -> {"errcode":0,"errmsg":"ok","access_token","expires_in":7200}
          POST /cgi-bin/message/send?access_token   {"touser","msgtype","agentid",...} -> {"errcode":0,"errmsg":"ok",...}
          POST /cgi-bin/webhook/send?key             {"msgtype":"markdown","markdown":{"content"}} -> {"errcode":0,...}
- DingTalk GET /gettoken?appkey&appsecret -> {"errcode":0,"access_token","expires_in":7200,"errmsg":"ok"}
          POST /topapi/message/corpconversation/asyncsend_v2?access_token -> {"errcode":0,"task_id",...}
          POST /robot/send?access_token&timestamp&sign -> {"errcode":0,"errmsg":"ok"}; the sign is checked the way
               DingTalk documents it (HMAC-SHA256 of "timestamp\\nsecret", Base64), errcode 310000 when wrong.
Tokens are checked: an unknown or revoked token gets 40014 (WeCom) / 40014 (DingTalk).
Tests script failures with `fail(path, *responses)`: each queued (status, json) is returned once, in order.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

CORP_ID, CORP_SECRET = "ww-standin-corp", "standin-corp-secret"
APP_KEY, APP_SECRET = "ding-standin-app", "standin-app-secret"
ROBOT_TOKEN, ROBOT_SECRET = "standin-robot-token", "SECstandin+robot/secret="
WECOM_ROBOT_KEY = "standin-robot-key"


class PlatformStandIn:
    def __init__(self):
        self.requests: list[dict[str, Any]] = []
        self.scripted: dict[str, deque] = defaultdict(deque)
        self.valid_tokens: set[str] = set()
        self.tokens_issued = 0
        self.lock = threading.Lock()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def _reply(self, status: int, body: Any) -> None:
                raw = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _handle(self, method: str) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                with standin.lock:
                    standin.requests.append({"method": method, "path": parts.path, "query": query, "body": body,
                                             "raw_query": parts.query})
                    scripted = standin.scripted[parts.path].popleft() if standin.scripted[parts.path] else None
                if scripted is not None:
                    return self._reply(*scripted)
                self._reply(200, standin.respond(method, parts.path, query, body))

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> PlatformStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- scripting ------------------------------------------------------------------------------------------
    def fail(self, path: str, *responses: tuple[int, Any]) -> None:
        self.scripted[path].extend(responses)

    def revoke_tokens(self) -> None:
        """As if the platform expired every token early (the client must fetch a new one)."""
        self.valid_tokens.clear()

    def calls(self, path: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"] == path]

    # --- the documented endpoints -----------------------------------------------------------------------------
    def _issue(self, prefix: str) -> dict[str, Any]:
        with self.lock:
            self.tokens_issued += 1
            token = f"{prefix}-token-{self.tokens_issued}"
            self.valid_tokens.add(token)
        return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}

    def respond(self, method: str, path: str, query: dict[str, str], body: Any) -> dict[str, Any]:
        if path == "/cgi-bin/gettoken":
            if query.get("corpid") != CORP_ID or query.get("corpsecret") != CORP_SECRET:
                return {"errcode": 40001, "errmsg": "invalid credential"}
            return self._issue("wecom")
        if path == "/gettoken":
            if query.get("appkey") != APP_KEY or query.get("appsecret") != APP_SECRET:
                return {"errcode": 40089, "errmsg": "不合法的corpid或corpsecret"}
            return self._issue("dingtalk")
        if path in ("/cgi-bin/message/send", "/topapi/message/corpconversation/asyncsend_v2"):
            if query.get("access_token") not in self.valid_tokens:
                return {"errcode": 40014, "errmsg": "invalid access_token"}
            if path == "/cgi-bin/message/send":
                return {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": f"msg-{len(self.requests)}"}
            return {"errcode": 0, "errmsg": "ok", "task_id": len(self.requests), "request_id": "standin"}
        if path == "/cgi-bin/webhook/send":
            if query.get("key") != WECOM_ROBOT_KEY:
                return {"errcode": 93000, "errmsg": "invalid webhook url"}
            return {"errcode": 0, "errmsg": "ok"}
        if path == "/robot/send":
            if query.get("access_token") != ROBOT_TOKEN:
                return {"errcode": 300001, "errmsg": "token is not exist"}
            timestamp = query.get("timestamp", "")
            digest = hmac.new(ROBOT_SECRET.encode(), f"{timestamp}\n{ROBOT_SECRET}".encode(), hashlib.sha256).digest()
            if query.get("sign") != base64.b64encode(digest).decode():
                return {"errcode": 310000, "errmsg": "sign not match"}
            return {"errcode": 0, "errmsg": "ok"}
        return {"errcode": 404, "errmsg": "请求的URI地址不存在"}
