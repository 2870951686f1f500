"""WeCom and DingTalk: callback crypto, incoming-message parsing, API clients and senders, archive import.

Imports the schema only (no behavior/agent here yet); no network at import time.
"""

from integrations.archive import ArchiveImport, ArchiveSummary, BadLine, import_wecom_archive
from integrations.clients import (
    DINGTALK_BASE_URL,
    SENDERS,
    WECOM_BASE_URL,
    ApiClient,
    DingTalkRobotSender,
    DingTalkWorkNoticeSender,
    OutgoingMessage,
    RetryPolicy,
    Sender,
    WeComAppSender,
    WeComRobotSender,
    dingtalk_client,
    get_sender,
    register_sender,
    wecom_client,
)
from integrations.dingtalk import DingTalkCrypto, robot_sign, verify_outgoing
from integrations.errors import (
    ArchiveError,
    CryptoError,
    IntegrationError,
    MessageError,
    NetworkError,
    PlatformError,
    SignatureError,
)
from integrations.messages import (
    PARSERS,
    IncomingMessage,
    append_message,
    conversation_id,
    parse_dingtalk_event,
    parse_dingtalk_robot,
    parse_wecom_xml,
    role_for,
)
from integrations.wecom import WeComCrypto

__all__ = [
    "DINGTALK_BASE_URL",
    "PARSERS",
    "SENDERS",
    "WECOM_BASE_URL",
    "ApiClient",
    "ArchiveError",
    "ArchiveImport",
    "ArchiveSummary",
    "BadLine",
    "CryptoError",
    "DingTalkCrypto",
    "DingTalkRobotSender",
    "DingTalkWorkNoticeSender",
    "IncomingMessage",
    "IntegrationError",
    "MessageError",
    "NetworkError",
    "OutgoingMessage",
    "PlatformError",
    "RetryPolicy",
    "Sender",
    "SignatureError",
    "WeComAppSender",
    "WeComCrypto",
    "WeComRobotSender",
    "append_message",
    "conversation_id",
    "dingtalk_client",
    "get_sender",
    "import_wecom_archive",
    "parse_dingtalk_event",
    "parse_dingtalk_robot",
    "parse_wecom_xml",
    "register_sender",
    "robot_sign",
    "role_for",
    "verify_outgoing",
    "wecom_client",
]
