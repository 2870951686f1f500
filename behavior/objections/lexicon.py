"""The pattern layer: hand-written triggers per objection type, with negation scope from jieba.

A trigger is a regular expression for a way of raising the objection (太贵了, over our budget). It is
cancelled when a negator governs it: one of the two words before it in the same clause (不算太贵,
not too expensive), or an explicit denial of the objection (价格不是问题, budget isn't an issue).
Denials are reported too, as evidence *against* the label, which the learned layer cannot see as
easily ("价格" alone looks like a price objection to an embedding).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from behavior import text as t
from behavior.objections.taxonomy import LABELS


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


TRIGGERS: dict[str, re.Pattern[str]] = {
    "price": _rx(
        r"太贵|好贵|挺贵|有点贵|偏贵|比较贵|贵了|贵得|这么贵|那么贵|贵不少|价格(?:上)?(?:太|有点|偏|比较|还是)?高|价(?:格|钱)(?:上)?(?:接受不了|下不来|谈不拢)|报价(?:太|有点|偏|比较)?高|"
        r"预算(?:不够|不足|有限|紧张|很紧|吃紧|超了|卡得|只有|就这么|批不下来)|超(?:出|过)?(?:了)?(?:我们的)?预算|没(?:有)?(?:这么多|那么多)?预算|"
        r"(?:便宜|降|让)(?:一)?(?:点|些|价)|打(?:个)?折|(?:能|再)(?:不能)?(?:给)?(?:个|点)?(?:优惠|折扣)|砍(?:一)?(?:点|些|价)|"
        r"成本(?:太|有点|偏)?高|花不起|买不起|付不起|负担不起|性价比(?:不高|太低|一般)|不值(?:这个价|那么多钱)|划不来|"
        r"(?:年费|费用|单价|价格|一年|每年|一个月)?.{0,6}(?:十|几十|[0-9]+)万.{0,6}(?:太多|有点多|不少)",
        r"too (?:expensive|pricey|costly|much)|(?:very|quite|pretty|a bit|a little|rather|so|really) (?:expensive|pricey|steep)|"
        r"(?:over|above|exceeds?|beyond|blow(?:s|ing)?) (?:our |the |my )?budget|(?:no|don't have (?:the|a)|tight|limited|small|no more) budget|"
        r"budget (?:is|'s) (?:tight|limited|gone|spent|capped|frozen)|can't afford|cannot afford|out of (?:our )?price range|"
        r"(?:get|give|offer) (?:us )?(?:a |any )?(?:discount|better price|lower price)|cheaper|price (?:is|seems|looks) (?:high|steep|too)|"
        r"costs? (?:too|way) much|not worth (?:the|that) (?:price|money)|hard to justify the (?:cost|price|spend)|sticker shock|"
        r"(?:that's|it's|thats) (?:a lot|way more) (?:than|of money)|price (?:point )?is (?:a|the) (?:problem|issue|concern)|pricing is (?:a|the) (?:problem|issue)",
    ),
    "timing": _rx(
        r"明年(?:再|吧|才|的事)|年后(?:再)?|下(?:个)?(?:季度|半年|月)(?:再|吧|才)|(?:现在|目前|今年|这个月|这段时间|最近)(?:不是|还不是)?(?:时候|时机)|时机不(?:对|成熟)|"
        r"(?:现在|目前|最近|这段时间|今年)(?:太忙|忙不过来|顾不上|没(?:空|时间|精力)|腾不出)|等(?:我们)?.{1,12}(?:之后|以后|完了|结束|再说|再看)|"
        r"(?:过|等)(?:了)?(?:年|春节|国庆|旺季|双十一|这阵)|暂时不(?:考虑|上|买|换|采购)|先(?:放一放|缓一缓|搁置)|(?:预算|项目)(?:冻结|暂停)|排不上|"
        r"(?:现在|目前)(?:还)?(?:早|不急)|不着急(?:上|买)|还没到(?:时候|那一步)",
        r"not (?:the right|a good) time|bad time|(?:next|later this) (?:year|quarter|month)|not (?:right )?now|not this (?:year|quarter)|"
        r"(?:revisit|circle back|come back to (?:this|it)|talk again) (?:in|after|next|later)|after (?:the|our) (?:holidays|migration|merger|audit|launch|reorg|busy season|q[1-4])|"
        r"(?:budget|hiring|spending) freeze|(?:too|very) (?:busy|swamped)|timing (?:isn't|is not|'s not) (?:right|great|ideal)|"
        r"(?:on hold|paused|pushed back|pushed out)|(?:maybe|perhaps) (?:in|next) (?:q[1-4]|the spring|the fall|january|a few months)|"
        r"no bandwidth|not a priority (?:right now|this (?:year|quarter))|wait until",
    ),
    "stall": _rx(
        r"(?:再|还要|还得|需要|要)(?:考虑|想想|想一想|琢磨|研究|斟酌|商量|讨论|看看|评估|消化)|考虑(?:考虑|一下)|回头(?:再)?(?:说|聊|联系)|改天(?:再)?(?:说|聊)|"
        r"(?:我|我们)(?:这边)?(?:先)?(?:内部)?(?:再|先)?(?:讨论|消化|研究)(?:一下|讨论)|有需要(?:再|的话)(?:联系|找)|等(?:我|我们)(?:消息|通知)|再说吧|以后再说|"
        r"(?:资料|方案|材料)(?:先)?发(?:过来|我|给我)(?:看看|吧)?|先(?:这样|这么着)吧|不急(?:着)?(?:定|决定)|"
        r"等等再说|过(?:段|一段)时间再|慢慢(?:来|看)",
        r"think (?:about it|it over|this over|on it)|(?:revisit|come back to|pick (?:this|it) up) (?:this|it)? ?later|mull (?:it|this) over|put a pin in (?:it|this)|(?:need|take|want) (?:some )?(?:more )?time to (?:think|decide|consider|mull|digest|reflect)|park (?:it|this) for now|let's (?:talk|revisit) later|(?:need|want|let me|let us|let's) (?:to )?(?:think|mull|sleep on|digest|reflect)|"
        r"get back to you|circle back|(?:send|email) me (?:some |the )?(?:info|information|materials|details|a deck|something)|"
        r"we'll (?:see|be in touch|let you know)|let (?:me|us) (?:discuss|talk) (?:internally|it over|with the team)|"
        r"(?:not|don't want to) (?:rush|make a decision|decide) (?:right now|today|yet)|keep (?:it|us) in mind|touch base later|"
        r"(?:give|leave) (?:me|us) some time|no decision (?:yet|today)|(?:still )?(?:weighing|evaluating) (?:our )?options",
    ),
    "competitor": _rx(
        r"(?:已经|一直|现在|目前|正在)(?:在)?用(?:着)?(?:的)?(?:是)?(?:别家|别人家|其他|钉钉|飞书|企业微信|销售易|纷享销客|salesforce|hubspot|用友|金蝶|sap|oracle)|"
        r"(?:别家|别人家|其他家|另一家|另外一家|友商|竞品|同行|对手)(?:的)?(?:报价|价格|方案|产品|系统)?(?:更|比你们|还)?(?:便宜|低|好|全|成熟)|"
        r"(?:在|也在|还在|正在)(?:跟|和)?.{0,10}(?:对比|比较|谈|接触|评估)|对比(?:一下)?(?:几家|其他|别家)|(?:多|几)家(?:对比|比较|看看)|货比三家|"
        r"(?:自己|自研|内部)(?:开发|做|搭)(?:了|的)?(?:系统|工具|一套)|(?:已经|刚)(?:签|买|上)了(?:别家|其他|另一家)|和.{1,8}(?:合作|签)了|"
        r"(?:钉钉|飞书|企业微信|销售易|纷享销客|用友|金蝶)(?:就)?(?:够|能|可以|也能|已经)",
        r"(?:already|currently) (?:use|using|with|on|have|signed with|working with)|(?:use|using|went with|switched to|happy with|locked into|contract with) (?:salesforce|hubspot|gong|chorus|zoho|pipedrive|oracle|sap|microsoft|a competitor|another vendor|someone else)|"
        r"(?:looking at|comparing|evaluating|talking to|talking with|considering) (?:other|another|a few|several|two other|some other)? ?(?:vendors?|options|providers|solutions|competitors|alternatives|salesforce|hubspot|gong)|"
        r"(?:competitor|another vendor|other vendor|they|salesforce|hubspot|gong) (?:is|are|was|quoted|offers?|gave us) (?:cheaper|less|lower|better|a better)|"
        r"built (?:our own|something in-house|it in-house)|in-house (?:tool|system|solution)|(?:does|do) the same (?:thing )?for less",
    ),
    "authority": _rx(
        r"(?:问问|请示|汇报|报告|问一下|跟.{0,4}商量|和.{0,4}商量|找|等)(?:一下)?(?:我们)?(?:的)?(?:老板|领导|上级|总监|经理|老总|董事长|总经理|ceo|cfo|cto|it|法务|财务|采购|技术部|总部|集团)|"
        r"(?:老板|领导|上级|总监|老总|董事长|总经理|总部|集团|采购部|法务|财务|it部门|技术部)(?:那边|那里)?(?:来)?(?:定|决定|拍板|审批|批|说了算|同意|签字|把关|点头|过一下|看一下)|"
        r"(?:我|我这边)(?:一个人)?(?:定|决定|做主|拍板|说了算)不了|(?:不是|没法|无法)(?:我|一个人)(?:能)?(?:定|决定|拍板|做主)|没(?:有)?(?:这个)?(?:权限|决定权)|"
        r"(?:走|要走|得走|需要走)(?:一下)?(?:采购|审批|招标|投标|合规|法务|内部)?(?:流程|招标)|上会(?:讨论|决定)?|(?:委员会|董事会|管理层)(?:讨论|决定|审批)",
        r"(?:run (?:this|it) by|check with|talk to|ask|loop in|consult|get approval from|need (?:sign-?off|approval) from) (?:my |our |the )?(?:boss|manager|director|vp|cfo|ceo|cto|cio|it|legal|procurement|finance|team lead|board|committee|leadership|head of)|"
        r"(?:not|isn't|'s not|is not) (?:my|up to me|my call|my decision)|(?:can't|cannot|don't) (?:sign|decide|make (?:that|this|the) (?:call|decision)|approve)|"
        r"(?:procurement|legal|finance|it|security|the board|the committee|leadership|my boss|my manager|the cfo|the ceo) (?:has|have|needs? to|will need to|must|would need to|makes?|decides?|signs?|approves?)|"
        r"(?:purchasing|procurement|approval|tender|rfp|vendor onboarding) process|above my (?:pay grade|authority|approval limit)|(?:the )?decision (?:is|'s) (?:made )?(?:above|by)",
    ),
    "need": _rx(
        r"(?:用不上|用不到|不需要|没(?:有)?(?:这个)?需求|没(?:什么|啥)必要|没必要|不太需要|需求不大|意义不大)|(?:现在|目前)(?:的)?(?:方式|办法|系统|流程|excel|表格).{0,6}(?:挺好|够用|还行|没问题|能用|就够了|足够)|"
        r"(?:excel|表格|纸质|微信群|人工)(?:就)?(?:够|挺好|能搞定|够用)|(?:我们|公司)(?:规模|人)(?:太)?小.{0,6}(?:用不上|不需要|没必要)|(?:没|不)(?:觉得|感觉)(?:有)?(?:什么|啥)?(?:问题|痛点)|"
        r"(?:这个|这些)功能(?:我们)?(?:用不上|不需要|不太需要)|没(?:什么|啥)用|(?:解决不了|不解决)(?:我们的)?(?:问题)|不是(?:我们的)?(?:重点|刚需|痛点)",
        r"(?:don't|do not|doesn't|does not) (?:really |actually )?(?:need|see the need|see a need|see the value|have (?:that|this|a|the) (?:problem|issue|need))|"
        r"no (?:real )?(?:need|use) for|(?:spreadsheets?|excel|our current (?:process|setup|system|tool)|what we have)(?: (?:works|is|are))? (?:fine|good enough|enough|working fine)|"
        r"works (?:fine|well enough) for us|not (?:a|really a) (?:priority|problem|pain|need) for us|(?:too )?small (?:team )?(?:to need|for (?:this|that|something like))|"
        r"(?:wouldn't|won't|would not|will not) (?:use|need)|(?:not|isn't) relevant (?:to|for) us|nice to have|not sure we need|what problem (?:does|would) (?:it|this) solve",
    ),
    "trust": _rx(
        r"(?:不|不太|没法|怎么)(?:放心|信任|相信|靠谱)|(?:担心|怕|顾虑)(?:你们|数据|安全|泄露|跑路|倒闭|稳定|售后|服务|效果|落地|实施)|靠谱吗|真的(?:有用|有效|能|可以)(?:吗)?|"
        r"(?:成立|做了)(?:才|没)(?:几|两|三|一)年|(?:公司|团队)(?:太)?(?:小|新)|没(?:听说|听过)(?:你们|过)|(?:有|有没有)(?:什么)?(?:案例|客户|证明|资质|认证)(?:吗|么)?|"
        r"(?:数据|信息)(?:安全|泄露|放在).{0,6}(?:怎么保证|放心|担心|问题)|(?:以前|之前|上次)(?:用|买|上)(?:过|了)?.{0,10}(?:坑|失败|不好用|没效果|踩雷|吃过亏)|(?:被|让).{0,6}坑过|"
        r"(?:吹|夸)得(?:太|有点)?(?:好|大)|效果(?:怎么)?(?:保证|证明)|怀疑|说得好听",
        r"(?:how (?:do|can|would) (?:i|we) know|prove (?:it|that)|(?:not sure|skeptical|sceptical|doubt) (?:that |whether |if )?(?:it|this|you|your)|(?:never|haven't) heard of (?:you|your company)|"
        r"(?:too )?(?:small|new|young) (?:a )?(?:company|vendor|startup)|(?:security|data privacy|data protection|compliance|gdpr|soc ?2) (?:concerns?|worries|is a concern|issues?)|worried about (?:security|data|support|you|your|stability|the vendor)|"
        r"(?:burned|burnt|bitten) (?:before|by)|bad experience|(?:sounds|seems) too good to be true|(?:any|do you have) (?:references|case studies|proof)|"
        r"(?:still )?around in (?:a|two|five) years?|(?:reliable|stable|trustworthy)\?|can(?:'t| not|not) trust|don't trust|(?:what|which) guarantee)",
    ),
}

# Explicit denials of an objection: the label is cancelled for the utterance.
DENIALS: dict[str, re.Pattern[str]] = {
    "price": _rx(
        r"(?:价格|价钱|钱|费用|预算|成本)(?:方面|上|这块)?(?:倒)?(?:不是|没|没有|不)(?:什么)?(?:问题|大问题|关键|重点|主要)|不(?:算)?(?:太)?贵|预算(?:充足|够|足够|没问题|不是问题|批了)|贵(?:一点)?(?:点)?(?:也)?(?:没关系|无所谓|不怕|不是问题)",
        r"(?:price|pricing|cost|budget|money)(?: (?:really|honestly))? (?:is|isn't|is not|'s not|isnt)(?: really| actually)? (?:not )?(?:an? )?(?:issue|problem|concern|the issue|the problem|fine|ok|okay)|"
        r"not (?:too|that|very) expensive|budget (?:is|'s) (?:approved|fine|there|not a problem)|(?:we )?(?:have|got) (?:the )?budget|can afford",
    ),
    "timing": _rx(r"(?:时间|时机)(?:上)?(?:没|不是)(?:问题)|越快越好|马上(?:就)?(?:要|能|可以)|尽快", r"(?:timing|time) (?:is|'s) (?:not an issue|fine|right|good)|as soon as possible|asap|the sooner the better"),
    "stall": _rx(r"不用(?:再)?(?:考虑|想)了|(?:今天|现在|当场)(?:就)?(?:定|签|决定)", r"(?:no need|don't need) to think|(?:decide|sign) (?:today|now)"),
    "competitor": _rx(r"没(?:有)?(?:用|对比|看)(?:过)?(?:别家|其他|别的)|只(?:跟|和)?(?:你们|你)(?:一家)?(?:谈|聊)", r"(?:not|aren't|are not) (?:looking at|talking to|evaluating) (?:anyone|any other|other)|only talking to you"),
    "authority": _rx(
        r"(?:我|我自己|我这边)(?:就)?(?:能|可以)?(?:定|决定|拍板|做主|说了算|签)|不用(?:问|请示|汇报)|(?:我|我自己)就是(?:老板|负责人|决策人)",
        r"(?:i|i'm the one who) (?:can |do |)?(?:sign off|decide|make the (?:call|decision)|have the authority|own the budget)|(?:no need|don't need) to (?:ask|check with|run it by)|it's my (?:call|decision)",
    ),
    "need": _rx(r"(?:确实|真的|很|特别|非常)(?:需要|有需求)|需求(?:很|挺|特别)(?:大|强|明确)", r"(?:really|definitely|do) need (?:this|it|something|a)|that's exactly what we need"),
    "trust": _rx(r"(?:挺|很|比较)?(?:放心|信任|相信你们)(?!吗)|口碑(?:很|挺)好", r"(?:i|we) trust (?:you|your)|(?:you|your company) (?:has|have) a good reputation"),
}
# Words that, right before a trigger in the same clause, negate it: 不算太贵, not too expensive.
_NEGATORS = frozenset({"不", "不算", "不是", "没", "没有", "并不", "也不", "并非", "不会", "没那么", "不怎么", "not", "no", "never", "isn't", "aren't", "wasn't", "don't", "doesn't", "n't"})
_CLAUSE = re.compile(r"[，,。！？!?；;：:\n]")


@dataclass(frozen=True)
class LexiconMatch:
    label: str
    span: str
    denied: bool  # an explicit denial or a negated trigger: evidence against the label


def match(text: str) -> list[LexiconMatch]:
    """Every label whose trigger or denial occurs in `text` (one match per label: a positive one wins)."""
    found: dict[str, LexiconMatch] = {}
    for label in LABELS:
        denial = DENIALS[label].search(text)
        for hit in TRIGGERS[label].finditer(text):
            if _negated(text, hit.start()) or (denial and _overlaps(hit, denial)):
                found.setdefault(label, LexiconMatch(label, hit.group(0), denied=True))
                continue
            found[label] = LexiconMatch(label, hit.group(0), denied=False)
            break
        if label not in found and denial:
            found[label] = LexiconMatch(label, denial.group(0), denied=True)
        elif label in found and denial and not found[label].denied and _only_denied(text, label, denial):
            found[label] = LexiconMatch(label, denial.group(0), denied=True)
    return list(found.values())


def _overlaps(a: re.Match[str], b: re.Match[str]) -> bool:
    return a.start() < b.end() and b.start() < a.end()


def _only_denied(text: str, label: str, denial: re.Match[str]) -> bool:
    """Every trigger of `label` lies inside a denial: 价格不是问题 contains no standalone price trigger."""
    return all(_overlaps(hit, denial) for hit in TRIGGERS[label].finditer(text))


def _negated(text: str, position: int) -> bool:
    clause_start = max((m.end() for m in _CLAUSE.finditer(text, 0, position)), default=0)
    before = t.tokens(text[clause_start:position])[-2:]
    return any(word in _NEGATORS or word.endswith("n't") for word in before)
