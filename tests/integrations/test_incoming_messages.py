"""Incoming WeCom XML / DingTalk JSON -> IncomingMessage -> the chat's Conversation."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from conversation import Conversation
from integrations import (
    IncomingMessage,
    MessageError,
    WeComCrypto,
    append_message,
    parse_dingtalk_event,
    parse_dingtalk_robot,
    parse_wecom_xml,
    role_for,
)

WECOM_TEXT = (
    "<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName><FromUserName><![CDATA[wmCustomer01]]></FromUserName>"
    "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[价格能再优惠一点吗？]]></Content>"
    "<MsgId>7000000000000000001</MsgId><AgentID>1000002</AgentID></xml>"
)
ROBOT = {
    "conversationId": "cidGroup123==",
    "atUsers": [{"dingtalkId": "$:LWCP_v1:$bot"}],
    "chatbotUserId": "$:LWCP_v1:$bot",
    "msgId": "msgA1",
    "senderNick": "王经理",
    "isAdmin": False,
    "sessionWebhookExpiredTime": 1700003600000,
    "createAt": 1700000060000,
    "conversationType": "2",
    "senderId": "$:LWCP_v1:$external",
    "conversationTitle": "客户群",
    "isInAtList": True,
    "text": {"content": " 我们下周可以安排试用吗"},
    "msgtype": "text",
}


def test_wecom_text_message():
    message = parse_wecom_xml(WECOM_TEXT)
    assert message == IncomingMessage(
        platform="wecom", msg_id="7000000000000000001", chat_id="wmCustomer01", sender="wmCustomer01", role="customer",
        text="价格能再优惠一点吗？", time=datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC), msg_type="text",
    )


def test_wecom_decrypted_official_sample_parses():
    from test_wecom_crypto import AES_KEY, CORP_ID, MSG_BODY, MSG_NONCE, MSG_SIGNATURE, MSG_TIMESTAMP, TOKEN

    plain = WeComCrypto(TOKEN, AES_KEY, CORP_ID).decrypt_message(MSG_SIGNATURE, MSG_TIMESTAMP, MSG_NONCE, MSG_BODY)
    message = parse_wecom_xml(plain, rep_ids=["mycreate"])
    assert (message.sender, message.role, message.text, message.msg_id) == ("mycreate", "rep", "hello", "4561255354251345929")
    assert message.time == datetime.fromtimestamp(1409659813, tz=UTC)


def test_wecom_non_text_event_and_errors():
    image = WECOM_TEXT.replace("<![CDATA[text]]>", "<![CDATA[image]]>").replace("<Content><![CDATA[价格能再优惠一点吗？]]></Content>", "")
    assert parse_wecom_xml(image).text == "[image]"
    event = "<xml><FromUserName>zhangsan</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><Event>enter_agent</Event></xml>"
    assert parse_wecom_xml(event) is None
    for bad in ("<xml>", "<xml><MsgType>text</MsgType></xml>", WECOM_TEXT.replace("1700000000", "soon"),
                '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><MsgType>&e;</MsgType></xml>'):
        with pytest.raises(MessageError):
            parse_wecom_xml(bad)


def test_roles():
    assert role_for("wmAbc") == role_for("woAbc") == "customer"
    assert role_for("zhangsan") == "rep"
    assert role_for("zhangsan", ["lisi"]) == "other"
    assert role_for("lisi", ["lisi"]) == "rep"
    assert role_for("wbRobot") == "other"


def test_dingtalk_robot_customer_and_rep():
    customer = parse_dingtalk_robot(ROBOT)
    assert (customer.chat_id, customer.sender, customer.role, customer.text, customer.sender_name) == (
        "cidGroup123==", "$:LWCP_v1:$external", "customer", "我们下周可以安排试用吗", "王经理")
    assert customer.time == datetime.fromtimestamp(1700000060, tz=UTC)
    rep = parse_dingtalk_robot(json.dumps({**ROBOT, "senderStaffId": "manager7", "msgId": "msgA2"}))
    assert (rep.sender, rep.role) == ("manager7", "rep")
    assert parse_dingtalk_robot({**ROBOT, "senderStaffId": "hr01"}, rep_ids=["manager7"]).role == "other"
    audio = parse_dingtalk_robot({**ROBOT, "msgtype": "audio", "content": {"recognition": "好的没问题"}})
    assert audio.text == "好的没问题"
    assert parse_dingtalk_robot({**ROBOT, "msgtype": "picture", "content": {"downloadCode": "x"}}).text == "[picture]"


def test_dingtalk_robot_errors():
    for bad in ("not json", "[1]", json.dumps({**ROBOT, "msgId": ""}), json.dumps({**ROBOT, "createAt": "later"}),
                json.dumps({k: v for k, v in ROBOT.items() if k != "senderId"})):
        with pytest.raises(MessageError):
            parse_dingtalk_robot(bad)


def test_dingtalk_events():
    assert parse_dingtalk_event('{"EventType":"check_url"}') is None
    assert parse_dingtalk_event({"EventType": "user_add_org", "UserId": ["u1"]}) is None
    assert parse_dingtalk_event(ROBOT).msg_id == "msgA1"
    assert parse_dingtalk_event({"EventType": "robot_message", "data": json.dumps(ROBOT)}).msg_id == "msgA1"
    with pytest.raises(MessageError):
        parse_dingtalk_event({"hello": "world"})


def _msg(msg_id: str, seconds: int, sender: str = "wmCustomer01", role: str = "customer", text: str = "在吗") -> IncomingMessage:
    return IncomingMessage(platform="wecom", msg_id=msg_id, chat_id="wmCustomer01", sender=sender, role=role, text=text,
                           time=datetime.fromtimestamp(1_700_000_000 + seconds, tz=UTC))


def test_append_builds_the_chat_conversation_in_time_order():
    conversation = append_message(None, _msg("m1", 0, text="你好，想了解一下报价"), tenant="acme")
    assert isinstance(conversation, Conversation)
    assert (conversation.id, conversation.channel, conversation.language) == ("acme:wecom:wmCustomer01", "chat", "zh")
    conversation = append_message(conversation, _msg("m2", 30, "zhangsan", "rep", "您好，我是销售张三"), tenant="acme")
    conversation = append_message(conversation, _msg("m3", 95, text="好的"), tenant="acme")
    conversation = append_message(conversation, _msg("m4", 60, "zhangsan", "rep", "先发您资料"), tenant="acme")  # late
    assert [(s.speaker, s.start, s.text) for s in conversation.segments] == [
        ("wmCustomer01", 0.0, "你好，想了解一下报价"), ("zhangsan", 30.0, "您好，我是销售张三"),
        ("zhangsan", 60.0, "先发您资料"), ("wmCustomer01", 95.0, "好的"),
    ]
    assert {p.speaker: p.role for p in conversation.participants} == {"wmCustomer01": "customer", "zhangsan": "rep"}
    assert conversation.metadata["message_ids"] == ["m1", "m2", "m3", "m4"]
    # JSON round trip: what the service stores reads back the same
    assert Conversation.model_validate_json(conversation.model_dump_json()) == conversation


def test_append_ignores_a_redelivered_message_and_rebases_an_earlier_one():
    conversation = append_message(None, _msg("m1", 100), tenant="acme")
    assert append_message(conversation, _msg("m1", 100), tenant="acme") is conversation
    earlier = append_message(conversation, _msg("m0", 40, "zhangsan", "rep", "您好"), tenant="acme")
    assert [(s.speaker, s.start) for s in earlier.segments] == [("zhangsan", 0.0), ("wmCustomer01", 60.0)]
    assert earlier.started_at == datetime.fromtimestamp(1_700_000_040, tz=UTC)


def test_append_refuses_a_call():
    call = Conversation(language="zh", channel="call", participants=[], segments=[])
    with pytest.raises(MessageError, match="not a chat"):
        append_message(call, _msg("m1", 0), tenant="acme")
