"""The WeCom and DingTalk routes end to end: a real `dealwise serve`, a tenant configured with the CLI, callbacks
signed and encrypted as the platforms do, and the platform stand-in (platform_standin.py) receiving the pushes.

Runs on SQLite and on PostgreSQL (skipped when no PostgreSQL is reachable).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import httpx
import pytest
from platform_sender import (
    DINGTALK_AES_KEY,
    DINGTALK_TOKEN,
    WECOM_AES_KEY,
    WECOM_TOKEN,
    dingtalk_post,
    robot_headers,
    robot_message,
    wecom_post,
    wecom_text,
    wecom_verify,
)
from platform_standin import APP_KEY, APP_SECRET, CORP_ID, CORP_SECRET, ROBOT_SECRET, ROBOT_TOKEN, PlatformStandIn

from integrations import DingTalkCrypto, WeComCrypto

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "service"))
from api_server import REPO, running_server  # noqa: E402

PLAYBOOK = REPO / "examples" / "kb" / "objections_zh.md"
DINGTALK_AGENT_ID = 3000001
PUSH_WAIT_S = 600  # the first push loads the tagger (training it, when no other test has yet) in the push worker


def pushes(standin, path: str, containing: str) -> list[dict]:
    return [call for call in standin.calls(path) if containing in json.dumps(call["body"], ensure_ascii=False)]


def wait_for(predicate, timeout: float = PUSH_WAIT_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the push")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def servers(request, tmp_path_factory):
    """The service and its own platform stand-in (pushes of one database's run never mix with the other's)."""
    with PlatformStandIn() as standin, running_server(
        request.param, tmp_path_factory.mktemp(f"integrations-{request.param}"),
        wecom_base_url=standin.base_url, dingtalk_base_url=standin.base_url, callback_max_kb="64",
    ) as server:
        yield server, standin


@pytest.fixture(scope="module")
def server(servers):
    return servers[0]


@pytest.fixture(scope="module")
def standin(servers):
    return servers[1]


@pytest.fixture(scope="module")
def tenant(server):
    tenant = server.tenant("华东销售部")
    with tenant.client() as client:
        uploaded = client.post("/v1/kb/documents", files={"file": (PLAYBOOK.name, PLAYBOOK.read_bytes(), "text/markdown")})
    assert uploaded.status_code == 201, uploaded.text
    wecom = server.cli("integrations", "set", "wecom", "--tenant", tenant.id, "--corp-id", CORP_ID, "--agent-id", "1000002",
                       "--secret", CORP_SECRET, "--token", WECOM_TOKEN, "--aes-key", WECOM_AES_KEY, "--notify", "rep-zhang")
    assert wecom.returncode == 0, wecom.stderr
    dingtalk = server.cli("integrations", "set", "dingtalk", "--tenant", tenant.id, "--app-key", APP_KEY, "--app-secret", APP_SECRET,
                          "--token", DINGTALK_TOKEN, "--aes-key", DINGTALK_AES_KEY, "--robot-webhook", ROBOT_TOKEN,
                          "--robot-secret", ROBOT_SECRET, "--agent-id", str(DINGTALK_AGENT_ID), "--notify", "staff-lead")
    assert dingtalk.returncode == 0, dingtalk.stderr
    return tenant


def wecom_url(server, tenant_id: str) -> str:
    return f"{server.url}/integrations/wecom/{tenant_id}/callback"


def post_wecom(server, tenant_id: str, params: dict, body: bytes) -> httpx.Response:
    return httpx.post(wecom_url(server, tenant_id), params=params, content=body, headers={"Content-Type": "text/xml"}, timeout=30)


def chat_conversation(tenant, chat_id: str) -> dict | None:
    with tenant.client() as client:
        items = client.get("/v1/conversations", params={"limit": 200}).json()["items"]
        for item in items:
            if item["channel"] == "chat":
                conversation = client.get(f"/v1/conversations/{item['id']}").json()["conversation"]
                if conversation["metadata"].get("chat_id") == chat_id:
                    return conversation
    return None


def test_cli_shows_settings_masked(server, tenant):
    shown = server.cli("integrations", "show", "--tenant", tenant.id)
    assert shown.returncode == 0, shown.stderr
    settings = {s["platform"]: s for s in json.loads(shown.stdout)["integrations"]}
    assert settings["wecom"]["corp_id"] == CORP_ID and settings["dingtalk"]["app_key"] == APP_KEY
    assert settings["dingtalk"]["agent_id"] == DINGTALK_AGENT_ID and settings["dingtalk"]["notify"] == ["staff-lead"]
    for secret in (CORP_SECRET, WECOM_TOKEN, WECOM_AES_KEY, APP_SECRET, DINGTALK_AES_KEY, ROBOT_SECRET, ROBOT_TOKEN):
        assert secret not in shown.stdout
    if "DEALWISE_DATABASE_URL" not in server.env:  # encrypted at rest: the secret is nowhere in the SQLite files
        for path in server.data_dir.glob("dealwise.db*"):
            assert CORP_SECRET.encode() not in path.read_bytes()


def test_cli_refuses_work_notification_users_without_an_agent_id(server, tenant):
    refused = server.cli("integrations", "set", "dingtalk", "--tenant", tenant.id, "--app-key", APP_KEY, "--app-secret", APP_SECRET,
                         "--token", DINGTALK_TOKEN, "--aes-key", DINGTALK_AES_KEY, "--notify", "staff-lead")
    assert refused.returncode == 2 and "--agent-id" in refused.stderr  # a usage error; the stored settings are unchanged


def test_wecom_url_verification_echoes(server, tenant):
    response = httpx.get(wecom_url(server, tenant.id), params=wecom_verify(CORP_ID, "1616140317555161061"))
    assert response.status_code == 200 and response.text == "1616140317555161061"


def test_wecom_message_is_stored_answered_and_pushed(server, tenant, standin):
    plain = wecom_text("wmCustomerLi", "你们这个价格太贵了，超出我们的预算", "7000000000000000001", CORP_ID)
    params, body = wecom_post(plain, CORP_ID)
    response = post_wecom(server, tenant.id, params, body)
    assert response.status_code == 200, response.text
    reply = WeComCrypto(WECOM_TOKEN, WECOM_AES_KEY, CORP_ID)
    fields = {tag: response.text.split(f"<{tag}>")[1].split(f"</{tag}>")[0].removeprefix("<![CDATA[").removesuffix("]]>")
              for tag in ("MsgSignature", "TimeStamp", "Nonce")}
    assert reply.decrypt_message(fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"], response.text) == ""

    conversation = chat_conversation(tenant, "wmCustomerLi")
    assert conversation is not None and conversation["channel"] == "chat"
    assert [s["text"] for s in conversation["segments"]] == ["你们这个价格太贵了，超出我们的预算"]
    assert conversation["participants"] == [{"speaker": "wmCustomerLi", "role": "customer"}]

    sent = wait_for(lambda: pushes(standin, "/cgi-bin/message/send", "价格太贵了"))[0]["body"]
    assert sent["touser"] == "rep-zhang" and sent["agentid"] == 1000002 and sent["msgtype"] == "markdown"
    content = sent["markdown"]["content"]
    assert "价格太贵了" in content and "价格" in content and "建议回复" in content and "1. " in content


def test_redelivered_message_id_is_processed_once(server, tenant):
    plain = wecom_text("wmCustomerWang", "我们再考虑一下", "7000000000000000002", CORP_ID)
    for _ in range(3):  # the platform retries with a fresh nonce
        params, body = wecom_post(plain, CORP_ID)
        assert post_wecom(server, tenant.id, params, body).status_code == 200
    assert [s["text"] for s in chat_conversation(tenant, "wmCustomerWang")["segments"]] == ["我们再考虑一下"]


def test_replays_are_refused(server, tenant):
    plain = wecom_text("wmCustomerZhao", "你好", "7000000000000000003", CORP_ID)
    params, body = wecom_post(plain, CORP_ID)
    assert post_wecom(server, tenant.id, params, body).status_code == 200
    replayed = post_wecom(server, tenant.id, params, body)
    assert replayed.status_code == 403 and "nonce" in replayed.json()["detail"]
    stale = wecom_post(wecom_text("wmCustomerZhao", "你好", "7000000000000000004", CORP_ID), CORP_ID,
                       timestamp=int(time.time()) - 3600)
    assert post_wecom(server, tenant.id, *stale).status_code == 403
    early = httpx.get(wecom_url(server, tenant.id), params=wecom_verify(CORP_ID, "echo", timestamp=int(time.time()) + 3600))
    assert early.status_code == 403


def test_bad_signatures_are_403(server, tenant):
    params, body = wecom_post(wecom_text("wmCustomerZhao", "你好", "7000000000000000005", CORP_ID), CORP_ID)
    tampered = {**params, "msg_signature": "0" * 40}
    assert post_wecom(server, tenant.id, tampered, body).status_code == 403
    wrong_token = wecom_post(wecom_text("wmCustomerZhao", "你好", "7000000000000000006", CORP_ID), CORP_ID, token="not-the-token")
    assert post_wecom(server, tenant.id, *wrong_token).status_code == 403
    verify = wecom_verify(CORP_ID, "echo")
    assert httpx.get(wecom_url(server, tenant.id), params={**verify, "echostr": verify["echostr"][:-4] + "AAAA"}).status_code == 403


def test_malformed_callbacks_are_400(server, tenant):
    params, _ = wecom_post(wecom_text("wmX", "hi", "7000000000000000007", CORP_ID), CORP_ID)
    assert post_wecom(server, tenant.id, params, b"<xml><Encrypt>").status_code == 400  # not XML
    assert post_wecom(server, tenant.id, params, b"<!DOCTYPE x [<!ENTITY a 'b'>]><xml>&a;</xml>").status_code == 400  # entities
    assert post_wecom(server, tenant.id, {"timestamp": "1", "nonce": "n"}, b"<xml/>").status_code == 400  # no signature
    other_corp = wecom_post(wecom_text("wmX", "hi", "7000000000000000008", CORP_ID), CORP_ID, receive_id="ww-someone-else")
    wrong_receiver = post_wecom(server, tenant.id, *other_corp)
    assert wrong_receiver.status_code == 400 and "receive id" in wrong_receiver.json()["detail"]
    # a correctly signed body that is not base64 / not a message
    from integrations.callback_crypto import signature

    stamp = str(int(time.time()))
    bad64 = f"<xml><Encrypt>!!!not-base64!!!</Encrypt></xml>".encode()
    query = {"msg_signature": signature(WECOM_TOKEN, stamp, "n-bad64", "!!!not-base64!!!"), "timestamp": stamp, "nonce": "n-bad64"}
    assert post_wecom(server, tenant.id, query, bad64).status_code == 400
    not_a_message = wecom_post("<xml><Content>no type</Content></xml>", CORP_ID)
    assert post_wecom(server, tenant.id, *not_a_message).status_code == 400


def test_limits_and_unknown_tenants(server, tenant):
    params, body = wecom_post(wecom_text("wmX", "hi", "7000000000000000009", CORP_ID), CORP_ID)
    assert post_wecom(server, "no-such-tenant", params, body).status_code == 404
    bare = server.tenant("no integrations yet")
    assert post_wecom(server, bare.id, params, body).status_code == 404
    assert httpx.post(f"{server.url}/integrations/dingtalk/{bare.id}/robot", content=b"{}").status_code == 404
    huge = b"<xml><Encrypt>" + b"A" * (65 * 1024) + b"</Encrypt></xml>"
    assert post_wecom(server, tenant.id, params, huge).status_code == 413


def test_dingtalk_check_url_and_customer_message(server, tenant, standin):
    crypto = DingTalkCrypto(DINGTALK_TOKEN, DINGTALK_AES_KEY, APP_KEY)
    params, body = dingtalk_post({"EventType": "check_url"}, APP_KEY)
    response = httpx.post(f"{server.url}/integrations/dingtalk/{tenant.id}/callback", params=params, content=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert crypto.decrypt(answer["msg_signature"], answer["timeStamp"], answer["nonce"], answer["encrypt"]) == "success"

    said = robot_message("价格能不能再便宜点？太贵了", "msgDing0001", "cidGroupHuadong", nick="李总")
    params, body = dingtalk_post(said, APP_KEY)
    assert httpx.post(f"{server.url}/integrations/dingtalk/{tenant.id}/callback", params=params, content=body).status_code == 200
    conversation = chat_conversation(tenant, "cidGroupHuadong")
    assert [s["text"] for s in conversation["segments"]] == ["价格能不能再便宜点？太贵了"]
    assert conversation["participants"][0]["role"] == "customer" and conversation["metadata"]["platform"] == "dingtalk"

    pushed = wait_for(lambda: pushes(standin, "/robot/send", "价格能不能再便宜点"))[0]
    assert pushed["query"]["access_token"] == ROBOT_TOKEN and pushed["body"]["msgtype"] == "markdown"
    assert "建议回复" in pushed["body"]["markdown"]["text"]
    assert standin.respond("POST", "/robot/send", pushed["query"], pushed["body"]) == {"errcode": 0, "errmsg": "ok"}  # signed right

    tampered = {**params, "msg_signature": "f" * 40, "nonce": "fresh-nonce"}
    assert httpx.post(f"{server.url}/integrations/dingtalk/{tenant.id}/callback", params=tampered, content=body).status_code == 403
    assert httpx.post(f"{server.url}/integrations/dingtalk/{tenant.id}/callback", params=params, content=body).status_code == 403  # replay
    params, _ = dingtalk_post({"EventType": "check_url"}, APP_KEY)
    assert httpx.post(f"{server.url}/integrations/dingtalk/{tenant.id}/callback", params=params, content=b"[1,").status_code == 400


def test_dingtalk_customer_message_is_a_work_notification_to_the_chats_rep(server, tenant, standin):
    url = f"{server.url}/integrations/dingtalk/{tenant.id}/callback"
    rep_said = robot_message("李总您好，方案已发您", "msgDing0101", "cidGroupNotice", staff_id="staff-wang", nick="王销售")
    customer_said = robot_message("这个价格超出我们预算了", "msgDing0102", "cidGroupNotice", nick="李总")
    for said in (rep_said, customer_said):
        params, body = dingtalk_post(said, APP_KEY)
        assert httpx.post(url, params=params, content=body).status_code == 200

    notice = wait_for(lambda: pushes(standin, "/topapi/message/corpconversation/asyncsend_v2", "超出我们预算"))[0]
    assert notice["query"]["access_token"].startswith("dingtalk-token-")  # fetched with the app key and secret (gettoken)
    body = notice["body"]
    assert body["agent_id"] == DINGTALK_AGENT_ID and body["userid_list"] == "staff-wang"  # the chat's rep, not --notify
    assert body["msg"]["msgtype"] == "markdown" and "建议回复" in body["msg"]["markdown"]["text"]
    assert wait_for(lambda: pushes(standin, "/robot/send", "超出我们预算"))  # the group robot still gets it
    # a chat without a rep goes to the --notify users (the customer message of the earlier DingTalk test)
    assert wait_for(lambda: pushes(standin, "/topapi/message/corpconversation/asyncsend_v2", "价格能不能再便宜点"))[0][
        "body"]["userid_list"] == "staff-lead"


def test_dingtalk_robot_answers_with_a_suggestion(server, tenant):
    url = f"{server.url}/integrations/dingtalk/{tenant.id}/robot"
    question = robot_message(" 客户说太贵了怎么回", "msgRobot0001", "cidTeamGroup", staff_id="staff-zhang")
    response = httpx.post(url, json=question, headers=robot_headers(APP_SECRET), timeout=PUSH_WAIT_S)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["msgtype"] == "markdown"
    text = answer["markdown"]["text"]
    assert "> 太贵了" in text and "价格" in text and "1. " in text
    again = httpx.post(url, json=question, headers=robot_headers(APP_SECRET), timeout=30)
    assert again.status_code == 200 and again.json() == answer  # a redelivery gets the same answer
    assert httpx.post(url, json=question, headers=robot_headers("wrong-secret")).status_code == 403
    stale = robot_headers(APP_SECRET, timestamp_ms=int(time.time() * 1000) - 30 * 60 * 1000)
    assert httpx.post(url, json=question, headers=stale).status_code == 403
    assert httpx.post(url, content=b'{"msgtype": "text"}', headers=robot_headers(APP_SECRET)).status_code == 400


def test_chat_summary_on_demand(server, tenant, standin):
    stored_id = chat_conversation(tenant, "cidGroupHuadong")["id"]
    with tenant.client() as client:
        response = client.post(f"/v1/chats/{stored_id}:summarize", json={"push": True})
        assert response.status_code == 200, response.text
        summary = response.json()
        assert summary["conversation_id"] == stored_id and "price" in summary["objections"] and summary["summary"]
        assert client.post("/v1/chats/nope:summarize").status_code == 404
    pushed = wait_for(lambda: pushes(standin, "/robot/send", "聊天小结"))[0]["body"]["markdown"]["text"]
    assert "价格" in pushed  # the objection raised
