"""Load the demo into the service's database and print where to look (the last step of `make demo`).

A tenant "Demo 销售团队" with the sample call (as transcribed by the demo), a small labelled cohort of
synthetic calls (so the coach dashboard and the DNA report have won and lost deals to compare), the
sample playbook in the tenant's own collection, and an agent run on a deal that needs a manager's approval.
Keys are printed once (they are stored hashed), and kept in .dealwise/demo_keys.json for convenience.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rich.progress import track

REPO = Path(__file__).resolve().parents[1]
COHORT = 60  # enough won and lost calls for the report's statistics, quick to analyse


def main() -> None:
    from agent import load_deal, load_rules, run as run_agent
    from behavior.synth import synthesize
    from conversation import Conversation
    from service import crud
    from service.config import get_settings
    from service.runtime import Runtime

    settings = get_settings()
    runtime = Runtime(settings)
    transcribed = settings.data_dir / "sample_call_zh.json"
    sample = transcribed if transcribed.exists() else REPO / "examples" / "sample_call_zh.json"
    conversations = [Conversation.model_validate_json(sample.read_text(encoding="utf-8"))]
    conversations += synthesize(COHORT, seed=7, minutes=6.0)

    with runtime.session() as session:
        tenant, admin_key = crud.create_tenant(session, "Demo 销售团队")
        keys = {"admin": admin_key, "coach": crud.create_key(session, tenant.id, "coach"), "rep": crud.create_key(session, tenant.id, "rep", rep_id="rep01")}
    ids = []
    for conversation in track(conversations, description="analysing the demo calls", transient=True):
        analysis = runtime.analyze(conversation)
        with runtime.session() as session:
            record = crud.add_conversation(session, tenant.id, analysis.pop("conversation"), analysis)
            runtime.note_outcome(record, session)
            ids.append(record.id)
    runtime.knowledge_base(tenant.id).ingest([REPO / "examples" / "kb"])
    deal = load_deal(REPO / "examples" / "deals" / "needs_approval.json")
    run_agent(conversations[0], deal, load_rules(settings.rules), runtime.engine, tagger=runtime.tagger, tenant=tenant.id)

    (settings.data_dir / "demo_keys.json").write_text(json.dumps({"tenant_id": tenant.id, **keys}, indent=2), encoding="utf-8")
    base = "http://127.0.0.1:8000"
    print(f"\nDemo tenant {tenant.id}: {len(ids)} conversations, the sample playbook, one action awaiting approval.")
    print(f"Keys (also in {settings.data_dir / 'demo_keys.json'}):")
    for role, key in keys.items():
        print(f"  {role:5} {key}")
    print("\nStart the service with `make serve`, then open (log in with a key above):")
    for page in ("/app/live", "/app/coach", "/app/approvals", "/app/audit", f"/app/conversations/{ids[0]}"):
        print(f"  {base}{page}")
    print(f"  {base}/docs  (the API)")


if __name__ == "__main__":
    sys.exit(main())
