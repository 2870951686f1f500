"""The AI sales agent: rules -> gated tool calls -> connectors, every step in a hash-chained audit log.

    from agent import load_deal, load_rules, run, verify
    result = run(conversation, load_deal("deal.json"), load_rules(), engine)   # -> AgentRun
    verify(engine).ok                                                          # the audit chain is intact

`mask_pii` / `mask_structure` mask Chinese mobiles, GB 11643 ID numbers, Luhn-valid cards and emails
before anything is stored or sent to an LLM. Nothing heavy loads at import.
"""

from agent.actions import Action, ActionError, ActionRecord, approve, idempotency_key, list_actions, record_manual, reject, retry
from agent.audit import AuditEntry, AuditReport, Verification, entries, report, verify
from agent.connectors import CONNECTORS, ConnectorConfig, ConnectorConfigError, ConnectorError, Connectors, load_connectors
from agent.deal import Deal, DealError, load_deal, parse_deal
from agent.pii import mask_pii, mask_structure
from agent.rules import DEFAULT_RULES, Rule, RuleSet, RulesError, load_rules, parse_rules
from agent.run import AgentRun, Proposal, run
from agent.tools import TOOLS, Tool, langchain_tools

__all__ = [
    "CONNECTORS",
    "DEFAULT_RULES",
    "TOOLS",
    "Action",
    "ActionError",
    "ActionRecord",
    "AgentRun",
    "AuditEntry",
    "AuditReport",
    "ConnectorConfig",
    "ConnectorConfigError",
    "ConnectorError",
    "Connectors",
    "Deal",
    "DealError",
    "Proposal",
    "Rule",
    "RuleSet",
    "RulesError",
    "Tool",
    "Verification",
    "approve",
    "entries",
    "idempotency_key",
    "langchain_tools",
    "list_actions",
    "load_connectors",
    "load_deal",
    "load_rules",
    "mask_pii",
    "mask_structure",
    "parse_deal",
    "parse_rules",
    "record_manual",
    "reject",
    "report",
    "retry",
    "run",
    "verify",
]
