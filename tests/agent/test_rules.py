"""Rules: the bundled examples fire on the deals they describe and not on others; bad files fail with lines."""

from __future__ import annotations

import pytest
from agent_support import make_deal

from agent.rules import RulesError, evaluate, facts, load_rules, parse_rules

RULES = {rule.id: rule for rule in load_rules().rules}


def fires(rule_id: str, deal, conversation=None, features=None) -> bool:
    result = evaluate(RULES[rule_id], facts(deal, conversation, features))
    assert result.error is None, result.error
    return result.fired


def test_fast_track_known_answers():
    big = {"customer": {"credit_limit": 5_000_000}, "amount": 800_001, "delivery_days": 14}
    assert fires("fast-track-large-order", make_deal(**big))
    assert not fires("fast-track-large-order", make_deal(**{**big, "amount": 800_000}))  # > not >=
    assert not fires("fast-track-large-order", make_deal(**{**big, "delivery_days": 15}))
    assert not fires("fast-track-large-order", make_deal(**{**big, "customer": {"credit_limit": 4_999_999}}))


def test_price_authority_known_answers():
    assert fires("price-authority", make_deal(discount_pct=13.5, rep={"max_discount_pct": 10}))
    assert not fires("price-authority", make_deal(discount_pct=13, rep={"max_discount_pct": 10}))
    assert fires("discount-over-authority", make_deal(discount_pct=13, rep={"max_discount_pct": 10}))
    assert not fires("discount-over-authority", make_deal(discount_pct=10, rep={"max_discount_pct": 10}))


def test_conversation_and_feature_rules():
    deal = make_deal(amount=600_000)
    assert fires("price-objection-followup", deal, {"objection_types": ["price"]}, {"next_step_set": False})
    assert not fires("price-objection-followup", deal, {"objection_types": ["price"]}, {"next_step_set": True})
    assert not fires("price-objection-followup", deal, {"objection_types": ["timing"]}, {"next_step_set": False})
    assert fires("competitor-on-large-deal", deal, {"objection_types": ["competitor"]})
    assert not fires("competitor-on-large-deal", make_deal(amount=499_999), {"objection_types": ["competitor"]})
    assert fires("next-step-agreed", deal, None, {"next_step_set": True})
    assert not fires("next-step-agreed", deal)  # no conversation analysed: the feature is unknown, not true


def test_runtime_error_means_not_fired():
    ruleset = parse_rules("- id: r\n  when: features.talk_ratio > 0.5\n  then: [notify_manager]\n")
    result = evaluate(ruleset.rules[0], facts(make_deal()))  # talk_ratio unknown (None) > 0.5 -> TypeError
    assert not result.fired and "TypeError" in result.error


def _problems(text: str) -> list[str]:
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "r.yaml")
    return caught.value.problems


def test_check_errors_have_line_numbers():
    problems = _problems(
        "- id: ok\n"                                   # 1
        "  when: deal.amount > 1\n"                    # 2
        "  then: [notify_manager]\n"                   # 3
        "- id: typo-field\n"                           # 4
        "  when: deal.amout > 5\n"                     # 5
        "  then: [notify_manager]\n"                   # 6
        "- id: typo-tool\n"                            # 7
        "  when: deal.amount > 5\n"                    # 8
        "  then: [notify_manager, generate_contrat]\n"  # 9
        "- id: typo-key\n"                             # 10
        "  when: deal.amount > 5\n"                    # 11
        "  then: [notify_manager]\n"                   # 12
        "  aproval: manager\n"                         # 13
        "- id: bad-syntax\n"                           # 14
        "  when: deal.amount >\n"                      # 15
        "  then: [notify_manager]\n"                   # 16
        "- id: sneaky\n"                               # 17
        "  when: \"__import__('os').system('id')\"\n"  # 18
        "  then: [notify_manager]\n"                   # 19
    )
    joined = "\n".join(problems)
    assert "r.yaml:5: rule 'typo-field': unknown field `deal.amout`; did you mean deal.amount?" in problems
    assert "r.yaml:9: rule 'typo-tool': unknown tool 'generate_contrat' (did you mean 'generate_contract'?)" in problems
    assert "r.yaml:13: rule 'typo-key': unknown field 'aproval' (did you mean 'approval'?)" in problems
    assert any(p.startswith("r.yaml:15: rule 'bad-syntax': bad syntax in `when`") for p in problems), joined
    assert any(p.startswith("r.yaml:18: rule 'sneaky':") and "not allowed" in p for p in problems), joined
    assert not any("'ok'" in p for p in problems)


def test_check_yaml_syntax_error_line():
    problems = _problems("- id: a\n  when: deal.amount > 1\n  then: [notify_manager\n- id: b\n")
    assert len(problems) == 1 and problems[0].startswith("r.yaml:4: YAML syntax error"), problems


def test_check_structure_errors():
    assert _problems("")[0] == "r.yaml:1: no rules (the file is empty)"
    assert "a rule file is a list of rules" in _problems("id: a\nwhen: x\n")[0]
    problems = _problems("- id: a\n  when: deal.amount > 1\n  then: [notify_manager]\n- id: a\n  when: deal.amount > 2\n  then: [notify_manager]\n")
    assert problems == ["r.yaml:4: rule id 'a' is used twice (first at line 1)"]
    problems = _problems("- id: a\n  when: deal.amount > 1\n")
    assert problems == ["r.yaml:1: rule 'a': missing required field 'then'"]
    problems = _problems("- id: a\n  when: deal.amount > 1\n  then: [notify_manager]\n  approval: boss\n")
    assert problems[0].startswith("r.yaml:4: rule 'a': approval:")
    problems = _problems("- id: a\n  when: deal.amount > 1\n  then: [notify_manager]\n  args:\n    notify_manager: {severity: huge}\n")
    assert problems[0].startswith("r.yaml:4: rule 'a': args.notify_manager.severity:")


def test_bundled_rules_are_valid_and_include_the_issue_examples():
    assert RULES["fast-track-large-order"].then == ["generate_contract", "reserve_inventory", "request_legal_review", "create_delivery_plan"]
    assert RULES["fast-track-large-order"].approval == "none"
    assert RULES["price-authority"].then == ["block_quote", "notify_manager"]
    assert any(rule.approval == "manager" for rule in RULES.values())
