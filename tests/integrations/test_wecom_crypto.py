"""WeComCrypto against the official WXBizMsgCrypt samples, round trips and tampering."""

from __future__ import annotations

import base64

import pytest
from defusedxml import ElementTree

from integrations import CryptoError, IntegrationError, SignatureError, WeComCrypto
from integrations.callback_crypto import CallbackCipher, signature

# Known-answer vector 1: the WXBizMsgCrypt sample shipped with the official SDKs (PHP/C#/Java/C++ Sample files);
# taken from sbzhu/weworkapi_php, callback/Sample.php (commit 0855251597a9879090766fae9d475e2ef91f28bd), which
# also gives the expected plaintext XML of the message in a comment. The same token/key/ciphertext appear in the
# C# Sample.cs of the SDK and in WeCom's 加解密方案说明 page (developer.work.weixin.qq.com/document/path/90968).
TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CORP_ID = "wx5823bf96d3bd56c7"
VERIFY = {
    "msg_signature": "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
    "timestamp": "1409659589",
    "nonce": "263014780",
    "echostr": "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==",
}
# The echostr plaintext is not printed in Sample.php; 1616140317555161061 is what every SDK decrypts it to
# (also quoted as the expected answer for this vector in other ports' demos). The signature check and the
# receive-id check both have to pass to get it, so a wrong implementation cannot produce it by accident.
VERIFY_ECHO = "1616140317555161061"
MSG_SIGNATURE, MSG_TIMESTAMP, MSG_NONCE = "477715d11cdb4164915debcba66cb864d751f3e6", "1409659813", "1372623149"
MSG_ENCRYPT = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUk"
    "SUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekU"
    "NXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rU"
    "PA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+"
    "qN+E7Q=="
)
MSG_BODY = (
    f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><Encrypt><![CDATA[{MSG_ENCRYPT}]]></Encrypt>"
    "<AgentID><![CDATA[218]]></AgentID></xml>"
)
MSG_PLAIN = (
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n"
    "<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n"
    "<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>"
)

# Known-answer vector 2: the newer Python SDK sample, sbzhu/weworkapi_python, callback/Sample.py
# (commit 27220fbe9d5251d46101e33751568eae9f413666): a ww… corp id and a Chinese message; the expected plaintext
# is the reply XML the same sample encrypts (the SDK author round-tripped it), checked here field by field.
TOKEN2, AES_KEY2, CORP_ID2 = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo", "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt", "ww1436e0e65a779aee"
VERIFY2 = ("012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb", "1476416373", "47744683",
           "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==")
MSG2 = ("0c3914025cb4b4d68103f6bfc8db550f79dcf48e", "1476422779", "1597212914",
        "<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>\n<Encrypt><![CDATA[Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc"
        "5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1"
        "pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qA"
        "RR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+]]>"
        "</Encrypt>\n<AgentID><![CDATA[1000002]]></AgentID>\n</xml>")


@pytest.fixture
def crypto() -> WeComCrypto:
    return WeComCrypto(TOKEN, AES_KEY, CORP_ID)


def test_official_sample_verify_url(crypto):
    assert crypto.verify_url(**VERIFY) == VERIFY_ECHO


def test_official_sample_decrypts_to_the_documented_plaintext(crypto):
    assert crypto.decrypt_message(MSG_SIGNATURE, MSG_TIMESTAMP, MSG_NONCE, MSG_BODY) == MSG_PLAIN


def test_official_sample_signature_is_sha1_of_sorted_parts():
    assert signature(TOKEN, MSG_TIMESTAMP, MSG_NONCE, MSG_ENCRYPT) == MSG_SIGNATURE
    assert signature(TOKEN, VERIFY["timestamp"], VERIFY["nonce"], VERIFY["echostr"]) == VERIFY["msg_signature"]


def test_python_sdk_sample_vector():
    crypto = WeComCrypto(TOKEN2, AES_KEY2, CORP_ID2)
    assert crypto.verify_url(*VERIFY2).isdigit()
    plain = crypto.decrypt_message(*MSG2)
    fields = {child.tag: child.text for child in ElementTree.fromstring(plain)}
    assert fields == {"ToUserName": CORP_ID2, "FromUserName": "ChenJiaShun", "CreateTime": "1476422779", "MsgType": "text",
                      "Content": "你好", "MsgId": "1456453720", "AgentID": "1000002"}


def test_encrypt_message_round_trip_and_envelope(crypto):
    reply = "<xml><ToUserName><![CDATA[mycreate]]></ToUserName><Content><![CDATA[收到，马上报价 ✓]]></Content></xml>"
    envelope = crypto.encrypt_message(reply, "1372623149", "1409659813")
    fields = {child.tag: child.text for child in ElementTree.fromstring(envelope)}
    assert set(fields) == {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}
    assert (fields["TimeStamp"], fields["Nonce"]) == ("1409659813", "1372623149")
    assert fields["MsgSignature"] == signature(TOKEN, "1409659813", "1372623149", fields["Encrypt"])
    # the envelope is itself a valid callback body: decrypting it gives the reply back
    assert crypto.decrypt_message(fields["MsgSignature"], "1409659813", "1372623149", envelope) == reply


def test_encrypted_layout_matches_the_scheme(crypto):
    """Decrypt our ciphertext by hand with the documented layout (independent of our decrypt())."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    envelope = crypto.encrypt_message("hi", "n", "1")
    raw = base64.b64decode(ElementTree.fromstring(envelope).find("Encrypt").text)
    key = base64.b64decode(AES_KEY + "=")
    plain = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor().update(raw)
    assert len(raw) % 32 == 0
    pad = plain[-1]
    assert plain[-pad:] == bytes([pad]) * pad
    assert plain[16:20] == (2).to_bytes(4, "big") and plain[20:22] == b"hi" and plain[22:-pad] == CORP_ID.encode()


@pytest.mark.parametrize("size", [0, 1, 11, 12, 13, 43, 44, 45, 1000])
def test_round_trip_every_padding_length(size):
    cipher = CallbackCipher(TOKEN, AES_KEY, CORP_ID)
    message = "好" * size  # 3 bytes each: walks the padding through many residues, including a full 32-byte block
    assert cipher.decrypt(cipher.encrypt(message)) == message


def test_two_encryptions_differ_but_both_decrypt(crypto):
    a, b = crypto.encrypt_message("<xml/>", "1", "2"), crypto.encrypt_message("<xml/>", "1", "2")
    assert a != b  # the 16-byte random prefix


def _flip(b64: str, index: int) -> str:
    raw = bytearray(base64.b64decode(b64))
    raw[index] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def test_flipped_ciphertext_byte_fails_the_signature(crypto):
    tampered = _flip(MSG_ENCRYPT, 40)
    with pytest.raises(SignatureError):
        crypto.decrypt_message(MSG_SIGNATURE, MSG_TIMESTAMP, MSG_NONCE, MSG_BODY.replace(MSG_ENCRYPT, tampered))


def test_flipped_ciphertext_byte_with_a_valid_signature_fails_decryption(crypto):
    """An attacker who knows the token but not the key: the signature passes, the AES checks must not."""
    for index in (-1, -17, 3):  # last block (padding), second-to-last block (flips last block's plaintext), first
        tampered = _flip(MSG_ENCRYPT, index)
        sig = signature(TOKEN, MSG_TIMESTAMP, MSG_NONCE, tampered)
        with pytest.raises(CryptoError):
            crypto.decrypt_message(sig, MSG_TIMESTAMP, MSG_NONCE, MSG_BODY.replace(MSG_ENCRYPT, tampered))


def test_wrong_token_is_a_signature_error():
    with pytest.raises(SignatureError):
        WeComCrypto("not-the-token", AES_KEY, CORP_ID).verify_url(**VERIFY)


def test_wrong_receive_id_is_a_crypto_error():
    with pytest.raises(CryptoError, match="receive id"):
        WeComCrypto(TOKEN, AES_KEY, "ww-someone-else").decrypt_message(MSG_SIGNATURE, MSG_TIMESTAMP, MSG_NONCE, MSG_BODY)


def test_wrong_key_is_a_crypto_error():
    other_key = "A" * 43
    with pytest.raises(CryptoError):
        WeComCrypto(TOKEN, other_key, CORP_ID).verify_url(**VERIFY)


@pytest.mark.parametrize("bad", ["not base64!!", "P9nAzCzy", "", "QUJD"])
def test_bad_base64_or_length_is_a_crypto_error(crypto, bad):
    with pytest.raises(CryptoError):
        crypto.verify_url(signature(TOKEN, "1", "2", bad), "1", "2", bad)


@pytest.mark.parametrize("body", ["", "<xml>", "<xml><ToUserName>x</ToUserName></xml>", "not xml at all",
                                  '<!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Encrypt>&a;</Encrypt></xml>'])
def test_bad_body_xml_is_a_crypto_error(crypto, body):
    with pytest.raises(CryptoError):
        crypto.decrypt_message(MSG_SIGNATURE, MSG_TIMESTAMP, MSG_NONCE, body)


@pytest.mark.parametrize("key", ["short", "x" * 44, "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2!"])
def test_malformed_encoding_aes_key_is_rejected_up_front(key):
    with pytest.raises(CryptoError, match="43"):
        WeComCrypto(TOKEN, key, CORP_ID)


def test_errors_share_one_family():
    assert issubclass(SignatureError, IntegrationError) and issubclass(CryptoError, IntegrationError)
    assert issubclass(IntegrationError, ValueError)


def test_inconsistent_padding_bytes_are_rejected():
    """Pad byte 2 preceded by 0x01: lax decoders (only checking 1..32) would accept this; PKCS#7 says no."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = base64.b64decode(AES_KEY + "=")
    head = b"0123456789abcdef"
    msg = b"x" * (32 - (16 + 4 + len(CORP_ID) + 2) % 32)
    plain = head + len(msg).to_bytes(4, "big") + msg + CORP_ID.encode() + b"\x01\x02"
    assert len(plain) % 32 == 0
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    ciphertext = base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()
    crypto = WeComCrypto(TOKEN, AES_KEY, CORP_ID)
    with pytest.raises(CryptoError, match="padding"):
        crypto.verify_url(signature(TOKEN, "1", "2", ciphertext), "1", "2", ciphertext)
    # the same layout with correct padding decrypts: the test above fails for the padding alone
    good = plain[:-2] + b"\x02\x02"
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    ciphertext = base64.b64encode(encryptor.update(good) + encryptor.finalize()).decode()
    assert crypto.verify_url(signature(TOKEN, "1", "2", ciphertext), "1", "2", ciphertext) == msg.decode()
