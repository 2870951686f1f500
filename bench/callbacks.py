"""Platform callback handling latency (p50/p95/max), excluding the push: what WeCom and DingTalk wait for.

A real `dealwise serve` (SQLite in a temporary data dir) with the platform stand-in (tests/integrations/
platform_standin.py, not the platforms) as the push target; a tenant configured with the CLI and given the
bundled playbook, so every customer message also sets off tagging, retrieval and a push on the server's push
worker: work the figure excludes from the answer, not from the machine. Callbacks are sent one at a time,
signed and encrypted as the platforms send them, alternating WeCom application messages and DingTalk events
over 10 chats; a callback's time runs from sending the request to the end of the answer, on loopback.
Warm-up (not timed): callbacks until the first push has arrived, so the models are loaded.

    .venv/bin/python bench/callbacks.py            # --n 400, --threads 2, --json FILE
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "tests" / "service"), str(REPO / "tests" / "integrations")]
from api_server import Server  # noqa: E402 - the test suite's server and platform helpers
from common import code_version, pin  # noqa: E402
from platform_sender import (  # noqa: E402
    DINGTALK_AES_KEY,
    DINGTALK_TOKEN,
    WECOM_AES_KEY,
    WECOM_TOKEN,
    dingtalk_post,
    robot_message,
    wecom_post,
    wecom_text,
)
from platform_standin import APP_KEY, APP_SECRET, CORP_ID, CORP_SECRET, ROBOT_SECRET, ROBOT_TOKEN, PlatformStandIn  # noqa: E402

COMMAND = ".venv/bin/python bench/callbacks.py"
TARGET_P95_MS = 50.0
CHATS = 10
SAID = ["你们这个价格太贵了", "我们再考虑一下", "预算今年已经用完了", "别家便宜三成", "老板还没批", "先发个资料看看"]


def request(tenant_id: str, n: int) -> tuple[str, dict[str, str], bytes]:
    chat, text = n % CHATS, f"{SAID[n % len(SAID)]}（第{n}条）"
    if n % 2 == 0:
        params, body = wecom_post(wecom_text(f"wmBenchCustomer{chat}", text, f"{900000 + n}", CORP_ID), CORP_ID)
        return f"/integrations/wecom/{tenant_id}/callback", params, body
    event = robot_message(text, f"msgBench{n}", f"cidBenchGroup{chat}", sender=f"$:LWCP_v1:$bench{chat}")
    params, body = dingtalk_post(event, APP_KEY)
    return f"/integrations/dingtalk/{tenant_id}/callback", params, body


def configure(server: Server) -> str:
    tenant = server.tenant("bench")
    with tenant.client() as client:
        playbook = REPO / "examples" / "kb" / "objections_zh.md"
        assert client.post("/v1/kb/documents", files={"file": (playbook.name, playbook.read_bytes(), "text/markdown")}).status_code == 201
    for platform, options in (
        ("wecom", ["--corp-id", CORP_ID, "--agent-id", "1000002", "--secret", CORP_SECRET, "--token", WECOM_TOKEN,
                   "--aes-key", WECOM_AES_KEY, "--notify", "rep-bench"]),
        ("dingtalk", ["--app-key", APP_KEY, "--app-secret", APP_SECRET, "--token", DINGTALK_TOKEN, "--aes-key", DINGTALK_AES_KEY,
                      "--robot-webhook", ROBOT_TOKEN, "--robot-secret", ROBOT_SECRET]),
    ):
        done = server.cli("integrations", "set", platform, "--tenant", tenant.id, *options)
        assert done.returncode == 0, done.stderr
    return tenant.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=400, help="timed callbacks")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(args.threads)
    pinning = pin(args.threads)
    print(f"callback handling latency, excluding the push, {args.threads} threads ({pinning})")
    print(f"(code {code_version()}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at start)\n")

    with PlatformStandIn() as standin, tempfile.TemporaryDirectory(prefix="dealwise-bench-callbacks-") as data_dir:
        server = Server(Path(data_dir), None, wecom_base_url=standin.base_url, dingtalk_base_url=standin.base_url)
        server.start()
        try:
            tenant_id = configure(server)
            pushes = lambda: len(standin.calls("/cgi-bin/message/send")) + len(standin.calls("/robot/send"))  # noqa: E731
            with httpx.Client(base_url=server.url, timeout=30) as client:
                n, deadline = 0, time.monotonic() + 300
                while pushes() == 0 and time.monotonic() < deadline:  # warm-up: models loaded, first push out
                    path, params, body = request(tenant_id, n)
                    assert client.post(path, params=params, content=body).status_code == 200
                    n += 1
                    time.sleep(0.2)
                warm, pushed_before = n, pushes()
                latencies = []
                for n in range(warm, warm + args.n):
                    path, params, body = request(tenant_id, n)
                    started = time.perf_counter()
                    response = client.post(path, params=params, content=body)
                    latencies.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, response.text
            time.sleep(2)
            pushed = pushes() - pushed_before
        finally:
            server.stop()

    ms = np.array(latencies)
    figures = {
        "callbacks": len(ms), "p50_ms": round(float(np.percentile(ms, 50)), 1), "p95_ms": round(float(np.percentile(ms, 95)), 1),
        "max_ms": round(float(ms.max()), 1), "pushes_during_run": pushed, "target_p95_ms": TARGET_P95_MS,
    }
    print(f"{len(ms)} callbacks (WeCom and DingTalk alternating, {CHATS} chats), {warm} warm-up callbacks not timed")
    print(f"  p50 {figures['p50_ms']} ms   p95 {figures['p95_ms']} ms   max {figures['max_ms']} ms   "
          f"(target p95 <= {TARGET_P95_MS:g} ms: {'met' if figures['p95_ms'] <= TARGET_P95_MS else 'NOT met'})")
    print(f"  {pushed} prompts pushed to the stand-in meanwhile (coalesced per chat by the push worker)")
    print(f"\nreproduce: {COMMAND}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
