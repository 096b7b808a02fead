"""Leaders' own cases (领导干部办案): the cases chiefs, acting chiefs, deputy chiefs and
committee members handle themselves, counted per person, procuratorate and period, and the
periodic report (通报) built on them — the report's "领导办案数量逐年上升" is the by-year series.

A case counts for a leader when one of its assignments went to an organisation of which the
leader was a prosecutor member (sole prosecutor, lead prosecutor or team prosecutor) on the
assignment's day, and the leader held a leader's post at the case's procuratorate that same
day. A case assigned before someone became a leader is not a leader's case. Each figure is one
aggregate query, whatever the number of cases.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import ExtractYear, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from procuracy.assignment.models import Assignment
from procuracy.caseorgs.models import Role
from procuracy.cases.models import Decision
from procuracy.core.actors import Actor
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.models import today
from procuracy.organisation.models import Procuratorate
from procuracy.people.models import PositionKind

# The leader's posts, most senior first (a person holding several is shown by the first).
LEADER_POSTS = (
    PositionKind.CHIEF,
    PositionKind.ACTING_CHIEF,
    PositionKind.DEPUTY_CHIEF,
    PositionKind.COMMITTEE_MEMBER,
)
# Who reads the report, for their own procuratorate and those below: its leaders, the
# personnel office (政治部) and the case management office, which compile the 通报.
READERS = frozenset({*LEADER_POSTS, PositionKind.PERSONNEL, PositionKind.CASE_MANAGEMENT})

# Paths from an Assignment to the member who handles it and that member's post.
MEMBER = "org__memberships"
STAFF = f"{MEMBER}__staff"
POST = f"{STAFF}__positions"


def _zone():
    return timezone.get_default_timezone()


# ---- who may read ------------------------------------------------------------------------


def report_places(actor: Actor, field: str = "procuratorate") -> Q | None:
    """The filter on `field` (a path to a Procuratorate) for the procuratorates whose leaders'
    cases `actor` may read; None when the report is not theirs at all."""
    if actor.is_system:
        return Q()
    if actor.staff is None or actor.staff.left_on is not None:
        return None
    prefix = f"{field}__" if field else ""
    q, held_any = Q(pk__in=[]), False
    for held in actor.positions:
        if held.kind in READERS:
            q |= Q(**{f"{prefix}path__startswith": held.procuratorate_path})
            held_any = True
    return q if held_any else None


def report_scope(actor: Actor, field: str = "procuratorate") -> Q:
    """As report_places, refusing with the reason those who may not read the report."""
    q = report_places(actor, field)
    if q is None:
        raise ActDenied(
            _(
                "领导干部办案通报仅供检察长、副检察长、检察委员会委员和政治部、"
                "案件管理部门人员查阅(本院及下级院)。"
            )
        )
    return q


def places(actor: Actor) -> QuerySet[Procuratorate]:
    """The procuratorates the reader may choose, in tree order."""
    return Procuratorate.objects.filter(report_scope(actor, "")).order_by("path")


# ---- the period --------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A year, or a quarter or month of it (Asia/Shanghai)."""

    year: int
    quarter: int | None = None
    month: int | None = None

    def __post_init__(self) -> None:
        if not 1949 < self.year < 10000:
            raise RuleViolation(_("请填写有效的年度。"), "year")
        if self.quarter is not None and not 1 <= self.quarter <= 4:
            raise RuleViolation(_("季度须为 1 至 4。"), "quarter")
        if self.month is not None and not 1 <= self.month <= 12:
            raise RuleViolation(_("月份须为 1 至 12。"), "month")
        if self.quarter and self.month and (self.month - 1) // 3 + 1 != self.quarter:
            raise RuleViolation(
                _("%(month)s 月不在第 %(quarter)s 季度。")
                % {"month": self.month, "quarter": self.quarter},
                "month",
            )

    @classmethod
    def of(cls, year=None, quarter=None, month=None) -> Period:
        return cls(year or today().year, quarter or None, month or None)

    def months(self) -> tuple[int, int]:
        """The first month and the month after the last (13 for December)."""
        if self.month:
            return self.month, self.month + 1
        if self.quarter:
            return self.quarter * 3 - 2, self.quarter * 3 + 1
        return 1, 13

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        first, after = self.months()
        start = datetime.datetime(self.year, first, 1, tzinfo=_zone())
        end_year, end_month = (self.year + 1, 1) if after == 13 else (self.year, after)
        return start, datetime.datetime(end_year, end_month, 1, tzinfo=_zone())

    @property
    def label(self) -> str:
        if self.month:
            return _("%(year)s 年 %(month)s 月") % {"year": self.year, "month": self.month}
        if self.quarter:
            return _("%(year)s 年第 %(quarter)s 季度") % {
                "year": self.year,
                "quarter": self.quarter,
            }
        return _("%(year)s 年") % {"year": self.year}

    def as_json(self) -> dict:
        return {
            "year": self.year,
            "quarter": self.quarter,
            "month": self.month,
            "label": self.label,
        }


# ---- the query ---------------------------------------------------------------------------


def leader_assignments(where: Q) -> QuerySet[Assignment]:
    """Assignments (of cases whose procuratorate `where` keeps, a filter on Assignment) to an
    organisation with a leader among its prosecutor members that day: one row per assignment,
    member and post, which the callers group and count distinct cases of."""
    day = TruncDate("valid_from", tzinfo=_zone())
    # One filter() call: `where` (which may name the member), the membership and the post
    # are conditions on the same joined rows, not on any membership of the organisation.
    return (
        Assignment.objects.annotate(day=day)
        .filter(
            where,
            Q(**{f"{MEMBER}__valid_to__isnull": True}) | Q(**{f"{MEMBER}__valid_to__gt": F("day")}),
            Q(**{f"{POST}__valid_to__isnull": True}) | Q(**{f"{POST}__valid_to__gt": F("day")}),
            **{
                f"{MEMBER}__role__in": Role.prosecutor_roles(),
                f"{MEMBER}__valid_from__lte": F("day"),
                f"{POST}__kind__in": LEADER_POSTS,
                f"{POST}__procuratorate": F("case__procuratorate"),
                f"{POST}__valid_from__lte": F("day"),
            },
        )
        .order_by()
    )


def _seniority():
    """The rank of the post on the row, 0 the most senior."""
    whens = [When(**{f"{POST}__kind": kind}, then=Value(i)) for i, kind in enumerate(LEADER_POSTS)]
    return Case(*whens, output_field=IntegerField())


def _decided_by_member():
    """Whether the member on the row made a decision in the row's case."""
    made = Decision.objects.filter(
        case=OuterRef("case"), decided_by=OuterRef(STAFF), decided_at__isnull=False
    )
    return Exists(made)


def _counts() -> dict:
    return {
        "cases": Count("case", distinct=True),
        "concluded": Count("case", distinct=True, filter=Q(case__closed_on__isnull=False)),
        "decided": Count("case", distinct=True, filter=Q(_decided_by_member())),
    }


def _where(scope_q: Q, procuratorate: Procuratorate | None, below: bool) -> Q:
    q = scope_q
    if procuratorate is not None:
        if below:
            q &= Q(case__procuratorate__path__startswith=procuratorate.path)
        else:
            q &= Q(case__procuratorate=procuratorate)
    return q


def _in_period(period: Period | None) -> Q:
    if period is None:
        return Q()
    start, end = period.bounds()
    return Q(valid_from__gte=start, valid_from__lt=end)


# ---- the report --------------------------------------------------------------------------


def report(
    actor: Actor,
    *,
    period: Period,
    procuratorate: Procuratorate | None = None,
    below: bool = True,
) -> dict:
    """The 通报 for a period: a row per leader and procuratorate (name, post, cases handled,
    concluded, decided by the leader), the totals (each case once, however many leaders
    handled it), and the by-year series. Three queries."""
    where = _where(report_scope(actor, "case__procuratorate"), procuratorate, below)
    rows = _leader_rows(where & _in_period(period))
    totals = leader_assignments(where & _in_period(period)).aggregate(
        **_counts(), leaders=Count(STAFF, distinct=True)
    )
    return {
        "period": period.as_json(),
        "procuratorate": _ref(procuratorate),
        "below": below,
        "rows": rows,
        "totals": totals,
        "series": series(where),
    }


def _ref(place: Procuratorate | None) -> dict | None:
    if place is None:
        return None
    return {"id": place.pk, "code": place.code, "name": place.short_name}


def _leader_rows(where: Q) -> list[dict]:
    found = (
        leader_assignments(where)
        .values(
            staff_id=F(STAFF),
            name=F(f"{STAFF}__name"),
            pinyin=F(f"{STAFF}__pinyin"),
            procuratorate_id=F("case__procuratorate"),
            procuratorate_name=F("case__procuratorate__short_name"),
            procuratorate_code=F("case__procuratorate__code"),
            path=F("case__procuratorate__path"),
        )
        .annotate(rank=Min(_seniority()), **_counts())
    )
    labels = dict(PositionKind.choices)
    ordered = sorted(
        found, key=lambda r: (r["path"], r["rank"], -r["cases"], r["pinyin"], r["staff_id"])
    )
    return [
        {
            "staff": {"id": r["staff_id"], "name": r["name"]},
            "post": LEADER_POSTS[r["rank"]].value,
            "post_label": str(labels[LEADER_POSTS[r["rank"]]]),
            "procuratorate": {
                "id": r["procuratorate_id"],
                "code": r["procuratorate_code"],
                "name": r["procuratorate_name"],
            },
            "cases": r["cases"],
            "concluded": r["concluded"],
            "decided": r["decided"],
        }
        for r in ordered
    ]


def series(where: Q, *, until: datetime.date | None = None) -> dict:
    """Leaders' own cases by year of assignment: per procuratorate (each case once) and the
    total, with the distinct leaders who handled them; `rising` says whether every whole
    year's total is above the year before's (the report's "逐年上升"; None with fewer than
    two whole years). One query."""
    if until is not None:
        end = datetime.datetime.combine(
            until + datetime.timedelta(days=1), datetime.time(), tzinfo=_zone()
        )
        where &= Q(valid_from__lt=end)
    found = list(
        leader_assignments(where)
        .annotate(year=ExtractYear("valid_from", tzinfo=_zone()))
        .values(
            "year",
            procuratorate_id=F("case__procuratorate"),
            name=F("case__procuratorate__short_name"),
            code=F("case__procuratorate__code"),
            path=F("case__procuratorate__path"),
        )
        .annotate(cases=Count("case", distinct=True), leaders=Count(STAFF, distinct=True))
    )
    years = sorted({r["year"] for r in found})
    places: dict[int, dict] = {}
    for r in found:
        place = places.setdefault(
            r["procuratorate_id"],
            {
                "procuratorate": {
                    "id": r["procuratorate_id"],
                    "code": r["code"],
                    "name": r["name"],
                },
                "path": r["path"],
                "by_year": {},
                "leaders_by_year": {},
            },
        )
        place["by_year"][r["year"]] = r["cases"]
        place["leaders_by_year"][r["year"]] = r["leaders"]
    rows = []
    for place in sorted(places.values(), key=lambda p: p["path"]):
        counts = [place["by_year"].get(y, 0) for y in years]
        rows.append(
            {
                "procuratorate": place["procuratorate"],
                "counts": counts,
                "leaders": [place["leaders_by_year"].get(y, 0) for y in years],
                "total": sum(counts),
            }
        )
    total = [sum(r["counts"][i] for r in rows) for i in range(len(years))]
    complete = [n for year, n in zip(years, total, strict=True) if _year_over(year, until)]
    return {
        "years": years,
        "rows": rows,
        "total": total,
        "sum": sum(total),
        "rising": rising(complete),
    }


def _year_over(year: int, until: datetime.date | None) -> bool:
    """Whether the year is over by `until` (today by default): a year under way is not
    compared with a whole one."""
    day = until or today()
    return year < day.year or (year == day.year and (day.month, day.day) == (12, 31))


def rising(counts: list[int]) -> bool | None:
    """Whether each year is above the one before; None with fewer than two years."""
    if len(counts) < 2:
        return None
    return all(b > a for a, b in itertools.pairwise(counts))


# ---- one leader's cases ------------------------------------------------------------------


def leader_cases(
    actor: Actor,
    staff_id: int,
    *,
    period: Period,
    procuratorate: Procuratorate | None = None,
    below: bool = True,
) -> dict:
    """The cases behind a leader's row: each case once, with the first assignment to the
    leader in the period, their role, and whether it is concluded and whether they decided
    in it. Raises Staff.DoesNotExist when the reader sees no case of theirs (not there and
    out of scope answer alike). Two queries."""
    from procuracy.cases.models import Case as CaseRow
    from procuracy.cases.selectors import readable_q
    from procuracy.people.models import Staff

    where = _where(report_scope(actor, "case__procuratorate"), procuratorate, below)
    where &= _in_period(period) & Q(**{STAFF: staff_id})
    found = list(
        leader_assignments(where)
        .annotate(
            decided=_decided_by_member(),
            rank=_seniority(),
            role=F(f"{MEMBER}__role"),
            post=F(f"{POST}__kind"),
            staff_name=F(f"{STAFF}__name"),
        )
        .select_related("case__procuratorate", "case__case_type", "org")
        .order_by("valid_from", "id", "rank")
    )
    if not found:
        raise Staff.DoesNotExist
    readable = set(
        CaseRow.objects.filter(readable_q(actor), pk__in={a.case_id for a in found}).values_list(
            "pk", flat=True
        )
    )
    roles, posts = dict(Role.choices), dict(PositionKind.choices)
    cases: dict[int, dict] = {}
    for a in found:
        if a.case_id in cases:
            continue
        case = a.case
        cases[a.case_id] = {
            "id": case.pk,
            "number": case.number,
            "title": "" if case.sealed else case.title,
            "sealed": bool(case.sealed),
            "case_type": case.case_type.name,
            "procuratorate": {
                "id": case.procuratorate_id,
                "code": case.procuratorate.code,
                "name": case.procuratorate.short_name,
            },
            "assigned_on": timezone.localtime(a.valid_from, _zone()).date(),
            "assignment_kind": a.kind,
            "assignment_kind_label": a.get_kind_display(),
            "org": {"id": a.org_id, "name": a.org.name},
            "role": a.role,
            "role_label": str(roles[a.role]),
            "post": a.post,
            "post_label": str(posts[a.post]),
            "status": case.status,
            "status_label": case.get_status_display(),
            "concluded": case.closed_on is not None,
            "closed_on": case.closed_on,
            "decided": a.decided,
            "readable": case.pk in readable,
        }
    rows = list(cases.values())
    return {
        "staff": {"id": staff_id, "name": found[0].staff_name},
        "period": period.as_json(),
        "procuratorate": _ref(procuratorate),
        "below": below,
        "cases": rows,
        "totals": {
            "cases": len(rows),
            "concluded": sum(r["concluded"] for r in rows),
            "decided": sum(r["decided"] for r in rows),
        },
    }
