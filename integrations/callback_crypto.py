"""The callback encryption WeCom and DingTalk share (WXBizMsgCrypt / DingTalkEncryptor).

Both platforms use the same scheme, so it lives here once and `wecom.py` / `dingtalk.py` add only their
envelopes (XML for WeCom, JSON fields for DingTalk):

- key: base64-decode of the 43-character EncodingAESKey + "=" (32 bytes, AES-256); IV = the first 16 key bytes;
- plaintext: 16 random bytes + 4-byte big-endian message length + message (UTF-8) + receive id, PKCS#7-padded
  to a multiple of 32 bytes (not AES's 16: the SDKs pad to 32 and we must produce what they accept);
- signature: SHA-1 hex of the sorted [token, timestamp, nonce, ciphertext] concatenated.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import string
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from integrations.errors import CryptoError, SignatureError

BLOCK = 32
_KEY_CHARS = re.compile(r"^[A-Za-z0-9+/]{43}$")
# The SDKs fill the 16 "random bytes" with letters and digits; several widely used ports decode the whole
# plaintext as text before slicing it, so we stay ASCII to remain readable by them.
_RANDOM_ALPHABET = string.ascii_letters + string.digits
_WHITESPACE = re.compile(r"\s+")


def signature(token: str, timestamp: str, nonce: str, ciphertext: str) -> str:
    parts = sorted([str(token), str(timestamp), str(nonce), str(ciphertext)])
    return hashlib.sha1("".join(parts).encode("utf-8")).hexdigest()


def random_text(length: int) -> str:
    return "".join(secrets.choice(_RANDOM_ALPHABET) for _ in range(length))


class CallbackCipher:
    """AES-256-CBC with the platforms' framing; `receive_id` is the corp id, suite key or app key."""

    def __init__(self, token: str, encoding_aes_key: str, receive_id: str):
        if not isinstance(encoding_aes_key, str) or not _KEY_CHARS.match(encoding_aes_key):
            raise CryptoError("EncodingAESKey must be 43 characters of [A-Za-z0-9] (as shown in the admin console)")
        if not token:
            raise CryptoError("the callback token is empty")
        self.token = token
        self.receive_id = receive_id
        self._key = base64.b64decode(encoding_aes_key + "=")
        self._iv = self._key[:16]

    # signatures -------------------------------------------------------------------------------------------
    def sign(self, timestamp: str, nonce: str, ciphertext: str) -> str:
        return signature(self.token, timestamp, nonce, ciphertext)

    def check_signature(self, msg_signature: str, timestamp: str, nonce: str, ciphertext: str) -> None:
        expected = self.sign(timestamp, nonce, ciphertext)
        # constant-time: the signature is the only thing standing between the internet and our callback
        if not isinstance(msg_signature, str) or not hmac.compare_digest(expected, msg_signature.strip().lower()):
            raise SignatureError("callback signature does not match (wrong token, or the body was altered)")

    # AES --------------------------------------------------------------------------------------------------
    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._iv))

    def encrypt(self, message: str, *, random_prefix: bytes | None = None) -> str:
        prefix = random_prefix if random_prefix is not None else random_text(16).encode("ascii")
        if len(prefix) != 16:
            raise CryptoError("the random prefix must be 16 bytes")
        body = message.encode("utf-8")
        plain = prefix + struct.pack(">I", len(body)) + body + self.receive_id.encode("utf-8")
        pad = BLOCK - len(plain) % BLOCK  # 1..32: a full block of padding when already aligned, as the SDKs do
        plain += bytes([pad]) * pad
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        # Some SDK ports (python's base64.encodebytes) wrap the base64 every 76 characters: tolerate whitespace,
        # reject everything else outside the alphabet.
        try:
            raw = base64.b64decode(_WHITESPACE.sub("", ciphertext or ""), validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise CryptoError("ciphertext is not valid base64") from None
        if not raw or len(raw) % 16:
            raise CryptoError(f"ciphertext is {len(raw)} bytes, not a positive multiple of the AES block (16)")
        decryptor = self._cipher().decryptor()
        plain = decryptor.update(raw) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise CryptoError("bad padding after decryption (wrong EncodingAESKey, or the ciphertext was altered)")
        plain = plain[:-pad]
        if len(plain) < 20:
            raise CryptoError("decrypted body is too short to hold the random prefix and length")
        (length,) = struct.unpack(">I", plain[16:20])
        if 20 + length > len(plain):
            raise CryptoError("decrypted length field exceeds the body (wrong key, or the ciphertext was altered)")
        message, receive_id = plain[20 : 20 + length], plain[20 + length :]
        if receive_id != self.receive_id.encode("utf-8"):
            raise CryptoError(
                f"receive id mismatch: the message is for {receive_id.decode('utf-8', 'replace')!r}, "
                f"not {self.receive_id!r}"
            )
        try:
            return message.decode("utf-8")
        except UnicodeDecodeError:
            raise CryptoError("decrypted message is not UTF-8") from None
