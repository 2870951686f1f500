"""The API clients and senders over real HTTP against the local platform stand-in (platform_standin.py)."""

from __future__ import annotations

import socket

import pytest
from platform_standin import (
    APP_KEY,
    APP_SECRET,
    CORP_ID,
    CORP_SECRET,
    ROBOT_SECRET,
    ROBOT_TOKEN,
    WECOM_ROBOT_KEY,
    PlatformStandIn,
)

from integrations import (
    SENDERS,
    IntegrationError,
    NetworkError,
    OutgoingMessage,
    PlatformError,
    RetryPolicy,
    get_sender,
)

def make(name: str, **config):
    # never through a proxy from the environment: the stand-in is on this machine
    return get_sender(name, trust_env=False, **config)


MESSAGE = OutgoingMessage(title="跟进提醒", markdown="**华东制造** 报价待确认", to=["zhangsan", "lisi"])


@pytest.fixture
def standin():
    with PlatformStandIn() as server:
        yield server


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def wecom_app(standin, sleeps, **options):
    return make("wecom-app", corp_id=CORP_ID, corp_secret=CORP_SECRET, agent_id=1000002,
                      base_url=standin.base_url, sleep=sleeps, **options)


def dingtalk_notice(standin, sleeps, **options):
    return make("dingtalk-notice", app_key=APP_KEY, app_secret=APP_SECRET, agent_id=2000001,
                      base_url=standin.base_url, sleep=sleeps, **options)


def test_registry_names_every_sender():
    assert set(SENDERS) == {"wecom-app", "wecom-robot", "dingtalk-robot", "dingtalk-notice"}
    with pytest.raises(IntegrationError, match="unknown sender"):
        make("fax")


def test_wecom_app_message_request_shape_and_cached_token(standin, sleeps):
    sender = wecom_app(standin, sleeps)
    assert sender.send(MESSAGE)["errcode"] == 0
    assert sender.send(MESSAGE)["errcode"] == 0
    assert len(standin.calls("/cgi-bin/gettoken")) == 1  # fetched once, reused for the second send
    sends = standin.calls("/cgi-bin/message/send")
    assert [s["query"]["access_token"] for s in sends] == ["wecom-token-1", "wecom-token-1"]
    assert sends[0]["method"] == "POST"
    assert sends[0]["body"] == {"touser": "zhangsan|lisi", "msgtype": "markdown", "agentid": 1000002,
                                "markdown": {"content": "**华东制造** 报价待确认"}}
    assert standin.calls("/cgi-bin/gettoken")[0]["query"] == {"corpid": CORP_ID, "corpsecret": CORP_SECRET}
    assert sleeps == []


def test_token_is_refetched_once_it_expires_by_the_clock(standin, sleeps):
    now = [1000.0]
    sender = wecom_app(standin, sleeps, clock=lambda: now[0])
    sender.send(MESSAGE)
    now[0] += 7200 - 301  # still inside the lifetime less the safety margin
    sender.send(MESSAGE)
    assert len(standin.calls("/cgi-bin/gettoken")) == 1
    now[0] += 2
    sender.send(MESSAGE)
    assert len(standin.calls("/cgi-bin/gettoken")) == 2


@pytest.mark.parametrize("code", [42001, 40014])
def test_token_refreshed_on_expired_token_codes(standin, sleeps, code):
    sender = wecom_app(standin, sleeps)
    sender.send(MESSAGE)
    standin.fail("/cgi-bin/message/send", (200, {"errcode": code, "errmsg": "access_token expired"}))
    assert sender.send(MESSAGE)["errcode"] == 0
    sends = standin.calls("/cgi-bin/message/send")
    assert [s["query"]["access_token"] for s in sends] == ["wecom-token-1", "wecom-token-1", "wecom-token-2"]
    assert sleeps == []  # a refresh is not a backoff


def test_token_revoked_by_the_platform_is_replaced(standin, sleeps):
    sender = wecom_app(standin, sleeps)
    sender.send(MESSAGE)
    standin.revoke_tokens()  # the stand-in now answers 40014 for the cached token
    assert sender.send(MESSAGE)["errcode"] == 0
    assert standin.tokens_issued == 2


def test_expired_token_twice_in_a_row_is_an_error_not_a_loop(standin, sleeps):
    sender = wecom_app(standin, sleeps)
    standin.fail("/cgi-bin/message/send", *[(200, {"errcode": 42001, "errmsg": "expired"})] * 5)
    with pytest.raises(PlatformError) as caught:
        sender.send(MESSAGE)
    assert caught.value.code == 42001
    assert len(standin.calls("/cgi-bin/message/send")) == 2 and standin.tokens_issued == 2


def test_retry_with_backoff_on_5xx_and_rate_limit(standin, sleeps):
    sender = wecom_app(standin, sleeps)
    standin.fail("/cgi-bin/message/send", (502, {"error": "bad gateway"}),
                 (200, {"errcode": 45009, "errmsg": "api freq out of limit"}), (200, {"errcode": -1, "errmsg": "system busy"}))
    assert sender.send(MESSAGE)["errcode"] == 0
    assert len(standin.calls("/cgi-bin/message/send")) == 4
    assert sleeps == [0.5, 1.0, 2.0]


def test_retries_exhausted_raise_the_last_platform_code(standin, sleeps):
    sender = wecom_app(standin, sleeps, retry=RetryPolicy(attempts=3, base_delay=0.1))
    standin.fail("/cgi-bin/message/send", *[(200, {"errcode": 45009, "errmsg": "api freq out of limit"})] * 3)
    with pytest.raises(PlatformError) as caught:
        sender.send(MESSAGE)
    error = caught.value
    assert (error.platform, error.code, error.retryable, error.attempts) == ("wecom", 45009, True, 3)
    assert error.to_dict()["code"] == 45009 and "/cgi-bin/message/send" in error.to_dict()["endpoint"]
    assert sleeps == [0.1, 0.2]


@pytest.mark.parametrize("response", [(200, {"errcode": 60020, "errmsg": "not allow to access from your ip"}),
                                      (200, {"errcode": 81013, "errmsg": "user & party & tag all invalid"}),
                                      (400, {"error": "bad request"}), (403, {"error": "forbidden"})])
def test_no_retry_on_permanent_errors(standin, sleeps, response):
    sender = wecom_app(standin, sleeps)
    standin.fail("/cgi-bin/message/send", response)
    with pytest.raises(PlatformError) as caught:
        sender.send(MESSAGE)
    assert len(standin.calls("/cgi-bin/message/send")) == 1 and sleeps == []
    assert not caught.value.retryable
    status, body = response
    assert caught.value.code == body.get("errcode") and caught.value.http_status == (status if status != 200 else None)


def test_wrong_credentials_fail_at_the_token(standin, sleeps):
    sender = make("wecom-app", corp_id=CORP_ID, corp_secret="wrong", agent_id=1, base_url=standin.base_url, sleep=sleeps)
    with pytest.raises(PlatformError) as caught:
        sender.send(MESSAGE)
    assert caught.value.code == 40001 and "gettoken" in caught.value.endpoint
    assert standin.calls("/cgi-bin/message/send") == []


def test_network_errors_are_retried_then_raised_typed(sleeps):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sender = make("wecom-robot", key="k", base_url=f"http://127.0.0.1:{port}", sleep=sleeps,
                        retry=RetryPolicy(attempts=3, base_delay=0.25))
    with pytest.raises(NetworkError) as caught:
        sender.send(MESSAGE)
    assert caught.value.code is None and caught.value.retryable and caught.value.attempts == 3
    assert sleeps == [0.25, 0.5]


def test_non_json_response_is_a_platform_error(standin, sleeps):
    sender = wecom_app(standin, sleeps)
    standin.fail("/cgi-bin/message/send", (200, b"<html>captive portal</html>"))
    with pytest.raises(PlatformError, match="not JSON"):
        sender.send(MESSAGE)


def test_wecom_group_robot_markdown(standin, sleeps):
    sender = make("wecom-robot", key=WECOM_ROBOT_KEY, base_url=standin.base_url, sleep=sleeps)
    assert sender.send(MESSAGE)["errcode"] == 0
    (call,) = standin.calls("/cgi-bin/webhook/send")
    assert call["query"] == {"key": WECOM_ROBOT_KEY}
    assert call["body"] == {"msgtype": "markdown", "markdown": {"content": "**华东制造** 报价待确认"}}
    with pytest.raises(PlatformError) as caught:
        make("wecom-robot", key="wrong", base_url=standin.base_url, sleep=sleeps).send(MESSAGE)
    assert caught.value.code == 93000


def test_dingtalk_robot_signed_webhook(standin, sleeps):
    sender = make("dingtalk-robot", access_token=ROBOT_TOKEN, secret=ROBOT_SECRET, base_url=standin.base_url,
                        sleep=sleeps)
    assert sender.send(MESSAGE)["errcode"] == 0  # the stand-in recomputed the HMAC from the decoded query
    (call,) = standin.calls("/robot/send")
    assert call["body"] == {"msgtype": "markdown", "markdown": {"title": "跟进提醒", "text": "**华东制造** 报价待确认"}}
    assert "%" in call["raw_query"].split("sign=")[1] and "+" not in call["raw_query"]
    with pytest.raises(PlatformError) as caught:
        make("dingtalk-robot", access_token=ROBOT_TOKEN, secret="SECwrong", base_url=standin.base_url,
                   sleep=sleeps).send(MESSAGE)
    assert caught.value.code == 310000 and len(standin.calls("/robot/send")) == 2


def test_dingtalk_robot_rate_limit_is_retried_with_a_fresh_signature(standin, sleeps):
    clock = iter(range(1_700_000_000_000, 1_700_000_000_100))
    sender = make("dingtalk-robot", access_token=ROBOT_TOKEN, secret=ROBOT_SECRET, base_url=standin.base_url,
                        sleep=sleeps, now_ms=lambda: next(clock))
    standin.fail("/robot/send", (200, {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}))
    assert sender.send(MESSAGE)["errcode"] == 0
    timestamps = [c["query"]["timestamp"] for c in standin.calls("/robot/send")]
    assert timestamps == ["1700000000000", "1700000000001"] and sleeps == [0.5]


def test_dingtalk_work_notice(standin, sleeps):
    sender = dingtalk_notice(standin, sleeps)
    assert sender.send(MESSAGE)["task_id"]
    sender.send(MESSAGE)
    assert len(standin.calls("/gettoken")) == 1
    assert standin.calls("/gettoken")[0]["query"] == {"appkey": APP_KEY, "appsecret": APP_SECRET}
    call = standin.calls("/topapi/message/corpconversation/asyncsend_v2")[0]
    assert call["query"]["access_token"] == "dingtalk-token-1"
    assert call["body"] == {"agent_id": 2000001, "userid_list": "zhangsan,lisi",
                            "msg": {"msgtype": "markdown", "markdown": {"title": "跟进提醒", "text": "**华东制造** 报价待确认"}}}


def test_dingtalk_token_refresh_on_errcode_88_with_sub_code(standin, sleeps):
    sender = dingtalk_notice(standin, sleeps)
    sender.send(MESSAGE)
    standin.fail("/topapi/message/corpconversation/asyncsend_v2",
                 (200, {"errcode": 88, "sub_code": "42001", "sub_msg": "access_token超时", "errmsg": "ding talk error"}),
                 (200, {"errcode": 90018, "errmsg": "当前企业调用该接口超过了限制"}))
    assert sender.send(MESSAGE)["errcode"] == 0
    assert standin.tokens_issued == 2 and sleeps == [0.5]
    standin.fail("/topapi/message/corpconversation/asyncsend_v2",
                 (200, {"errcode": 88, "sub_code": "60011", "sub_msg": "没有调用该接口的权限", "errmsg": "ding talk error"}))
    with pytest.raises(PlatformError) as caught:
        sender.send(MESSAGE)
    assert caught.value.code == 60011 and not caught.value.retryable


def test_senders_that_need_recipients_say_so(standin, sleeps):
    with pytest.raises(IntegrationError, match="no recipients"):
        wecom_app(standin, sleeps).send(OutgoingMessage(title="t", markdown="m"))
    assert standin.requests == []


def test_webhook_urls_from_the_admin_console_are_accepted(standin, sleeps):
    wecom = make("wecom-robot", key=f"{standin.base_url}/cgi-bin/webhook/send?key={WECOM_ROBOT_KEY}", sleep=sleeps)
    ding = make("dingtalk-robot", access_token=f"{standin.base_url}/robot/send?access_token={ROBOT_TOKEN}",
                secret=ROBOT_SECRET, sleep=sleeps)
    assert wecom.send(MESSAGE)["errcode"] == 0 and ding.send(MESSAGE)["errcode"] == 0
    assert standin.calls("/robot/send")[0]["query"]["access_token"] == ROBOT_TOKEN
    with pytest.raises(IntegrationError, match="key="):
        make("wecom-robot", key="https://qyapi.weixin.qq.com/cgi-bin/webhook/send")
