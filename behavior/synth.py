"""Synthetic labelled B2B sales conversations with planted effects of known size.

Cohort statistics ("sales behavior DNA": which rep behaviors separate won from lost deals) can only be
validated where the truth is known. `synthesize(n, seed)` writes `n` realistic sales calls (about 10 %
WeCom/DingTalk-style chats) in Simplified Chinese or English, and draws each outcome from a logistic
model over a few *planted* behaviors only:

    logit P(won) = PLANTED_INTERCEPT
                   + log(4.7) * stall_trial_offer_within_90s   (customer stalled, rep offered a trial <= 90 s later)
                   + log(3.0) * next_step_set                  (call ends with a concrete, timed next step)
                   + 0.15     * rep_open_questions             (count of rep open questions)

so `PLANTED_ODDS_RATIOS` are the true odds ratios *conditional on the other planted behaviors*.
Rep skill (20 reps, `REPS`) drives how often a rep does the planted behaviors but never touches the
outcome directly. Because skilled reps do all three more often, the planted behaviors are positively
correlated with each other, so one-at-a-time (unadjusted) odds ratios come out larger than the planted
ones (n=4000, seeds 0-2: about 4.7-5.4, 3.1-3.6 and 1.21-1.22 per question instead of 4.7, 3.0 and
1.16): an analysis must adjust for the other planted behaviors (or stratify by rep) to recover them.

Everything else (talk ratio, objections other than the stall, small talk, monologue lengths, pains,
pricing talk, closed questions, proactive trial offers without a stall, language, channel, length)
is drawn independently of rep skill and has no effect on the outcome. The stall itself has no effect
either: only a quick trial offer after it does. Marginal associations that follow mechanically from the
planted behaviors remain and are expected: stalled calls win more often (only they can earn the quick
trial offer bonus), and more open questions push the first pain and the first pitch later.
`null=True` keeps every text identical and draws the outcome as Bernoulli(0.4), independent of everything.

The truth for each conversation is in `conversation.metadata["synth"]` (see `synthesize`), including a
label per segment (`segment_labels`, parallel to `segments`) naming the phrase bank it came from.

Phrase banks are module constants (`STALL_PHRASES`, `TRIAL_OFFER_PHRASES`, `NEXT_STEP_PHRASES`,
`VAGUE_ENDINGS`, `OPEN_QUESTIONS`, `CLOSED_QUESTIONS`, `PAIN_STATEMENTS`, `OBJECTIONS`, ...), each
`{"zh": [...], "en": [...]}`, literal strings, so detectors can be tested against them. Contracts the
banks keep (tested in tests/behavior/test_synth.py):

- only TRIAL_OFFER_PHRASES offer a trial / pilot / POC / sample; only NEXT_STEP_PHRASES set a timed
  next step; no other bank mentions either;
- every rep question is either in OPEN_QUESTIONS (what/how/why/which/how many; 什么/怎么/如何/为什么/
  哪/多少/几) or is a closed yes/no question (CLOSED_QUESTIONS, rep small talk); tag confirmations such
  as 您看怎么样？ or "How does that sound?" are closed. Rep statements never end with a question mark;
- STALL_PHRASES are non-committal delays with no reason given; TIMING objections give a reason;
- Chinese text is Simplified with full-width punctuation; no emoji.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from conversation import Conversation

__all__ = [
    "AGENDA",
    "BACKCHANNELS",
    "CLOSED_ANSWERS",
    "CLOSED_QUESTIONS",
    "CLOSING_SUMMARIES",
    "COMPANIES",
    "CUSTOMER_CONTEXT",
    "CUSTOMER_ELABORATIONS",
    "CUSTOMER_QA",
    "DOMAINS",
    "GOODBYES",
    "GREETINGS",
    "HANDLING_REPLIES",
    "IMPLEMENTATION",
    "INDUSTRIES",
    "NEXT_STEP_CONFIRMATIONS",
    "NEXT_STEP_PHRASES",
    "NULL_WIN_RATE",
    "OBJECTIONS",
    "OBJECTION_RESPONSES",
    "OBJECTION_TYPES",
    "OPEN_QUESTIONS",
    "PAIN_STATEMENTS",
    "PAIN_STATEMENTS_BY_DOMAIN",
    "PITCH",
    "PLANTED_INTERCEPT",
    "PLANTED_LOG_ODDS_PER_UNIT",
    "PLANTED_ODDS_RATIOS",
    "PRICE_QUESTIONS",
    "PRICE_REACTIONS",
    "PRICING",
    "REPS",
    "REP_RESTATEMENTS",
    "SELF_INTRODUCTIONS",
    "SMALL_TALK",
    "STALL_ACKNOWLEDGEMENTS",
    "STALL_PHRASES",
    "TRIAL_OFFER_PHRASES",
    "TRIAL_OFFER_REPLIES",
    "TRIAL_OFFER_WINDOW_S",
    "VAGUE_ENDINGS",
    "VAGUE_ENDING_REPLIES",
    "VALUE_ROI",
    "planted_win_probability",
    "synthesize",
]

# ---------------------------------------------------------------------------------------------------
# The planted model
# ---------------------------------------------------------------------------------------------------

#: Binary planted behaviors -> true odds ratio of winning (conditional on the other planted behaviors).
PLANTED_ODDS_RATIOS: dict[str, float] = {
    "stall_trial_offer_within_90s": 4.7,
    "next_step_set": 3.0,
}
#: Continuous planted behaviors -> true log odds ratio per unit (per extra rep open question: OR 1.16).
PLANTED_LOG_ODDS_PER_UNIT: dict[str, float] = {
    "rep_open_questions": 0.15,
}
#: b0 of the logistic model; gives an overall win rate of about 40 % with the default rep mix.
PLANTED_INTERCEPT = -2.05
#: Win rate of the null corpus (outcome independent of everything).
NULL_WIN_RATE = 0.4
#: A trial offer counts as quick when it starts at most this many seconds after the stall ends.
TRIAL_OFFER_WINDOW_S = 90.0


def planted_win_probability(truth: dict[str, Any]) -> float:
    """P(won) under the planted model for a conversation's ground truth (metadata["synth"])."""
    logit = PLANTED_INTERCEPT
    for key, odds_ratio in PLANTED_ODDS_RATIOS.items():
        logit += math.log(odds_ratio) * float(bool(truth[key]))
    for key, per_unit in PLANTED_LOG_ODDS_PER_UNIT.items():
        logit += per_unit * float(truth[key])
    return 1.0 / (1.0 + math.exp(-logit))


# ---------------------------------------------------------------------------------------------------
# Cast: reps (with skill), customers, companies, products
# ---------------------------------------------------------------------------------------------------

# skill in [-1.5, 1.5]: how often the rep does the planted behaviors. It never enters the outcome.
REPS: list[dict[str, Any]] = [
    {"id": f"rep{i + 1:02d}", "skill": skill, "zh": zh, "en": en}
    for i, (skill, zh, en) in enumerate(
        [
            (0.63, "王磊", "Emily Carter"),
            (-0.95, "李娜", "James Miller"),
            (1.50, "张伟", "Sophia Chen"),
            (-1.18, "刘洋", "Daniel Brooks"),
            (0.16, "陈静", "Olivia Turner"),
            (-0.32, "杨帆", "Michael Reyes"),
            (1.18, "赵敏", "Hannah Lee"),
            (-1.50, "黄涛", "Ryan Walsh"),
            (0.79, "周杰", "Grace Kim"),
            (-0.47, "吴婷", "Ethan Parker"),
            (1.34, "徐鹏", "Chloe Martin"),
            (-0.79, "孙悦", "Lucas Bennett"),
            (0.00, "马超", "Ava Thompson"),
            (0.95, "朱琳", "Noah Foster"),
            (-1.34, "胡斌", "Mia Collins"),
            (0.32, "郭晶", "Owen Hughes"),
            (-0.63, "何军", "Isabella Price"),
            (1.03, "高远", "Jack Morgan"),
            (-0.16, "林娟", "Zoe Russell"),
            (0.47, "罗平", "Liam Cooper"),
        ]
    )
]

_CUSTOMER_SURNAMES_ZH = [
    "刘",
    "陈",
    "杨",
    "赵",
    "黄",
    "周",
    "吴",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
    "郭",
    "何",
    "林",
    "郑",
    "谢",
    "韩",
    "唐",
    "冯",
]
_CUSTOMER_GIVEN_ZH = [
    "建国",
    "海燕",
    "志强",
    "丽华",
    "晓东",
    "春梅",
    "国庆",
    "雪",
    "宏",
    "立新",
    "明",
    "秀英",
    "文博",
    "佳",
    "鹏飞",
    "婷婷",
]
_CUSTOMER_TITLES_ZH = ["总", "经理", "总监", "老师"]
_CUSTOMER_FIRST_EN = [
    "Mark",
    "Laura",
    "Kevin",
    "Rachel",
    "Brian",
    "Nicole",
    "Scott",
    "Megan",
    "Paul",
    "Diana",
    "Greg",
    "Alison",
    "Victor",
    "Karen",
    "Tom",
    "Priya",
]
_CUSTOMER_LAST_EN = [
    "Johnson",
    "Patel",
    "Nguyen",
    "Schmidt",
    "Garcia",
    "O'Brien",
    "Kowalski",
    "Hughes",
    "Tanaka",
    "Rossi",
    "Fischer",
    "Wright",
    "Silva",
    "Murphy",
    "Larsen",
    "Adams",
]

#: Seller companies (fictional).
COMPANIES = {
    "zh": [
        "云启科技",
        "数智通",
        "易账通",
        "智联云",
        "汇客科技",
        "星图软件",
        "简道数据",
        "明途科技",
        "蓝鲸智能",
        "聚信云",
        "橙果科技",
        "远帆软件",
    ],
    "en": [
        "Northwind Software",
        "Brightpath",
        "Ledgerly",
        "Cloudbridge",
        "Clearview Analytics",
        "Helio Systems",
        "Pinecrest Labs",
        "Stackwise",
        "Bluefin Data",
        "Orbital Apps",
        "Keystone Cloud",
        "Lumen Works",
    ],
}
#: Customer industries.
INDUSTRIES = {
    "zh": [
        "制造业",
        "连锁零售",
        "物流",
        "医疗器械",
        "教育培训",
        "跨境电商",
        "餐饮连锁",
        "建材",
        "汽车零部件",
        "快消品",
    ],
    "en": [
        "manufacturing",
        "retail",
        "logistics",
        "medical devices",
        "education",
        "e-commerce",
        "restaurant chains",
        "construction materials",
        "auto parts",
        "consumer goods",
    ],
}
#: Product domains the seller sells into: product name and features per language.
DOMAINS: dict[str, dict[str, dict[str, Any]]] = {
    "sales": {
        "zh": {
            "product": "智能销售管理系统",
            "features": ["客户跟进自动提醒", "销售漏斗看板", "拜访记录语音录入", "线索自动分配"],
        },
        "en": {
            "product": "sales CRM",
            "features": [
                "automatic follow-up reminders",
                "pipeline dashboards",
                "voice-logged call notes",
                "automatic lead routing",
            ],
        },
    },
    "finance": {
        "zh": {
            "product": "财务自动对账平台",
            "features": ["银行流水自动对账", "发票智能核验", "一键生成月度报表", "应收账款预警"],
        },
        "en": {
            "product": "finance automation platform",
            "features": [
                "automatic bank reconciliation",
                "invoice matching",
                "one-click month-end reports",
                "receivables alerts",
            ],
        },
    },
    "service": {
        "zh": {
            "product": "智能客服系统",
            "features": ["工单自动分派", "知识库智能推荐", "全渠道消息统一接入", "满意度自动回访"],
        },
        "en": {
            "product": "customer service suite",
            "features": [
                "automatic ticket routing",
                "knowledge base suggestions",
                "omnichannel inbox",
                "automated satisfaction surveys",
            ],
        },
    },
    "supply": {
        "zh": {
            "product": "供应链协同平台",
            "features": ["库存实时同步", "智能补货建议", "供应商在线协同", "物流全程追踪"],
        },
        "en": {
            "product": "supply chain platform",
            "features": [
                "real-time inventory sync",
                "smart replenishment",
                "supplier portal",
                "end-to-end shipment tracking",
            ],
        },
    },
    "hr": {
        "zh": {
            "product": "人力资源管理系统",
            "features": ["智能排班", "简历自动筛选", "考勤薪资一体化", "线上入职流程"],
        },
        "en": {
            "product": "HR platform",
            "features": [
                "smart scheduling",
                "resume screening",
                "attendance and payroll in one place",
                "digital onboarding",
            ],
        },
    },
    "marketing": {
        "zh": {
            "product": "营销自动化平台",
            "features": ["渠道效果归因", "线索自动打分", "会员精准营销", "活动数据统一管理"],
        },
        "en": {
            "product": "marketing automation platform",
            "features": ["channel attribution", "lead scoring", "customer segmentation", "unified event data"],
        },
    },
}

# ---------------------------------------------------------------------------------------------------
# Phrase banks. Literal strings except the few rep banks marked "template" ({company}, {rep}, {cust},
# {product}, {feature}, {feature2}, {industry}), which name the cast.
# ---------------------------------------------------------------------------------------------------

#: Rep greeting with self-introduction naming the company (template).
SELF_INTRODUCTIONS = {
    "zh": [
        "{cust}您好，我是{company}的{rep}，负责{product}这块的销售顾问。",
        "喂，您好，我是{company}的客户经理{rep}。",
        "{cust}，您好您好，我是{company}的{rep}，前两天跟您约过今天的电话。",
        "您好，我是{company}的{rep}，很高兴今天能跟您聊聊。",
        "{cust}好，我是{company}的{rep}，做企业服务的，谢谢您抽时间。",
        "您好，我这边是{company}，我叫{rep}，是您所在区域的解决方案顾问。",
        "{cust}您好，我是{company}的{rep}，之前您在官网上留过言，我来跟进一下。",
        "喂，{cust}您好，我是{company}销售部的{rep}。",
    ],
    "en": [
        "Hi {cust}, this is {rep} from {company}, thanks for making the time.",
        "Hello {cust}, {rep} here with {company}, I'm the account executive for your region.",
        "Hi {cust}, it's {rep} from {company}, we set up this call last week.",
        "Good morning {cust}, my name is {rep} and I work on the sales team at {company}.",
        "Hey {cust}, {rep} from {company} here, I appreciate you hopping on.",
        "Hi {cust}, I'm {rep}, a solutions consultant at {company}.",
        "Hello {cust}, this is {rep} calling from {company}, following up on your request on our website.",
        "Hi there {cust}, {rep} with {company}, great to finally connect.",
    ],
}
#: Customer's reply to the greeting.
GREETINGS = {
    "zh": [
        "你好你好。",
        "嗯，你好。",
        "您好，请讲。",
        "你好，听得到。",
        "哎，你好你好。",
        "嗯，您好，我这边方便。",
        "你好，我记得的。",
        "好的，你好。",
    ],
    "en": [
        "Hi, good to meet you.",
        "Hey, thanks for calling.",
        "Hello, yes, I can hear you.",
        "Hi, sure, go ahead.",
        "Hey there.",
        "Hi, yes, I remember.",
        "Hello, I've got a few minutes.",
        "Hi, nice to talk to you.",
    ],
}
#: Rep small talk: statements and closed questions only (template).
SMALL_TALK = {
    "zh": [
        "最近天气转凉了，您那边还好吧？",
        "听说你们最近刚搬了新办公室，恭喜恭喜。",
        "上次在展会上见到您，印象特别深。",
        "你们今年业务增长挺快的，我在新闻上看到了。",
        "周末休息得还好吧？",
        "您那边信号还可以吧？",
        "这两天是不是挺忙的？",
        "我也是刚从上一个会出来，今天一直连轴转。",
        "{industry}这两年变化挺大的。",
        "你们那边最近是不是一直在下雨？",
    ],
    "en": [
        "Hope your week is going well so far.",
        "I saw you just moved into a new office, congrats.",
        "It was great meeting you at the trade show.",
        "Looks like you've had a strong year, I read about it in the news.",
        "Did you get a chance to relax over the weekend?",
        "Is the connection okay on your end?",
        "Busy time of year for you, isn't it?",
        "I just came out of another meeting myself, it's been a long day.",
        "The {industry} space has changed a lot lately.",
        "Is it still raining over there?",
    ],
}
#: Customer's small-talk replies, index-aligned with SMALL_TALK.
SMALL_TALK_REPLIES = {
    "zh": [
        "还好，就是早晚有点凉。",
        "哈哈，是啊，刚搬完，还在收拾。",
        "哦对，那次人特别多。",
        "对，今年确实还不错。",
        "还好，周末陪孩子出去转了转。",
        "信号没问题，听得挺清楚的。",
        "忙是真的忙，月底了嘛。",
        "哈哈，大家都差不多。",
        "是啊，行业变化太快了。",
        "对，下了快一个星期了。",
    ],
    "en": [
        "Not bad, just a lot going on lately.",
        "Ha, thanks, still unpacking boxes.",
        "Oh yes, that place was packed.",
        "Yeah, it's been a good year.",
        "A bit, took the kids out for a while.",
        "Sounds clear on my side.",
        "Busy is an understatement, it's month-end.",
        "Ha, same here.",
        "Yeah, things move fast in our world.",
        "Yes, it's been a week straight.",
    ],
}
#: Rep sets the agenda (statements).
AGENDA = {
    "zh": [
        "今天主要想先了解一下你们的情况，然后再给您介绍一下我们的方案。",
        "我先简单说一下今天的安排：先听您讲讲现状，再看看我们能帮上什么忙。",
        "今天不着急推产品，我主要想多听听你们现在遇到的问题。",
        "我这边准备了一些问题，也会给您看看我们的产品能做些什么。",
        "咱们先聊聊你们现在的流程，最后我再讲一下价格和合作方式。",
        "今天就当是互相了解，您有任何问题随时打断我。",
        "我先花一点时间了解你们的业务，后面再给您讲讲别的客户是怎么做的。",
        "今天主要是交流为主，看看我们的方向跟您的需求对不对得上。",
    ],
    "en": [
        "The plan for today is to learn about your setup first, then show you how we might help.",
        "I'd like to start by hearing about your current process, then I'll share a bit about us.",
        "No hard pitch today, I mostly want to understand the problems you're running into.",
        "I've got a few questions for you, and then I'll show you what the product can do.",
        "Let's start with your workflow, and at the end I'll cover pricing and how we work together.",
        "Think of today as getting to know each other, interrupt me any time.",
        "I'll spend a little time on your business first, then share how other customers do it.",
        "Mostly I want to see whether our direction matches what you need.",
    ],
}
#: Rep open questions (什么/怎么/如何/为什么/哪/多少/几; what/how/why/which/how many).
OPEN_QUESTIONS = {
    "zh": [
        "您现在这块业务主要是怎么管理的？",
        "目前团队大概有多少人在用这套流程？",
        "您觉得现在流程里最耗时间的是哪个环节？",
        "你们之前为什么没有考虑上系统？",
        "这个问题对业务的影响主要体现在什么地方？",
        "您这边一般是如何评估一个新工具的？",
        "一个完整的周期大概要花几天？",
        "如果这个问题解决了，对您团队来说意味着什么？",
        "你们现在用的是哪家的系统？",
        "数据现在是怎么在各部门之间流转的？",
        "您最希望在今年解决的是什么问题？",
        "上线一个新系统，你们通常需要哪些部门参与？",
        "每个月在这件事上大概投入多少人力？",
        "您理想中的流程是什么样的？",
        "之前用过哪些办法来解决这个问题？",
        "这个事情现在是哪位在负责？",
        "客户投诉一般集中在哪些方面？",
        "你们的业务高峰一般在什么时候？",
        "您是怎么衡量这个项目成功的？",
        "预算方面，你们一般是怎么规划的？",
        "这件事拖下去的话，会带来哪些风险？",
        "现在的报表一般要几天才能拿到？",
        "你们明年在这方面有什么计划？",
        "团队目前遇到最大的挑战是什么？",
        "您主要顾虑的是哪方面？",
        "具体是哪一点让您有顾虑？",
        "为什么现在开始关注这件事了？",
        "这些问题一般是怎么暴露出来的？",
    ],
    "en": [
        "How are you handling this today?",
        "What does your current process look like from start to finish?",
        "Which part of the workflow takes the most time?",
        "Why hasn't this been tackled before?",
        "What would it mean for your team if this were solved?",
        "How many people touch this process each week?",
        "What tools are you using right now?",
        "How do you usually evaluate new software?",
        "What's the biggest challenge your team is facing this quarter?",
        "Which teams would need to be involved in a rollout?",
        "How do you measure success for a project like this?",
        "What happens if this stays the way it is for another year?",
        "How much time does your team spend on this every month?",
        "What have you done so far to fix it?",
        "Which metrics matter most to your leadership?",
        "How does data move between your teams today?",
        "What does your ideal workflow look like?",
        "Why is this a priority now?",
        "How do customers usually reach you when something goes wrong?",
        "What's driving the timeline on your side?",
        "How are budgets usually planned for tools like this?",
        "Which part concerns you the most?",
        "What specifically makes you hesitant?",
        "How did you end up with your current setup?",
        "What would you change first if you could?",
        "How do these problems usually show up?",
        "Why did this come up now rather than last year?",
        "Which of those issues hurts the most?",
    ],
}
#: Rep closed (yes/no) questions, including tag confirmations.
CLOSED_QUESTIONS = {
    "zh": [
        "你们现在是用Excel在管吗？",
        "这个流程每个月都要走一遍，对吧？",
        "目前是您这边牵头这个项目吗？",
        "这个问题在其他部门也存在吗？",
        "我这么理解没错吧？",
        "您看这样怎么样？",
        "这个思路您觉得可以吗？",
        "那我先简单介绍一下我们的方案，好吗？",
        "这个功能对你们应该挺有用的，对吧？",
        "你们今年有这方面的预算吗？",
        "数据都在一个系统里吗？",
        "这个对您来说是优先级比较高的事情吗？",
        "现在这个节奏，团队能跟得上吗？",
        "我接着讲一下价格部分，可以吗？",
        "听起来还挺符合你们需求的，是不是？",
        "您之前接触过类似的产品吗？",
        "这样讲清楚了吗？",
        "老板对这件事也挺关注的吧？",
    ],
    "en": [
        "Are you using spreadsheets for this today?",
        "That happens every month, right?",
        "Is this something you own personally?",
        "Does that make sense?",
        "Would that work for you?",
        "Let me walk you through the platform quickly, okay?",
        "Is there budget set aside for this year?",
        "So the data lives in two different systems, right?",
        "Have you looked at tools like this before?",
        "Is this a top priority for your team?",
        "Can I share a quick overview of pricing?",
        "How does that sound?",
        "Sound reasonable?",
        "Is that a fair summary?",
        "That would save your team a lot of time, right?",
        "Are you the right person to talk to about this?",
        "Is your boss following this too?",
        "Is that clear so far?",
    ],
}
#: Customer's short answers to closed questions (the last three answer a request to go on).
CLOSED_ANSWERS = {
    "zh": [
        "对。",
        "是的。",
        "对，差不多是这样。",
        "嗯，是这样。",
        "没错。",
        "对对对。",
        "也不完全是。",
        "算是吧。",
        "嗯，可以这么说。",
        "大体上是的。",
        "可以，您说。",
        "好的，您讲。",
        "行，您说吧。",
    ],
    "en": [
        "Yes.",
        "Right.",
        "Yeah, pretty much.",
        "Correct.",
        "Yep, that's right.",
        "Kind of.",
        "Yeah.",
        "Not exactly.",
        "I'd say so.",
        "More or less.",
        "Sure, go ahead.",
        "Yeah, please.",
        "Sure, let's hear it.",
    ],
}
#: Customer's answers to open questions that are not pains.
CUSTOMER_CONTEXT = {
    "zh": [
        "我们现在主要是靠Excel加微信群在管。",
        "团队大概三十来个人，分了三个小组。",
        "一般是部门负责人先评估，然后报给老板。",
        "之前也看过一些工具，但一直没定下来。",
        "现在是我在牵头，IT那边配合。",
        "流程大概是先录单，再审核，最后同步给财务。",
        "高峰期一般在月底和季度末。",
        "主要是想让数据更透明一点，大家都看得到进度。",
        "我们用的是一个老的系统，好多年没升级了。",
        "说实话，现在每个部门都有自己的一套做法。",
        "老板希望今年能把管理再做细一点。",
        "我们全国有二十多个网点，各自为政。",
        "我们的客户主要是中小企业，订单量不小但单价不高。",
        "IT部门只有三个人，平时维护都忙不过来。",
        "我们去年刚完成一轮融资，今年扩张比较快。",
        "公司总部在上海，分公司在成都和武汉。",
    ],
    "en": [
        "Right now it's mostly spreadsheets plus a team chat.",
        "The team is around thirty people in three groups.",
        "Usually a department head evaluates it and then takes it to the boss.",
        "We've looked at a few tools but never committed to one.",
        "I'm leading it, with IT supporting.",
        "Roughly, we enter the order, someone reviews it, then it goes to finance.",
        "Our peak is usually month-end and quarter-end.",
        "Mostly we want more visibility so everyone can see progress.",
        "We're on an old system that hasn't been upgraded in years.",
        "Honestly, every department has its own way of doing things.",
        "Leadership wants tighter operations this year.",
        "We have over twenty locations and each one does its own thing.",
        "Most of our customers are small businesses, lots of orders but small ones.",
        "IT is three people and they're already stretched.",
        "We closed a funding round last year, so we're growing fast.",
        "Headquarters is in Chicago, with offices in Denver and Austin.",
    ],
}
#: Customer pain statements, by product domain.
PAIN_STATEMENTS_BY_DOMAIN = {
    "sales": {
        "zh": [
            "我们的销售每天要花两三个小时录拜访记录。",
            "客户跟进全靠销售自己记，人一走客户就丢了。",
            "我根本看不到每个单子推进到哪一步了。",
            "线索分配很乱，经常好几个销售抢同一个客户。",
            "销售预测每次都不准，老板很不满意。",
            "新人上手太慢，要三个月才能独立跑单。",
        ],
        "en": [
            "Our reps spend hours every day logging calls into the CRM.",
            "When a rep leaves, their accounts basically walk out the door with them.",
            "I honestly can't tell which deals are moving and which are stuck.",
            "Leads get assigned randomly and two reps end up calling the same prospect.",
            "Our forecast is off by thirty percent every quarter.",
            "New hires take three months before they can close anything on their own.",
        ],
    },
    "finance": {
        "zh": [
            "现在对账每个月要花三天，财务同事天天加班。",
            "发票都是人工核对的，经常出错。",
            "月底结账的时候，几个系统的数据老是对不上。",
            "报销审批要走好几层，员工意见很大。",
            "应收账款没人盯，去年坏账多了不少。",
            "每次出报表都要手工从好几个表里拼数据。",
        ],
        "en": [
            "Month-end reconciliation takes us three full days.",
            "Invoices are matched by hand and we keep finding errors.",
            "The numbers from our three systems never line up at close.",
            "Expense approvals go through four layers and people hate it.",
            "Nobody really chases receivables, and bad debt went up last year.",
            "Every report means copying data out of half a dozen spreadsheets.",
        ],
    },
    "service": {
        "zh": [
            "客服高峰期电话根本接不过来，客户排队要等十几分钟。",
            "同一个问题客户要重复说好几遍，体验很差。",
            "投诉处理没有闭环，经常石沉大海。",
            "客服知识库很久没更新了，新人回答经常出错。",
            "工单流转全靠微信群，很容易漏掉。",
            "我们都不知道客户满意度到底怎么样。",
        ],
        "en": [
            "During peak hours customers wait fifteen minutes just to reach an agent.",
            "Customers have to repeat their problem to three different people.",
            "Complaints get logged and then nobody closes the loop.",
            "Our knowledge base is years out of date, so new agents give wrong answers.",
            "Tickets get passed around in group chats and some just disappear.",
            "We genuinely don't know how satisfied our customers are.",
        ],
    },
    "supply": {
        "zh": [
            "库存数据每天都对不上，经常是缺货和积压同时存在。",
            "仓库盘点一次要停工两天。",
            "供应商交期老是延误，我们很被动。",
            "采购单据都是纸质的，找起来特别麻烦。",
            "门店补货全靠店长拍脑袋。",
            "物流状态查不到，客户天天打电话来问。",
        ],
        "en": [
            "Our inventory numbers are wrong every single day, so we're out of stock and overstocked at once.",
            "A full stock count shuts the warehouse down for two days.",
            "Suppliers miss delivery dates all the time and we find out too late.",
            "Purchase orders are still on paper, finding anything is a nightmare.",
            "Store managers reorder based on gut feeling.",
            "We can't see shipment status, so customers call us all day asking.",
        ],
    },
    "hr": {
        "zh": [
            "招聘旺季简历太多，HR根本筛不过来。",
            "排班都是用Excel手排的，一出错就得重来。",
            "新员工入职手续要跑好几个部门。",
            "绩效考核每次都要花一个月收集数据。",
            "员工流失率很高，但我们不知道原因在哪。",
            "考勤数据和工资系统是两套，每个月都要人工导数据。",
        ],
        "en": [
            "In hiring season we get so many resumes that HR can't screen them all.",
            "Shift schedules are built by hand in Excel and one mistake breaks everything.",
            "Onboarding a new hire means running between five departments.",
            "Performance reviews take a month just to collect the data.",
            "Turnover is high and we don't really know why.",
            "Attendance and payroll are separate systems, so someone exports data by hand every month.",
        ],
    },
    "marketing": {
        "zh": [
            "投放花了不少钱，但不知道哪个渠道真的有效。",
            "线索进来以后没人及时跟进，转化率很低。",
            "活动报名数据散落在好几个表里。",
            "市场部和销售部天天为线索质量吵架。",
            "每个月做营销报表要花好几天。",
            "老客户复购我们完全没有运营起来。",
        ],
        "en": [
            "We spend a lot on ads but can't tell which channel actually works.",
            "Leads come in and sit there for days before anyone follows up.",
            "Event sign-up data is scattered across a bunch of spreadsheets.",
            "Marketing and sales argue about lead quality constantly.",
            "Our monthly marketing report takes several days to put together.",
            "We do basically nothing to bring existing customers back.",
        ],
    },
}
#: All customer pain statements (union of the domains).
PAIN_STATEMENTS = {lang: [p for d in PAIN_STATEMENTS_BY_DOMAIN.values() for p in d[lang]] for lang in ("zh", "en")}
#: Customer elaborations (filler; no pain of its own, no objection).
CUSTOMER_ELABORATIONS = {
    "zh": [
        "而且这个问题每到月底就特别明显。",
        "其实老板也一直在催我们想办法。",
        "我们之前也讨论过好几次，一直没落地。",
        "主要是大家都太忙了，没人专门管这件事。",
        "说白了就是信息不透明。",
        "我们去年也算过，这块的人力成本确实不低。",
        "下面的人也挺有意见的。",
        "有时候一个数据要问好几个人才能拿到。",
        "我们这个行业利润薄，效率上不去就很吃亏。",
        "我自己也是从一线做上来的，所以特别清楚这些问题。",
        "我们也不是没想过改，就是一直找不到合适的切入点。",
        "上面要结果，下面要人手，夹在中间挺难的。",
        "这个情况大概从去年开始越来越明显。",
        "之前做过一次内部梳理，但后来没人跟进。",
        "每次开会都在说这个事，但就是推不动。",
        "同事们私下也抱怨过好几次了。",
    ],
    "en": [
        "And it gets noticeably worse at the end of every month.",
        "Honestly, leadership keeps pushing us to find a fix.",
        "We've talked about it several times but nothing ever happened.",
        "Everyone is too busy, so nobody really owns it.",
        "Basically, nobody has visibility.",
        "We did the math last year and the labor cost is real.",
        "The team on the ground complains about it a lot.",
        "Sometimes getting one number means asking four different people.",
        "Margins are thin in our business, so efficiency matters a lot.",
        "I came up through the front line myself, so I know these problems well.",
        "We've wanted to change it, we just never found the right starting point.",
        "Leadership wants results, the team wants more hands, and I'm in the middle.",
        "It really started getting worse around last year.",
        "We did an internal review once, but nobody followed through.",
        "It comes up in every meeting and then nothing moves.",
        "People have complained about it privately more than once.",
    ],
}
#: Rep restatements / empathy during discovery (statements).
REP_RESTATEMENTS = {
    "zh": [
        "明白，也就是说现在主要卡在数据汇总这一步。",
        "了解，这个情况我们在很多客户那里都见过。",
        "嗯，这个确实挺影响效率的。",
        "收到，我记一下。",
        "懂了，所以主要是人工环节太多。",
        "这个很关键，我们后面重点聊。",
        "理解，换谁都会觉得头疼。",
        "这个信息很有用，谢谢您说得这么细。",
        "明白了，问题不在人，而在流程。",
        "嗯，听下来您最关心的是效率和透明度。",
    ],
    "en": [
        "Got it, so the bottleneck is really pulling the data together.",
        "Understood, we see this a lot with our customers.",
        "Yeah, that really drags on productivity.",
        "Noted, let me write that down.",
        "Makes sense, so it's mostly too many manual steps.",
        "That's important, let's come back to it.",
        "I hear you, that would frustrate anyone.",
        "That's really helpful, thanks for the detail.",
        "So the issue isn't the people, it's the process.",
        "Sounds like efficiency and visibility are the big ones for you.",
    ],
}
#: Rep pitch sentences (template); several in a row make a monologue.
PITCH = {
    "zh": [
        "我们的{product}最核心的是{feature}，能把您刚才说的这些环节都串起来。",
        "简单来说，{product}就是帮团队把重复的手工活交给系统。",
        "我们现在服务了三百多家企业，{industry}的客户也不少。",
        "{feature}这块是我们做得最扎实的，很多客户就是冲这个来的。",
        "系统上线以后，所有数据都在一个地方，领导随时能看。",
        "我们支持和钉钉、企业微信打通，员工不用换工具。",
        "另外我们还有{feature2}，这个也能帮您减少不少沟通成本。",
        "部署方式比较灵活，公有云和私有化都可以。",
        "我们有专门的客户成功团队，上线后会持续跟进使用情况。",
        "整个界面很简单，一般员工半天就能上手。",
        "报表是自动生成的，不需要再手工汇总。",
        "权限可以细到每个字段，数据安全这块您可以放心。",
        "我们每个月都会更新功能，很多需求都是客户提出来的。",
        "移动端也可以用，出差的时候在手机上就能处理。",
        "所有操作都有日志，谁在什么时候改了什么，一查就知道。",
        "我们的{feature}是自己研发的，不依赖第三方。",
        "规则可以自己配置，业务变了也不用找我们改代码。",
        "系统会自动提醒关键节点，不用再靠人盯。",
        "很多{industry}客户最看重的就是这种标准化的流程。",
        "数据看板可以按部门、按区域、按时间随意切换。",
        "对接这块我们有开放接口，你们IT同事会比较省心。",
        "我们在全国有十几个服务网点，响应很快。",
    ],
    "en": [
        "The heart of our {product} is {feature}, which ties together the steps you just described.",
        "Put simply, the {product} takes the repetitive manual work off your team's plate.",
        "We work with over three hundred companies, quite a few of them in {industry}.",
        "{feature} is where we're strongest, a lot of customers choose us for it.",
        "Once you're live, all your data sits in one place and leadership can see it anytime.",
        "We integrate with the chat and email tools you already use, so nobody has to switch.",
        "We also have {feature2}, which cuts down a lot of back and forth.",
        "Deployment is flexible, cloud or on your own servers.",
        "There's a dedicated customer success team that stays with you after go-live.",
        "The interface is simple, most people are comfortable within half a day.",
        "Reports are generated automatically, so nobody has to compile them by hand.",
        "Permissions go down to the field level, so your data stays protected.",
        "We ship updates every month, and a lot of them come from customer requests.",
        "There's a mobile app too, so people can handle things on the road.",
        "Every change is logged, so you always know who changed what and when.",
        "We built {feature} in-house, there's no third party in the middle.",
        "You configure the rules yourself, so when the business changes you don't need us to write code.",
        "The system flags key milestones automatically, nobody has to babysit it.",
        "A lot of our {industry} customers value exactly this kind of standard process.",
        "Dashboards slice by team, region or time period with a click.",
        "We have an open API, which keeps your IT folks happy.",
        "We have support staff in a dozen cities, so response times are short.",
    ],
}
#: Rep value / ROI talk (template).
VALUE_ROI = {
    "zh": [
        "按我们的经验，这类流程自动化以后，一般能节省百分之三十到五十的时间。",
        "像{industry}的一家客户，上线三个月，处理效率提升了一倍。",
        "如果每个月能省下两三天人力，一年下来就是一个人的成本。",
        "数据准确了以后，管理层决策也会快很多。",
        "很多客户反馈，最大的价值是流程透明了，扯皮少了。",
        "算下来，投入大概半年左右就能收回来。",
        "我们有一家客户，用了以后错误率降到了原来的五分之一。",
        "除了省时间，客户体验的提升其实更重要。",
        "您可以把省下来的人力放到更有价值的事情上。",
        "从投入产出来看，这个账是很好算的。",
    ],
    "en": [
        "In our experience, automating this kind of process saves thirty to fifty percent of the time.",
        "One of our {industry} customers doubled their throughput within three months.",
        "If you save two or three days of work a month, that's a full salary over a year.",
        "Once the data is accurate, leadership makes decisions much faster.",
        "Customers tell us the biggest win is transparency, fewer arguments about whose numbers are right.",
        "Most customers earn back the investment in about six months.",
        "One customer cut their error rate to a fifth of what it was.",
        "Beyond saving time, the customer experience improvement is the bigger deal.",
        "You can put the hours you save into work that actually moves the needle.",
        "On a return-on-investment basis, the math is pretty simple.",
    ],
}
#: Customer asks about price.
PRICE_QUESTIONS = {
    "zh": [
        "你们大概怎么收费？",
        "价格方面大概是多少？",
        "一年下来要多少钱？",
        "有没有按年付的优惠？",
        "实施要额外收费吗？",
        "你们是按人头收费还是按套收费？",
        "这个大概什么价位？",
        "像我们这种规模，一年得花多少？",
    ],
    "en": [
        "So what does something like this cost?",
        "Roughly how much are we talking?",
        "What would that run us per year?",
        "Is there a discount for annual billing?",
        "Does implementation cost extra?",
        "How is it priced?",
        "Is it per seat or a flat fee?",
        "For a company our size, what would we be looking at?",
    ],
}
#: Rep pricing talk (statements).
PRICING = {
    "zh": [
        "我们是按账号收费的，标准版每个账号每年一千二百元。",
        "整体下来，像你们这个规模，一年大概在八万左右。",
        "我们有基础版、专业版和企业版三个版本，价格从每年两万到十五万不等。",
        "实施费是一次性的，大概两万元，后面只收年费。",
        "如果签三年，我们可以给到八五折。",
        "价格里已经包含了培训和售后服务。",
        "专业版是每人每月九十九元，按年付。",
        "私有化部署的话，是一次性买断加每年百分之十五的维护费。",
    ],
    "en": [
        "We price per seat, the standard plan is twelve hundred dollars per seat per year.",
        "For a team your size you'd be looking at about eighty thousand a year.",
        "There are three editions, ranging from twenty to a hundred and fifty thousand a year.",
        "Implementation is a one-time fee of around twenty thousand, then just the subscription.",
        "On a three-year agreement we can take fifteen percent off.",
        "Training and support are included in the subscription.",
        "The professional plan is ninety-nine dollars per user per month, billed annually.",
        "For an on-premise deployment it's a one-time license plus fifteen percent a year for maintenance.",
    ],
}
#: Customer's neutral reaction to a price (not an objection).
PRICE_REACTIONS = {
    "zh": [
        "嗯，我了解了。",
        "好，我记一下。",
        "这个我得算一算。",
        "嗯，跟我预想的差不多。",
        "行，价格我大概有数了。",
        "哦，这样收费。",
        "明白，这个还算清楚。",
        "好的，收到。",
    ],
    "en": [
        "Okay, noted.",
        "Got it, I'll have to run the numbers.",
        "That's roughly what I expected.",
        "Alright, that gives me a ballpark.",
        "Okay, that's clear.",
        "Hm, okay.",
        "Understood.",
        "Good to know.",
    ],
}
#: Customer questions during the pitch, each with the rep's answer (statement).
CUSTOMER_QA = {
    "zh": [
        ("这个能和我们现在的ERP对接吗？", "可以的，我们有标准接口，一般一两周就能对接好。"),
        ("手机上能用吗？", "支持的，手机和电脑的数据是实时同步的。"),
        ("数据能导出来吗？", "可以，所有数据都能一键导出。"),
        ("上线大概要多久？", "一般两到四周就能上线，看你们流程的复杂程度。"),
        ("你们有没有做过我们这个行业的？", "做过的，{industry}的客户我们有好几家。"),
        ("需要我们自己维护服务器吗？", "不需要，我们是云端部署，服务器由我们来维护。"),
        ("培训是你们负责吗？", "培训我们全包，线上线下都可以。"),
        ("能支持多少人同时在线？", "几千人同时在线都很稳定，这个您放心。"),
        ("出了问题找谁？", "我们有专属客服群，工作日两小时内响应。"),
        ("能不能按我们的流程做一些定制？", "可以的，大部分配置不用写代码就能调整。"),
        ("权限能不能按部门分开？", "可以，权限能细到部门、角色甚至每个字段。"),
        ("历史数据能迁移过来吗？", "能的，我们有迁移工具，实施顾问会帮你们导入。"),
        ("有没有操作手册？", "有的，还有视频教程，新员工自己看就能学会。"),
        ("系统稳定性怎么样？", "全年可用率在百分之九十九点九以上，有专门的运维团队。"),
    ],
    "en": [
        (
            "Can it connect to our current ERP?",
            "Yes, we have standard connectors, usually set up within a week or two.",
        ),
        ("Does it work on mobile?", "It does, mobile and desktop stay in sync in real time."),
        ("Can we export our data?", "Absolutely, everything can be exported in one click."),
        ("How long does it take to go live?", "Usually two to four weeks, depending on how complex your process is."),
        ("Have you worked with companies in our industry?", "We have, several of our customers are in {industry}."),
        ("Do we have to maintain servers ourselves?", "No, it's cloud hosted and we handle all of that."),
        ("Do you handle training?", "We do all the training, remote or on site."),
        ("How many people can use it at the same time?", "Thousands of concurrent users without any issue."),
        (
            "Who do we call when something breaks?",
            "You get a dedicated support channel with a two-hour response time on workdays.",
        ),
        ("Can it be adapted to our process?", "Yes, most configuration is done without writing any code."),
        ("Can permissions be split by department?", "Yes, down to department, role, even individual fields."),
        ("Can we bring over our historical data?", "Yes, our migration tools and your consultant handle the import."),
        ("Is there documentation?", "There's a full manual plus video tutorials, new hires can learn on their own."),
        ("How reliable is it?", "Uptime is above 99.9 percent and we have a dedicated operations team."),
    ],
}
#: Rep implementation talk (statements).
IMPLEMENTATION = {
    "zh": [
        "上线一般分三步：梳理流程、配置系统、培训使用。",
        "我们会安排一位专属的实施顾问，全程跟进。",
        "数据迁移这块我们有现成的工具，历史数据可以一次导进来。",
        "培训可以线上也可以到现场，按你们的习惯来。",
        "系统配置好以后，我们会陪跑一段时间，确保大家真正用起来。",
        "你们这边只需要出一个对接人，其余的我们来做。",
        "每个阶段我们都会给您一份进度报告。",
        "上线之后我们会定期回访，看看使用数据。",
    ],
    "en": [
        "Rollout has three steps: map the process, configure the system, train the team.",
        "You'd get a dedicated implementation consultant from start to finish.",
        "We have migration tooling, so historical data comes over in one go.",
        "Training can be remote or on site, whatever suits your team.",
        "After configuration we stay close for a while to make sure people actually use it.",
        "You only need one point of contact, we handle the rest.",
        "You'll get a progress report at every stage.",
        "After go-live we check in regularly and review usage together.",
    ],
}
#: Short acknowledgements, per role.
BACKCHANNELS = {
    "customer": {
        "zh": [
            "嗯。",
            "对。",
            "嗯嗯。",
            "好的。",
            "明白。",
            "是。",
            "哦，这样。",
            "嗯，可以。",
            "有道理。",
            "嗯，对。",
        ],
        "en": [
            "Mm-hmm.",
            "Right.",
            "Okay.",
            "Got it.",
            "Sure.",
            "I see.",
            "Yeah.",
            "Uh-huh.",
            "Makes sense.",
            "Okay, yeah.",
        ],
    },
    "rep": {
        "zh": [
            "嗯。",
            "明白。",
            "对对。",
            "理解。",
            "好的。",
            "嗯，是的。",
            "没错。",
            "原来如此。",
            "嗯嗯。",
            "收到。",
        ],
        "en": [
            "Right.",
            "Got it.",
            "I see.",
            "Makes sense.",
            "Okay.",
            "Sure.",
            "Absolutely.",
            "Mm-hmm.",
            "Yeah.",
            "Understood.",
        ],
    },
}
#: Customer stalls: non-committal delays, no reason given.
STALL_PHRASES = {
    "zh": [
        "我们再考虑一下吧。",
        "这个回头再说吧。",
        "我再想想。",
        "嗯，我们再琢磨琢磨。",
        "先这样吧，我们再看看。",
        "这事不急，我们再考虑考虑。",
        "我得再想一想，回头再说。",
        "行，我先了解一下，之后再说吧。",
        "我们先消化一下，再考虑吧。",
        "先放一放吧，我们再研究研究。",
        "嗯，让我再想想吧。",
        "我们再看看情况吧。",
    ],
    "en": [
        "Let me think about it.",
        "We'll think it over and get back to you.",
        "Let's revisit this later.",
        "I need some time to mull it over.",
        "Let me sleep on it.",
        "We'll have to think about it some more.",
        "Let's put a pin in it for now.",
        "I'm not sure yet, let me think it over.",
        "Let me digest all this first.",
        "We'll see, let me think about it.",
        "Maybe down the road, I'll think about it.",
        "Let's just leave it for now and circle back.",
    ],
}
#: Customer objections by type (stall = STALL_PHRASES).
OBJECTIONS: dict[str, dict[str, list[str]]] = {
    "price": {
        "zh": [
            "这个价格有点超出我们预算了。",
            "太贵了，比我们预想的高不少。",
            "一年这么多钱，对我们来说压力不小。",
            "你们这个报价比我们预期高了快一倍。",
            "按账号收费的话，我们人多，成本太高了。",
            "能不能再便宜点？这个价格有压力。",
            "这个投入对我们这种规模的公司来说有点重。",
            "价格方面我们很难接受。",
        ],
        "en": [
            "Honestly, that's above what we budgeted.",
            "That's a lot more than we expected to pay.",
            "That's steep for a company our size.",
            "Your quote is almost double what we had in mind.",
            "Per-seat pricing gets expensive fast with a team as big as ours.",
            "Is there any room on the price? This is tough for us.",
            "The cost is hard to justify right now.",
            "We can't really stretch to that number.",
        ],
    },
    "timing": {
        "zh": [
            "我们现在正在忙系统迁移，时间上不太合适。",
            "今年的预算已经定完了，得等下一个预算周期。",
            "最近是业务旺季，大家都抽不出精力上新系统。",
            "年底事情太多了，现在不是好时机。",
            "我们组织架构正在调整，现在推不动。",
            "刚换了一套ERP，短期内不想再折腾。",
            "这个季度我们的重点在别的项目上。",
            "团队刚扩招，现在人手都在忙培训新人。",
        ],
        "en": [
            "We're in the middle of a system migration, so the timing isn't great.",
            "Our budget for this year is already locked.",
            "It's peak season, nobody has bandwidth for a new tool right now.",
            "Year-end is crazy for us, this isn't a good moment.",
            "We're going through a reorg, so nothing new is moving.",
            "We just rolled out a new ERP and people are exhausted.",
            "This quarter our focus is on a different project.",
            "We just hired a bunch of people and everyone's busy onboarding them.",
        ],
    },
    "stall": STALL_PHRASES,
    "competitor": {
        "zh": [
            "我们已经在用另一家的系统了。",
            "别家给的方案功能差不多，价格还更低。",
            "我们之前也看过几家同类产品，感觉都差不多。",
            "另一家厂商给我们报了一个更优惠的价格。",
            "你们跟市面上那几家大厂相比，优势在哪？",
            "我们IT部门更倾向于用现有供应商的产品。",
            "说实话，我们也在同时跟两家在谈。",
            "之前看的另一个产品界面更好看一些。",
        ],
        "en": [
            "We're already using another vendor for this.",
            "Another vendor quoted us something similar for less.",
            "We've looked at a few similar products and they all seem the same.",
            "Honestly, we're talking to two other vendors at the same time.",
            "How are you different from the big players?",
            "Our IT team prefers to stick with our existing supplier.",
            "Our current vendor says they'll have this feature soon.",
            "The other tool we looked at had a nicer interface.",
        ],
    },
    "authority": {
        "zh": [
            "这个事我一个人定不了，得老板拍板。",
            "我得跟我们财务总监汇报一下。",
            "采购这块要走集团的流程，我说了不算。",
            "需要IT部门评估过才行。",
            "最终决定权在总部那边。",
            "我得跟几个合伙人商量一下。",
            "这得上会讨论，我没法直接答应。",
            "超过五万的采购都要总经理签字。",
        ],
        "en": [
            "I can't sign off on this myself, my boss has to approve it.",
            "I'll need to run it by our CFO.",
            "Procurement goes through head office, it's not my call.",
            "IT would have to review it first.",
            "The final decision sits with headquarters.",
            "I'd have to discuss it with my partners.",
            "This needs to go to the leadership meeting.",
            "Anything over fifty thousand needs the GM's signature.",
        ],
    },
    "need": {
        "zh": [
            "我们现在的方式虽然笨一点，但也够用。",
            "说实话，我没觉得这是个大问题。",
            "我们规模还小，暂时用不上这么复杂的系统。",
            "这些功能我们大部分用不到。",
            "现在Excel就能搞定，没必要上系统。",
            "我们的业务比较特殊，通用产品不一定合适。",
            "团队没提过这方面的需求。",
            "现有的系统虽然旧，但大家都用习惯了。",
        ],
        "en": [
            "What we have now is clunky, but it works.",
            "To be honest, I don't see this as a big problem.",
            "We're still small, we don't need something this complex.",
            "We wouldn't use most of these features.",
            "Excel handles it fine, I'm not sure we need a system.",
            "Our business is pretty unique, a generic product may not fit.",
            "Nobody on the team has asked for this.",
            "The old system is dated, but everyone's used to it.",
        ],
    },
    "trust": {
        "zh": [
            "你们公司成立时间不长，我们有点担心。",
            "数据放在你们云上，安全怎么保证？",
            "你们在我们这个行业有成功案例吗？",
            "之前上过类似的系统，最后没用起来，有点怕了。",
            "你们说的效果，我还是有点怀疑。",
            "万一你们公司不做了，我们的数据怎么办？",
            "实施周期你们能保证吗？之前被别家坑过。",
            "我得先看看你们有没有大客户在用。",
        ],
        "en": [
            "You're a fairly young company, which worries us a bit.",
            "How do you keep our data secure in your cloud?",
            "Do you have any customers in our industry?",
            "We bought something similar before and nobody ended up using it.",
            "I'm a little skeptical about those numbers.",
            "What happens to our data if your company goes under?",
            "Can you actually guarantee the implementation timeline? We've been burned before.",
            "I'd want to see some big-name customers using it first.",
        ],
    },
}
#: Objection types; "stall" is the planted one.
OBJECTION_TYPES = tuple(OBJECTIONS)
#: Rep's handling of each non-stall objection type (statements; no trial offer, no timed next step).
OBJECTION_RESPONSES: dict[str, dict[str, list[str]]] = {
    "price": {
        "zh": [
            "理解，其实算下来每个账号每天不到十块钱，比一个人工小时便宜多了。",
            "价格这块按年付可以有一些优惠，我帮您去申请。",
            "我们看的不只是价格，更是能帮您省下多少人力。",
            "我们有不同的版本，基础版的投入会低很多。",
            "很多客户一开始也觉得贵，用了半年后算下来是省钱的。",
            "按您刚才说的人力投入来算，几个月就能回本。",
        ],
        "en": [
            "I get it. Per seat it works out to less than an hour of someone's time each month.",
            "If you pay annually there's a discount I can ask for on your behalf.",
            "It's worth looking at what it saves, not just what it costs.",
            "We have a lighter edition that comes in well below that number.",
            "A lot of customers felt the same at first and found it paid for itself within six months.",
            "Based on the hours you described, it pays back in a few months.",
        ],
    },
    "timing": {
        "zh": [
            "明白，其实正是忙的时候，才更需要把流程理顺。",
            "理解，我们的上线周期很短，不会占用团队太多精力。",
            "预算的问题我们可以分期，先把流程梳理起来。",
            "没关系，我们可以先把方案准备好，等您这边时机合适。",
            "很多客户也是在系统迁移期间一起上的，反而省了一次切换。",
            "我们实施团队会全程负责，你们只需要配合一两个人就行。",
        ],
        "en": [
            "Totally fair. Busy periods are exactly when a cleaner process helps most.",
            "Understood. Our rollout is light and won't pull much of your team's time.",
            "On budget, we can split payments so it doesn't hit this year all at once.",
            "No problem, we can have everything ready so you can move when it suits you.",
            "Plenty of customers rolled us out during a migration and saved themselves a second switch.",
            "Our implementation team does the heavy lifting, you'd only need one or two people involved.",
        ],
    },
    "competitor": {
        "zh": [
            "理解，我们跟他们最大的区别是本地化服务和实施速度。",
            "功能清单看起来差不多，但实际用起来差别在细节上。",
            "很多客户是从他们那边切换过来的，主要是因为数据打通做得更好。",
            "我们不评价同行，但可以给您看一下两边的对比材料。",
            "价格是高一点，但我们的服务是驻场的。",
            "您现在的系统我们也能对接，不需要推倒重来。",
        ],
        "en": [
            "Fair. Where we differ most is local support and speed of rollout.",
            "Feature lists look alike, the difference shows up in day-to-day use.",
            "Quite a few of our customers switched from them, mostly for the integrations.",
            "I won't knock anyone, but I can send you a side-by-side comparison.",
            "We may cost a bit more, but you get a dedicated onsite team.",
            "We can connect to your current system, so nothing has to be ripped out.",
        ],
    },
    "authority": {
        "zh": [
            "明白，那我可以准备一份给您老板看的材料。",
            "没问题，我把方案整理成一页纸，方便您内部汇报。",
            "理解，我们可以一起跟IT部门沟通技术细节。",
            "好的，我给您准备一份投入产出测算，您拿去汇报会更有说服力。",
            "完全理解，采购流程需要的资质文件我们都可以提供。",
            "那我们之后也可以安排跟您老板一起聊聊。",
        ],
        "en": [
            "Understood. I can put together a short deck for your boss.",
            "No problem, I'll condense this into a one-pager for your internal review.",
            "Happy to walk your IT team through the technical details.",
            "I'll prepare a return-on-investment estimate you can take to leadership.",
            "Sure, we can provide all the documents procurement usually needs.",
            "We could also set up a conversation with your manager at some point.",
        ],
    },
    "need": {
        "zh": [
            "理解，不过您刚才提到的那个问题，其实每个月都在花成本。",
            "现在够用，但业务再翻一倍的时候就不一定了。",
            "我们的产品可以按需开启模块，不会太复杂。",
            "很多和你们规模差不多的客户，一开始也这么想。",
            "其实Excel最大的问题是数据没法实时共享。",
            "我们不追求一步到位，先解决最痛的那个点就行。",
        ],
        "en": [
            "Understood, though the issue you mentioned earlier is costing you every month.",
            "It works now, but it may not when the business doubles.",
            "You can switch modules on as needed, so it stays simple.",
            "Many companies your size felt the same way at the start.",
            "The real problem with spreadsheets is that nobody sees the same numbers.",
            "We don't need to solve everything at once, just the most painful piece.",
        ],
    },
    "trust": {
        "zh": [
            "理解，我们已经服务了三百多家企业，很多都是上市公司。",
            "数据安全方面我们通过了等保三级认证，也可以私有化部署。",
            "我可以把同行业客户的案例发给您参考。",
            "我们合同里会写清楚服务标准和违约责任。",
            "您的顾虑很正常，我们可以安排您跟老客户直接聊聊。",
            "我们的数据可以随时导出，不会被锁定。",
        ],
        "en": [
            "Fair question. We work with over three hundred companies, several of them listed.",
            "We're ISO 27001 certified and can deploy on your own servers.",
            "I can send you case studies from companies in your industry.",
            "Service levels and penalties are written into the contract.",
            "Your concern is completely normal, and I can connect you with an existing customer.",
            "You can export all your data at any time, there's no lock-in.",
        ],
    },
}
#: Rep's immediate acknowledgement of a stall (statements; no trial offer).
STALL_ACKNOWLEDGEMENTS = {
    "zh": [
        "理解，这么重要的事情肯定要慎重。",
        "好的，没问题，您不用着急。",
        "明白，换作是我也会慎重一点。",
        "可以理解，毕竟涉及到整个团队的习惯。",
        "没关系，我不着急要您的答复。",
        "嗯，这个决定确实不小。",
        "好的，我尊重您的节奏。",
        "理解，有任何疑问您随时问我。",
    ],
    "en": [
        "Of course, it's a big decision.",
        "Totally understand, take the time you need.",
        "Makes sense, I'd want to take my time too.",
        "Fair enough, it affects how the whole team works.",
        "No pressure at all.",
        "That's completely reasonable.",
        "Sure, I respect that.",
        "Understood, and I'm here if any questions come up.",
    ],
}
#: Customer's reaction to a handled objection.
HANDLING_REPLIES = {
    "zh": [
        "嗯，有道理。",
        "这个我了解了。",
        "行，我明白你的意思。",
        "嗯，听起来还可以。",
        "好吧，我知道了。",
        "这个说法我能接受。",
        "嗯，也是。",
        "哦，这样的话还行。",
    ],
    "en": [
        "Hm, fair point.",
        "Okay, I understand.",
        "Alright, I see what you mean.",
        "That sounds okay.",
        "Fine, noted.",
        "I can accept that.",
        "Yeah, that's true.",
        "Okay, that helps.",
    ],
}
#: Rep offers a minimal verification path: free trial, pilot, POC, sample (statements).
TRIAL_OFFER_PHRASES = {
    "zh": [
        "要不这样，我们先给您开两周的免费试用，您让团队先用起来看看效果。",
        "您不用现在就定，可以先试一下，我们给您开一个试用账号。",
        "我们可以先小范围跑一下，挑一个团队试点一个月，用数据说话。",
        "不如先做个小规模的POC，用你们自己的数据验证一下。",
        "我这边可以先给您申请一个免费试用，先跑两周看看。",
        "您可以先拿一个部门试点，规模小，风险也小。",
        "我们先免费给您搭一个试用环境，您先试一下再决定。",
        "先别急着全面上，我们先小范围跑一下，看看效果再决定。",
        "要不先用一个月的免费试用版，您自己体验一下。",
        "我们可以先免费帮您做一个小样，用你们上个月的数据跑一遍。",
        "可以先签一个试点协议，先开三十个账号用一个月。",
        "我们先做个概念验证，两周时间，不收费。",
    ],
    "en": [
        "We can set you up with a free two-week trial so your team can see it on real deals.",
        "No need to decide today, let's start with a small pilot with one team.",
        "We could run a quick proof of concept on your own data first.",
        "I can open a trial account for you so you can try it out first.",
        "Let's do a small pilot with five users and let the numbers speak.",
        "Why don't we start with a free trial and you judge it for yourself.",
        "We can run a POC on last month's data at no cost.",
        "I can send you a sample report built from your own data, free of charge.",
        "Start small: one team, one month, a pilot, and then decide.",
        "You could try it free for fourteen days with your own pipeline.",
        "We offer a no-cost pilot for a single region so you can test it safely.",
        "Let's begin with a trial on a handful of accounts before any commitment.",
    ],
}
#: Customer's reply to a trial offer.
TRIAL_OFFER_REPLIES = {
    "zh": [
        "嗯，这个可以。",
        "行，这样风险小一点。",
        "听起来可以，我跟团队说一下。",
        "好，那可以先这么安排。",
        "这个倒是可以。",
        "嗯，这样我也好跟老板交代。",
    ],
    "en": [
        "That could work.",
        "Okay, that feels lower risk.",
        "Sounds reasonable, I'll mention it to the team.",
        "Alright, we can do that.",
        "That's actually helpful.",
        "Okay, that makes it easier to get buy-in.",
    ],
}
#: Rep closing summaries (statements; no next step).
CLOSING_SUMMARIES = {
    "zh": [
        "今天聊下来收获挺大的，谢谢您分享这么多。",
        "我把今天的要点整理一下，发到您邮箱。",
        "今天主要了解了你们的现状和想解决的问题。",
        "从今天聊的情况看，我们的方案跟你们还是挺匹配的。",
        "您说的这几个问题，我们都有对应的做法。",
        "今天信息量挺大的，非常感谢。",
    ],
    "en": [
        "This was really helpful, thanks for sharing so much.",
        "I'll write up today's notes and email them over.",
        "Today I got a good picture of where you are and what you want to fix.",
        "From what I heard, we line up well with what you need.",
        "We have a clear answer for each of the issues you raised.",
        "Lots of good detail today, thank you.",
    ],
}
#: Rep sets a concrete next step with a day and a time (statements).
NEXT_STEP_PHRASES = {
    "zh": [
        "那我们下周三下午两点开个线上会，我把详细方案给您过一遍。",
        "这样，周四上午十点我带技术同事过来，给你们做个详细演示。",
        "我们约在下周一上午十点，我把报价单和合同模板一起带过去。",
        "那就定在周五下午三点，我们跟您老板一起开个会。",
        "我下周二下午四点给您打电话，跟您确认一下需求细节。",
        "明天上午十一点我们再开个二十分钟的会，把实施计划对一下。",
        "那下周四下午两点半我们开视频会议，我把会议邀请发您邮箱。",
        "周三上午九点半我到你们公司当面聊，顺便见一下IT的同事。",
        "那就这么定了，下周一下午三点开启动会。",
        "我们约本周五上午十点过一下合同条款。",
        "下个月三号上午十点，我们把采购流程走一下。",
        "后天下午两点我给您发会议链接，我们把方案定下来。",
    ],
    "en": [
        "Let's meet Tuesday at 10 to walk through the rollout plan.",
        "I'll send an invite for Thursday at 2 pm with your IT lead.",
        "Let's lock in Wednesday at 11 am for the detailed demo.",
        "I'll call you Monday at 9:30 to go over the proposal.",
        "Let's schedule a 30-minute call Friday at 3 pm with your CFO.",
        "I'll put us down for next Tuesday at 4 pm to review the contract.",
        "Great, so we're meeting on the 12th at 10 am at your office.",
        "Let's reconvene tomorrow at 1 pm to finalize the pricing.",
        "I'll book Thursday at 10 am for the technical deep dive.",
        "We'll do a kickoff call next Monday at 2 pm, I'll send the invite now.",
        "Let's pencil in Wednesday at 3:30 pm with your operations team.",
        "I'll see you on Friday at 11 am to sign off on the scope.",
    ],
}
#: Customer confirms the next step (no time of its own).
NEXT_STEP_CONFIRMATIONS = {
    "zh": [
        "好的，没问题。",
        "行，我把时间空出来。",
        "可以，到时候见。",
        "好，我等你的会议邀请。",
        "没问题，我叫上IT的同事。",
        "行，就这么定。",
    ],
    "en": [
        "Sounds good.",
        "Works for me, I'll block it off.",
        "Perfect, see you then.",
        "Great, send the invite over.",
        "Sure, I'll bring our IT lead.",
        "Okay, it's a plan.",
    ],
}
#: Rep ends vaguely: no date, no time, no concrete step (statements).
VAGUE_ENDINGS = {
    "zh": [
        "好的，那我们再联系。",
        "行，那您有需要随时找我。",
        "好的，那我们保持沟通。",
        "那今天就先聊到这，之后我们再沟通。",
        "好的，那我等您消息。",
        "没问题，您那边有想法了随时跟我说。",
        "好，那我们后面再找时间聊。",
        "行，那我把资料发您，您有空看看。",
        "好的，那先这样，我们电话联系。",
        "明白，那我们有机会再约。",
    ],
    "en": [
        "Okay, talk soon.",
        "Sounds good, let's stay in touch.",
        "Alright, just let me know whenever you're ready.",
        "Great, I'll wait to hear from you.",
        "Okay, reach out anytime.",
        "Cool, we'll catch up at some point.",
        "I'll send over some material, have a look when you get a chance.",
        "Alright, let's keep in touch.",
        "Thanks, let's connect again sometime.",
        "No problem, ping me if anything comes up.",
    ],
}
#: Customer's reply to a vague ending.
VAGUE_ENDING_REPLIES = {
    "zh": ["好的。", "嗯，行。", "好，谢谢你。", "嗯嗯，好的。", "行，好的。", "好的，辛苦了。"],
    "en": ["Okay.", "Sure, thanks.", "Alright.", "Sounds good, thanks.", "Will do.", "Okay, take care."],
}
#: Goodbyes, per role.
GOODBYES = {
    "rep": {
        "zh": [
            "好的，感谢您今天抽时间，再见。",
            "那就不打扰您了，拜拜。",
            "好，谢谢您，祝您工作顺利。",
            "感谢感谢，那先这样，拜拜。",
            "好的，谢谢，再见。",
            "辛苦您了，拜拜。",
        ],
        "en": [
            "Thanks so much for your time today, bye.",
            "Appreciate it, have a great day.",
            "Thanks again, take care.",
            "Great talking with you, bye for now.",
            "Thanks, bye.",
            "Have a good one.",
        ],
    },
    "customer": {
        "zh": ["好，再见。", "拜拜。", "好的，拜拜。", "再见。", "嗯，拜拜。", "好，谢谢，再见。"],
        "en": ["Bye.", "Thanks, bye.", "You too, bye.", "Take care.", "Bye now.", "Thanks, talk later."],
    },
}

# ---------------------------------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------------------------------

_ZH_PUNCT = frozenset("，。？！、；：“”‘’（）《》…—·")
_ZH_CHARS_PER_S = 4.0
_EN_WORDS_PER_S = 2.5
_MIN_GAP, _MAX_GAP = 0.2, 1.5
_INTERRUPT_P = 0.07  # a rep segment after a customer one starts before it ends
_STALL_P = 0.6
_PROACTIVE_TRIAL_P = 0.15  # rep offers a trial with no stall before it (no effect)
_CONCERN_QUESTIONS = {
    "zh": ["您主要顾虑的是哪方面？", "具体是哪一点让您有顾虑？"],
    "en": ["Which part concerns you the most?", "What specifically makes you hesitant?"],
}
_DISCOVERY_QUESTIONS = {
    lang: [q for q in OPEN_QUESTIONS[lang] if q not in _CONCERN_QUESTIONS[lang]] for lang in ("zh", "en")
}
_PERMISSION_QUESTIONS = {
    "zh": ["那我先简单介绍一下我们的方案，好吗？", "我接着讲一下价格部分，可以吗？"],
    "en": ["Let me walk you through the platform quickly, okay?", "Can I share a quick overview of pricing?"],
}
_PLAIN_CLOSED_QUESTIONS = {
    lang: [q for q in CLOSED_QUESTIONS[lang] if q not in _PERMISSION_QUESTIONS[lang]] for lang in ("zh", "en")
}
_PLAIN_ANSWERS = {lang: CLOSED_ANSWERS[lang][:-3] for lang in ("zh", "en")}
_GO_AHEAD = {lang: CLOSED_ANSWERS[lang][-3:] for lang in ("zh", "en")}


@lru_cache(maxsize=8192)
def _speech_units(text: str, lang: str) -> float:
    """Seconds of speech at the nominal rate (zh: 4 characters/s, en: 2.5 words/s)."""
    if lang == "zh":
        n = 0
        latin = False
        for ch in text:
            if ch in _ZH_PUNCT:
                latin = False
            elif ch.isascii() and ch.isalnum():
                if not latin:  # a Latin word or a number reads like about two characters
                    n += 2
                latin = True
            else:
                latin = False
                n += 1
        return n / _ZH_CHARS_PER_S
    return len(text.split()) / _EN_WORDS_PER_S


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _clip(x: float, lo: float, hi: float) -> float:
    return max(lo, min(x, hi))


class _Call:
    """Builds one conversation on a clock: blocks of segments, scheduled events, a pinned trial offer."""

    def __init__(
        self, rng: random.Random, lang: str, chat: bool, ctx: dict[str, str], domain: str, target_share: float
    ):
        self.rng = rng
        self.lang = lang
        self.chat = chat
        self.ctx = ctx
        self.domain = domain
        self.target_share = target_share
        self.rate = {"rep": rng.uniform(0.85, 1.2), "customer": rng.uniform(0.8, 1.15)}
        self.segments: list[tuple[str, float, float, str]] = []
        self.labels: list[str] = []
        self.t = 0.0  # end of the latest speech (chats: time of the latest message)
        self.last_start = 0.0
        self.talk = {"rep": 0.0, "customer": 0.0}
        self.decks: dict[int, list[str]] = {}
        self.events: list[tuple[float, int, str, Any]] = []
        self.pending_due: float | None = None  # trial offer pinned to this start time
        self.stall_end: float | None = None
        self.offer_start: float | None = None
        self.n_open = 0
        self.n_closed = 0
        self.objections: list[dict[str, Any]] = []
        self.first_pain: float | None = None
        self.n_pain = 0

    # -- phrases ------------------------------------------------------------------------------------
    def pick(self, bank: list[str]) -> str:
        """A phrase from `bank`, without repeats within the conversation until the bank runs out."""
        deck = self.decks.get(id(bank))
        if not deck:
            deck = list(bank)
            self.rng.shuffle(deck)
            self.decks[id(bank)] = deck
        text = deck.pop()
        return text.format_map(self.ctx) if "{" in text else text

    def item(self, speaker: str, text: str, label: str, *, overlap: bool = True) -> list[Any]:
        rng = self.rng
        dur = _speech_units(text, self.lang) / self.rate[speaker] * rng.uniform(0.9, 1.12) + 0.15
        if len(text) <= 4 and self.lang == "zh" or len(text) <= 8 and self.lang == "en":
            dur = max(dur, 0.35)
        gap = rng.uniform(0.3, 2.0) if self.chat else rng.uniform(_MIN_GAP, _MAX_GAP)
        return [speaker, text, label, round(dur, 2), round(gap, 2), overlap]

    def say(self, speaker: str, bank: list[str], label: str, **kw: Any) -> list[Any]:
        return self.item(speaker, self.pick(bank), label, **kw)

    def turn(self, speaker: str, banks: list[list[str]], label: str, most: int = 3) -> list[Any]:
        """One segment of 1..`most` sentences drawn from `banks` (filler talk, not a labelled phrase)."""
        rng = self.rng
        k = min(most, 1 + (rng.random() < 0.6) + (rng.random() < 0.25))
        parts = [self.pick(banks[rng.randrange(len(banks))]) for _ in range(k)]
        return self.item(speaker, ("" if self.lang == "zh" else " ").join(parts), label)

    # -- clock --------------------------------------------------------------------------------------
    @staticmethod
    def total(block: list[list[Any]]) -> float:
        return sum(it[3] + it[4] for it in block)

    def emit(self, it: list[Any], gap: float | None = None) -> tuple[float, float]:
        speaker, text, label, dur, g, overlap = it
        if gap is None:
            gap = g
            prev = self.segments[-1] if self.segments else None
            if (
                overlap
                and not self.chat
                and prev is not None
                and speaker == "rep"
                and prev[0] == "customer"
                and prev[2] - prev[1] > 1.5
                and self.rng.random() < _INTERRUPT_P
            ):
                gap = -self.rng.uniform(0.3, min(1.5, 0.5 * (prev[2] - prev[1])))
        if self.chat:
            start = end = round(self.t + gap + dur, 2)
        else:
            start = round(max(self.last_start, self.t + gap), 2)
            end = round(start + dur, 2)
        self.segments.append((speaker, start, end, text))
        self.labels.append(label)
        self.last_start = start
        self.t = max(self.t, end)
        self.talk[speaker] += dur
        if label == "open_question":
            self.n_open += 1
        elif label == "closed_question" or label == "small_talk" and text.endswith(("？", "?")):
            self.n_closed += 1
        elif label == "pain":
            self.n_pain += 1
            if self.first_pain is None:
                self.first_pain = start
        elif label.startswith("objection:"):
            self.objections.append({"type": label.split(":", 1)[1], "start_s": start, "end_s": end})
        return start, end

    def lead(self, it: list[Any]) -> float:
        """Seconds between the clock and a segment's start beyond its gap (chats: typing time)."""
        return it[3] if self.chat else 0.0

    def put(self, block: list[list[Any]]) -> None:
        """Fire due events, then place the block (after the pinned trial offer if it comes first)."""
        self.fire_events()
        self.place(block)

    def place(self, block: list[list[Any]]) -> None:
        if self.pending_due is not None and block:
            self.pin_offer(self.total(block))
        for it in block:
            self.emit(it)

    def pin_offer(self, next_total: float) -> None:
        """If the next block would pass the offer's due time, fill the slack and say the offer exactly then."""
        lang = self.lang
        offer = self.say("rep", TRIAL_OFFER_PHRASES[lang], "trial_offer", overlap=False)
        lead = self.lead(offer)
        max_gap = 8.0 if self.chat else 2.5
        if self.t + next_total + lead + _MIN_GAP <= self.pending_due:
            self.decks[id(TRIAL_OFFER_PHRASES[lang])].append(offer[1])  # not yet: put the phrase back
            return
        while self.pending_due - self.t - lead > max_gap:
            slack = self.pending_due - self.t - lead - _MIN_GAP
            candidates = [
                self.filler_block(),
                [self.say("rep", REP_RESTATEMENTS[lang], "restatement")],
                [self.turn("customer", [CUSTOMER_ELABORATIONS[lang], CUSTOMER_CONTEXT[lang]], "elaboration", 1)],
                [self.turn("rep", [PITCH[lang], VALUE_ROI[lang]], "pitch", 1)],
            ]
            fitting = [c for c in candidates if self.total(c) <= slack]
            if fitting:
                filler = max(fitting, key=self.total)
            else:
                role = "customer" if self.segments and self.segments[-1][0] == "rep" else "rep"
                filler = [self.say(role, BACKCHANNELS[role][lang], "backchannel", overlap=False)]
                filler[0][4] = _MIN_GAP
                filler[0][3] = min(filler[0][3], max(0.3, slack - _MIN_GAP))
            for it in filler:
                self.emit(it)
        start, _ = self.emit(offer, gap=max(_MIN_GAP, self.pending_due - self.t - lead))
        self.offer_start = start
        self.pending_due = None
        self.emit(self.say("customer", TRIAL_OFFER_REPLIES[lang], "trial_offer_reply"))

    # -- events -------------------------------------------------------------------------------------
    def schedule(self, at: float, kind: str, data: Any = None) -> None:
        self.events.append((at, len(self.events), kind, data))
        self.events.sort()

    def fire_events(self, everything: bool = False) -> None:
        while self.events and (everything or self.events[0][0] <= self.t):
            _, _, kind, data = self.events.pop(0)
            getattr(self, "event_" + kind)(data)

    def event_objection(self, data: tuple[str, bool]) -> None:
        kind, probe = data
        lang = self.lang
        self.place([self.say("customer", OBJECTIONS[kind][lang], "objection:" + kind)])
        if probe:  # the rep asks what exactly worries the customer (an open question)
            self.place(
                [
                    self.say("rep", _CONCERN_QUESTIONS[lang], "open_question"),
                    self.turn("customer", [CUSTOMER_ELABORATIONS[lang]], "answer", 2),
                ]
            )
        block = [self.say("rep", OBJECTION_RESPONSES[kind][lang], "objection_response:" + kind)]
        if self.rng.random() < 0.4:
            block.append(self.say("rep", OBJECTION_RESPONSES[kind][lang], "objection_response:" + kind))
        block.append(self.say("customer", HANDLING_REPLIES[lang], "handling_reply"))
        self.place(block)

    def event_stall(self, plan: tuple[str, float]) -> None:
        kind, latency = plan
        _, end = self.emit(self.say("customer", STALL_PHRASES[self.lang], "objection:stall"))
        self.stall_end = end
        if kind in ("within_90s", "late"):
            self.pending_due = end + latency
        self.place([self.say("rep", STALL_ACKNOWLEDGEMENTS[self.lang], "stall_acknowledgement", overlap=False)])

    def event_proactive_trial(self, _: Any) -> None:
        self.place([])
        start, _ = self.emit(self.say("rep", TRIAL_OFFER_PHRASES[self.lang], "trial_offer"))
        self.offer_start = start
        self.emit(self.say("customer", TRIAL_OFFER_REPLIES[self.lang], "trial_offer_reply"))

    def event_open_question(self, _: Any) -> None:
        lang = self.lang
        self.place(
            [
                self.say("rep", _DISCOVERY_QUESTIONS[lang], "open_question"),
                self.turn("customer", [CUSTOMER_ELABORATIONS[lang], CUSTOMER_CONTEXT[lang]], "answer"),
            ]
        )

    # -- fillers ------------------------------------------------------------------------------------
    def rep_heavy(self) -> bool:
        total = self.talk["rep"] + self.talk["customer"]
        share = self.talk["rep"] / total if total else 0.5
        return share < self.target_share

    def pick_qa(self) -> tuple[str, str]:
        bank = CUSTOMER_QA[self.lang]
        deck = self.decks.get(id(bank))
        if not deck:
            deck = list(bank)
            self.rng.shuffle(deck)
            self.decks[id(bank)] = deck
        question, answer = deck.pop()
        return question, answer.format_map(self.ctx)

    def monologue(self, banks: list[list[str]], label: str, max_len: int) -> list[list[Any]]:
        """1..max_len consecutive rep segments, sometimes acknowledged by the customer."""
        rng = self.rng
        n = min(max_len, 1 + min(_poisson(rng, 1.2), 4))
        block = [self.turn("rep", banks, label, 2) for _ in range(n)]
        if rng.random() < 0.45:
            block.append(self.say("customer", BACKCHANNELS["customer"][self.lang], "backchannel"))
        return block

    def filler_block(self, phase: str = "pitch") -> list[list[Any]]:
        """Talk with no planted behavior, leaning to whichever side keeps the rep near the target share."""
        lang, rng = self.lang, self.rng
        talk = [CUSTOMER_ELABORATIONS[lang], CUSTOMER_CONTEXT[lang]]
        if self.rep_heavy():
            if phase == "discovery":
                return [
                    self.say("rep", REP_RESTATEMENTS[lang], "restatement"),
                    self.say("customer", BACKCHANNELS["customer"][lang], "backchannel"),
                ][: 1 + (rng.random() < 0.5)]
            block = []
            if self.segments and self.segments[-1][0] == "rep":  # the customer gets a word in between monologues
                if rng.random() < 0.5:
                    block += [self.say("customer", BACKCHANNELS["customer"][lang], "backchannel")]
                else:
                    question, answer = self.pick_qa()
                    block += [
                        self.item("customer", question, "customer_question"),
                        self.item("rep", answer, "answer_to_customer"),
                    ]
            if phase == "objections" and rng.random() < 0.5:
                return block + self.monologue([IMPLEMENTATION[lang], VALUE_ROI[lang]], "implementation", 3)
            return block + self.monologue([PITCH[lang], PITCH[lang], VALUE_ROI[lang]], "pitch", 5)
        if phase != "discovery" and rng.random() < 0.45:
            question, answer = self.pick_qa()
            block = [
                self.item("customer", question, "customer_question"),
                self.item("rep", answer, "answer_to_customer"),
            ]
            if rng.random() < 0.5:
                block.append(self.turn("customer", talk, "elaboration"))
            return block
        block = []
        if self.segments and self.segments[-1][0] == "customer":  # the rep keeps the customer talking
            if rng.random() < 0.5:
                block.append(self.say("rep", REP_RESTATEMENTS[lang], "restatement"))
            else:
                block.append(self.say("rep", BACKCHANNELS["rep"][lang], "backchannel"))
        block.append(self.turn("customer", talk, "elaboration"))
        return block

    def fill_until(self, end: float, phase: str) -> None:
        while self.t < end - 3.0:
            block = self.filler_block(phase)
            if self.t + self.total(block) > end + 10.0:
                shorter = self.filler_block(phase)
                if self.total(shorter) < self.total(block):
                    block = shorter
            self.put(block)


def _make_one(index: int, seed: int, null: bool, minutes: float, zh_share: float) -> Conversation:
    rng = random.Random(f"dealwise-synth:{seed}:{index}")
    lang = "zh" if rng.random() < zh_share else "en"
    chat = rng.random() < 0.10
    rep = REPS[rng.randrange(len(REPS))]
    skill = rep["skill"]
    domain = rng.choice(list(DOMAINS))
    product = DOMAINS[domain][lang]
    feature, feature2 = rng.sample(product["features"], 2)
    if lang == "zh":
        surname = rng.choice(_CUSTOMER_SURNAMES_ZH)
        customer_name = surname + rng.choice(_CUSTOMER_GIVEN_ZH)
        cust_address = surname + rng.choice(_CUSTOMER_TITLES_ZH)
    else:
        first = rng.choice(_CUSTOMER_FIRST_EN)
        customer_name = f"{first} {rng.choice(_CUSTOMER_LAST_EN)}"
        cust_address = first
    rep_name = rep[lang]
    ctx = {
        "company": rng.choice(COMPANIES[lang]),
        "rep": rep_name,
        "cust": cust_address,
        "product": product["product"],
        "feature": feature,
        "feature2": feature2,
        "industry": rng.choice(INDUSTRIES[lang]),
    }

    # ---- planted behaviors: depend on rep skill only ----
    stall = rng.random() < _STALL_P
    p_within = _clip(0.38 + 0.18 * skill, 0.05, 0.9)
    p_late = 0.22
    u = rng.random()
    trial_plan = ("within_90s" if u < p_within else "late" if u < p_within + p_late else "never") if stall else "none"
    next_step = rng.random() < _clip(0.42 + 0.18 * skill, 0.05, 0.95)
    short = min(1.0, minutes / 10.0)  # calls shorter than 10 minutes hold proportionally fewer questions
    n_open = min(16, 1 + _poisson(rng, max(0.5, (4.5 + 1.5 * skill) * short)))
    # ---- everything else: independent of skill and of the outcome ----
    target = minutes * 60.0 * rng.uniform(0.76, 1.2)
    target_share = rng.uniform(0.40, 0.72)
    n_closed = _poisson(rng, 4.0 * short)
    n_small = round(rng.choice([0, 0, 1, 1, 2, 2, 3]) * short)
    n_pain = 1 + min(_poisson(rng, 1.3), 4)
    objection_kinds = rng.sample(
        [k for k in OBJECTION_TYPES if k != "stall"], round(rng.choice([0, 1, 1, 2, 2, 3]) * short)
    )
    proactive_trial = not stall and rng.random() < _PROACTIVE_TRIAL_P
    n_open_late = sum(rng.random() < 0.2 for _ in range(n_open - 1))
    n_open_discovery = n_open - n_open_late

    call = _Call(rng, lang, chat, ctx, domain, target_share)
    say = call.say

    # closing built first so the objection phase knows when to stop
    closing = [say("rep", CLOSING_SUMMARIES[lang], "closing_summary")]
    if next_step:
        closing += [
            say("rep", NEXT_STEP_PHRASES[lang], "next_step"),
            say("customer", NEXT_STEP_CONFIRMATIONS[lang], "next_step_confirmation"),
        ]
    else:
        closing += [
            say("rep", VAGUE_ENDINGS[lang], "vague_ending"),
            say("customer", VAGUE_ENDING_REPLIES[lang], "vague_ending_reply"),
        ]
    closing += [say("rep", GOODBYES["rep"][lang], "goodbye"), say("customer", GOODBYES["customer"][lang], "goodbye")]
    close_at = target - call.total(closing)

    # events in the middle of the call
    stall_at = target * rng.uniform(0.42, 0.62)
    latency = None
    if stall:
        room = close_at - stall_at - 15.0
        if trial_plan == "within_90s":
            if room >= 12.0:
                latency = rng.uniform(5.0, min(85.0, room))
            else:
                trial_plan = "never"
        elif trial_plan == "late":
            if room >= 105.0:
                latency = rng.uniform(100.0, min(400.0, room))
            else:
                trial_plan = "never"
        call.schedule(stall_at, "stall", (trial_plan, latency))
    n_probes = min(n_open_late, len(objection_kinds))  # late open questions asked right after an objection
    for j, kind in enumerate(objection_kinds):
        call.schedule(
            rng.uniform(0.40 * target, max(0.45 * target, close_at - 30.0)), "objection", (kind, j < n_probes)
        )
    if proactive_trial:
        call.schedule(rng.uniform(0.45 * target, max(0.5 * target, close_at - 30.0)), "proactive_trial")
    for _ in range(n_open_late - n_probes):
        call.schedule(rng.uniform(0.40 * target, max(0.45 * target, close_at - 30.0)), "open_question")

    # opening
    call.put([say("rep", SELF_INTRODUCTIONS[lang], "self_introduction"), say("customer", GREETINGS[lang], "greeting")])
    for k in rng.sample(range(len(SMALL_TALK[lang])), n_small):
        block = [
            call.item("rep", SMALL_TALK[lang][k].format_map(ctx), "small_talk"),
            call.item("customer", SMALL_TALK_REPLIES[lang][k], "small_talk_reply"),
        ]
        if rng.random() < 0.3:
            block.append(say("rep", BACKCHANNELS["rep"][lang], "backchannel"))
        call.put(block)
    small_talk_s = call.t
    call.put(
        [say("rep", AGENDA[lang], "agenda")]
        + ([say("customer", BACKCHANNELS["customer"][lang], "backchannel")] if rng.random() < 0.6 else [])
    )

    # discovery: open and closed questions, pains among the answers
    rest = ["open"] * (n_open_discovery - 1) + ["closed"] * n_closed
    rng.shuffle(rest)
    items = ["open"] + rest  # discovery starts with an open question
    pain_slots = set(rng.sample(range(len(items)), min(n_pain, len(items))))
    pains = PAIN_STATEMENTS_BY_DOMAIN[domain][lang]
    for i, kind in enumerate(items):
        if kind == "open":
            block = [say("rep", _DISCOVERY_QUESTIONS[lang], "open_question")]
            if i in pain_slots:
                block.append(say("customer", pains, "pain"))
                if rng.random() < 0.4:
                    block.append(call.turn("customer", [CUSTOMER_ELABORATIONS[lang]], "elaboration", 2))
            else:
                block.append(call.turn("customer", [CUSTOMER_CONTEXT[lang], CUSTOMER_ELABORATIONS[lang]], "answer"))
        else:
            block = [
                say("rep", _PLAIN_CLOSED_QUESTIONS[lang], "closed_question"),
                say("customer", _PLAIN_ANSWERS[lang], "closed_answer"),
            ]
            if i in pain_slots:
                block.append(say("customer", pains, "pain"))
        if rng.random() < 0.35:
            block.append(say("rep", REP_RESTATEMENTS[lang], "restatement"))
        call.put(block)
    for _ in range(rng.choice([0, 1, 1, 2])):
        call.put(call.filler_block("discovery"))

    # pitch and value
    if rng.random() < 0.4:
        call.put(
            [
                call.item("rep", _PERMISSION_QUESTIONS[lang][0], "closed_question"),
                say("customer", _GO_AHEAD[lang], "closed_answer"),
            ]
        )
    call.put(call.monologue([PITCH[lang]], "pitch", 5))
    call.put(
        [say("rep", VALUE_ROI[lang], "value")]
        + ([say("customer", BACKCHANNELS["customer"][lang], "backchannel")] if rng.random() < 0.5 else [])
    )
    call.fill_until(target * rng.uniform(0.48, 0.58), "pitch")

    # pricing
    if rng.random() < 0.5:
        block = [say("customer", PRICE_QUESTIONS[lang], "price_question")]
    else:
        block = [
            call.item("rep", _PERMISSION_QUESTIONS[lang][1], "closed_question"),
            say("customer", _GO_AHEAD[lang], "closed_answer"),
        ]
    block += [say("rep", PRICING[lang], "pricing")]
    if rng.random() < 0.5:
        block.append(say("rep", PRICING[lang], "pricing"))
    block.append(say("customer", PRICE_REACTIONS[lang], "price_reaction"))
    call.put(block)

    # objections and the rest of the middle (events fire in here), then the close
    call.fill_until(close_at, "objections")
    call.fire_events(everything=True)
    call.put(closing)

    # ---- ground truth and outcome ----
    stall_end = call.stall_end
    offer_start = call.offer_start
    trial_latency = round(offer_start - stall_end, 2) if (stall and offer_start is not None) else None
    within = trial_latency is not None and trial_latency <= TRIAL_OFFER_WINDOW_S
    next_step_start = next((s[1] for s, lab in zip(call.segments, call.labels) if lab == "next_step"), None)
    speech = call.talk["rep"] + call.talk["customer"]
    longest = run = 0.0
    for (speaker, start, end, _), lab in zip(call.segments, call.labels):
        run = run + (end - start) if speaker == "rep" else 0.0
        longest = max(longest, run)
    truth: dict[str, Any] = {
        "null": null,
        "rep_skill": skill,
        "domain": domain,
        "stall": stall,
        "stall_end_s": stall_end,
        "trial_plan": trial_plan,
        "trial_offer": offer_start is not None,
        "trial_offer_start_s": offer_start,
        "trial_offer_latency_s": trial_latency,
        "trial_offer_within_90s": within,
        "stall_trial_offer_within_90s": within,
        "next_step_set": next_step,
        "next_step_start_s": next_step_start,
        "rep_open_questions": call.n_open,
        "rep_closed_questions": call.n_closed,
        "first_pain_s": call.first_pain,
        "pain_statements": call.n_pain,
        "objections": call.objections,
        "small_talk_s": round(small_talk_s, 2) if n_small else 0.0,
        "rep_talk_share": round(call.talk["rep"] / speech, 4) if speech else 0.0,
        "target_rep_talk_share": round(target_share, 4),
        "longest_rep_monologue_s": round(longest, 2),
        "segment_labels": call.labels,
    }
    p_won = NULL_WIN_RATE if null else planted_win_probability(truth)
    truth["p_won"] = round(p_won, 6)
    won = rng.random() < p_won

    tz = timezone(timedelta(hours=8)) if lang == "zh" else UTC
    day = datetime(2025, 1, 6, tzinfo=tz) + timedelta(days=rng.randrange(0, 120))
    started_at = day.replace(hour=rng.randrange(9, 18), minute=rng.randrange(0, 60))
    return Conversation.model_validate(
        {
            "id": f"synth-{index:06d}",
            "language": lang,
            "channel": "chat" if chat else "call",
            "participants": [
                {"speaker": "rep", "role": "rep", "name": rep_name},
                {"speaker": "customer", "role": "customer", "name": customer_name},
            ],
            "segments": [{"speaker": s, "start": a, "end": b, "text": x} for s, a, b, x in call.segments],
            "outcome": "won" if won else "lost",
            "started_at": started_at,
            "metadata": {"rep": rep["id"], "synth": truth},
        }
    )


def synthesize(
    n: int, seed: int, *, null: bool = False, minutes: float = 10.0, zh_share: float = 0.6
) -> list[Conversation]:
    """`n` labelled sales conversations; the same (n, seed, null, minutes, zh_share) gives the same output.

    Conversation `i` depends only on (seed, i, null, minutes, zh_share), so a longer corpus extends a
    shorter one, and `null=True` yields the same texts with outcomes drawn as Bernoulli(0.4).

    Each conversation: id "synth-000123"; language "zh" (share `zh_share`) or "en"; channel "call" (about
    10 % "chat", start == end per message); speakers "rep" and "customer"; `minutes` long within +-30 %
    (drawn from 0.76-1.2 x minutes; calls shorter than 10 minutes hold proportionally fewer questions,
    objections and small talk, so the win rate is a little lower there; below ~4 minutes a call can run
    past +30 %); typically 60-140 segments;
    `metadata = {"rep": "rep07", "synth": truth}` where truth holds the planted behaviors
    (stall_trial_offer_within_90s, next_step_set, rep_open_questions), the stall and trial offer times
    (stall_end_s, trial_offer_start_s, trial_offer_latency_s, trial_plan), first_pain_s, objections with
    times, talk share, the true p_won, and segment_labels (one per segment: "open_question", "pain",
    "objection:price", "trial_offer", "next_step", ...).
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    if not minutes > 0:
        raise ValueError("minutes must be > 0")
    if not 0.0 <= zh_share <= 1.0:
        raise ValueError("zh_share must be within [0, 1]")
    return [_make_one(i, seed, null, float(minutes), float(zh_share)) for i in range(n)]
