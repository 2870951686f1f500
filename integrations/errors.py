"""The errors every integration raises: one family, so the service can catch, log and map them in one place.

All are ValueError subclasses with a user-facing message, so the CLI's `@user_errors` prints one line for them.
"""

from __future__ import annotations


class IntegrationError(ValueError):
    """Anything a platform integration rejects: bad signatures, undecryptable bodies, unparseable messages."""


class SignatureError(IntegrationError):
    """A callback whose signature does not match: wrong token, tampered body, or not from the platform."""


class CryptoError(IntegrationError):
    """A callback body that does not decrypt: bad base64, bad padding, wrong key or wrong receive id."""


class MessageError(IntegrationError):
    """An incoming message (XML or JSON) that does not have the documented shape."""


class ArchiveError(IntegrationError):
    """A chat archive export that cannot be read at all (not UTF-8, no messages)."""


class PlatformError(IntegrationError):
    """A platform API call that failed; carries the platform's own error code for the audit log.

    `code` is the platform's `errcode` (None when the failure was HTTP-level or the network), `http_status`
    the HTTP status when there was one, `retryable` whether retrying later may succeed.
    """

    def __init__(
        self,
        platform: str,
        endpoint: str,
        message: str,
        *,
        code: int | None = None,
        http_status: int | None = None,
        retryable: bool = False,
        attempts: int = 1,
    ):
        self.platform = platform
        self.endpoint = endpoint
        self.code = code
        self.http_status = http_status
        self.retryable = retryable
        self.attempts = attempts
        where = f"{platform} {endpoint}"
        detail = f"errcode {code}" if code is not None else (f"HTTP {http_status}" if http_status else "network")
        super().__init__(f"{where} failed ({detail}, {attempts} attempt{'s' if attempts != 1 else ''}): {message}")

    def to_dict(self) -> dict:
        """The fields the audit log records."""
        return {
            "platform": self.platform,
            "endpoint": self.endpoint,
            "code": self.code,
            "http_status": self.http_status,
            "retryable": self.retryable,
            "attempts": self.attempts,
            "message": str(self),
        }


class NetworkError(PlatformError):
    """The platform could not be reached (connection refused, timeout, reset) even after retries."""
