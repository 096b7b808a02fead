"""Statutory time limits: the stages the case system counts, and the day arithmetic of the
Criminal Procedure Law, Art 105, as pure functions over a working-day calendar.

What a stage's expiry depends on — when the clock started or restarted, custody, excluded
periods, approved extensions — is passed in; the cases app stores it. Every result carries the
sentences a clerk would write in the file to explain it.
"""

from __future__ import annotations

import datetime
from calendar import monthrange
from dataclasses import dataclass, field, replace
from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext as _

from procuracy.core.errors import RuleViolation

ART_105 = "刑事诉讼法第一百零五条"
ART_149 = "刑事诉讼法第一百四十九条"
ART_170 = "刑事诉讼法第一百七十条第二款"
ART_172 = "刑事诉讼法第一百七十二条第一款"
ART_172_2 = "刑事诉讼法第一百七十二条第二款"
ART_175 = "刑事诉讼法第一百七十五条第三款"
MAX_RETURNS = 2


class Calendar(Protocol):
    def is_working_day(self, day: datetime.date) -> bool: ...

    def next_working_day(self, day: datetime.date) -> datetime.date: ...


@dataclass(frozen=True)
class Length:
    days: int = 0
    months: int = 0

    def __str__(self) -> str:
        if self.months:
            return _("%(n)s 个月") % {"n": self.months}
        return _("%(n)s 日") % {"n": self.days}


@dataclass(frozen=True)
class Limit:
    """One stage's statutory period. `variants` are the other lengths the law gives the same
    stage (a major case, a ruling rather than a judgment); `extension` the most an approved
    extension may add, None where the law allows none; `warn_days` how many days ahead the
    desk starts warning (local practice, configurable)."""

    code: str
    name: str
    length: Length
    basis: str
    verified: bool = True
    variants: dict[str, tuple[str, Length]] = field(default_factory=dict)
    extension: Length | None = None
    extension_basis: str = ""
    warn_days: int = 3
    note: str = ""

    def length_for(self, variant: str | None) -> Length:
        if variant is None:
            return self.length
        if variant not in self.variants:
            known = "、".join(self.variants) or _("无")
            raise RuleViolation(
                _("“%(stage)s”没有“%(variant)s”这一情形(可选:%(known)s)。")
                % {"stage": self.name, "variant": variant, "known": known},
                "variant",
            )
        return self.variants[variant][1]


def _table() -> dict[str, Limit]:
    rows = [
        Limit(
            "arrest_review_detained",
            "审查逮捕(犯罪嫌疑人已被拘留)",
            Length(days=7),
            "刑事诉讼法第九十一条第三款",
            warn_days=2,
        ),
        Limit(
            "arrest_review_free",
            "审查逮捕(犯罪嫌疑人未被拘留)",
            Length(days=15),
            "《人民检察院刑事诉讼规则》(条文待核实)",
            verified=False,
            variants={"major": ("重大、复杂案件", Length(days=20))},
            warn_days=2,
            note="依据为地方检察院网页和旧规则的表格,现行规则条文尚未核对。",
        ),
        Limit(
            "prosecution_review",
            "审查起诉",
            Length(months=1),
            ART_172,
            extension=Length(days=15),
            extension_basis=ART_172,
            warn_days=5,
        ),
        Limit(
            "fast_track",
            "审查起诉(认罪认罚,适用速裁程序)",
            Length(days=10),
            ART_172,
            variants={"over_one_year": ("可能判处的有期徒刑超过一年", Length(days=15))},
            warn_days=2,
        ),
        Limit(
            "supplementary_investigation",
            "退回补充侦查",
            Length(months=1),
            ART_175,
            warn_days=5,
            note="以二次为限;补充侦查完毕移送后重新计算审查起诉期限。",
        ),
        Limit(
            "custody_necessity_reply",
            "羁押必要性审查建议的处理情况回复",
            Length(days=10),
            "刑事诉讼法第九十五条",
        ),
        Limit(
            "coercive_measure_change",
            "变更强制措施申请的答复",
            Length(days=3),
            "刑事诉讼法第九十七条",
            warn_days=1,
        ),
        Limit(
            "protest",
            "抗诉(不服判决)",
            Length(days=10),
            "刑事诉讼法第二百三十条",
            variants={"ruling": ("不服裁定", Length(days=5))},
            warn_days=2,
            note="从接到判决书、裁定书的第二日起算。",
        ),
        Limit(
            "victim_appeal",
            "被害人不服不起诉决定的申诉",
            Length(days=7),
            "刑事诉讼法第一百八十条",
            warn_days=2,
        ),
    ]
    return {row.code: row for row in rows}


LIMITS: dict[str, Limit] = _table()

# An arrest review runs 7 days when the suspect is detained and 15 when not (Art 91 and the
# Rules); a case type names the detained stage, the case's custody picks.
NOT_IN_CUSTODY = {"arrest_review_detained": "arrest_review_free"}


def stage_for(stage: str, *, custody: bool) -> str:
    """The stage a case of a type whose first stage is `stage` runs under."""
    return stage if custody else NOT_IN_CUSTODY.get(stage, stage)


def limit(code: str) -> Limit:
    """The stage's limit, with what `PROCURACY_TIME_LIMITS` overrides, e.g.
    {"arrest_review_free": {"days": 15, "variants": {"major": 20}, "warn_days": 3}}."""
    try:
        base = LIMITS[code]
    except KeyError:
        raise RuleViolation(_("没有代码为 %(code)s 的期限。") % {"code": code}, "stage") from None
    override = getattr(settings, "PROCURACY_TIME_LIMITS", {}).get(code)
    if not override:
        return base
    changes: dict = {}
    if "days" in override or "months" in override:
        changes["length"] = Length(override.get("days", 0), override.get("months", 0))
    if "variants" in override:
        variants = dict(base.variants)
        for name, days in override["variants"].items():
            label = variants.get(name, (name, Length()))[0]
            variants[name] = (label, Length(days=days))
        changes["variants"] = variants
    for key in ("warn_days", "basis", "verified"):
        if key in override:
            changes[key] = override[key]
    return replace(base, **changes)


# ---- the events a period depends on ------------------------------------------------------


@dataclass(frozen=True)
class Extension:
    """An approved extension: its length, who approved it and why."""

    length: Length
    approver: str
    reason: str
    approved_on: datetime.date | None = None


@dataclass(frozen=True)
class Exclusion:
    """A period the law leaves out of the count (psychiatric assessment, Art 149; the
    coercive-measure decision in a supervision-commission transfer, Art 170), both days
    included."""

    start: datetime.date
    end: datetime.date
    reason: str = "对犯罪嫌疑人作精神病鉴定"
    basis: str = ART_149

    def days_after(self, day: datetime.date) -> int:
        """How many of its days fall after `day` (the period's starting day is not counted)."""
        first = max(self.start, day + datetime.timedelta(days=1))
        return max(0, (self.end - first).days + 1)


RESUBMITTED = "resubmitted"
JURISDICTION = "jurisdiction"
RESTART_RULES = {
    RESUBMITTED: ("补充侦查完毕重新移送", ART_175),
    JURISDICTION: ("改变管辖,改变后的人民检察院收到案件", ART_172_2),
}


@dataclass(frozen=True)
class Restart:
    """An event after which the period is counted afresh from its day."""

    day: datetime.date
    cause: str = RESUBMITTED


@dataclass(frozen=True)
class Deadline:
    stage: str
    start: datetime.date
    raw: datetime.date  # the last day before any holiday shift
    day: datetime.date  # the expiry
    custody: bool
    explanation: list[str]
    verified: bool = True

    @property
    def shifted(self) -> bool:
        return self.day != self.raw


# ---- the arithmetic ----------------------------------------------------------------------


def add_months(day: datetime.date, n: int) -> datetime.date:
    """The same date `n` months later, or that month's last day when it has no such date
    (1 month from 31 January is 28 or 29 February)."""
    month_index = day.month - 1 + n
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, monthrange(year, month)[1]))


def add(day: datetime.date, length: Length) -> datetime.date:
    return add_months(day, length.months) + datetime.timedelta(days=length.days)


def _d(day: datetime.date) -> str:
    return day.isoformat()


def expiry(
    stage: str,
    start: datetime.date,
    *,
    calendar: Calendar,
    custody: bool,
    excluded: tuple[Exclusion, ...] | list[Exclusion] = (),
    extensions: tuple[Extension, ...] | list[Extension] = (),
    restarts: tuple[Restart, ...] | list[Restart] = (),
    variant: str | None = None,
) -> Deadline:
    """The last day of `stage` begun on `start` (the day the case or request was received).

    Art 105: the starting day is not counted; a period of months ends on the same date of
    the later month; if its last day is a holiday or rest day it ends on the next working
    day — except while the suspect is in custody. Excluded periods after the start push the
    end back by their days; approved extensions add their length. A restart (resubmission
    after a return, a change of jurisdiction) counts the period afresh from its day.
    """
    rule = limit(stage)
    length = rule.length_for(variant)
    lines: list[str] = []
    if restarts:
        latest = max(restarts, key=lambda r: r.day)
        what, basis = RESTART_RULES[latest.cause]
        start = max(start, latest.day)
        lines.append(
            _("%(what)s,期限自 %(day)s 重新计算(%(basis)s)。")
            % {"what": what, "day": _d(start), "basis": basis}
        )
    end = add(start, length)
    label = rule.name + (f"({rule.variants[variant][0]})" if variant else "")
    lines.append(
        _("%(stage)s期限为 %(length)s,自 %(start)s 次日起算,至 %(end)s 届满(%(basis)s;%(art)s)。")
        % {
            "stage": label,
            "length": length,
            "start": _d(start),
            "end": _d(end),
            "basis": rule.basis,
            "art": ART_105,
        }
    )
    if not rule.verified:
        lines.append(_("注意:该期限未经核实,可通过 PROCURACY_TIME_LIMITS 设置调整。"))
    end = _extend(rule, end, list(extensions), lines)
    for period in excluded:
        days = period.days_after(start)
        if days:
            end += datetime.timedelta(days=days)
            lines.append(
                _(
                    "%(reason)s期间 %(from)s 至 %(to)s 共 %(n)s 日不计入期限,"
                    "顺延至 %(end)s(%(basis)s)。"
                )
                % {
                    "reason": period.reason,
                    "from": _d(period.start),
                    "to": _d(period.end),
                    "n": days,
                    "end": _d(end),
                    "basis": period.basis,
                }
            )
    raw, day = end, end
    if not calendar.is_working_day(end):
        if custody:
            lines.append(
                _("期满日 %(day)s 为节假日,犯罪嫌疑人在押,期满日为节假日不顺延(%(art)s)。")
                % {"day": _d(end), "art": ART_105}
            )
        else:
            day = calendar.next_working_day(end)
            lines.append(
                _("期满日 %(raw)s 为节假日,顺延至 %(day)s(%(art)s)。")
                % {"raw": _d(end), "day": _d(day), "art": ART_105}
            )
    knows = getattr(calendar, "knows", None)
    if knows is not None and not knows(day.year):
        lines.append(_("%(year)s 年的节假日安排尚未载入日历,只按周末计算。") % {"year": day.year})
    return Deadline(stage, start, raw, day, custody, lines, rule.verified)


def _extend(rule: Limit, end: datetime.date, extensions: list[Extension], lines) -> datetime.date:
    if not extensions:
        return end
    if rule.extension is None:
        raise RuleViolation(
            _("“%(stage)s”的期限法律未规定可以延长。") % {"stage": rule.name}, "extensions"
        )
    cap = add(end, rule.extension)
    for ext in extensions:
        if not ext.approver.strip() or not ext.reason.strip():
            raise RuleViolation(_("延长期限须写明批准人和理由。"), "extensions")
        end = add(end, ext.length)
        lines.append(
            _("经 %(who)s 批准延长 %(length)s(理由:%(why)s),至 %(end)s(%(basis)s)。")
            % {
                "who": ext.approver,
                "length": ext.length,
                "why": ext.reason,
                "end": _d(end),
                "basis": rule.extension_basis,
            }
        )
    if end > cap:
        raise RuleViolation(
            _("“%(stage)s”最多可以延长 %(length)s。")
            % {"stage": rule.name, "length": rule.extension},
            "extensions",
        )
    return end


def check_return_allowed(returns_so_far: int) -> None:
    """A case may go back for supplementary investigation at most twice (Art 175)."""
    if returns_so_far >= MAX_RETURNS:
        raise RuleViolation(
            _(
                "退回补充侦查以二次为限,本案已退回 %(n)s 次,不得再次退回;"
                "经二次补充侦查仍认为证据不足、不符合起诉条件的,应当作出不起诉决定"
                "(刑事诉讼法第一百七十五条)。"
            )
            % {"n": returns_so_far},
            "returns",
        )


# ---- warnings ----------------------------------------------------------------------------

OK, DUE_SOON, OVERDUE = "ok", "due_soon", "overdue"


def warn_days(stage: str) -> int:
    """Days ahead a stage is flagged: 5 for prosecution review and 2 for arrest review follow
    one local procuratorate's practice; override per stage with PROCURACY_TIME_LIMITS."""
    return limit(stage).warn_days


def warning_state(expiry: datetime.date, today: datetime.date, warn_days: int) -> str:
    """ok, due_soon (the expiry is within `warn_days` days, the expiry day included), or
    overdue (the expiry has passed)."""
    if today > expiry:
        return OVERDUE
    if (expiry - today).days <= warn_days:
        return DUE_SOON
    return OK
