"""The objection taxonomy shared by every detector, the features and the reports."""

from __future__ import annotations

LABELS: tuple[str, ...] = ("price", "timing", "stall", "competitor", "authority", "need", "trust")

DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "price": ("cost too high, over budget, asks for a discount", "价格太高、超预算、要求折扣"),
    "timing": ("not now: a bad time, after some date or event", "时机不对：现在不是时候、等到某个时间以后"),
    "stall": ("a non-committal delay without a concrete reason (let me think about it)", "无具体理由的拖延（我们再考虑一下）"),
    "competitor": ("already uses, compares with or prefers a competitor or an in-house tool", "在用/对比/倾向竞品或自研工具"),
    "authority": ("cannot decide alone: boss, procurement, IT, legal, a committee", "无法自己决定：需要老板/采购/IT/法务/委员会"),
    "need": ("sees no need or no problem to solve", "觉得不需要、没有要解决的问题"),
    "trust": ("doubts the vendor, the product, security or the claims", "不信任供应商、产品、安全性或效果"),
}
