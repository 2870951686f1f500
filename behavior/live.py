"""Hints while the call is still going: the same coaching rules as `hints.py`, kept incrementally.

`hints.py` judges a finished conversation from its features; a rep on a live call needs the moment a
rule starts to apply: the talk ratio drifting high, a monologue passing 60 s, a stall not yet answered
with a minimal trial path, and the seconds left of the 90 s in which a trial offer wins most deals.
`LiveCoach.observe` takes one finished segment at a time (O(1) per segment) and returns the hints that
became true with it; each fires once and re-arms only when its condition has cleared.
"""

from __future__ import annotations

from pydantic import Field

from behavior.hints import Hint
from behavior.text import has_cue

MONOLOGUE_WARN_S = 60.0
TALK_RATIO_HIGH, TALK_RATIO_CLEAR = 0.65, 0.60
TALK_RATIO_MIN_TALK_S = 60.0  # a ratio over the first few sentences means nothing
STALL_WINDOW_S = 90.0


class LiveHint(Hint):
    at_s: float = Field(description="Conversation time the hint refers to (seconds).")
    remaining_s: float | None = Field(default=None, description="For the stall countdown: seconds left of the 90 s window.")


class LiveCoach:
    def __init__(self) -> None:
        self.talk_s = {"rep": 0.0, "customer": 0.0}
        self._run_start: float | None = None  # start of the rep's current run of segments
        self._monologue_warned = False
        self._ratio_warned = False
        self._stall_at: float | None = None  # end of the customer's unanswered stall
        self._stall_expired = False

    @property
    def talk_ratio(self) -> float | None:
        total = self.talk_s["rep"] + self.talk_s["customer"]
        return self.talk_s["rep"] / total if total else None

    def observe(self, role: str, start: float, end: float, text: str, labels: frozenset[str] | set[str] = frozenset()) -> list[LiveHint]:
        hints: list[LiveHint] = []
        if role in self.talk_s:
            self.talk_s[role] += max(0.0, end - start)
        hints += self._stall(role, end, text, labels)
        hints += self._monologue(role, start, end)
        hints += self._ratio(end)
        return hints

    def tick(self, now_s: float) -> list[LiveHint]:
        """Called as time passes without a segment (live audio): expires the stall window on time."""
        return self._expire_stall(now_s)

    def _monologue(self, role: str, start: float, end: float) -> list[LiveHint]:
        if role != "rep":
            self._run_start, self._monologue_warned = None, False
            return []
        if self._run_start is None:
            self._run_start = start
        seconds = end - self._run_start
        if seconds <= MONOLOGUE_WARN_S or self._monologue_warned:
            return []
        self._monologue_warned = True
        return [LiveHint(
            key="monologue_over_60s", severity="warning", at_s=end,
            en=f"You have been talking for {seconds:.0f} s: ask the customer a question.",
            zh=f"您已连续讲了 {seconds:.0f} 秒：停下来问客户一个问题。",
        )]

    def _ratio(self, now: float) -> list[LiveHint]:
        ratio = self.talk_ratio
        if ratio is None or self.talk_s["rep"] + self.talk_s["customer"] < TALK_RATIO_MIN_TALK_S:
            return []
        if self._ratio_warned and ratio < TALK_RATIO_CLEAR:
            self._ratio_warned = False
        if self._ratio_warned or ratio <= TALK_RATIO_HIGH:
            return []
        self._ratio_warned = True
        return [LiveHint(
            key="talk_ratio_high", severity="warning", at_s=now,
            en=f"You are talking {ratio:.0%} of the time: let the customer talk (aim below 60%).",
            zh=f"您的发言占比 {ratio:.0%}：多让客户说（建议低于60%）。",
        )]

    def _stall(self, role: str, end: float, text: str, labels) -> list[LiveHint]:
        hints = self._expire_stall(end)
        if role == "customer" and "stall" in labels and self._stall_at is None:
            self._stall_at, self._stall_expired = end, False
            hints.append(LiveHint(
                key="stall_countdown", severity="warning", at_s=end, remaining_s=STALL_WINDOW_S,
                en="The customer is stalling: offer a minimal trial path (free trial, small pilot) within 90 s.",
                zh="客户在拖延：请在90秒内提出最小验证路径（免费试用、小范围试点）。",
            ))
        elif role == "rep" and self._stall_at is not None and has_cue(text, "trial_offer"):
            latency = end - self._stall_at
            in_time = not self._stall_expired
            self._stall_at = None
            hints.append(LiveHint(
                key="stall_answered", severity="info", at_s=end,
                en=f"Trial path offered {latency:.0f} s after the stall{'' if in_time else ' (after the 90 s window)'}.",
                zh=f"已在客户拖延后 {latency:.0f} 秒提出试用路径{'' if in_time else '（已超过90秒）'}。",
            ))
        elif self._stall_at is not None and not self._stall_expired:
            remaining = STALL_WINDOW_S - (end - self._stall_at)
            hints.append(LiveHint(
                key="stall_countdown", severity="warning", at_s=end, remaining_s=round(remaining, 1),
                en=f"{remaining:.0f} s left to offer a minimal trial path.",
                zh=f"还剩 {remaining:.0f} 秒提出最小验证路径。",
            ))
        return hints

    def _expire_stall(self, now: float) -> list[LiveHint]:
        if self._stall_at is None or self._stall_expired or now - self._stall_at <= STALL_WINDOW_S:
            return []
        self._stall_expired = True
        return [LiveHint(
            key="stall_unanswered", severity="warning", at_s=now, remaining_s=0.0,
            en="90 s passed since the stall without a minimal trial path: propose a small, low-risk first step now.",
            zh="客户拖延已超过90秒仍未提出最小验证路径：现在就提出一个低风险的第一步。",
        )]
