"""Tokens for BM25, language per chunk, and the playbook's vocabulary (objection types, stages, columns).

BM25 tokens use jieba's search mode (every dictionary word inside a longer one as well: 免费试用 ->
免费, 试用, 免费试用), so a customer's 试用 matches a script's 免费试用. Full-width letters and digits are
folded to ASCII first (ＣＲＭ -> crm) and function words dropped, so 的/了/吗 and the/is never decide a match.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
import warnings

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:\.\d+)?")
_PUNCT = re.compile(r"^[\W_]+$")

STOPWORDS_ZH = frozenset(
    "的 了 吗 呢 吧 啊 呀 嘛 哦 嗯 是 在 和 与 及 或 也 都 就 还 又 很 太 这 那 这个 那个 这些 那些 一个 一下 一些 "
    "我 你 您 他 她 它 我们 你们 您们 他们 咱们 自己 有 没 没有 不 会 要 能 可以 可能 把 被 对 给 让 跟 从 到 "
    "说 讲 觉得 感觉 其实 就是 然后 但是 不过 所以 因为 如果 而且 还是 已经 现在 这边 那边 一直 比较 一点 真的 "
    "什么 怎么 为什么 吗 么 之 其 等 等等 上 下 里 中 个 些 做 去 来 看 想".split()
)
STOPWORDS_EN = frozenset(
    "a an the and or but if then so of to in on at by for with from as is are was were be been being am do does did "
    "doing have has had i me my we our us you your yours he she it its they them their this that these those there "
    "here what which who whom how when where why can could would should will shall may might must just really very "
    "too also about into than not no don't doesn't didn't isn't aren't i'm we're you're it's that's let's im ll ve re "
    "get got go going s t can't won't couldn't wouldn't shouldn't haven't hasn't there's what's how's "
    "yeah okay ok well honestly just".split()
)


@functools.cache
def _jieba():
    with warnings.catch_warnings():  # jieba 0.42 imports the deprecated pkg_resources
        warnings.simplefilter("ignore")
        import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def normalize(text: str) -> str:
    """NFKC: full-width ASCII to half-width (ＣＲＭ２０２４ -> CRM2024); CJK punctuation stays as it is."""
    return unicodedata.normalize("NFKC", text)


def is_chinese(text: str) -> bool:
    return _CJK.search(text) is not None


def stem(word: str) -> str:
    """A light English suffix strip (prices/priced/pricing -> pric): enough to match inflections in BM25."""
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and not word.endswith("ss") and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + replacement
    return word


@functools.lru_cache(maxsize=65536)
def bm25_tokens(text: str) -> tuple[str, ...]:
    """Search-mode jieba tokens for Chinese, lowercased words for English; function words dropped."""
    text = normalize(text).lower()
    if not is_chinese(text):
        return tuple(stem(w) for w in _LATIN_WORD.findall(text) if w not in STOPWORDS_EN)
    out = []
    for token in _jieba().cut_for_search(text):
        token = token.strip()
        if not token or _PUNCT.match(token):
            continue
        if _CJK.search(token):
            if token not in STOPWORDS_ZH:
                out.append(token)
        else:  # an English word or a number inside Chinese text
            out.extend(stem(w) for w in _LATIN_WORD.findall(token) if w not in STOPWORDS_EN)
    return tuple(out)


def detect_language(text: str) -> str:
    """zh when Chinese outweighs English (a Chinese script quoting "CRM" is Chinese); a Chinese word is
    ~1.5 characters, so characters are weighed against 1.5 x English words."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN_WORD.findall(_CJK.sub(" ", normalize(text).lower())))
    return "zh" if cjk and cjk >= 1.5 * latin else "en"


# --- the playbook vocabulary -----------------------------------------------------------------------------
# The objection taxonomy of behavior/objections (price, timing, stall, competitor, authority, need, trust),
# with the words authors write in a column or heading for each.
OBJECTION_ALIASES: dict[str, tuple[str, ...]] = {
    "price": ("price", "pricing", "cost", "budget", "价格", "价钱", "报价", "预算", "费用", "太贵", "贵"),
    "timing": ("timing", "time", "not now", "bad timing", "时机", "时间", "时机不对", "现在不是时候", "忙"),
    "stall": ("stall", "stalling", "think about it", "delay", "拖延", "再考虑", "考虑一下", "观望", "拖单"),
    "competitor": ("competitor", "competition", "competitors", "竞品", "竞争", "竞争对手", "友商", "对手"),
    "authority": ("authority", "decision maker", "decision", "approval", "决策", "决策权", "决策人", "权限", "审批", "拍板"),
    "need": ("need", "no need", "fit", "需求", "没需求", "不需要", "需要"),
    "trust": ("trust", "credibility", "risk", "信任", "信任度", "不放心", "顾虑", "风险"),
}
STAGE_ALIASES: dict[str, tuple[str, ...]] = {
    "discovery": ("discovery", "qualification", "qualify", "需求挖掘", "需求发现", "挖掘", "探索", "需求调研", "发现"),
    "objection_handling": ("objection_handling", "objection handling", "objections", "objection", "异议处理", "异议", "处理异议"),
    "closing": ("closing", "close", "negotiation", "推进成交", "成交", "签约", "逼单", "谈判", "促成"),
}


def _lookup(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table = {}
    for canonical, words in aliases.items():
        table[canonical] = canonical
        for word in words:
            table[word.lower()] = canonical
    return table


_OBJECTIONS = _lookup(OBJECTION_ALIASES)
_STAGES = _lookup(STAGE_ALIASES)
_TRIM = re.compile(r"(?:异议|objections?|类|型)$", re.IGNORECASE)


def objection_type(value: str) -> str:
    """'价格异议', 'Price', 'price objection' -> 'price'; unknown labels are kept (lowercased), not dropped."""
    raw = normalize(value).strip().lower()
    if not raw:
        return ""
    for candidate in (raw, _TRIM.sub("", raw).strip(), raw.replace("-", " ").replace("_", " ")):
        if candidate in _OBJECTIONS:
            return _OBJECTIONS[candidate]
    return re.sub(r"\s+", "_", raw)


def stage(value: str) -> str:
    raw = normalize(value).strip().lower()
    if not raw:
        return ""
    for candidate in (raw, raw.replace("-", " "), raw.replace("_", " ")):
        if candidate in _STAGES:
            return _STAGES[candidate]
    return re.sub(r"\s+", "_", raw)


def language(value: str) -> str:
    raw = normalize(value).strip().lower()
    return {"中文": "zh", "chinese": "zh", "zh-cn": "zh", "cn": "zh", "英文": "en", "english": "en", "en-us": "en"}.get(raw, raw)


# A heading names an objection type when it says so: "价格异议", "Price objections", "异议：竞品".
_HEADING_OBJECTION = re.compile(r"(?P<zh>[\u4e00-\u9fff]{1,6})异议|异议[:：\s]*(?P<zh2>[\u4e00-\u9fff]{1,6})|(?P<en>[a-z][a-z ]{1,20}?)\s+objections?\b", re.IGNORECASE)


def objection_from_heading(heading: str) -> str:
    for match in _HEADING_OBJECTION.finditer(normalize(heading)):
        word = match.group("zh") or match.group("zh2") or match.group("en") or ""
        label = objection_type(word)
        if label in OBJECTION_ALIASES:
            return label
    return ""
