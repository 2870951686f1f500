"""Known answers for every registered feature on two hand-checked calls (zh and en).

Each value below was worked out by hand from the segments in tests/behavior/data/ (the arithmetic
is in the comments where it is not obvious); a feature added to the registry without a known answer
here fails `test_every_feature_has_a_known_answer`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from behavior import FEATURES, ObjectionTagger, analyze
from behavior.features import ConversationView, compute_features
from conversation import load_conversation, parse_conversation

DATA = Path(__file__).parent / "data"

# call_zh: patience = mean(1, 1, 2, 1) = 1.25; talk_ratio = 38 / 57.5; the stall (ends 45 s) is answered by
# a free trial at 47 s; questions at 10/47/59 s fall in 3 of 10 slices; next step 下周三下午两点 + 好的.
EXPECTED_ZH = {
    'conversation_duration_s': 67.0,
    'rep_talk_s': 38.0,
    'customer_talk_s': 19.5,
    'talk_ratio': 0.6609,
    'talk_ratio_first_5min': 0.6609,
    'talk_ratio_last_5min': 0.6609,
    'longest_monologue_s': 14.0,
    'monologues_over_60s': 0,
    'longest_customer_story_s': 10.0,
    'rep_turn_count': 5,
    'customer_turn_count': 5,
    'rep_mean_turn_s': 7.6,
    'customer_mean_turn_s': 3.9,
    'interruption_count': 0,
    'customer_interruption_count': 0,
    'patience_s': 1.25,
    'customer_response_latency_s': 0.9,
    'speaker_switches_per_min': 8.0597,
    'overlap_s': 0.0,
    'silence_share': 0.1418,
    'longest_silence_s': 2.0,
    'rep_question_count': 3,
    'rep_open_question_count': 2,
    'rep_closed_question_count': 1,
    'rep_open_question_share': 0.6667,
    'rep_questions_per_min': 2.6866,
    'rep_questions_first_5min': 3,
    'rep_tag_question_count': 1,
    'rep_stacked_question_count': 1,
    'first_rep_question_latency_s': 10.0,
    'longest_rep_stretch_without_question_s': 37.0,
    'rep_question_spread': 0.3,
    'customer_answer_after_question_s': 4.3333,
    'customer_question_count': 0,
    'customer_question_share': 0.0,
    'first_pain_point_latency_s': 15.0,
    'pain_point_count': 1,
    'pain_talk_s': 10.0,
    'quantified_pain_count': 1,
    'pain_topic_count': 1,
    'pain_before_pitch': True,
    'discovery_before_pitch_s': None,
    'rep_problem_probe_count': 0,
    'rep_impact_question_count': 0,
    'rep_paraphrase_count': 0,
    'pain_share_of_customer_turns': 0.2,
    'rep_pain_follow_up_share': 0.0,
    'objection_count': 1,
    'objection_type_count': 2,
    'price_objection_count': 1,
    'timing_objection_count': 0,
    'stall_objection_count': 1,
    'competitor_objection_count': 0,
    'authority_objection_count': 0,
    'need_objection_count': 0,
    'trust_objection_count': 0,
    'dominant_objection_type': 'price',
    'first_objection_latency_s': 41.0,
    'objection_open_question_share': 0.5,
    'objection_acknowledged_share': 1.0,
    'objection_response_latency_s': 2.0,
    'objection_rebuttal_s': 8.0,
    'repeated_objection_count': 0,
    'objections_in_last_quarter': 0,
    'stall_trial_offer_latency_s': 2.0,
    'stall_trial_offer_within_90s': True,
    'stall_unanswered': False,
    'price_mention_count': 1,
    'first_price_mention_latency_s': 41.0,
    'price_first_raised_by': 'customer',
    'budget_discussed': False,
    'discount_offered': False,
    'rep_value_statement_count': 1,
    'rep_quantified_value_count': 1,
    'value_before_price': True,
    'case_study_count': 1,
    'competitor_mention_count': 0,
    'rep_feature_mention_count': 0,
    'feature_to_value_ratio': 0.0,
    'price_talk_share': 0.0696,
    'next_step_set': True,
    'dated_action_mentions': 1,
    'time_reference_count': 1,
    'rep_commitment_ask_count': 0,
    'recap_at_close': False,
    'decision_process_discussed': False,
    'timeline_discussed': False,
    'material_promised': False,
    'customer_agreement_in_close': 2,
    'last_speaker_role': 'customer',
    'next_step_lead_s': 8.0,
    'conversation_language': 'zh',
    'rep_speech_rate': 168.9474,
    'customer_speech_rate': 123.0769,
    'speech_rate_gap': 45.8704,
    'rep_filler_rate': 0.0,
    'customer_filler_rate': 0.0,
    'rep_units_per_segment': 21.4,
    'rep_vocabulary_richness': 0.803,
    'rep_hedge_rate': 0.0,
    'rep_certainty_rate': 0.0,
    'rep_customer_focus': 0.625,
    'rep_politeness_rate': 9.4737,
    'rep_negative_phrasing_count': 0,
    'rep_number_use_count': 1,
    'rep_introduced_company': True,
    'customer_units': 40,
    'customer_share_trend': -0.0091,
    'customer_buying_signal_count': 0,
    'customer_agreement_count': 2,
    'customer_backchannel_count': 1,
    'customer_short_reply_share': 0.4,
    'customer_positive_share': 0.0,
    'customer_negative_share': 0.2,
    'customer_future_talk_count': 0,
    'customer_long_turn_count': 0,
    'customer_share_last_third': 0.1765,
    'rep_empathy_count': 2,
    'customer_name_used': True,
    'customer_engaged_minutes_share': 0.5,
}


# call_en: monologue 45-120 s; interruptions at 33 s (rep) and 134 s (customer); price first raised by the
# customer at 121 s ("what does that cost you" is an impact question); stall at 161-166 s never answered
# with a trial; Tuesday-at-10 call proposed but only "Maybe" back, so no next step.
EXPECTED_EN = {
    'conversation_duration_s': 193.0,
    'rep_talk_s': 122.0,
    'customer_talk_s': 58.0,
    'talk_ratio': 0.6778,
    'talk_ratio_first_5min': 0.6778,
    'talk_ratio_last_5min': 0.6778,
    'longest_monologue_s': 75.0,
    'monologues_over_60s': 1,
    'longest_customer_story_s': 17.5,
    'rep_turn_count': 9,
    'customer_turn_count': 9,
    'rep_mean_turn_s': 13.5556,
    'customer_mean_turn_s': 6.4444,
    'interruption_count': 1,
    'customer_interruption_count': 1,
    'patience_s': 1.2857,
    'customer_response_latency_s': 0.75,
    'speaker_switches_per_min': 5.285,
    'overlap_s': 2.0,
    'silence_share': 0.0777,
    'longest_silence_s': 4.0,
    'rep_question_count': 4,
    'rep_open_question_count': 3,
    'rep_closed_question_count': 1,
    'rep_open_question_share': 0.75,
    'rep_questions_per_min': 1.2435,
    'rep_questions_first_5min': 4,
    'rep_tag_question_count': 1,
    'rep_stacked_question_count': 0,
    'first_rep_question_latency_s': 11.5,
    'longest_rep_stretch_without_question_s': 108.0,
    'rep_question_spread': 0.4,
    'customer_answer_after_question_s': 9.0,
    'customer_question_count': 1,
    'customer_question_share': 0.2,
    'first_pain_point_latency_s': 16.5,
    'pain_point_count': 1,
    'pain_talk_s': 17.5,
    'quantified_pain_count': 1,
    'pain_topic_count': 2,
    'pain_before_pitch': True,
    'discovery_before_pitch_s': 45.0,
    'rep_problem_probe_count': 1,
    'rep_impact_question_count': 1,
    'rep_paraphrase_count': 1,
    'pain_share_of_customer_turns': 0.1111,
    'rep_pain_follow_up_share': 1.0,
    'objection_count': 4,
    'objection_type_count': 4,
    'price_objection_count': 2,
    'timing_objection_count': 0,
    'stall_objection_count': 1,
    'competitor_objection_count': 1,
    'authority_objection_count': 1,
    'need_objection_count': 0,
    'trust_objection_count': 0,
    'dominant_objection_type': 'price',
    'first_objection_latency_s': 134.0,
    'objection_open_question_share': 0.5,
    'objection_acknowledged_share': 0.5,
    'objection_response_latency_s': 1.75,
    'objection_rebuttal_s': 5.75,
    'repeated_objection_count': 1,
    'objections_in_last_quarter': 3,
    'stall_trial_offer_latency_s': None,
    'stall_trial_offer_within_90s': False,
    'stall_unanswered': True,
    'price_mention_count': 4,
    'first_price_mention_latency_s': 121.0,
    'price_first_raised_by': 'customer',
    'budget_discussed': False,
    'discount_offered': True,
    'rep_value_statement_count': 3,
    'rep_quantified_value_count': 1,
    'value_before_price': True,
    'case_study_count': 1,
    'competitor_mention_count': 1,
    'rep_feature_mention_count': 2,
    'feature_to_value_ratio': 0.6667,
    'price_talk_share': 0.1417,
    'next_step_set': False,
    'dated_action_mentions': 1,
    'time_reference_count': 1,
    'rep_commitment_ask_count': 0,
    'recap_at_close': True,
    'decision_process_discussed': True,
    'timeline_discussed': False,
    'material_promised': True,
    'customer_agreement_in_close': 0,
    'last_speaker_role': 'customer',
    'next_step_lead_s': None,
    'conversation_language': 'en',
    'rep_speech_rate': 62.9508,
    'customer_speech_rate': 67.2414,
    'speech_rate_gap': -4.2906,
    'rep_filler_rate': 0.0,
    'customer_filler_rate': 1.5385,
    'rep_units_per_segment': 12.8,
    'rep_vocabulary_richness': 0.7344,
    'rep_hedge_rate': 0.7812,
    'rep_certainty_rate': 0.7812,
    'rep_customer_focus': 0.5,
    'rep_politeness_rate': 0.4918,
    'rep_negative_phrasing_count': 0,
    'rep_number_use_count': 3,
    'rep_introduced_company': True,
    'customer_units': 65,
    'customer_share_trend': 0.2589,
    'customer_buying_signal_count': 0,
    'customer_agreement_count': 1,
    'customer_backchannel_count': 0,
    'customer_short_reply_share': 0.1111,
    'customer_positive_share': 0.0,
    'customer_negative_share': 0.2222,
    'customer_future_talk_count': 0,
    'customer_long_turn_count': 0,
    'customer_share_last_third': 0.5258,
    'rep_empathy_count': 2,
    'customer_name_used': True,
    'customer_engaged_minutes_share': 0.75,
}


@pytest.fixture(scope="module")
def lexicon_tagger() -> ObjectionTagger:
    return ObjectionTagger("lexicon")


def _features(name: str, tagger: ObjectionTagger) -> dict:
    return analyze(load_conversation(DATA / f"call_{name}.json"), tagger).features


@pytest.mark.parametrize(("name", "expected"), [("zh", EXPECTED_ZH), ("en", EXPECTED_EN)])
def test_known_answers(name, expected, lexicon_tagger):
    features = _features(name, lexicon_tagger)
    wrong = {key: (features[key], value) for key, value in expected.items() if features[key] != pytest.approx(value, abs=1e-3)}
    assert not wrong, f"feature: (computed, expected) {wrong}"


def test_every_feature_has_a_known_answer():
    assert len(FEATURES) >= 100
    assert set(FEATURES) == set(EXPECTED_ZH) == set(EXPECTED_EN)


def test_every_feature_is_documented_in_both_languages():
    for feature in FEATURES.values():
        assert feature.en.strip() and feature.zh.strip(), feature.key
        assert feature.kind in ("number", "bool", "category")
    assert len({f.en for f in FEATURES.values()}) == len(FEATURES), "two features share a definition"


def _chat() -> dict:
    return {
        "language": "zh", "channel": "chat",
        "participants": [{"speaker": "rep", "role": "rep"}, {"speaker": "c", "role": "customer"}],
        "segments": [
            {"speaker": "rep", "start": 0, "end": 0, "text": "您好，我是云帆的小李，您现在怎么做客户跟进？"},
            {"speaker": "c", "start": 120, "end": 120, "text": "我们再考虑一下吧"},
            {"speaker": "rep", "start": 150, "end": 150, "text": "理解，要不先小范围跑一下试点？"},
        ],
    }


def test_chat_has_no_talk_time_but_keeps_turn_features(lexicon_tagger):
    features = analyze(parse_conversation(_chat()), lexicon_tagger).features
    assert features["talk_ratio"] is None and features["silence_share"] is None and features["longest_silence_s"] is None
    assert features["rep_open_question_count"] == 1
    assert features["stall_trial_offer_latency_s"] == 30.0 and features["stall_trial_offer_within_90s"] is True
    assert features["patience_s"] == 30.0  # for chats: seconds until the rep replies


def test_stall_answered_late_is_not_within_90s(lexicon_tagger):
    chat = _chat()
    chat["segments"][2]["start"] = chat["segments"][2]["end"] = 215.0
    features = analyze(parse_conversation(chat), lexicon_tagger).features
    assert features["stall_trial_offer_latency_s"] == 95.0 and features["stall_trial_offer_within_90s"] is False
    assert [h.key for h in analyze(parse_conversation(chat), lexicon_tagger).hints].count("stall_without_trial") == 1


def test_objection_tags_drive_objection_features():
    conversation = load_conversation(DATA / "call_zh.json")
    untagged = compute_features(ConversationView(conversation))
    assert untagged["objection_count"] == 0 and untagged["stall_trial_offer_latency_s"] is None
    assert untagged["first_pain_point_latency_s"] == 15.0
