"""What the platforms send to dealwise, built with the same crypto they use: the tests' and the benchmark's client.

Each builder returns (params, headers, body) for one callback, signed and encrypted like WeCom / DingTalk do,
with a fresh nonce and the current time unless told otherwise.
"""

from __future__ import annotations

import json
import secrets
import time
import urllib.parse
from typing import Any

from integrations import DingTalkCrypto, robot_sign
from integrations.callback_crypto import CallbackCipher

WECOM_TOKEN, WECOM_AES_KEY = "wecom-callback-token", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
DINGTALK_TOKEN, DINGTALK_AES_KEY = "dingtalk-callback-token", "4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij"
WECOM_AGENT_ID = "1000002"


def nonce() -> str:
    return secrets.token_hex(8)


def wecom_text(from_user: str, content: str, msg_id: str, corp_id: str, *, created: int | None = None) -> str:
    """A decrypted WeCom application text message, as the platform's documentation shows it."""
    return (f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName><FromUserName><![CDATA[{from_user}]]></FromUserName>"
            f"<CreateTime>{created or int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId><AgentID>{WECOM_AGENT_ID}</AgentID></xml>")


def wecom_post(plain_xml: str, corp_id: str, *, token: str = WECOM_TOKEN, timestamp: int | None = None,
               nonce_value: str | None = None, receive_id: str | None = None) -> tuple[dict[str, str], bytes]:
    """Query parameters and body of an encrypted WeCom message callback."""
    cipher = CallbackCipher(token, WECOM_AES_KEY, receive_id or corp_id)
    stamp, once = str(timestamp or int(time.time())), nonce_value or nonce()
    encrypt = cipher.encrypt(plain_xml)
    body = (f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName><AgentID><![CDATA[{WECOM_AGENT_ID}]]></AgentID>"
            f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>")
    return {"msg_signature": cipher.sign(stamp, once, encrypt), "timestamp": stamp, "nonce": once}, body.encode()


def wecom_verify(corp_id: str, echo: str, *, timestamp: int | None = None) -> dict[str, str]:
    """Query parameters of the URL-verification GET."""
    cipher = CallbackCipher(WECOM_TOKEN, WECOM_AES_KEY, corp_id)
    stamp, once = str(timestamp or int(time.time())), nonce()
    echostr = cipher.encrypt(echo)
    return {"msg_signature": cipher.sign(stamp, once, echostr), "timestamp": stamp, "nonce": once, "echostr": echostr}


def robot_message(content: str, msg_id: str, chat_id: str, *, staff_id: str | None = None, sender: str = "$:LWCP_v1:$sender",
                  nick: str = "张三") -> dict[str, Any]:
    """An outgoing-robot message; without `staff_id` the sender is outside the organization (a customer)."""
    message: dict[str, Any] = {
        "msgtype": "text", "text": {"content": content}, "msgId": msg_id, "createAt": int(time.time() * 1000),
        "conversationType": "2", "conversationId": chat_id, "senderId": sender, "senderNick": nick,
        "chatbotUserId": "$:LWCP_v1:$robot", "isAdmin": False,
    }
    if staff_id:
        message["senderStaffId"] = staff_id
    return message


def dingtalk_post(event: dict[str, Any], app_key: str, *, timestamp_ms: int | None = None,
                  nonce_value: str | None = None) -> tuple[dict[str, str], bytes]:
    """Query parameters and body of an encrypted DingTalk event-subscription callback."""
    crypto = DingTalkCrypto(DINGTALK_TOKEN, DINGTALK_AES_KEY, app_key)
    signed = crypto.encrypt_response(json.dumps(event, ensure_ascii=False), timestamp_ms=timestamp_ms or int(time.time() * 1000),
                                     nonce=nonce_value or nonce())
    params = {"msg_signature": signed["msg_signature"], "timestamp": signed["timeStamp"], "nonce": signed["nonce"]}
    return params, json.dumps({"encrypt": signed["encrypt"]}).encode()


def robot_headers(app_secret: str, *, timestamp_ms: int | None = None) -> dict[str, str]:
    """The timestamp/sign headers DingTalk puts on outgoing-robot requests (sign: plain Base64)."""
    stamp = timestamp_ms or int(time.time() * 1000)
    return {"timestamp": str(stamp), "sign": urllib.parse.unquote_plus(robot_sign(app_secret, stamp)),
            "Content-Type": "application/json"}
