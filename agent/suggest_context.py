"""What suggestions and the assistant read off a conversation: the view up to a turn, the stage, who is
who, the numbers said, and playbook scripts filled with them.

Kept apart from agent/suggest.py so the assistant (agent/assist.py) uses the same reading of names,
numbers and dates, and so each rule is testable on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from agent.assist_dates import find_dates
from conversation import Conversation

STAGES = ("discovery", "objection_handling", "closing")

LABEL_NAMES_ZH = {
    "price": "价格",
    "timing": "时机",
    "stall": "拖延",
    "competitor": "竞品",
    "authority": "决策权",
    "need": "需求",
    "trust": "信任",
}
STAGE_NAMES_ZH = {"discovery": "需求挖掘", "objection_handling": "异议处理", "closing": "推进成交"}

# Buying signals and closing moves: contract, order, payment, start date, procurement paperwork.
_CLOSING = re.compile(
    r"合同|签约|签字|盖章|下单|付款|打款|发票|采购单|订单|报价单|正式报价|走流程|上线时间|什么时候能开始|就这么定|定下来|成交"
    r"|\bcontracts?\b|\bsign(?:ed|ing)?\b|purchase order|\bPO\b|\binvoice\b|paperwork|go ahead|get started|move forward|"
    r"\bdeal\b|start date|onboarding",
    re.IGNORECASE,
)


class SegmentIndexError(ValueError):
    """A segment index (--at) outside the conversation; the message gives the valid range."""


def language_of(conversation: Conversation) -> str:
    """The playbook language for a conversation: "zh" for any Chinese tag, else "en"."""
    return "zh" if conversation.language.lower().split("-")[0] in ("zh", "yue", "cmn", "wuu") else "en"


def truncate(conversation: Conversation, at: int | None) -> Conversation:
    """The conversation up to and including segment `at` (all of it when None)."""
    if at is None:
        return conversation
    count = len(conversation.segments)
    if count == 0:
        raise SegmentIndexError("the conversation has no segments")
    if not 0 <= at < count:
        raise SegmentIndexError(f"segment index {at} is out of range: this conversation has segments 0..{count - 1}")
    return conversation.model_copy(update={"segments": conversation.segments[: at + 1]})


def roles(conversation: Conversation) -> dict[str, str]:
    return {p.speaker: p.role for p in conversation.participants}


def segment_time(conversation: Conversation, index: int) -> datetime | None:
    """Wall-clock time of a segment, when the conversation says when it started."""
    if conversation.started_at is None:
        return None
    return conversation.started_at + timedelta(seconds=conversation.segments[index].start)


# --- names ---------------------------------------------------------------------------------------------
_SELF_ZH = re.compile(r"我是(?:[^，。,\s]{0,12}的)?(?:销售|客户经理|销售经理|顾问|经理)?([\u4e00-\u9fff]{2,3}?)(?=[，。,！!\s]|$)")
_SELF_EN = re.compile(r"\b(?:I'm|I am|this is|my name is)\s+([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)")
_COMPANY_ZH = re.compile(r"我是([\u4e00-\u9fffA-Za-z]{2,12}?(?:科技|公司|集团|软件|信息|网络|智能))的?")
_COMPANY_EN = re.compile(r"\b(?:from|at|with)\s+([A-Z][A-Za-z0-9]+(?:\s(?:Inc|Ltd|Tech|Software|AI|Labs|Corp)\.?)?)")
# Customers are addressed with surname + title: 王总, 李经理, 张老师; Mr./Ms. Smith; or a first name in a greeting.
_ADDRESS_ZH = re.compile(r"([赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦许何吕施张孔曹严华金魏陶姜谢邹喻柏苏潘葛范彭鲁韦马苗方俞任袁柳鲍史唐费薛雷贺倪汤殷罗毕郝邬安常乐于傅齐康伍余顾孟黄穆萧尹姚邵汪祁毛狄米贝明臧计伏成戴谈宋庞熊纪舒屈项祝董梁杜阮蓝闵季贾路江童颜郭梅盛林钟徐邱骆高夏蔡田胡凌霍虞万柯卢莫房解应丁邓洪包左石崔龚程邢裴陆荣翁荀于甄曲封储靳焦牧山车侯班仰秋仲伊宫宁仇栾甘厉戎祖武符刘景詹龙叶司黎白蒲邰从鄂索赖卓蔺屠蒙池乔胥能苍双闻党翟谭劳姬申冉雍桑桂牛寿通边燕冀浦尚农温庄晏柴瞿阎充慕连茹习艾鱼容向古易廖终步都耿满弘匡国文寇广禄东欧沃利蔚越隆师巩聂晁勾敖融冷辛阚简饶曾沙鞠丰关查游权益桓公])(总|经理|主任|老师|先生|女士|工|董|处长|科长|部长)")
_ADDRESS_EN = re.compile(r"\b(?:Hi|Hello|Hey|Thanks|Thank you),?\s+([A-Z][a-z]+)\b|\b((?:Mr|Ms|Mrs|Dr)\.?\s+[A-Z][a-z]+)")


def _name_of(conversation: Conversation, role: str) -> str | None:
    for participant in conversation.participants:
        if participant.role == role and participant.name:
            return participant.name
    return None


def rep_name(conversation: Conversation) -> str | None:
    if name := _name_of(conversation, "rep"):
        return name
    who = roles(conversation)
    for segment in conversation.segments:
        if who[segment.speaker] == "rep" and (m := _SELF_ZH.search(segment.text) or _SELF_EN.search(segment.text)):
            return m.group(1)
    return None


def customer_name(conversation: Conversation) -> str | None:
    """The customer's name as the rep addresses them (王总, Mr. Smith), or the participant's name."""
    if name := _name_of(conversation, "customer"):
        return name
    who = roles(conversation)
    for segment in conversation.segments:
        if who[segment.speaker] != "rep":
            continue
        if m := _ADDRESS_ZH.search(segment.text):
            return m.group(0)
        if m := _ADDRESS_EN.search(segment.text):
            return m.group(1) or m.group(2)
    for segment in conversation.segments:  # the customer introducing themselves
        if who[segment.speaker] == "customer" and (m := _SELF_ZH.search(segment.text) or _SELF_EN.search(segment.text)):
            return m.group(1)
    return None


def rep_company(conversation: Conversation) -> str | None:
    who = roles(conversation)
    for segment in conversation.segments:
        if who[segment.speaker] == "rep" and (m := _COMPANY_ZH.search(segment.text) or _COMPANY_EN.search(segment.text)):
            return m.group(1)
    return None


# --- numbers -------------------------------------------------------------------------------------------
_NUM = r"(?:\d+(?:[.,]\d+)*|[一二两三四五六七八九十百千]+)"
_AMOUNT = re.compile(
    rf"(?:[¥￥$]\s?\d+(?:[.,]\d+)*\s?(?:[kKmM万]|million|thousand)?)"
    rf"|(?:{_NUM}\s?(?:万|千|百万|亿)?\s?(?:元|块钱|块|人民币|美元|美金))"
    rf"|(?:{_NUM}\s?(?:万|w|W)(?![\u4e00-\u9fff]*?(?:人|个|台|套|用户|家|条|次)))"
    rf"|(?:\d+(?:[.,]\d+)*\s?(?:k|K|million|thousand)?\s?(?:dollars|USD|RMB|yuan|CNY|bucks))"
    rf"|(?:\d+(?:\.\d+)?\s?(?:k|K)\b)",
)
_QUANTITY = re.compile(
    rf"{_NUM}\s?(?:个|位|名|台|套|家|条)?\s?(?:人|用户|账号|席位|坐席|销售|员工|仓库|门店|工厂|站点|license|seats?|users?|licenses|reps|stores|warehouses|sites|employees|people)",
    re.IGNORECASE,
)
_PERCENT = re.compile(rf"{_NUM}\s?(?:%|％|折)|百分之[一二两三四五六七八九十]+")
_BUDGET_CUE = re.compile(r"预算|budget|最多|只能|at most|can only", re.IGNORECASE)
_PRICE_CUE = re.compile(r"价格|报价|多少钱|贵|费用|价钱|一年|每年|price|quote|cost|per year|a year|expensive", re.IGNORECASE)
_COMPETITOR = re.compile(
    r"(?:用的是|已经用了|在用|用着|对比了?|看了|比较了?|选了)(?:一下)?(?!的)([A-Za-z][\w.]*|[\u4e00-\u9fff]{2,4}?)(?=的|了|，|。|,|\s|系统|软件|也|还|$)"
    r"|\b(?:using|use|with|compared|comparing|looking at|evaluating)\s+([A-Z][\w.]+)"
)
_NOT_COMPETITOR = {"表格", "系统", "软件", "一下", "人工", "Excel", "excel", "我们", "自己", "你们", "the", "a"}


@dataclass
class Facts:
    """Names and numbers said in the conversation, latest first within each kind."""

    language: str = "zh"
    customer_name: str | None = None
    rep_name: str | None = None
    company: str | None = None
    price: str | None = None
    budget: str | None = None
    quantity: str | None = None
    discount: str | None = None
    date: str | None = None
    competitor: str | None = None
    amounts: list[str] = field(default_factory=list)

    def values(self) -> dict[str, str | None]:
        return {k: v for k, v in self.__dict__.items() if k not in ("language", "amounts")}


def _clause_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(p, 0, start) for p in "，,。；;！!？?")
    rights = [i for i in (text.find(p, end) for p in "，,。；;！!？?") if i != -1]
    return text[left + 1 : min(rights) if rights else len(text)]


def extract_facts(conversation: Conversation) -> Facts:
    facts = Facts(
        language=language_of(conversation),
        customer_name=customer_name(conversation),
        rep_name=rep_name(conversation),
        company=rep_company(conversation),
    )
    for segment in conversation.segments:  # in time order, so the latest mention wins
        text = segment.text
        for match in _AMOUNT.finditer(text):
            amount = match.group(0).strip()
            facts.amounts.append(amount)
            # Judge by the clause the amount sits in: "系统一年要30万，超出预算了" is a price, not a budget.
            clause = _clause_around(text, match.start(), match.end())
            if _BUDGET_CUE.search(clause):
                facts.budget = amount
            elif _PRICE_CUE.search(clause) or facts.price is None:
                facts.price = amount
        if m := _QUANTITY.search(text):
            facts.quantity = m.group(0).strip()
        if m := _PERCENT.search(text):
            facts.discount = m.group(0).strip()
        if dates := find_dates(text):
            facts.date = dates[-1].text
        if m := _COMPETITOR.search(text):
            name = (m.group(1) or m.group(2) or "").strip()
            if name and name not in _NOT_COMPETITOR:
                facts.competitor = name
    return facts


# --- placeholders in playbook scripts -----------------------------------------------------------------
# Playbook scripts mark what to personalise as {customer_name} / {{customer_name}} or 【客户】; the aliases
# let the playbook author write either language.
ALIASES = {
    "customer_name": ("customer_name", "customer", "name", "client", "客户", "客户名", "客户姓名", "客户称呼", "称呼"),
    "rep_name": ("rep_name", "rep", "sales_rep", "my_name", "销售", "销售名", "我的名字", "销售姓名"),
    "company": ("company", "our_company", "vendor", "公司", "我司", "公司名"),
    "price": ("price", "quote", "amount", "价格", "报价", "金额"),
    "budget": ("budget", "预算"),
    "quantity": ("quantity", "seats", "users", "team_size", "数量", "人数", "用户数", "规模"),
    "discount": ("discount", "折扣"),
    "date": ("date", "deadline", "日期", "时间"),
    "competitor": ("competitor", "竞品", "竞争对手"),
}
_ALIAS_TO_KEY = {alias.lower(): key for key, aliases in ALIASES.items() for alias in aliases}
_PLACEHOLDER = re.compile(r"\{\{\s*([\w\u4e00-\u9fff]+)\s*\}\}|\{([\w\u4e00-\u9fff]+)\}|【([\u4e00-\u9fff\w]+)】")
# What to say when the conversation has not told us a value: natural words, never a raw {placeholder}.
DEFAULTS = {
    "zh": {
        "customer_name": "您",
        "rep_name": "我",
        "company": "我们",
        "price": "这个价格",
        "budget": "您的预算",
        "quantity": "贵司的团队规模",
        "discount": "优惠",
        "date": "约定的时间",
        "competitor": "现在的方案",
    },
    "en": {
        "customer_name": "there",
        "rep_name": "I",
        "company": "we",
        "price": "the price",
        "budget": "your budget",
        "quantity": "your team size",
        "discount": "a discount",
        "date": "the agreed date",
        "competitor": "your current solution",
    },
}


def fill_placeholders(script: str, facts: Facts) -> str:
    """The script with every known placeholder replaced by the conversation's value, or a natural default."""
    values = facts.values()
    defaults = DEFAULTS["zh" if facts.language == "zh" else "en"]

    def replace(match: re.Match[str]) -> str:
        raw = next(g for g in match.groups() if g)
        key = _ALIAS_TO_KEY.get(raw.lower())
        if key is None:
            return match.group(0)  # not ours: leave the text as the author wrote it
        return values.get(key) or defaults[key]

    return _PLACEHOLDER.sub(replace, script)


def address(script: str, facts: Facts) -> str:
    """Open with the customer's name (李总，/ Dana, ) when we know it and the script does not name them already."""
    name = facts.customer_name
    if not name or name in script or not script:
        return script
    if facts.language == "zh":
        return f"{name}，{script}"
    keep_capital = script.startswith(("I ", "I'"))  # "I hear you" stays "I"; "Understood" becomes "understood"
    return f"{name}, {script if keep_capital else script[0].lower() + script[1:]}"


def infer_stage(conversation: Conversation, latest_labels: list[str]) -> str:
    """discovery / objection_handling / closing, from the latest customer objection and closing signals."""
    if latest_labels:
        return "objection_handling"
    recent = conversation.segments[-4:]
    if any(_CLOSING.search(segment.text) for segment in recent):
        return "closing"
    return "discovery"


def transcript_lines(conversation: Conversation, mask, limit: int = 16) -> list[str]:
    """The last `limit` segments as "role: text", PII masked, for a prompt."""
    who = roles(conversation)
    names = {p.speaker: p.name for p in conversation.participants}
    lines = []
    for segment in conversation.segments[-limit:]:
        role = who[segment.speaker]
        label = role if not names.get(segment.speaker) else f"{role} ({names[segment.speaker]})"
        lines.append(f"{label}: {mask(segment.text)}")
    return lines
