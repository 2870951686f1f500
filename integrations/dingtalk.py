"""DingTalk (钉钉) callback crypto and robot signatures.

- `DingTalkCrypto`: event-subscription callbacks, byte-compatible with DingTalk's DingCallbackCrypto /
  DingTalkEncryptor (`owner_key` = corp id for internal apps' registered callbacks, app key for event
  subscriptions, suite key for third-party apps).
- `robot_sign`: the `sign` query parameter of a custom group robot webhook with 加签 enabled.
- `verify_outgoing`: the `timestamp`/`sign` headers DingTalk puts on outgoing-robot (机器人回调) requests.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse

from integrations.callback_crypto import CallbackCipher, random_text

# DingTalk rejects (and tells receivers to reject) requests whose timestamp is more than an hour off.
OUTGOING_WINDOW_MS = 60 * 60 * 1000


class DingTalkCrypto:
    def __init__(self, token: str, aes_key: str, owner_key: str):
        self._cipher = CallbackCipher(token, aes_key, owner_key)

    def decrypt(self, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> str:
        """Query `msg_signature` (or `signature`), `timestamp`, `nonce` and body `encrypt` -> the event JSON text."""
        self._cipher.check_signature(msg_signature, str(timestamp), nonce, encrypt)
        return self._cipher.decrypt(encrypt)

    def encrypt_response(
        self, plaintext: str = "success", *, timestamp_ms: int | None = None, nonce: str | None = None
    ) -> dict[str, str]:
        """The JSON body a callback must answer with (the encrypted "success"), as getEncryptedMap builds it."""
        timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
        nonce = nonce or random_text(16)  # the Java SDK insists on 16 characters
        encrypt = self._cipher.encrypt(plaintext)
        return {
            "msg_signature": self._cipher.sign(timestamp, nonce, encrypt),
            "timeStamp": timestamp,
            "nonce": nonce,
            "encrypt": encrypt,
        }


def _hmac_b64(secret: str, timestamp_ms: int | str) -> str:
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def robot_sign(secret: str, timestamp_ms: int) -> str:
    """URL-encoded Base64 of HMAC-SHA256(key=secret, "timestamp\\nsecret"): append as `&timestamp=…&sign=…`."""
    return urllib.parse.quote_plus(_hmac_b64(secret, int(timestamp_ms)))


def verify_outgoing(app_secret: str, timestamp_ms: int | str, sign: str, now_ms: int | None = None) -> bool:
    """True when an outgoing-robot request's headers are genuine and at most one hour old (or early)."""
    try:
        timestamp = int(str(timestamp_ms).strip())
    except (TypeError, ValueError):
        return False
    now = int(time.time() * 1000) if now_ms is None else int(now_ms)
    if abs(now - timestamp) > OUTGOING_WINDOW_MS:
        return False
    if not isinstance(sign, str):
        return False
    return hmac.compare_digest(_hmac_b64(app_secret, timestamp), sign.strip())
