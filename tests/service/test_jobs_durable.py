"""Durable jobs: kill -9 the server mid-transcription, start it again, the job completes, stored once."""

from __future__ import annotations

import time

import httpx
from api_server import REPO, Server

SAMPLE_CALL = REPO / "examples" / "sample_call_zh.flac"


def _job(client: httpx.Client, job_id: str) -> dict:
    return client.get(f"/v1/jobs/{job_id}").json()


def test_job_survives_a_killed_server(tmp_path):
    server = Server(tmp_path, job_lease_s="3").start()
    tenant = server.tenant("Acme")
    try:
        with tenant.client() as client:
            accepted = client.post(
                "/v1/conversations", files={"file": ("call.flac", SAMPLE_CALL.read_bytes(), "audio/flac")},
                data={"stereo": "rep-left", "language": "zh"},
            ).json()
            deadline = time.monotonic() + 60
            while _job(client, accepted["id"])["status"] != "running":
                assert time.monotonic() < deadline, "the job never started"
                time.sleep(0.1)
        server.kill()
        server.start()
        with tenant.client() as client:
            deadline = time.monotonic() + 600
            while (job := _job(client, accepted["id"]))["status"] not in ("done", "failed"):
                assert time.monotonic() < deadline, job
                time.sleep(0.5)
            assert job["status"] == "done" and job["attempts"] == 2, job
            items = client.get("/v1/conversations").json()["items"]
            assert [item["id"] for item in items] == [job["conversation_id"]]
            stored = client.get(f"/v1/conversations/{job['conversation_id']}").json()
            assert stored["features"]["rep_talk_s"] > 0 and stored["conversation"]["channel"] == "call"
    finally:
        server.stop()
