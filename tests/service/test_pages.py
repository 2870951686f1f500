"""The /app pages in headless Debian Chromium against a real server: what a rep, a coach and a manager do.

One server and one browser for the module; each test opens its own browser context and signs in by
pasting a key on /app, as a person would. Every page must load without console errors and without a
request to any other host (the pages are served locally and work offline). Screenshots land in the
module's tmp dir (`shots/`) to be looked at.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from api_server import REPO, Server, Tenant

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium fonts-noto-cjk)", allow_module_level=True)
from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402 - only once Chromium is known to exist

CALL_ZH = json.loads((REPO / "tests" / "behavior" / "data" / "call_zh.json").read_text(encoding="utf-8"))
DEAL = json.loads((REPO / "examples" / "deals" / "needs_approval.json").read_text(encoding="utf-8"))
WAIT_MS = 180_000  # generous: the machines running the suite are shared and small


@dataclass
class Browsing:
    """A signed-in tab and what went wrong in it that a user would not see (console errors, foreign requests)."""

    page: Page
    problems: list[str] = field(default_factory=list)

    def unexpected(self, *allowed: str) -> list[str]:
        """Problems other than the expected ones (e.g. the console line Chromium logs for a 404 the page shows)."""
        return [p for p in self.problems if not any(a in p for a in allowed)]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    server = Server(tmp_path_factory.mktemp("pages"))
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def acme(server: Server) -> Tenant:
    """A tenant with the sample objection playbook in its own collection (what `dealwise kb ingest` does)."""
    from knowledge_base import KnowledgeBase

    from service.runtime import tenant_collection

    tenant = server.tenant("Acme 销售部")
    KnowledgeBase(server.data_dir / "kb", "e5", collection=tenant_collection("playbook", tenant.id)).ingest([REPO / "examples" / "kb" / "objections_zh.md"])
    with tenant.client() as client:  # the server loads its retrieval and tagging models now, not during a page's wait
        assert client.get("/v1/kb/search", params={"q": "价格太贵"}).json()
        assert client.post("/v1/objections:classify", json={"items": [{"text": "价格太贵了"}]}).status_code == 200
    return tenant


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("shots")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            # a fake microphone (a beep) answers getUserMedia without a permission prompt
            args=["--no-sandbox", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"],
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def signed_in(browser: Browser, server: Server) -> Iterator[Callable[[str], Browsing]]:
    """sign_in(key) -> a fresh context signed in through the /app form (closed after the test)."""
    contexts = []
    host = urlsplit(server.url).netloc

    def sign_in(key: str, landing: str = "/app/live") -> Browsing:
        context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        browsing = Browsing(page)
        watch(browsing, page, host)
        context.on("page", lambda popup: watch(browsing, popup, host))
        page.goto(f"{server.url}/app?next={landing}")
        page.fill("#api-key", key)
        page.click("#login-submit")
        # by path: a glob "**/app/live" would also match the sign-in URL /app?next=/app/live itself
        page.wait_for_url(lambda url: urlsplit(url).path == landing)
        return browsing

    yield sign_in
    for context in contexts:
        context.close()


def watch(browsing: Browsing, page: Page, host: str) -> None:
    def request(url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("data", "blob", "about") and parts.netloc != host:
            browsing.problems.append(f"request to another host: {url}")

    page.on("console", lambda m: browsing.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: browsing.problems.append(f"page error: {e}"))
    page.on("request", lambda r: request(r.url))
    page.on("websocket", lambda ws: request(ws.url))


def _store(tenant: Tenant, conversation: dict) -> str:
    with tenant.client() as client:
        response = client.post("/v1/conversations", json=conversation)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _used(tenant: Tenant) -> int:
    """Suggestions marked used in the tenant's script heatmap."""
    with tenant.client() as client:
        return sum(cell["used"] for cell in client.get("/v1/kb/heatmap", params={"format": "json"}).json())


# --- sign in --------------------------------------------------------------------------------------


def test_sign_in_refuses_an_unknown_key_and_keeps_a_real_one(signed_in, browser, server, acme, shots):
    context = browser.new_context(locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(server.url + "/app/coach")
        page.wait_for_url("**/app?next=*")  # no key yet: sent to sign in first
        page.fill("#api-key", "dw_not-a-key")
        page.click("#login-submit")
        expect(page.locator("#login-result .error")).to_contain_text("密钥无效")
        page.screenshot(path=str(shots / "login.png"))
    finally:
        context.close()
    browsing = signed_in(acme.key("coach"), "/app/coach")
    assert browsing.page.evaluate("sessionStorage.getItem('dealwise.key')").startswith("dw_")
    browsing.page.click("#lang-toggle")  # English, and back
    expect(browsing.page.locator("h1 .en")).to_be_visible()
    browsing.page.click("#lang-toggle")
    expect(browsing.page.locator("h1 .zh")).to_be_visible()


# --- live assist ----------------------------------------------------------------------------------


def test_live_panel_shows_objections_suggestions_and_records_used(signed_in, acme, shots):
    used_before = _used(acme)
    browsing = signed_in(acme.key("rep", "rep-li"))
    page = browsing.page
    expect(page.locator("#conn-text")).to_contain_text("已连接", timeout=30_000)

    def say(speaker: str, text: str) -> None:
        page.select_option("#speaker", speaker)
        page.fill("#turn-text", text)
        page.press("#turn-text", "Enter")
        expect(page.locator("#transcript .turn:not(.partial)").filter(has_text=text)).to_have_count(1, timeout=WAIT_MS)

    say("rep", "王总您好，我是云帆科技的小李，想了解一下贵司目前的报销流程。")
    say("customer", "这个价格太贵了，我们预算有限")
    expect(page.locator("#objections .chip.price")).to_be_visible(timeout=WAIT_MS)
    first = page.locator("#suggestions .suggestion").first
    expect(first).to_be_visible(timeout=WAIT_MS)
    first.locator(".used-button").click()
    expect(first).to_have_class("suggestion used")
    assert _used(acme) == used_before + 1

    say("customer", "我们再考虑考虑吧，回头再说。")
    expect(page.locator("#stall")).to_be_visible()
    expect(page.locator("#countdown")).to_contain_text(" s")
    expect(page.locator("#earlier-list .suggestion.used")).to_have_count(1)  # the price answers fold under the new ones
    page.screenshot(path=str(shots / "live.png"), full_page=True)

    page.click("#end-session")
    page.click("#stored-link")
    page.wait_for_url("**/app/conversations/*")
    expect(page.locator("#segments .turn")).to_have_count(3)
    expect(page.locator("#segments")).to_contain_text("这个价格太贵了")
    assert not browsing.problems


def test_live_microphone_streams_pcm_to_the_server(signed_in, acme):
    """getUserMedia -> AudioWorklet -> PCM16 frames: the server accepts the stream (Chromium's fake mic beeps)."""
    browsing = signed_in(acme.admin_key)
    page = browsing.page
    expect(page.locator("#conn-text")).to_contain_text("已连接", timeout=30_000)
    sent: list[int] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(len(payload)) if isinstance(payload, bytes) else None))
    page.reload()  # reconnect so the listener sees the socket
    expect(page.locator("#conn-text")).to_contain_text("已连接", timeout=30_000)
    page.click("#mic")
    expect(page.locator("#live-status .ok")).to_contain_text("麦克风已开启", timeout=WAIT_MS)
    page.wait_for_timeout(1500)
    page.click("#mic")
    assert sent and all(size == 3200 for size in sent), sent[:5]  # 100 ms of 16 kHz mono PCM16 per frame
    expect(page.locator("#live-status .error")).to_have_count(0)
    assert not browsing.problems


# --- a stored conversation --------------------------------------------------------------------------


def test_conversation_page_shows_transcript_objections_features_and_hints(signed_in, server, acme, shots):
    conversation_id = _store(acme, {**CALL_ZH, "outcome": "won", "metadata": {"rep": "rep-zhang"}})
    browsing = signed_in(acme.key("coach"), f"/app/conversations/{conversation_id}")
    page = browsing.page
    expect(page.locator("#segments .turn")).to_have_count(len(CALL_ZH["segments"]))
    expect(page.locator("#segments .turn.customer").first).to_contain_text("客户")
    expect(page.locator("#segments .turn").nth(5)).to_contain_text("价格太贵了")
    expect(page.locator("#segments .turn").nth(5).locator(".chip.price")).to_be_visible()
    expect(page.locator("tr[data-feature=talk_ratio]")).to_contain_text("%")
    expect(page.locator("details summary").first).to_contain_text("对话节奏")  # groups in registry order
    expect(page.locator(".hint").first).to_be_visible()
    page.screenshot(path=str(shots / "conversation.png"), full_page=True)
    assert not browsing.problems

    other = server.tenant("Globex")
    browsing = signed_in(other.admin_key, f"/app/conversations/{conversation_id}")
    expect(browsing.page.locator("#conversation .error")).to_contain_text("未找到这段对话")
    browsing.page.screenshot(path=str(shots / "conversation-404.png"))
    assert not browsing.unexpected("status of 404")


# --- coach dashboard and the DNA report ----------------------------------------------------------------


@pytest.fixture(scope="module")
def cohort(acme) -> list[str]:
    """Labelled conversations of three reps, both outcomes (what the DNA report compares)."""
    from behavior.synth import synthesize

    ids = []
    for index, conversation in enumerate(synthesize(12, seed=3)):
        data = conversation.model_dump(mode="json", exclude_none=True)
        data["metadata"] = {"rep": f"rep-{'abc'[index % 3]}"}
        ids.append(_store(acme, data))
    return ids


def test_dna_report_html_json_and_too_few(acme, cohort):
    with acme.client("coach") as client:
        html = client.get("/v1/reports/dna")
        stats = client.get("/v1/reports/dna", params={"format": "json"})
        one_rep = client.get("/v1/reports/dna", params={"rep": "rep-nobody", "format": "json"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html") and "<script>" in html.text
    dna = stats.json()
    assert stats.status_code == 200 and dna["n_won"] + dna["n_lost"] >= len(cohort) and dna["features"]
    assert one_rep.status_code == 422 and "too few labelled conversations" in one_rep.json()["detail"] and "rep-nobody" in one_rep.json()["detail"]


@pytest.fixture(scope="module")
def used_once(acme) -> None:
    """One suggestion of the REST API marked used, so the heatmap has a cell to show."""
    conversation_id = _store(acme, CALL_ZH)
    with acme.client("rep") as client:
        suggestion = client.post("/v1/suggestions", json={"conversation_id": conversation_id, "at": 5}).json()[0]
        assert client.post(f"/v1/suggestions/{suggestion['id']}/feedback", json={"event": "used"}).status_code == 200


def test_coach_dashboard_cards_heatmap_and_report(signed_in, acme, cohort, used_once, shots):
    browsing = signed_in(acme.key("coach"), "/app/coach")
    page = browsing.page
    expect(page.locator(".rep-card[data-rep=rep-a]")).to_be_visible(timeout=WAIT_MS)
    for rep in ("rep-b", "rep-c"):
        expect(page.locator(f".rep-card[data-rep={rep}]")).to_contain_text("赢率")
    expect(page.locator("#headlines li").first).to_be_visible()
    expect(page.frame_locator("#heatmap iframe").locator("td[data-used]:not([data-used='0'])").first).to_be_visible()
    expect(page.locator("#recent a").first).to_be_visible()
    page.screenshot(path=str(shots / "coach.png"), full_page=True)
    page.click("#lang-toggle")
    expect(page.locator("h1 .en")).to_have_text("Team behavior DNA")
    expect(page.locator("h1 .zh")).to_be_hidden()
    page.screenshot(path=str(shots / "coach-en.png"), full_page=True)
    with page.context.expect_page() as opened:
        page.click("#open-report")
    report = opened.value
    expect(report.locator("h1")).to_contain_text("销售行为DNA", timeout=WAIT_MS)
    assert report.url.startswith("blob:")
    report.screenshot(path=str(shots / "report.png"))
    assert not browsing.problems


# --- approvals and the audit log -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def held(acme) -> list[dict]:
    """A deal whose discount is over the rep's authority: its contract waits for a manager (agent/data/rules.yaml)."""
    conversation_id = _store(acme, CALL_ZH)
    with acme.client("coach") as client:
        response = client.post("/v1/agent/runs", json={"conversation_id": conversation_id, "deal": DEAL})
    assert response.status_code == 200, response.text
    pending = [a for a in response.json()["actions"] if a["status"] == "pending_approval"]
    assert len(pending) >= 2, response.json()
    return pending


def test_a_rep_sees_held_actions_but_cannot_approve(signed_in, acme, held):
    browsing = signed_in(acme.key("rep", "rep-zhao"), "/app/approvals")
    row = browsing.page.locator(f"tr[data-id='{held[0]['id']}']")
    row.locator("button.approve").click()
    expect(row.locator(".row-error")).to_contain_text("需要教练或管理员密钥")
    expect(row.locator("[data-status]")).to_have_attribute("data-status", "pending_approval")
    assert not browsing.unexpected("status of 403")


def test_approve_and_reject_held_actions_then_audit_verifies(signed_in, acme, held, shots):
    browsing = signed_in(acme.key("coach", "coach-wang"), "/app/approvals")
    page = browsing.page
    approved, rejected = (page.locator(f"tr[data-id='{action['id']}']") for action in held[:2])
    expect(approved.locator("[data-status]")).to_have_attribute("data-status", "pending_approval")
    page.screenshot(path=str(shots / "approvals.png"), full_page=True)
    approved.locator("input.reason").fill("折扣在经理权限内 / within the manager's authority")
    approved.locator("button.approve").click()
    expect(approved.locator("[data-status]")).to_have_attribute("data-status", "executed")
    expect(approved).to_contain_text("coach-wang")
    rejected.locator("button.reject").click()
    expect(rejected.locator("[data-status]")).to_have_attribute("data-status", "rejected")
    page.screenshot(path=str(shots / "approvals-decided.png"), full_page=True)

    page.click("nav a[href='/app/audit']")
    expect(page.locator("#verified")).to_be_visible()
    expect(page.locator("tr[data-kind=approval]")).to_contain_text("coach-wang")
    expect(page.locator("tr[data-kind=rejection]")).to_have_count(1)
    page.screenshot(path=str(shots / "audit.png"), full_page=True)
    assert not browsing.problems


def test_the_audit_log_is_closed_to_reps(signed_in, acme, held):
    browsing = signed_in(acme.key("rep", "rep-zhao"), "/app/audit")
    expect(browsing.page.locator("#verify .error")).to_contain_text("需要教练或管理员密钥")
    assert not browsing.unexpected("status of 403")
