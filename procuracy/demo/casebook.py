"""What the demo's cases are made of: the mix of case types and business lines a procuratorate
takes in, made-up parties and titles, how each type of case ends, and the words of its
decisions. Names and titles are invented (names.py); the facts are a demo's, not a record's.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from procuracy.cases.intake import PartyFields
from procuracy.demo import names
from procuracy.demo.spec import PROVINCE, NameMaker, PlaceSpec, Plan


def _table(text: str) -> dict[str, tuple[tuple[str, int], ...]]:
    """A table of weights, rows by case type, columns by level → {level: ((type, w), …)}."""
    head, *rows = text.strip().splitlines()
    found: dict[str, list[tuple[str, int]]] = {level: [] for level in head.split()}
    for row in rows:
        code, *weights = row.split()
        for level, weight in zip(found, weights, strict=True):
            if int(weight):
                found[level].append((code, int(weight)))
    return {level: tuple(mix) for level, mix in found.items()}


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# What a procuratorate takes in, by level (upper: city and branch procuratorates).
TYPE_MIX = _table(
    """
                               base  upper  province
    arrest_review                22      8       0
    prosecution_review           28     22       6
    fast_track                   14      3       0
    criminal_protest              1      8      14
    filing_supervision            3      3       4
    custody_review                5      4       0
    enforcement_supervision       4      5       4
    civil_supervision             6     14      24
    administrative_supervision    2      6      12
    public_interest               6      8       8
    criminal_complaint            4     10      20
    state_compensation            1      3       8
    """
)
# The business line of a criminal case, where the type and the procuratorate allow it.
LINE_MIX = {
    "ordinary_crime": 62,
    "major_crime": 10,
    "economic_crime": 14,
    "duty_crime": 6,
    "minors": 8,
}
OFFENCES = {
    "ordinary_crime": _words(
        "盗窃 故意伤害 危险驾驶 寻衅滋事 诈骗 抢劫 交通肇事 开设赌场 掩饰、隐瞒犯罪所得 "
        "帮助信息网络犯罪活动"
    ),
    "major_crime": _words("故意杀人 贩卖毒品 强奸 绑架 组织、领导黑社会性质组织"),
    "economic_crime": _words(
        "非法吸收公众存款 合同诈骗 集资诈骗 虚开增值税专用发票 职务侵占 非法经营"
    ),
    "duty_crime": _words("受贿 贪污 挪用公款 滥用职权 玩忽职守 行贿"),
    "minors": _words("盗窃 抢劫 寻衅滋事 故意伤害 聚众斗殴"),
}
DISPUTES = _words("民间借贷 买卖合同 房屋租赁合同 劳动争议 建设工程施工合同 机动车交通事故责任")
AGENCIES = _words("市场监督管理局 自然资源局 人力资源和社会保障局 住房和城乡建设局 公安局")
PUBLIC_INTEREST = _words(
    "河道非法采砂 食品安全 耕地保护 国有财产保护 英烈名誉保护 个人信息保护 违法占用林地 "
    "饮用水水源地保护"
)
SUPERVISED = _words("暂予监外执行 减刑 假释 社区矫正")
INDUSTRIES = _words("矿业 建材 化工 商贸 物流 农业开发 房地产开发")
# The flags of a criminal case and their chances; most others plead guilty (认罪认罚).
FLAG_CHANCES = (
    ("major", 0.03),
    ("difficult", 0.02),
    ("complex", 0.04),
    ("social_impact", 0.01),
    ("npc_deputy", 0.003),
    ("foreign", 0.004),
)
SERIOUS = frozenset({"major", "difficult", "complex"})
CUSTODY = {"arrest_review": 0.75, "prosecution_review": 0.45, "fast_track": 0.2}
CRIMINAL = ("arrest_review", "prosecution_review", "fast_track", "criminal_protest")

# How a case of each type ends, by weight: the matters decided in turn, or "conclude" (closed
# by its handler without a decision on the list).
ENDINGS: dict[str, tuple[tuple[tuple[str, ...], int], ...]] = {
    "arrest_review": ((("approve_arrest",), 80), (("refuse_arrest",), 20)),
    "prosecution_review": (
        (("prosecute",), 84),
        (("discretionary_non_prosecution",), 8),
        (("evidentiary_non_prosecution",), 3),
        (("conditional_non_prosecution",), 3),
        (("transfer_jurisdiction",), 2),
    ),
    "fast_track": ((("prosecute",), 95), (("discretionary_non_prosecution",), 5)),
    "criminal_protest": ((("conclude",), 50), (("protest",), 35), (("request_protest",), 15)),
    "filing_supervision": ((("filing_supervision",), 40), (("conclude",), 60)),
    "custody_review": ((("custody_necessity",), 60), (("correction_notice", "conclude"), 40)),
    "enforcement_supervision": (
        (("correction_notice", "conclude"), 45),
        (("procuratorial_suggestion", "conclude"), 15),
        (("conclude",), 40),
    ),
    "civil_supervision": (
        (("reject_supervision",), 70),
        (("request_protest",), 15),
        (("retrial_suggestion",), 10),
        (("procuratorial_suggestion", "conclude"), 5),
    ),
    "administrative_supervision": (
        (("reject_supervision",), 70),
        (("request_protest",), 15),
        (("retrial_suggestion",), 5),
        (("procuratorial_suggestion", "conclude"), 10),
    ),
    "public_interest": (
        (("public_interest_filing", "pre_litigation_suggestion", "close_public_interest"), 80),
        (("public_interest_filing", "pre_litigation_suggestion", "public_interest_suit"), 20),
    ),
    "criminal_complaint": (
        (("conclude",), 60),
        (("accept_appeal", "conclude"), 30),
        (("judicial_relief", "conclude"), 10),
    ),
    "state_compensation": ((("state_compensation",), 100),),
}
# Days from start to end of a type without a statutory stage: (shortest, longest).
DURATIONS = {
    "criminal_protest": (5, 10),
    "filing_supervision": (15, 40),
    "enforcement_supervision": (15, 45),
    "civil_supervision": (30, 90),
    "administrative_supervision": (30, 90),
    "public_interest": (60, 150),
    "criminal_complaint": (20, 60),
    "state_compensation": (30, 60),
}

REASONING = {
    "approve_arrest": "有证据证明有犯罪事实,可能判处徒刑以上刑罚,取保候审不足以防止社会危险性。",
    "refuse_arrest": "现有证据不足以证明犯罪嫌疑人有逮捕必要,不批准逮捕。",
    "decide_arrest": "有证据证明有犯罪事实,可能判处徒刑以上刑罚,有逮捕必要。",
    "decline_arrest": "现有证据不足以证明犯罪嫌疑人有逮捕必要,不予逮捕。",
    "prosecute": "犯罪事实已经查清,证据确实、充分,依法应当追究刑事责任。",
    "discretionary_non_prosecution": "犯罪情节轻微,认罪认罚,依照刑法规定不需要判处刑罚。",
    "evidentiary_non_prosecution": "经二次补充侦查,仍然认为证据不足,不符合起诉条件。",
    "conditional_non_prosecution": "未成年犯罪嫌疑人可能判处一年有期徒刑以下刑罚,有悔罪表现。",
    "return_investigation": "部分犯罪事实证据不足,需要补充侦查。",
    "extend_review": "案情复杂,在规定期限内不能作出决定。",
    "transfer_jurisdiction": "本案不属于本院管辖,依法移送有管辖权的检察院。",
    "protest": "原判决适用法律错误,量刑明显不当。",
    "request_protest": "生效判决确有错误,提请上级院抗诉。",
    "filing_supervision": "公安机关不立案理由不能成立,要求说明不立案理由。",
    "correction_notice": "执行活动存在违法情形,发出纠正违法通知书。",
    "procuratorial_suggestion": "发现管理漏洞,提出检察建议。",
    "retrial_suggestion": "原判决认定的基本事实缺乏证据证明,提出再审检察建议。",
    "reject_supervision": "原判决认定事实清楚,适用法律正确,不支持监督申请。",
    "custody_necessity": "犯罪嫌疑人已无继续羁押必要,建议释放或者变更强制措施。",
    "public_interest_filing": "发现国家利益和社会公共利益受到侵害的线索,依法立案。",
    "pre_litigation_suggestion": "向负有监督管理职责的行政机关发出诉前检察建议。",
    "public_interest_suit": "行政机关未依法履行职责,公益仍处于受侵害状态,依法提起诉讼。",
    "close_public_interest": "行政机关已整改到位,公益得到有效保护,终结审查。",
    "accept_appeal": "申诉符合立案条件,立案复查。",
    "judicial_relief": "申请人因案致贫,符合司法救助条件。",
    "state_compensation": "经审查,依法作出赔偿决定。",
    "suspend_review": "犯罪嫌疑人患有严重疾病,不能接受审查,建议中止审查。",
}
OUTCOMES = {
    "criminal_protest": "经审查,原判决认定事实和适用法律并无不当,不提出抗诉。",
    "filing_supervision": "经审查,公安机关不立案理由成立,已答复控告人。",
    "custody_review": "公安机关已采纳建议,回复处理情况。",
    "enforcement_supervision": "执行机关已纠正并书面回复,审查终结。",
    "civil_supervision": "有关单位已回复采纳检察建议,审查终结。",
    "administrative_supervision": "有关单位已回复采纳检察建议,审查终结。",
    "criminal_complaint": "经审查,原处理决定正确,已书面答复申诉人。",
}


@dataclass(frozen=True)
class CaseSpec:
    """One intake: where, when (minutes after the office opens), and the case as received."""

    place: int
    day: datetime.date
    minute: int
    case_type: str
    line: str
    title: str
    source: str
    referred_by: str = ""
    custody: bool = False
    flags: tuple[str, ...] = ()
    amount: Decimal | None = None
    parties: tuple[PartyFields, ...] = ()
    queued: bool = False  # left in the case office's queue


def place_lines(plan: Plan) -> dict[int, set[str]]:
    """The business lines each procuratorate's current case-handling departments handle."""
    found: dict[int, set[str]] = defaultdict(set)
    for dept in plan.depts:
        if dept.closes_on is None and dept.handles_cases:
            found[dept.place].update(dept.lines)
    return found


def local(place: PlaceSpec) -> str:
    """城关区院 → 城关区, 省院 → 演示省: the place the local organs are named after."""
    return "演示省" if place.level == PROVINCE else place.short_name.removesuffix("院")


class Maker:
    """Makes up cases, from one random stream: a type and line the procuratorate takes in,
    parties named as no one on its staff is (so no draw is upset by a namesake), a title."""

    def __init__(self, rng: random.Random, plan: Plan, type_lines: dict[str, frozenset[str]]):
        self.rng = rng
        self.type_lines = type_lines
        self.lines = place_lines(plan)
        self.namer = NameMaker(rng)
        self.staff_names: dict[int, set[str]] = defaultdict(set)
        for person in plan.people:
            self.staff_names[person.place].add(person.name)

    def pick(self, weighted):
        items, weights = zip(*weighted, strict=True)
        return self.rng.choices(items, weights)[0]

    def person(self, place: int) -> str:
        while True:
            name = self.namer.surname() + self.namer.given("F" if self.rng.random() < 0.25 else "M")
            if name not in self.staff_names[place]:
                return name

    def company(self, where: str) -> str:
        word = "".join(self.rng.sample(names.PLACE_FIRST, 2))
        return f"{where}{word}{self.rng.choice(INDUSTRIES)}有限公司"

    def case(self, place: PlaceSpec, day: datetime.date, minute: int) -> CaseSpec | None:
        """A case of a type and line the procuratorate takes in (None if it takes in none)."""
        level = place.level if place.level in TYPE_MIX else "upper"
        offered = self.lines[place.key]
        mix = [(t, w) for t, w in TYPE_MIX[level] if self.type_lines.get(t, set()) & offered]
        if not mix:
            return None
        case_type = self.pick(mix)
        lines = self.type_lines[case_type] & offered
        criminal = [(line, w) for line, w in LINE_MIX.items() if line in lines]
        line = self.pick(criminal) if criminal else self.rng.choice(sorted(lines))
        return self.make(place, day, minute, case_type, line)

    def make(self, place: PlaceSpec, day, minute: int, case_type: str, line: str) -> CaseSpec:
        if case_type in CRIMINAL:
            facts = self.criminal(place, case_type, line)
        else:
            facts = {"source": "complaint", **self.supervision(place, case_type)}
        return CaseSpec(place.key, day, minute, case_type, line, **facts)

    def criminal(self, place: PlaceSpec, case_type: str, line: str) -> dict:
        rng = self.rng
        accused = [self.person(place.key) for _ in range(1 if rng.random() < 0.8 else 3)]
        custody = rng.random() < CUSTODY.get(case_type, 0.3)
        flags = {flag for flag, chance in FLAG_CHANCES if rng.random() < chance}
        if line == "minors":
            flags.add("minor")
        if not flags & SERIOUS and rng.random() < (0.9 if case_type == "fast_track" else 0.5):
            flags.add("plea")
        amount = None
        if line in ("economic_crime", "duty_crime"):
            amount = Decimal(int(rng.lognormvariate(13, 1.3)) // 100 * 100)
        where = local(place)
        if line == "duty_crime":
            source, referred_by = "supervision", f"{where}监察委员会"
        elif case_type == "criminal_protest":
            source, referred_by = "court", f"{where}人民法院"
        else:
            source = "police"
            referred_by = f"{where}公安{'厅' if place.level == PROVINCE else '局'}"
        role = "defendant" if case_type == "criminal_protest" else "suspect"
        parties = [PartyFields(role, name, in_custody=custody) for name in accused]
        if line in ("ordinary_crime", "major_crime") and rng.random() < 0.5:
            parties.append(PartyFields("victim", self.person(place.key)))
        who = accused[0][0] + "某" + (f"等{len(accused)}人" if len(accused) > 1 else "")
        kind = "抗诉" if case_type == "criminal_protest" else ""
        return {
            "title": f"{who}{rng.choice(OFFENCES[line])}{kind}案",
            "source": source,
            "referred_by": referred_by,
            "custody": custody,
            "flags": tuple(sorted(flags)),
            "amount": amount,
            "parties": tuple(parties),
        }

    def supervision(self, place: PlaceSpec, case_type: str) -> dict:
        rng, where = self.rng, local(place)
        subject = self.person(place.key)
        applicant = (PartyFields("applicant", subject),)
        if case_type == "filing_supervision":
            accused = self.person(place.key)
            offence = rng.choice(OFFENCES["ordinary_crime"])
            return {"title": f"{subject}控告{accused}{offence}立案监督案", "parties": applicant}
        if case_type == "custody_review":
            suspect = (PartyFields("suspect", subject, in_custody=True),)
            return {"title": f"{subject}羁押必要性审查案", "source": "own", "parties": suspect}
        if case_type == "enforcement_supervision":
            return {"title": f"罪犯{subject}{rng.choice(SUPERVISED)}监督案", "source": "own"}
        if case_type == "civil_supervision":
            other = self.person(place.key) if rng.random() < 0.6 else self.company(where)
            title = f"{subject}与{other}{rng.choice(DISPUTES)}纠纷监督案"
            return {"title": title, "parties": (*applicant, PartyFields("respondent", other))}
        if case_type == "administrative_supervision":
            other = f"{where}{rng.choice(AGENCIES)}"
            title = f"{subject}诉{other}行政处罚监督案"
            return {"title": title, "parties": (*applicant, PartyFields("respondent", other))}
        if case_type == "public_interest":
            unit = (PartyFields("unit", self.company(where)),)
            title = f"{where}{rng.choice(PUBLIC_INTEREST)}公益诉讼案"
            return {"title": title, "source": "own", "parties": unit}
        if case_type == "criminal_complaint":
            return {"title": f"{subject}不服{where}人民法院刑事判决申诉案", "parties": applicant}
        return {"title": f"{subject}申请国家赔偿案", "parties": applicant}
