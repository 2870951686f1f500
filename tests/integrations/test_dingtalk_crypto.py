"""DingTalkCrypto against DingTalk's published samples; robot_sign and verify_outgoing against the formula."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.parse

import pytest

from integrations import CryptoError, DingTalkCrypto, SignatureError, robot_sign, verify_outgoing
from integrations.callback_crypto import signature

# Known-answer vector 1: DingTalk's own "回调接口本地调试" example (token 123456, suite key suite4xxxxxxxxxxxxxxx),
# as pinned by the dingtalk_crypto package's tests: zgs225/dingtalk_crypto, tests/test_crypto.py
# (commit ca582f6cacf9b2c866333c8a0d9c162c1abe38e9), citing open-doc.dingtalk.com treeId=175 articleId=104945.
# That test asserts EventType "check_create_suite_url" and Random "LPIdSnlF" (checked below); the whole string
# pinned here is the decrypted event exactly as other ports' tests of this vector assert it.
DOC = {
    "token": "123456",
    "aes_key": "4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij",
    "owner_key": "suite4xxxxxxxxxxxxxxx",
    "msg_signature": "5a65ceeef9aab2d149439f82dc191dd6c5cbe2c0",
    "timestamp": "1445827045067",
    "nonce": "nEXhMP4r",
    "encrypt": "1a3NBxmCFwkCJvfoQ7WhJHB+iX3qHPsc9JbaDznE1i03peOk1LaOQoRz3+nlyGNhwmwJ3vDMG+OzrHMeiZI7gTRWVdUBmfxjZ8Ej23JVY"
               "a9VrYeJ5as7XM/ZpulX8NEQis44w53h1qAgnC3PRzM7Zc/D6Ibr0rgUathB6zRHP8PYrfgnNOS9PhSBdHlegK+AGGanfwjXuQ9+0pZcy0w9lQ==",
    "plaintext": '{"EventType":"check_create_suite_url","Random":"LPIdSnlF","TestSuiteKey":"suite4xxxxxxxxxxxxxxx"}',
}
# Known-answer vector 2: the official library's Python 3 sample, open-dingtalk/DingTalk-Callback-Crypto,
# DingCallbackCrypto3.py (commit 07dca6d05f46b557daaa8040d9c9991c906dc0b6), __main__: a check_url event for an
# app key (ding…) rather than a suite key.
CHECK_URL = {
    "token": "mryue",
    "aes_key": "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7",
    "owner_key": "ding6ccabc44d2c8d38b",
    "msg_signature": "03044561471240d4a14bb09372dfcfd4fd0e40cb",
    "timestamp": "1608001896814",
    "nonce": "WL4PK6yA",
    "encrypt": "0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+oTTrd15NRPvNvmBKyDCYxxOK+HZeKju4yhE"
               "LOFchzNukR+t8SB/qk4ROMu3",
    "plaintext": '{"EventType":"check_url"}',
}
# Known-answer vector 3: the official library's Go sample, open-dingtalk/DingTalk-Callback-Crypto, DingTalkCrypto.go
# (commit dde49cd76f966f1de9e74550f35f01e2986ff5da), main(): an encrypted "success" response.
SUCCESS = {
    "token": "tokenxxxx",
    "aes_key": "o1w0aum42yaptlz8alnhwikjd3jenzt9cb9wmzptgus",
    "owner_key": "dingxxxxxx",
    "msg_signature": "f36f4ba5337d426c7d4bca0dbcb06b3ddc1388fc",
    "timestamp": "1605695694141",
    "nonce": "WelUQl6bCqcBa2fM",
    "encrypt": "X1VSe9cTJUMZu60d3kyLYTrBq5578ZRJtteU94wG0Q4Uk6E/wQYeJRIC0/UFW5Wkya1Ihz9oXAdLlyC9TRaqsQ==",
    "plaintext": "success",
}
VECTORS = {"doc": DOC, "check_url": CHECK_URL, "success": SUCCESS}


def _crypto(v: dict) -> DingTalkCrypto:
    return DingTalkCrypto(v["token"], v["aes_key"], v["owner_key"])


@pytest.mark.parametrize("name", VECTORS)
def test_published_vectors_decrypt(name):
    v = VECTORS[name]
    assert _crypto(v).decrypt(v["msg_signature"], v["timestamp"], v["nonce"], v["encrypt"]) == v["plaintext"]


def test_doc_vector_fields_as_the_source_asserts_them():
    event = json.loads(_crypto(DOC).decrypt(DOC["msg_signature"], DOC["timestamp"], DOC["nonce"], DOC["encrypt"]))
    assert (event["EventType"], event["Random"]) == ("check_create_suite_url", "LPIdSnlF")


def test_doc_vector_signature():
    assert signature(DOC["token"], DOC["timestamp"], DOC["nonce"], DOC["encrypt"]) == DOC["msg_signature"]


def test_encrypt_response_round_trip_and_fields():
    crypto = _crypto(DOC)
    response = crypto.encrypt_response(timestamp_ms=1445827045067, nonce="abcdefghijklmnop")
    assert set(response) == {"msg_signature", "timeStamp", "nonce", "encrypt"}
    assert (response["timeStamp"], response["nonce"]) == ("1445827045067", "abcdefghijklmnop")
    assert response["msg_signature"] == signature(DOC["token"], "1445827045067", "abcdefghijklmnop", response["encrypt"])
    assert crypto.decrypt(response["msg_signature"], response["timeStamp"], response["nonce"], response["encrypt"]) == "success"
    event = json.dumps({"EventType": "chat_update_title", "title": "华东区报价群"}, ensure_ascii=False)
    r = crypto.encrypt_response(event)
    assert len(r["nonce"]) == 16 and r["timeStamp"].isdigit()
    assert crypto.decrypt(r["msg_signature"], r["timeStamp"], r["nonce"], r["encrypt"]) == event


def test_tampering():
    crypto = _crypto(DOC)
    raw = bytearray(base64.b64decode(DOC["encrypt"]))
    raw[-1] ^= 0x80
    tampered = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(SignatureError):
        crypto.decrypt(DOC["msg_signature"], DOC["timestamp"], DOC["nonce"], tampered)
    with pytest.raises(CryptoError):  # re-signed by someone with the token but not the key
        crypto.decrypt(signature(DOC["token"], DOC["timestamp"], DOC["nonce"], tampered), DOC["timestamp"], DOC["nonce"], tampered)
    with pytest.raises(SignatureError):
        DingTalkCrypto("654321", DOC["aes_key"], DOC["owner_key"]).decrypt(
            DOC["msg_signature"], DOC["timestamp"], DOC["nonce"], DOC["encrypt"])
    with pytest.raises(SignatureError):  # the timestamp is signed too
        crypto.decrypt(DOC["msg_signature"], "1445827045068", DOC["nonce"], DOC["encrypt"])
    with pytest.raises(CryptoError, match="receive id"):
        DingTalkCrypto(DOC["token"], DOC["aes_key"], "suite4yyyyyyyyyyyyyyy").decrypt(
            DOC["msg_signature"], DOC["timestamp"], DOC["nonce"], DOC["encrypt"])
    bad = "%%%not-base64%%%"
    with pytest.raises(CryptoError, match="base64"):
        crypto.decrypt(signature(DOC["token"], "1", "2", bad), "1", "2", bad)


def test_base64_wrapped_by_python_ports_is_accepted():
    """DingCallbackCrypto3.py encodes with base64.encodebytes, which adds a newline every 76 characters."""
    crypto = _crypto(DOC)
    wrapped = base64.encodebytes(base64.b64decode(DOC["encrypt"])).decode()
    assert "\n" in wrapped
    sig = signature(DOC["token"], DOC["timestamp"], DOC["nonce"], wrapped)
    assert crypto.decrypt(sig, DOC["timestamp"], DOC["nonce"], wrapped) == DOC["plaintext"]


# --- custom robot webhook signature ---------------------------------------------------------------------------
ROBOT_SECRET = "SEC000000000000000000000000000000000000000000000000000000000000000"
ROBOT_TS = 1700000000012  # chosen so that the Base64 holds '+', '/' and '=' at once


def test_robot_sign_known_answer_and_url_encoding():
    # independent expectation, straight from the documented recipe:
    # string_to_sign = timestamp + "\n" + secret; HmacSHA256 keyed by secret; Base64; urlEncode (UTF-8)
    digest = hmac.new(ROBOT_SECRET.encode(), f"{ROBOT_TS}\n{ROBOT_SECRET}".encode(), hashlib.sha256).digest()
    raw = base64.b64encode(digest).decode()
    assert raw == "5GlV8OB1zl5NnqOOxkUmhykXDpH+32R/8f7jGFN6ZRY="
    sign = robot_sign(ROBOT_SECRET, ROBOT_TS)
    assert sign == "5GlV8OB1zl5NnqOOxkUmhykXDpH%2B32R%2F8f7jGFN6ZRY%3D"
    assert not set("+/=") & set(sign)
    assert urllib.parse.unquote_plus(sign) == raw


def test_robot_sign_secret_with_non_ascii_and_string_timestamp():
    assert robot_sign("SEC密钥", "1700000000000") == robot_sign("SEC密钥", 1700000000000)
    assert robot_sign("SEC密钥", 1700000000000) != robot_sign("SEC密钥", 1700000000001)


# --- outgoing robot requests -------------------------------------------------------------------------------------
APP_SECRET = "outgoing-app-secret"
NOW = 1_700_000_000_000
HOUR = 3_600_000


def _header_sign(ts: int, secret: str = APP_SECRET) -> str:
    digest = hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()  # headers carry the raw Base64, not URL-encoded


@pytest.mark.parametrize(
    ("ts", "accepted"),
    [(NOW, True), (NOW - HOUR, True), (NOW + HOUR, True), (NOW - HOUR - 1, False), (NOW + HOUR + 1, False)],
)
def test_verify_outgoing_window_edges(ts, accepted):
    assert verify_outgoing(APP_SECRET, ts, _header_sign(ts), now_ms=NOW) is accepted
    assert verify_outgoing(APP_SECRET, str(ts), _header_sign(ts), now_ms=NOW) is accepted  # headers are strings


def test_verify_outgoing_rejects_forgeries():
    ts = NOW - 1000
    assert not verify_outgoing(APP_SECRET, ts, _header_sign(ts, "other-secret"), now_ms=NOW)
    assert not verify_outgoing(APP_SECRET, ts, _header_sign(ts - 1), now_ms=NOW)  # signature of another timestamp
    assert not verify_outgoing(APP_SECRET, ts, robot_sign(APP_SECRET, ts) + "x", now_ms=NOW)
    assert not verify_outgoing(APP_SECRET, "yesterday", _header_sign(ts), now_ms=NOW)
    assert not verify_outgoing(APP_SECRET, ts, None, now_ms=NOW)
    assert not verify_outgoing(APP_SECRET, ts, "", now_ms=NOW)


def test_verify_outgoing_uses_the_clock_by_default():
    import time

    ts = int(time.time() * 1000)
    assert verify_outgoing(APP_SECRET, ts, _header_sign(ts))
    old = ts - 2 * HOUR
    assert not verify_outgoing(APP_SECRET, old, _header_sign(old))
