"""Quiet-chat summaries end to end: a chat silent for DEALWISE_CHAT_QUIET_S gets its summary pushed once, across a
restart and with two server processes on one database, and a new customer message arms it again.

The platform is the local stand-in (platform_standin.py); the quiet time is 2 s, so the push workers check
every 0.5 s. Runs on SQLite and on PostgreSQL (skipped when no PostgreSQL is reachable).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import httpx
from platform_sender import DINGTALK_AES_KEY, DINGTALK_TOKEN, dingtalk_post, robot_message
from platform_standin import APP_KEY, APP_SECRET, ROBOT_SECRET, ROBOT_TOKEN, PlatformStandIn
from test_routes import PLAYBOOK, chat_conversation, pushes, wait_for

from service.integration_push import ChatSummary, summary_message

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "service"))
from api_server import Server  # noqa: E402

QUIET_S = 2
ROBOT, NOTICE = "/robot/send", "/topapi/message/corpconversation/asyncsend_v2"
CHAT = "cidQuietGroup"


def summaries(standin, path: str) -> list[dict]:
    return pushes(standin, path, "聊天小结")


def settle() -> None:
    """Long enough for any second (wrong) push: several quiet periods and checks of both workers."""
    time.sleep(3 * QUIET_S + 1)


def say(server, tenant_id: str, text: str, msg_id: str, **sender) -> None:
    """A message in the DingTalk group chat; from a customer unless `staff_id` is given (a rep)."""
    params, body = dingtalk_post(robot_message(text, msg_id, CHAT, **sender), APP_KEY)
    response = httpx.post(f"{server.url}/integrations/dingtalk/{tenant_id}/callback", params=params, content=body, timeout=30)
    assert response.status_code == 200, response.text


def expected_text(tenant, conversation_id: str) -> str:
    """What the on-demand route says about the chat now, as the pushed markdown (the quiet push must say the same)."""
    with tenant.client() as client:
        response = client.post(f"/v1/chats/{conversation_id}:summarize")
    assert response.status_code == 200, response.text
    return summary_message(ChatSummary.model_validate(response.json())).markdown


def test_quiet_chat_is_summarized_once_across_restarts_and_processes(database_url, tmp_path):
    with PlatformStandIn() as standin:
        urls = {"wecom_base_url": standin.base_url, "dingtalk_base_url": standin.base_url}
        # the chat is taken in by a process that never summarizes (0 disables), which then stops; the two that
        # follow share its data dir and database, and must find the chat due there and push its summary once
        first = Server(tmp_path, database_url, **urls, chat_quiet_s="0").start()
        restarted = Server(tmp_path, database_url, **urls, chat_quiet_s=str(QUIET_S))
        second = Server(tmp_path, database_url, **urls, chat_quiet_s=str(QUIET_S))
        try:
            tenant = first.tenant("安静群测试")
            with tenant.client() as client:
                uploaded = client.post("/v1/kb/documents", files={"file": (PLAYBOOK.name, PLAYBOOK.read_bytes(), "text/markdown")})
            assert uploaded.status_code == 201, uploaded.text
            configured = first.cli("integrations", "set", "dingtalk", "--tenant", tenant.id, "--app-key", APP_KEY,
                                   "--app-secret", APP_SECRET, "--token", DINGTALK_TOKEN, "--aes-key", DINGTALK_AES_KEY,
                                   "--robot-webhook", ROBOT_TOKEN, "--robot-secret", ROBOT_SECRET, "--agent-id", "3000001")
            assert configured.returncode == 0, configured.stderr

            say(first, tenant.id, "我们下周安排一次演示吧", "msgQuiet0001", staff_id="staff-wang", nick="王销售")
            say(first, tenant.id, "价格太贵了，超出预算", "msgQuiet0002")
            wait_for(lambda: pushes(standin, ROBOT, "建议回复"))  # its push worker is up and pushing prompts
            settle()
            assert not summaries(standin, ROBOT) and not summaries(standin, NOTICE)
            first.stop()
            restarted.start()
            second.start()
            tenant.server = restarted  # the same tenant, asked through a process that is running

            conversation_id = chat_conversation(tenant, CHAT)["id"]
            pushed = wait_for(lambda: summaries(standin, ROBOT))[0]["body"]["markdown"]["text"]
            assert pushed == expected_text(tenant, conversation_id) and "价格" in pushed
            notice = wait_for(lambda: summaries(standin, NOTICE), timeout=60)[0]["body"]
            assert notice["userid_list"] == "staff-wang" and notice["msg"]["markdown"]["text"] == pushed
            settle()
            assert len(summaries(standin, ROBOT)) == 1 and len(summaries(standin, NOTICE)) == 1

            say(second, tenant.id, "那试用期能延长到一个月吗？", "msgQuiet0003")  # arms it again
            wait_for(lambda: len(summaries(standin, ROBOT)) == 2, timeout=120)
            settle()
            assert len(summaries(standin, ROBOT)) == 2 and len(summaries(standin, NOTICE)) == 2
            assert summaries(standin, ROBOT)[1]["body"]["markdown"]["text"] == expected_text(tenant, conversation_id)
        finally:
            second.stop()
            restarted.stop()
            first.stop()
