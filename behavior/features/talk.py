"""Talk dynamics: who talks how much, for how long at a stretch, and how turns hand over."""

from __future__ import annotations

from behavior.features.registry import feature
from behavior.features.view import ConversationView, ratio

G = "talk"


@feature("conversation_duration_s", group=G, unit="s", en="Seconds from the first segment's start to the last segment's end.", zh="对话总时长（首段开始到末段结束）。")
def conversation_duration_s(v: ConversationView) -> float:
    return v.duration


@feature("rep_talk_s", group=G, unit="s", en="Sum of the durations of the rep's segments.", zh="销售发言时长之和。")
def rep_talk_s(v: ConversationView) -> float:
    return v.talk_s("rep")


@feature("customer_talk_s", group=G, unit="s", en="Sum of the durations of the customer's segments.", zh="客户发言时长之和。")
def customer_talk_s(v: ConversationView) -> float:
    return v.talk_s("customer")


@feature("talk_ratio", group=G, unit="ratio", en="rep_talk_s / (rep_talk_s + customer_talk_s); null when neither talks (chats).", zh="销售发言占比：销售时长 /（销售 + 客户时长）。")
def talk_ratio(v: ConversationView) -> float | None:
    return ratio(v.talk_s("rep"), v.talk_s("rep") + v.talk_s("customer"))


def _window_talk_ratio(v: ConversationView, utterances) -> float | None:
    rep = sum(u.duration for u in utterances if u.role == "rep")
    return ratio(rep, rep + sum(u.duration for u in utterances if u.role == "customer"))


@feature("talk_ratio_first_5min", group=G, unit="ratio", en="Talk ratio over segments starting in the first 5 minutes (discovery should let the customer talk).", zh="前5分钟的销售发言占比。")
def talk_ratio_first_5min(v: ConversationView) -> float | None:
    return _window_talk_ratio(v, v.window(first_s=300))


@feature("talk_ratio_last_5min", group=G, unit="ratio", en="Talk ratio over segments starting in the last 5 minutes.", zh="最后5分钟的销售发言占比。")
def talk_ratio_last_5min(v: ConversationView) -> float | None:
    return _window_talk_ratio(v, v.window(last_s=300))


@feature("longest_monologue_s", group=G, unit="s", en="Longest run of consecutive rep segments, from the run's first start to its last end.", zh="销售最长独白：连续销售发言段从首段开始到末段结束的最长时长。")
def longest_monologue_s(v: ConversationView) -> float:
    return max((turn.duration for turn in v.turns_of("rep")), default=0.0)


@feature("monologues_over_60s", group=G, unit="count", en="Rep turns (runs of consecutive rep segments) longer than 60 s.", zh="超过60秒的销售独白次数。")
def monologues_over_60s(v: ConversationView) -> int:
    return sum(turn.duration > 60 for turn in v.turns_of("rep"))


@feature("longest_customer_story_s", group=G, unit="s", en="Longest run of consecutive customer segments, first start to last end.", zh="客户最长连续发言时长。")
def longest_customer_story_s(v: ConversationView) -> float:
    return max((turn.duration for turn in v.turns_of("customer")), default=0.0)


@feature("rep_turn_count", group=G, unit="count", en="Rep turns: runs of consecutive rep segments.", zh="销售发言轮次数（连续发言合并为一轮）。")
def rep_turn_count(v: ConversationView) -> int:
    return len(v.turns_of("rep"))


@feature("customer_turn_count", group=G, unit="count", en="Customer turns: runs of consecutive customer segments.", zh="客户发言轮次数。")
def customer_turn_count(v: ConversationView) -> int:
    return len(v.turns_of("customer"))


@feature("rep_mean_turn_s", group=G, unit="s", en="Mean duration of a rep turn.", zh="销售平均每轮发言时长。")
def rep_mean_turn_s(v: ConversationView) -> float | None:
    turns = v.turns_of("rep")
    return ratio(sum(t.duration for t in turns), len(turns))


@feature("customer_mean_turn_s", group=G, unit="s", en="Mean duration of a customer turn.", zh="客户平均每轮发言时长。")
def customer_mean_turn_s(v: ConversationView) -> float | None:
    turns = v.turns_of("customer")
    return ratio(sum(t.duration for t in turns), len(turns))


@feature("interruption_count", group=G, unit="count", en="Customer->rep turn changes where the rep segment starts before the customer one ends.", zh="销售打断次数：客户→销售换轮时销售在客户说完前开口。")
def interruption_count(v: ConversationView) -> int:
    return sum(a.role == "customer" and b.start < a.end for a, b in v.handoffs)


@feature("customer_interruption_count", group=G, unit="count", en="Rep->customer turn changes where the customer starts before the rep's segment ends.", zh="客户打断销售的次数。")
def customer_interruption_count(v: ConversationView) -> int:
    return sum(a.role == "rep" and b.start < a.end for a, b in v.handoffs)


@feature("patience_s", group=G, unit="s", en="Mean gap from the end of a customer segment to the start of the following rep segment, over non-overlapping customer->rep turn changes.", zh="耐心：客户说完到销售开口的平均间隔（不含重叠换轮）。")
def patience_s(v: ConversationView) -> float | None:
    gaps = [b.start - a.end for a, b in v.handoffs if a.role == "customer" and b.start >= a.end]
    return ratio(sum(gaps), len(gaps))


@feature("customer_response_latency_s", group=G, unit="s", en="Mean gap from the end of a rep segment to the customer's reply, over non-overlapping rep->customer changes.", zh="客户响应延迟：销售说完到客户回应的平均间隔。")
def customer_response_latency_s(v: ConversationView) -> float | None:
    gaps = [b.start - a.end for a, b in v.handoffs if a.role == "rep" and b.start >= a.end]
    return ratio(sum(gaps), len(gaps))


@feature("speaker_switches_per_min", group=G, unit="1/min", en="Speaker changes between consecutive segments per conversation minute (first start to last end).", zh="每分钟发言人切换次数。")
def speaker_switches_per_min(v: ConversationView) -> float | None:
    segments = v.conversation.segments
    switches = sum(a.speaker != b.speaker for a, b in zip(segments, segments[1:]))
    return ratio(switches, v.minutes)


@feature("overlap_s", group=G, unit="s", en="Seconds during which a segment overlaps the previous speaker's segment (cross-talk).", zh="双方同时说话的总时长。")
def overlap_s(v: ConversationView) -> float:
    return sum(max(0.0, min(a.end, b.end) - b.start) for a, b in v.handoffs)


@feature("silence_share", group=G, unit="ratio", en="Share of the conversation time during which nobody speaks.", zh="静默占比：无人说话的时间占对话时长的比例。")
def silence_share(v: ConversationView) -> float | None:
    return ratio(sum(_silences(v)), v.duration) if not v.is_chat else None


@feature("longest_silence_s", group=G, unit="s", en="Longest stretch during which nobody speaks.", zh="最长静默时长。")
def longest_silence_s(v: ConversationView) -> float | None:
    return max(_silences(v), default=0.0) if not v.is_chat else None


def _silences(v: ConversationView) -> list[float]:
    gaps, covered_until = [], v.start
    for u in v.utterances:
        if u.start > covered_until:
            gaps.append(u.start - covered_until)
        covered_until = max(covered_until, u.end)
    return gaps
