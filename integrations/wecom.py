"""WeCom (企业微信) callback crypto, byte-compatible with the official WXBizMsgCrypt SDKs.

`receive_id` is the corp id for an internal app's callbacks (the suite id for third-party suite callbacks).
"""

from __future__ import annotations

import time
from xml.etree.ElementTree import ParseError

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from integrations.callback_crypto import CallbackCipher, random_text
from integrations.errors import CryptoError

# The exact envelope the SDKs' EncryptMsg produces (and WeCom parses).
_REPLY = (
    "<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt><MsgSignature><![CDATA[{signature}]]></MsgSignature>"
    "<TimeStamp>{timestamp}</TimeStamp><Nonce><![CDATA[{nonce}]]></Nonce></xml>"
)


def xml_fields(body: str | bytes) -> dict[str, str]:
    """The direct children of a WeCom <xml> document as {tag: text}; defusedxml refuses entity tricks."""
    try:
        root = ElementTree.fromstring(body)
    except (ParseError, DefusedXmlException, ValueError, TypeError) as error:
        raise CryptoError(f"callback body is not acceptable XML: {error}") from None
    return {child.tag: (child.text or "") for child in root}


class WeComCrypto:
    def __init__(self, token: str, encoding_aes_key: str, receive_id: str):
        self._cipher = CallbackCipher(token, encoding_aes_key, receive_id)

    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """The GET check WeCom sends when a callback URL is saved: return the decrypted echostr as the body."""
        self._cipher.check_signature(msg_signature, timestamp, nonce, echostr)
        return self._cipher.decrypt(echostr)

    def decrypt_message(self, msg_signature: str, timestamp: str, nonce: str, body_xml: str | bytes) -> str:
        """The POSTed <xml><Encrypt>…</Encrypt></xml> body -> the plaintext message XML."""
        encrypt = xml_fields(body_xml).get("Encrypt")
        if not encrypt:
            raise CryptoError("callback body has no <Encrypt> element")
        self._cipher.check_signature(msg_signature, timestamp, nonce, encrypt)
        return self._cipher.decrypt(encrypt)

    def encrypt_message(self, reply_xml: str, nonce: str | None = None, timestamp: str | int | None = None) -> str:
        """A passive reply: the plaintext XML -> the encrypted, signed envelope WeCom expects."""
        nonce = str(nonce) if nonce else random_text(10)
        timestamp = str(timestamp) if timestamp is not None else str(int(time.time()))
        encrypt = self._cipher.encrypt(reply_xml)
        return _REPLY.format(
            encrypt=encrypt, signature=self._cipher.sign(timestamp, nonce, encrypt), timestamp=timestamp, nonce=nonce
        )
