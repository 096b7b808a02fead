"""The report's figures, each computed by a query on the records and scoped to what the actor
may see; each carries the report's own number, where it gives one, for comparison.

The result is plain JSON (ints, floats, strings, lists, dicts; dates in ISO form), shared by
the figures page, `procuracy figures` and the API. Every figure is an item:

    {"key", "label", "value", "report", "report_text", "agrees"}

`report` is the report's number (None where it gives none), `report_text` how it says it
("2000余"), and `agrees` whether the records give the report's number (None without one).
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef
from django.utils.translation import gettext as _

from procuracy.caseorgs.models import CaseHandlingOrg, OrgKind, TeamKind
from procuracy.core import scope
from procuracy.core.actors import Actor
from procuracy.core.models import today
from procuracy.organisation.models import Department, Level, Procuratorate
from procuracy.people.models import Category, Employment, Posting, QuotaRecord, RankRecord

SOURCE = "坚持党建引领 全面深化司改(甘肃政法网,2020-12-18),第三部分"
CONTRACT_CLERK = "contract_clerk"
LEVELS = [Level.PROVINCE, Level.CITY, Level.BRANCH, Level.BASE]

# The report's numbers (section 三), by figure.
REPORT = {
    "procuratorates": {Level.CITY: 14, Level.BRANCH: 3, Level.BASE: 94},
    "base_departments": {"before": 956, "after": 510, "change_percent": -47},
    "criminal_departments": {
        Level.CITY: {2: 14},
        Level.BRANCH: {1: 3},
        Level.BASE: {1: 82, 2: 12},
    },
    "people": {
        Category.PROSECUTOR: 1614,
        Category.ASSISTANT: 1049,
        Category.CLERK: 322,
        Category.ADMINISTRATIVE: 832,
    },
    "contract_clerks_over": 2000,
    "quota": {"base": 1145, "total": 1614, "base_share_percent": 70.9},
    "case_handling_orgs": {"sole": 1764, "fixed": 505, "total": 2269},
    "rank_conversions": {
        Category.ADMINISTRATIVE: 832,
        Category.ASSISTANT: 1049,
        Category.CLERK: 322,
    },
}


def baseline() -> datetime.date:
    """The day before the internal-department reform (settings.PROCURACY_REFORM_BASELINE)."""
    return datetime.date.fromisoformat(settings.PROCURACY_REFORM_BASELINE)


def item(key: str, label, value, report=None, *, report_text=None, over=False) -> dict:
    agrees = None
    if report is not None:
        agrees = value > report if over else value == report
        if report_text is None:
            report_text = f"{report:,}" if isinstance(report, int) else f"{report}"
    return {
        "key": key,
        "label": str(label),
        "value": value,
        "report": report,
        "report_text": report_text,
        "agrees": agrees,
    }


def _level_label(level: str) -> str:
    return str(Level(level).label)


def _category_label(key: str) -> str:
    return _("聘用制书记员") if key == CONTRACT_CLERK else str(Category(key).label)


# --- the figures, one function each --------------------------------------------------------


def procuratorates_by_level(actor: Actor) -> dict:
    visible = scope.restrict(Procuratorate.objects.all(), actor, "")
    counts = dict(visible.order_by().values_list("level").annotate(n=Count("id")))
    report = REPORT["procuratorates"]
    items = [
        item(level.value, level.label, counts.get(level, 0), report.get(level)) for level in LEVELS
    ]
    items.append(item("total", _("合计"), sum(counts.values())))
    return {"title": _("检察院(按层级)"), "items": items}


def base_departments(actor: Actor, before: datetime.date, after: datetime.date) -> dict:
    """The reform's 956 → 510: departments of base procuratorates valid on each day."""
    at_base = scope.restrict(Department.objects.filter(procuratorate__level=Level.BASE), actor)
    n_before = at_base.on(before).count()
    n_after = at_base.on(after).count()
    change = round((n_after - n_before) * 100 / n_before) if n_before else 0
    report = REPORT["base_departments"]
    return {
        "title": _("基层院内设机构(改革前后)"),
        "items": [
            item("before", _("%(day)s 的内设机构") % {"day": before}, n_before, report["before"]),
            item("after", _("%(day)s 的内设机构") % {"day": after}, n_after, report["after"]),
            item(
                "change_percent",
                _("变化(%)"),
                change,
                report["change_percent"],
                report_text=_("减少 47%"),
            ),
        ],
    }


def criminal_departments(actor: Actor, after: datetime.date) -> dict:
    """How many criminal prosecution departments each procuratorate has, by level: the
    report's "14 city procuratorates with two each, 82 base with one, 12 with two"."""
    visible = scope.restrict(Procuratorate.objects.all(), actor, "")
    per_place = dict(
        Department.objects.on(after)
        .prosecuting()
        .filter(procuratorate__in=visible)
        .order_by()  # the model's ordering would join the GROUP BY
        .values_list("procuratorate")
        .annotate(n=Count("id", distinct=True))
    )
    spread = Counter(
        (level, per_place.get(pk, 0)) for pk, level in visible.values_list("pk", "level")
    )
    items, distribution = [], {}
    for level in LEVELS:
        report = REPORT["criminal_departments"].get(level, {})
        counts = {n: k for (lv, n), k in spread.items() if lv == level}
        distribution[level.value] = {str(n): k for n, k in sorted(counts.items())}
        for n in sorted(set(counts) | set(report)):
            label = _("%(level)s:设 %(n)s 个刑事检察部门的院数") % {"level": level.label, "n": n}
            items.append(item(f"{level.value}.{n}", label, counts.get(n, 0), report.get(n)))
    return {
        "title": _("刑事检察部门(按层级分布,%(day)s)") % {"day": after},
        "items": items,
        "distribution": distribution,
    }


def _postings(actor: Actor, day: datetime.date):
    """Where each person worked on `day`, within the actor's scope."""
    return scope.restrict(Posting.objects.on(day), actor)


def people_by_category(actor: Actor, after: datetime.date) -> dict:
    rows = (
        _postings(actor, after)
        .order_by()
        .values_list("staff__category", "staff__employment", "procuratorate__level")
        .annotate(n=Count("staff", distinct=True))
    )
    table: dict[str, Counter] = {}
    for category, employment, level, n in rows:
        key = CONTRACT_CLERK if employment == Employment.CONTRACT else category
        table.setdefault(key, Counter())[level] += n
    report = REPORT["people"]
    items = []
    for key in [*Category.values, CONTRACT_CLERK]:
        by_level = table.get(key, Counter())
        total = sum(by_level.values())
        if key == CONTRACT_CLERK:
            over = REPORT["contract_clerks_over"]
            entry = item(key, _category_label(key), total, over, report_text="2000余", over=True)
        else:
            entry = item(key, _category_label(key), total, report.get(key))
        entry["by_level"] = {level.value: by_level.get(level, 0) for level in LEVELS}
        items.append(entry)
    return {
        "title": _("人员(按类别和层级,%(day)s)") % {"day": after},
        "note": _(
            "报告给出的检察官助理、书记员、司法行政人员人数,是参加职级套改的人数;"
            "聘用制书记员单列,不计入书记员。"
        ),
        "levels": [{"key": lv.value, "label": str(lv.label)} for lv in LEVELS],
        "items": items,
    }


def quota_at_base(actor: Actor, after: datetime.date) -> dict:
    in_quota = QuotaRecord.objects.on(after).filter(staff=OuterRef("staff"))
    by_level = dict(
        _postings(actor, after)
        .filter(Exists(in_quota))
        .order_by()
        .values_list("procuratorate__level")
        .annotate(n=Count("staff", distinct=True))
    )
    total = sum(by_level.values())
    base = by_level.get(Level.BASE, 0)
    share = round(base * 100 / total, 1) if total else 0.0
    report = REPORT["quota"]
    return {
        "title": _("员额检察官(%(day)s)") % {"day": after},
        "items": [
            item("total", _("员额检察官总数"), total, report["total"]),
            item("base", _("其中基层院"), base, report["base"]),
            item(
                "base_share_percent",
                _("基层院占比(%)"),
                share,
                report["base_share_percent"],
                report_text="70.9%",
            ),
        ],
    }


def case_handling_orgs(actor: Actor, after: datetime.date) -> dict:
    rows = (
        scope.restrict(CaseHandlingOrg.objects.on(after), actor)
        .order_by()
        .values_list("kind", "team_kind")
        .annotate(n=Count("id"))
    )
    counts = Counter()
    for kind, team_kind, n in rows:
        counts[OrgKind.SOLE.value if kind == OrgKind.SOLE else team_kind] += n
    report = REPORT["case_handling_orgs"]
    return {
        "title": _("办案组织(按类型,%(day)s)") % {"day": after},
        "items": [
            item("sole", OrgKind.SOLE.label, counts["sole"], report["sole"]),
            item("fixed", TeamKind.FIXED.label, counts["fixed"], report["fixed"]),
            item("temporary", TeamKind.TEMPORARY.label, counts["temporary"]),
            item("total", _("合计"), sum(counts.values()), report["total"]),
        ],
    }


def rank_conversions(actor: Actor, after: datetime.date) -> dict:
    """People whose administrative rank went through the 2019 conversion (职级套改)."""
    rows = (
        scope.restrict(
            RankRecord.objects.filter(reason="conversion", effective_on__lte=after),
            actor,
            "staff__procuratorate",
        )
        .order_by()
        .values_list("staff__category")
        .annotate(n=Count("staff", distinct=True))
    )
    counts = dict(rows)
    report = REPORT["rank_conversions"]
    keys = [*report, *(k for k in Category.values if k in counts and k not in report)]
    return {
        "title": _("职级套改(按人员类别)"),
        "items": [item(k, _category_label(k), counts.get(k, 0), report.get(k)) for k in keys],
    }


def assignment(actor: Actor, after: datetime.date) -> dict:
    """Cases taken in, and how they were assigned: the draws, the designations and the
    reassignments; the designated share (a warning above PROCURACY_DESIGNATED_SHARE_WARNING
    percent, overall and by procuratorate), and by month, procuratorate and department
    (`shares`, with each group over the limit flagged); and the largest spread of open load
    between the organisations of one procuratorate, in case weights."""
    from procuracy.assignment.models import Assignment, AssignmentKind
    from procuracy.cases.models import OPEN_STATUSES, Case

    cases = scope.restrict(Case.objects.filter(received_on__lte=after), actor)
    assigned = scope.restrict(
        Assignment.objects.filter(valid_from__date__lte=after), actor, "case__procuratorate"
    )
    rows = assigned.order_by().values_list("case__procuratorate", "kind").annotate(n=Count("id"))
    by_place: dict[int, Counter] = {}
    kinds: Counter = Counter()
    for place, kind, n in rows:
        by_place.setdefault(place, Counter())[kind] += n
        kinds[kind] += n
    warning = settings.PROCURACY_DESIGNATED_SHARE_WARNING

    def share(counts: Counter) -> float:
        first = counts[AssignmentKind.DRAW] + counts[AssignmentKind.DESIGNATION]
        return round(100 * counts[AssignmentKind.DESIGNATION] / first, 1) if first else 0.0

    enough = getattr(settings, "PROCURACY_DESIGNATED_SHARE_MIN_CASES", 0)

    def first(counts: Counter) -> int:
        return counts[AssignmentKind.DRAW] + counts[AssignmentKind.DESIGNATION]

    over = [
        pk for pk, counts in by_place.items() if share(counts) > warning and first(counts) >= enough
    ]
    names = dict(Procuratorate.objects.filter(pk__in=over).values_list("pk", "short_name"))
    spread, where = _load_spread(actor, after, OPEN_STATUSES)
    if over:
        note = _("指定分案占比超过 %(limit)s%% 的院:%(places)s。") % {
            "limit": warning,
            "places": "、".join(sorted(names.values())),
        }
    else:
        note = _("各院指定分案占比均未超过 %(limit)s%%。") % {"limit": warning}
    shares = _shares_by_month(assigned, share, warning, enough)
    flagged = [row for row in shares if row["over"]]
    if flagged:
        groups = "、".join(
            f"{row['month']} {row['procuratorate']}{row['department']}({row['share']}%)"
            for row in flagged[:10]
        )
        note += _("按月、院和部门超过的:%(groups)s。") % {"groups": groups}
    if where:
        note += _("负荷差距最大的部门:%(place)s。") % {"place": where}
    return {
        "title": _("案件与分案(至 %(day)s)") % {"day": after},
        "items": [
            item("received", _("受理案件"), cases.count()),
            item("open", _("未结案件"), cases.filter(status__in=OPEN_STATUSES).count()),
            item("draws", _("随机分案"), kinds[AssignmentKind.DRAW]),
            item("designations", _("指定分案"), kinds[AssignmentKind.DESIGNATION]),
            item("reassignments", _("改派"), kinds[AssignmentKind.REASSIGNMENT]),
            item("designated_share", _("指定分案占比(%)"), share(kinds)),
            item("load_spread", _("同一部门办案组织负荷最大差距(案件权重)"), spread),
        ],
        "note": note,
        "shares": shares,
    }


def _shares_by_month(assigned, share, warning: int, enough: int) -> list[dict]:
    """The designated share of first assignments by month (Asia/Shanghai), procuratorate and
    the department of the organisation chosen, newest month first; a group is flagged over
    the warning only with `enough` first assignments, where chance alone does not decide."""
    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    month = TruncMonth("valid_from", tzinfo=timezone.get_default_timezone())
    rows = (
        assigned.filter(kind__in=["draw", "designation"])
        .annotate(month=month)
        .order_by()
        .values_list("month", "case__procuratorate__short_name", "org__department__name", "kind")
        .annotate(n=Count("id"))
    )
    groups: dict[tuple, Counter] = {}
    for when, place, department, kind, n in rows:
        key = (when.strftime("%Y-%m"), place, department)
        groups.setdefault(key, Counter())[kind] += n
    found = []
    for (when, place, department), counts in sorted(
        groups.items(), key=lambda g: (g[0][0], g[0][1], g[0][2]), reverse=True
    ):
        value = share(counts)
        found.append(
            {
                "month": when,
                "procuratorate": place,
                "department": department,
                "draws": counts["draw"],
                "designations": counts["designation"],
                "share": value,
                "over": value > warning and counts["draw"] + counts["designation"] >= enough,
            }
        )
    return found


def _load_spread(actor: Actor, day: datetime.date, open_statuses) -> tuple[float, str]:
    """The largest difference, in case weights, between the open loads of two organisations
    of one department in force that day (the organisations a draw weighs against each other),
    and which procuratorate and department."""
    from django.db.models import Q, Sum

    open_load = Sum(
        "assignments__weight",
        filter=Q(assignments__ended_at__isnull=True, assignments__case__status__in=open_statuses),
    )
    rows = (
        scope.restrict(CaseHandlingOrg.objects.on(day), actor)
        .order_by()
        .annotate(load=open_load)  # one row per organisation
        .values_list("procuratorate__short_name", "department__name", "pk", "load")
    )
    loads: dict[str, list[float]] = {}
    for place, department, _pk, load in rows:
        loads.setdefault(f"{place}{department}", []).append(float(load or 0))
    best, where = 0.0, ""
    for place, values in sorted(loads.items()):
        if len(values) > 1 and max(values) - min(values) > best:
            best, where = round(max(values) - min(values), 2), place
    return best, where


def cases(actor: Actor, after: datetime.date) -> dict:
    """The cases taken in up to `after`, by business line and where they stand now; the open
    ones due soon (from the day warnings start to the day the limit expires) and overdue
    (past it), today and by procuratorate; the stages that ended after their expiry; the
    returns for supplementary investigation and the extensions decided."""
    from procuracy.cases.models import (
        OPEN_STATUSES,
        Case,
        CaseStatus,
        Decision,
        DecisionStatus,
        Stage,
    )
    from procuracy.organisation.models import BusinessLine

    day = today()
    taken = scope.restrict(Case.objects.filter(received_on__lte=after), actor)
    open_cases = taken.filter(status__in=OPEN_STATUSES)
    due_soon = open_cases.filter(warn_on__lte=day, due_on__gte=day)
    overdue = open_cases.filter(due_on__lt=day)
    late = Stage.objects.filter(
        case__in=taken, ended_on__isnull=False, expires_on__lt=F("ended_on")
    )
    made = Decision.objects.filter(
        case__in=taken, status=DecisionStatus.MADE, decided_at__date__lte=after
    )
    decided = Counter(dict(made.order_by().values_list("matter__code").annotate(n=Count("id"))))
    lines = list(BusinessLine.objects.order_by("number").values_list("code", "name"))
    table = _by_line_and_status(taken, lines, CaseStatus)
    places = _deadlines_by_place(open_cases, day)
    return {
        "title": _("案件办理(至 %(day)s)") % {"day": after},
        "items": [
            item("received", _("受理案件"), table["total"]),
            item("open", _("未结案件"), open_cases.count()),
            item("due_soon", _("临近期限(%(day)s)") % {"day": day}, due_soon.count()),
            item("overdue", _("已超期限(%(day)s)") % {"day": day}, overdue.count()),
            item("closed_late", _("超过期限才结束的办案期限"), late.count()),
            item("returns", _("退回补充侦查"), decided["return_investigation"]),
            item("extensions", _("延长审查起诉期限"), decided["extend_review"]),
        ],
        "statuses": table["statuses"],
        "by_line": table["rows"],
        "by_procuratorate": places,
        "note": _(
            "状态、临近期限和超期按 %(day)s 计算:临近期限指已到预警日、尚未届满的未结案件,"
            "超期指期限届满日已过仍未结的案件。"
        )
        % {"day": day},
    }


def _by_line_and_status(cases, lines, statuses) -> dict:
    """Counts of the cases by business line (rows, in the lines' order) and status (columns,
    in the lifecycle's order), each row with its total, and a last row of totals."""
    counts = Counter(
        {
            (line, status): n
            for line, status, n in cases.order_by()
            .values_list("business_line__code", "status")
            .annotate(n=Count("id"))
        }
    )
    rows = []
    for code, name in lines:
        row = [counts[code, status] for status in statuses.values]
        rows.append({"key": code, "label": name, "counts": row, "total": sum(row)})
    column = [sum(r["counts"][i] for r in rows) for i in range(len(statuses.values))]
    total = sum(column)
    rows.append({"key": "total", "label": _("合计"), "counts": column, "total": total})
    return {
        "statuses": [{"key": k, "label": str(label)} for k, label in statuses.choices],
        "rows": rows,
        "total": total,
    }


def _deadlines_by_place(open_cases, day: datetime.date) -> list[dict]:
    """For each procuratorate with open cases: how many, how many due soon and overdue, the
    most overdue first."""
    from django.db.models import Q

    rows = (
        open_cases.order_by()
        .values_list("procuratorate__code", "procuratorate__short_name")
        .annotate(
            open=Count("id"),
            due_soon=Count("id", filter=Q(warn_on__lte=day, due_on__gte=day)),
            overdue=Count("id", filter=Q(due_on__lt=day)),
        )
    )
    found = [
        {"code": code, "procuratorate": name, "open": n, "due_soon": soon, "overdue": late}
        for code, name, n, soon, late in rows
    ]
    return sorted(found, key=lambda r: (-r["overdue"], -r["due_soon"], r["code"]))


# --- oversight: leaders' own cases, referrals to the committee, the chief's overrides -------


def _end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after `day` (Asia/Shanghai)."""
    from django.utils import timezone

    zone = timezone.get_default_timezone()
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), zone)


def _yearly(measures: list[tuple], after: datetime.date) -> dict:
    """Counts by year and procuratorate, one query per measure. A measure is (key, label,
    queryset, the datetime field its year is of, the path to its procuratorate, the count);
    each is kept to what happened by the end of `after`. Returns the years, a row of totals
    per measure (`by_year`) and, per procuratorate with any count, a row per measure."""
    from django.db.models.functions import ExtractYear
    from django.utils import timezone

    zone = timezone.get_default_timezone()
    counts: dict[str, Counter] = {}
    places: dict[int, dict] = {}
    for key, _label, queryset, when, place, count in measures:
        rows = (
            queryset.filter(**{f"{when}__lt": _end_of(after)})
            .annotate(year=ExtractYear(when, tzinfo=zone))
            .order_by()
            .values_list("year", place, f"{place}__short_name", f"{place}__path")
            .annotate(n=count)
        )
        for year, pk, name, path, n in rows:
            counts.setdefault(key, Counter())[year, pk] += n
            places[pk] = {"procuratorate": name, "path": path}
    years = sorted({year for found in counts.values() for year, _pk in found})
    by_year, by_place = [], []
    for key, label, *_rest in measures:
        found = counts.get(key, Counter())
        row = [sum(n for (y, _pk), n in found.items() if y == year) for year in years]
        by_year.append({"key": key, "label": str(label), "counts": row, "total": sum(row)})
    for pk, place in sorted(places.items(), key=lambda p: p[1]["path"]):
        for key, label, *_rest in measures:
            row = [counts.get(key, Counter())[year, pk] for year in years]
            if any(row):
                by_place.append(
                    {
                        "procuratorate": place["procuratorate"],
                        "key": key,
                        "label": str(label),
                        "counts": row,
                        "total": sum(row),
                    }
                )
    return {"years": years, "by_year": by_year, "by_procuratorate": by_place}


def leaders_cases(actor: Actor, after: datetime.date) -> dict:
    """Leaders' own cases by year (领导干部办案): the cases chiefs, deputy chiefs and committee
    members handled themselves as prosecutor members of the organisation the case was
    assigned to, counted in the year of the assignment (oversight.leaders). The report says
    "领导办案数量逐年上升": `rising` says whether the records agree, comparing the years
    over by `after` (None with fewer than two)."""
    from procuracy.oversight import leaders

    found = leaders.series(scope.procuratorate_q(actor, "case__procuratorate"), until=after)
    years = found["years"]
    people = [sum(row["leaders"][i] for row in found["rows"]) for i in range(len(years))]
    total = found["total"]
    items = [
        item(str(year), _("%(year)s 年领导干部办理案件") % {"year": year}, n)
        for year, n in zip(years, total, strict=True)
    ]
    rising = found["rising"]
    if rising is None:
        verdict = _("已结束的年度不足两个,尚无法比较。")
    elif rising:
        verdict = _("按记录计算,逐年上升,与报告一致。")
    else:
        verdict = _("按记录计算,并非逐年上升。")
    return {
        "title": _("领导干部办案(按年度,至 %(day)s)") % {"day": after},
        "items": items,
        "years": years,
        "by_year": [
            {"key": "cases", "label": _("领导干部办理案件"), "counts": total, "total": sum(total)},
            {"key": "leaders", "label": _("办案的领导干部(人)"), "counts": people, "total": None},
        ],
        "by_procuratorate": [
            {
                "procuratorate": row["procuratorate"]["name"],
                "key": "cases",
                "label": str(_("领导干部办理案件")),
                "counts": row["counts"],
                "total": row["total"],
            }
            for row in found["rows"]
        ],
        "rising": rising,
        "note": _(
            "检察长、副检察长和检察委员会委员作为独任检察官、主办检察官或组员检察官办理的案件,"
            "按分案年度计算,同一案件只计一次。报告称“领导办案数量逐年上升”:%(verdict)s"
        )
        % {"verdict": verdict},
    }


def committee_referrals(actor: Actor, after: datetime.date) -> dict:
    """Cases sent to the procuratorial committee, by year and procuratorate: the chief's
    referrals (规则 Art 7: a Review of kind refer), the submissions the power list gives the
    committee, counted when the last review before it forwards them (the `oversight.reviewed`
    act whose next step is the committee's), and the cases on the committee's agenda (an
    AgendaItem of kind case, in the year of its meeting)."""
    from procuracy.core.models import Act
    from procuracy.oversight.models import AgendaItem, ItemKind, Review, ReviewKind
    from procuracy.powers.models import Holder

    by_chief = Review.objects.filter(
        scope.procuratorate_q(actor, "decision__case__procuratorate"), kind=ReviewKind.REFER
    )
    by_list = scope.restrict(
        Act.objects.filter(kind="oversight.reviewed", body__next_step__holder=Holder.COMMITTEE),
        actor,
    )
    on_agenda = AgendaItem.objects.filter(
        scope.procuratorate_q(actor, "meeting__procuratorate"), kind=ItemKind.CASE
    )
    place = "decision__case__procuratorate"
    measures = [
        ("by_chief", _("检察长提请检察委员会讨论"), by_chief, "reviewed_at", place, Count("id")),
        (
            "by_list",
            _("依权力清单报请检察委员会决定"),
            by_list,
            "occurred_at",
            "procuratorate",
            Count("id"),
        ),
        (
            "on_agenda",
            _("检察委员会审议的案件议题"),
            on_agenda,
            "meeting__scheduled_for",
            "meeting__procuratorate",
            Count("id"),
        ),
    ]
    found = _yearly(measures, after)
    totals = {row["key"]: row["total"] for row in found["by_year"]}
    items = [
        item("referred", _("提请检察委员会(合计)"), totals["by_chief"] + totals["by_list"]),
        *(item(row["key"], row["label"], row["total"]) for row in found["by_year"]),
    ]
    return {
        "title": _("提请检察委员会(按年度,至 %(day)s)") % {"day": after},
        "items": items,
        **found,
        "note": _(
            "提请检察委员会合计 = 检察长不同意承办意见而提请讨论的(《人民检察院刑事诉讼规则》"
            "第七条)+ 权力清单规定由检察委员会决定、经审核报送的;"
            "检察委员会审议的案件议题按会议年度计算。"
        ),
    }


def chief_overrides(actor: Actor, after: datetime.date) -> dict:
    """What the chief (or a deputy) did against a proposal, by year and procuratorate: the
    proposals decided otherwise (a Decision whose `overrides` is set, made by a leader, not a
    body — each proposal once, even when the decision was changed after an objection), the
    re-examinations ordered (Review of kind reexamine); and, beside them, the proposals the
    committee decided otherwise."""
    from procuracy.cases.models import Decision, DecisionBody
    from procuracy.oversight.models import Review, ReviewKind

    overridden = scope.restrict(
        Decision.objects.filter(overrides__isnull=False, decided_at__isnull=False),
        actor,
        "case__procuratorate",
    )
    reexamine = Review.objects.filter(
        scope.procuratorate_q(actor, "decision__case__procuratorate"), kind=ReviewKind.REEXAMINE
    )
    case_place = "case__procuratorate"
    distinct = Count("overrides", distinct=True)
    measures = [
        (
            "overrides",
            _("检察长(副检察长)直接作出不同决定"),
            overridden.filter(body=""),
            "decided_at",
            case_place,
            distinct,
        ),
        (
            "reexaminations",
            _("要求承办检察官复核"),
            reexamine,
            "reviewed_at",
            "decision__case__procuratorate",
            Count("id"),
        ),
        (
            "committee_overrides",
            _("检察委员会未采纳承办检察官意见"),
            overridden.filter(body=DecisionBody.COMMITTEE),
            "decided_at",
            case_place,
            distinct,
        ),
    ]
    found = _yearly(measures, after)
    return {
        "title": _("检察长改变承办意见(按年度,至 %(day)s)") % {"day": after},
        "items": [item(row["key"], row["label"], row["total"]) for row in found["by_year"]],
        **found,
        "note": _(
            "直接作出不同决定:检察长或副检察长未采纳承办检察官的报请而作出另一决定,每份报请只计一次"
            "(因异议改变的决定不重复计算);要求复核按复核指令计算。"
        ),
    }


def report_figures(
    actor: Actor,
    *,
    before: datetime.date | None = None,
    after: datetime.date | None = None,
) -> dict:
    """Every figure of the report that the records can give so far. `before` defaults to the
    reform baseline, `after` to today."""
    before = before or baseline()
    after = after or today()
    sections = {
        "procuratorates": procuratorates_by_level(actor),
        "base_departments": base_departments(actor, before, after),
        "criminal_departments": criminal_departments(actor, after),
        "people": people_by_category(actor, after),
        "quota": quota_at_base(actor, after),
        "case_handling_orgs": case_handling_orgs(actor, after),
        "rank_conversions": rank_conversions(actor, after),
        "assignment": assignment(actor, after),
        "cases": cases(actor, after),
        "leaders_cases": leaders_cases(actor, after),
        "committee_referrals": committee_referrals(actor, after),
        "chief_overrides": chief_overrides(actor, after),
    }
    for key, section in sections.items():
        section["key"] = key
        section["title"] = str(section["title"])
        if "note" in section:
            section["note"] = str(section["note"])
        for row in section.get("by_year", ()):
            row["label"] = str(row["label"])
    return {
        "before": before.isoformat(),
        "after": after.isoformat(),
        "source": SOURCE,
        "sections": sections,
    }
