"""Text primitives for Mandarin and English sales talk: tokens, sentences, questions and cue phrases.

Everything here works per utterance and is cheap (jieba takes ~60 µs per sentence), because features
run over thousands of conversations. Cue phrases are regular expressions kept in one table (`CUES`),
so a feature asks `has_cue(text, "trial_offer")` instead of carrying its own word list.
"""

from __future__ import annotations

import functools
import logging
import re
import warnings
from collections.abc import Iterable

from conversation import spoken_units  # noqa: F401 - behaviour features measure speech in these units

_CJK = re.compile(r"[\u3400-\u9fff]")
_EN_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?|\d+(?:[.,]\d+)?%?")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=\.)\s+")
_PUNCT = re.compile(r"^[\s\W_]+$")


def is_chinese(text: str) -> bool:
    return _CJK.search(text) is not None


@functools.cache
def _jieba():
    with warnings.catch_warnings():  # jieba 0.42 imports the deprecated pkg_resources
        warnings.simplefilter("ignore")
        import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


@functools.lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[str, ...]:
    """Words without punctuation: jieba for Chinese (English words inside stay whole), lowercased English."""
    if is_chinese(text):
        return tuple(t.lower() for t in _jieba().lcut(text) if t.strip() and not _PUNCT.match(t))
    return tuple(w.lower() for w in _EN_WORD.findall(text))


def sentences(text: str) -> list[str]:
    """Split at full- and half-width sentence ends, keeping the punctuation with its sentence."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def _compile(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# --- questions ---------------------------------------------------------------------------------

_QUESTION_MARK = re.compile(r"[?？]\s*$")
# Chinese yes/no forms that need no question mark (ASR output often has none).
_ZH_QUESTION_FORMS = re.compile(r"(吗|(?<![什怎这那多])么)[\s，。]*$|是不是|有没有|能不能|可不可以|会不会|要不要|对不对|行不行|好不好")
_EN_QUESTION_START = re.compile(
    r"^\s*(?:so,?\s+|and\s+|but\s+|okay,?\s+|ok,?\s+)?(?:what|how|why|which|where|when|who|whom|whose|"
    r"do|does|did|is|are|was|were|can|could|would|will|shall|should|have|has|had|may|might)\b",
    re.IGNORECASE,
)
_ZH_INTERROGATIVE = re.compile(r"什么|啥|怎么|怎样|如何|为什么|为何|哪|多少|多久|多长|多大|几(?!乎)")
_EN_INTERROGATIVE = re.compile(
    r"\b(?:what|how|why|which|where|when|who|whom|whose)\b|\b(?:tell me (?:about|more)|walk me through|describe|explain)\b",
    re.IGNORECASE,
)
# A confirmation tag closing a proposal: "……您看怎么样？" or "…, right?" asks for a yes or a no.
# The interrogative tags (怎么样/如何, how does that sound) confirm only when set off from what precedes
# (a comma, 您看, or a sentence of their own): "您那边用得怎么样？" asks for information.
_ZH_TAG = re.compile(
    r"(?:(?:^|[，,]\s*|您看|你看)(?:那|这样|那样|这么安排|这个安排)?(?:怎么样|如何)|好吗|好不好|可以吗|可不可以|行吗|行不行|对吧|对吗|是吧|是吗|没问题吧|合适吗|方便吗)[？?]?\s*$"
)
_EN_TAG = re.compile(
    r"(?:^|[,，]\s*)(?:right|okay|ok|yeah|correct|sound good|sounds good|does that work|does that work for you|is that okay|"
    r"is that ok|how does that sound|fair enough|agreed|no)\s*[?？]\s*$",
    re.IGNORECASE,
)


def question_sentences(text: str) -> list[str]:
    """The sentences of an utterance that ask something."""
    found = []
    for sentence in sentences(text):
        if _QUESTION_MARK.search(sentence):
            found.append(sentence)
        elif is_chinese(sentence):
            if _ZH_QUESTION_FORMS.search(sentence):
                found.append(sentence)
        elif _EN_QUESTION_START.match(sentence) and not sentence.rstrip().endswith("."):
            found.append(sentence)
    return found


def is_tag_question(sentence: str) -> bool:
    """A proposal followed by a confirmation tag (…您看怎么样？ / …, right?): a closed question."""
    tag = _ZH_TAG if is_chinese(sentence) else _EN_TAG
    return tag.search(sentence.strip()) is not None


def is_open_question(sentence: str) -> bool:
    """Asks for information that a yes or a no cannot answer; interrogatives inside a closing tag don't count."""
    if is_tag_question(sentence):
        tag = _ZH_TAG if is_chinese(sentence) else _EN_TAG
        sentence = sentence[: tag.search(sentence.strip()).start()]
    if is_chinese(sentence):
        return _ZH_INTERROGATIVE.search(sentence) is not None
    return _EN_INTERROGATIVE.search(sentence) is not None


# --- cue phrases -------------------------------------------------------------------------------

# Specific future times only: "高峰期一般在月底" (habit) and "透明一点" (a little) are not appointments.
_TIME_ZH = (
    r"(?:下|这|本)(?:周|星期|礼拜)[一二三四五六日天]?|周[一二三四五六日]|星期[一二三四五六日天]|礼拜[一二三四五六天]|"
    r"明天|后天|今天下午|今晚|[0-9一二三四五六七八九十]+月[0-9一二三四五六七八九十]+[日号]|(?:下个?月|本月|这个月)[0-9一二三四五六七八九十]+[日号]|"
    r"(?:上午|下午|晚上|早上|中午)[0-9一二三四五六七八九十两]+点|\d{1,2}点|\d{1,2}[:：]\d{2}"
)
_TIME_EN = (
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|next week|this week|"
    r"end of (?:the )?(?:day|week|month)|\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)|at \d{1,2}(?::\d{2})?|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2})\b"
)

CUES: dict[str, re.Pattern[str]] = {
    name: _compile(patterns)
    for name, patterns in {
        "time": [_TIME_ZH, _TIME_EN],
        "meeting_action": [
            r"开.{0,8}?会|会议|演示|demo|拜访|见面|过来|上门|碰一下|聊一下|通个电话|打(?:个)?电话|"
            r"签(?:约|合同|字)|发(?:给|您|你)|安排|约(?:个|一下)?|对接|汇报|试用|开通|确认一下|讨论一下|沟通一下|过一(?:下|遍)|对一下|走.{0,3}流程|流程走|见面|见个面|见一下|当面|聊",
            r"\b(?:meet|meeting|call|demo|walkthrough|session|sign|send|review|follow up|follow-up|schedule|"
            r"book|catch up|visit|kick ?off|onboard|set up|present|reconvene|pencil|regroup|talk|chat|connect|sync|"
            r"touch base|reconnect|go over|walk through|finalize|get together)\b",
        ],
        "trial_offer": [
            r"免费试用|试用|试一下|试一试|试试|先试|试点|小范围|先跑|跑一下|跑一遍|先用起来|体验(?:版|账号|一下)|测试环境|样品|样机|小样|小批量|"
            r"poc|概念验证|先上一个|先从一个",
            r"\b(?:free trial|trial|pilot|poc|proof of concept|sandbox|sample|test drive|try it|try out|"
            r"start small|small first step|one team first)\b",
        ],
        "pain": [
            r"麻烦|头疼|头痛|痛点|难受|困扰|烦|很难|太难|难以|费时|费劲|费力|耗时|花(?:了)?(?:很多|好多|大量)?(?:时间|精力|人力)|"
            r"要花|得花|浪费|效率(?:很|太|比较)?低|出错|错误|丢单|丢了|漏掉|跟不上|不及时|太慢|很慢|慢得|卡|混乱|乱|"
            r"看不到|不清楚|没法|没办法|搞不定|压力|投诉|流失|加班|手工|手动|瓶颈|问题(?:是|在于|很大|挺多)",
            r"\b(?:problem|problems|issue|issues|struggl\w*|pain|painful|headache|frustrat\w*|hard to|difficult|"
            r"waste|wasting|takes (?:us )?(?:hours|days|forever)|manual(?:ly)?|errors?|mistakes?|slow|losing|lose|"
            r"lost|can't keep up|cannot keep up|no visibility|chaos|messy|bottleneck|complain\w*|churn)\b",
        ],
        "impact_probe": [
            r"影响|损失|代价|后果|意味着|成本|多少钱|多少时间",
            r"\b(?:impact|cost you|costing|what does that mean for|consequence|how much (?:time|money)|affect)\b",
        ],
        "problem_probe": [
            r"挑战|问题|困难|痛点|不满意|头疼|难处|卡在",
            r"\b(?:challenge|challenges|problem|problems|struggle|pain|difficult|frustrat\w*|not working)\b",
        ],
        "paraphrase": [
            r"您刚才(?:说|提到)|你刚才(?:说|提到)|您的意思是|你的意思是|如果我没理解错|我理解(?:的话|下来)|也就是说|听下来|总结一下您",
            r"\b(?:you mentioned|you said|so what i'm hearing|if i understand|what i hear is|sounds like you|"
            r"so you're saying|let me make sure i understand)\b",
        ],
        "acknowledge": [
            r"理解|明白|确实|没错|好问题|能理解|我懂|您说得对|你说得对|很正常|感谢您(?:坦诚|直接)",
            r"\b(?:i understand|i hear you|that's fair|fair point|great question|good question|makes sense|"
            r"i get it|totally understand|i appreciate)\b",
        ],
        "price": [
            r"价格|价钱|报价|费用|收费|多少钱|预算|成本|折扣|打折|优惠|便宜|贵|年费|月费|单价|总价|[0-9一二三四五六七八九十百千万]+(?:元|块|万)",
            # "what does that cost you" asks about the problem's impact, not the product's price
            r"\b(?:costs?\b(?! (?:you|us|them|the business)\b)|price|prices|pricing|budget|discount|cheap|cheaper|expensive|fee|fees|license|"
            r"licence|per seat|per user|quote|invoice)\b|[$¥€]\s?\d",
        ],
        "discount": [
            r"打折|折扣|优惠|让利|减免|便宜(?:一些|点)|[0-9一二三四五六七八九]折|送(?:您|你)|赠送|免(?:费)?(?:一|两|三)?个月",
            r"\b(?:discount|% off|percent off|special price|waive|free month|throw in|price break)\b",
        ],
        "value": [
            r"节省|省下|省了|提升|提高|降低|减少|回报|roi|效率|增长|见效|收益|价值|帮(?:您|你)(?:们)?",
            r"\b(?:roi|return|save|saves|saving|savings|increase|improve|reduce|cut|boost|grow|value|payback|benefit)\b",
        ],
        "case_study": [
            r"案例|客户(?:像|比如|包括)|像.{1,8}(?:公司|集团|医院|银行|学校)|(?:同行|同类)(?:企业|公司|客户)|标杆",
            r"\b(?:case stud(?:y|ies)|customers like|companies like|one of our customers|a client of ours|"
            r"reference customer|similar company)\b",
        ],
        "competitor": [
            r"竞品|竞争对手|对手|别家|其他(?:家|厂商|供应商)|友商|另一家|别的(?:厂商|供应商|系统)|钉钉|飞书|企业微信|销售易|纷享销客|salesforce|hubspot",
            r"\b(?:competitor|competitors|other vendors?|another vendor|alternative|salesforce|hubspot|"
            r"gong|chorus|zoho|pipedrive|in-house tool)\b",
        ],
        "feature": [
            r"功能|模块|报表|仪表盘|看板|接口|集成|对接|自动化|权限|移动端|app|系统里",
            r"\b(?:feature|features|module|dashboard|report|reports|integration|integrates|api|automation|"
            r"workflow|mobile app)\b",
        ],
        "commitment_ask": [
            r"(?:那|就)?(?:我们)?(?:就)?(?:这么定|定下来|签(?:了|约|合同)|下单|走(?:合同|流程)|推进)|可以(?:开始|启动)了吗|准备好",
            r"\b(?:move forward|go ahead|ready to (?:sign|start|move)|shall we|can we get (?:this|it) signed|"
            r"sign (?:the|this) (?:contract|agreement)|get started|close this)\b",
        ],
        "recap": [
            r"总结一下|简单总结|回顾一下|我们今天(?:聊|谈|沟通)了|今天(?:主要)?(?:聊|沟通)(?:了|的)",
            r"\b(?:to recap|to summarize|in summary|summing up|let me recap|so today we)\b",
        ],
        "decision_process": [
            r"谁(?:来)?(?:决定|拍板|负责|审批)|决策|拍板|审批|采购(?:流程|部)|流程|老板|领导|董事会|法务|财务",
            r"\b(?:decision maker|decision-maker|who else|sign off|sign-off|approval|approve|procurement|"
            r"committee|board|legal|finance team|buying process|cfo|ceo|boss)\b",
        ],
        "timeline": [
            r"上线|实施|交付|落地|部署|启动|时间(?:表|线|节点)|排期|什么时候(?:能|可以)?(?:开始|用)",
            r"\b(?:go live|go-live|rollout|roll out|implementation|implement|deploy|deployment|timeline|launch|onboarding)\b",
        ],
        "send_material": [
            r"(?:我|我们)(?:稍后|待会|回头|会|这边)?(?:把|给您|给你)?.{0,12}发(?:给|到)?(?:您|你)|发(?:份|个|一份|一下)",
            r"\b(?:i'll send|i will send|i'll email|send (?:you|over)|email you|share (?:the|a) (?:deck|proposal|quote|link))\b",
        ],
        "buying_signal": [
            r"怎么(?:收费|付款|签|开始|上线|部署)|多久(?:能|可以)?(?:上线|部署|交付)|合同|发票|付款|实施周期|培训|能不能(?:先)?开通|什么时候(?:能|可以)(?:开始|上线|用)",
            r"\b(?:how soon|contract|invoice|payment terms|onboarding|how do we get started|when can we start|"
            r"implementation time|training|what are the next steps)\b",
        ],
        "agreement": [
            r"^(?:嗯)?(?:好|好的|好啊|行|可以|没问题|同意|对|是的|那就这样|就这么定)(?:[。！!，,]|$)|没问题|可以的|好的|行啊|同意|就这么定|听起来不错|挺好|不错|到时候见|等你(?:的)?(?:消息|邀请|电话|会议)",
            r"\b(?:sounds good|sounds great|agreed|deal|let's do it|that works|works for me|makes sense|perfect|absolutely|"
            r"sure|yes|yeah|great|see you then|talk then|looking forward|okay|ok|it's a plan|that's a plan|will do)\b",
        ],
        "positive": [
            r"不错|挺好|很好|太好了|喜欢|满意|有意思|有用|方便|厉害|期待|感兴趣|靠谱",
            r"\b(?:great|good|nice|love|like|excellent|interesting|useful|helpful|impressive|excited|awesome|perfect)\b",
        ],
        "negative": [
            r"不好|不行|不满意|失望|担心|担忧|麻烦|糟糕|讨厌|不靠谱|不太行|没用|太贵|不放心|怀疑",
            r"\b(?:bad|worried|concern|concerned|disappoint\w*|annoy\w*|terrible|useless|risky|doubt|skeptical|unhappy|"
            r"too expensive|pricey)\b",
        ],
        "hedge": [
            r"可能|也许|大概|应该|或许|差不多|好像|估计|我觉得|我想|一般来说",
            r"\b(?:maybe|perhaps|probably|might|possibly|i think|i guess|kind of|sort of|hopefully|generally)\b",
        ],
        "certainty": [
            r"肯定|一定|保证|绝对|毫无疑问|百分之百|确保",
            r"\b(?:definitely|certainly|guarantee|absolutely|for sure|100%|no doubt|always)\b",
        ],
        "rep_negative": [
            r"不行|不能|没办法|做不到|不支持|不可以|抱歉|不好意思",
            r"\b(?:can't|cannot|unfortunately|not possible|we don't support|sorry|impossible)\b",
        ],
        "politeness": [
            r"您|请|谢谢|感谢|麻烦您|辛苦",
            r"\b(?:please|thank you|thanks|appreciate|kindly)\b",
        ],
        "self_intro": [
            r"我是.{0,12}的|我叫|这里是|我们是一家|我这边是",
            r"\b(?:my name is|this is .{1,30} (?:from|at|with)|i'm .{1,30} from|i am .{1,30} from|we are a)\b",
        ],
        "future_talk": [
            r"以后|将来|未来|明年|下个季度|到时候|一旦|等我们|上线后|用起来之后",
            r"\b(?:next year|next quarter|in the future|once we|when we|going forward|down the road|eventually)\b",
        ],
        "number": [r"\d+(?:\.\d+)?%?|[一二三四五六七八九十两百千万亿]+(?:个|天|小时|分钟|人|家|万|倍|成|%|次|年|月)"],
    }.items()
}

FILLERS_ZH = frozenset({"嗯", "啊", "呃", "额", "那个", "就是", "然后", "这个", "就是说", "对吧", "哎"})
FILLERS_EN = frozenset({"um", "uh", "erm", "hmm", "basically", "literally"})  # not "like": too often a verb
BACKCHANNELS = frozenset(
    {"嗯", "嗯嗯", "对", "对对", "对对对", "是", "是的", "好", "好的", "哦", "噢", "啊", "行", "ok", "okay", "yeah",
     "yes", "right", "sure", "uh-huh", "mhm", "yep", "got it", "i see"}
)
# Personal pronouns addressing the customer vs speaking of oneself: customer focus of the rep's talk.
YOU_WORDS = frozenset({"您", "你", "你们", "您们", "you", "your", "yours"})
WE_WORDS = frozenset({"我", "我们", "咱们", "i", "we", "our", "us", "my", "me"})


def has_cue(text: str, cue: str) -> bool:
    return CUES[cue].search(text) is not None


def count_cue(text: str, cue: str) -> int:
    return len(CUES[cue].findall(text))


def is_backchannel(text: str) -> bool:
    """A short listener response (嗯/对/okay) rather than a turn with content."""
    core = re.sub(r"[\s，。！？、,.!?~…]+", " ", text).strip().lower()
    return core in BACKCHANNELS or all(part in BACKCHANNELS for part in core.split() if part) and bool(core)
