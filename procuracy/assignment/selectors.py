"""What the case page shows of a case's assignment: the open assignment, each draw recomputed
from the ledger as the page is drawn, and the acts the reader may take, or why not. And the
assignment audit page's reads (分案审计): who may open it, its rows with their recomputations."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procuracy.assignment import handover, services, verify
from procuracy.assignment.models import Assignment, AssignmentKind
from procuracy.caseorgs.models import CaseHandlingOrg
from procuracy.cases import selectors as cases_selectors
from procuracy.cases.models import Case, CaseStatus
from procuracy.core.actors import Actor
from procuracy.core.errors import ActDenied
from procuracy.core.models import Act, today
from procuracy.figures import selectors as figures
from procuracy.organisation.models import Department, Procuratorate
from procuracy.powers import engine


def current(case: Case) -> Assignment | None:
    return (
        case.assignments.filter(ended_at__isnull=True)
        .select_related("org", "approved_by")
        .order_by("-valid_from", "-id")
        .first()
    )


def history(case: Case) -> list[Assignment]:
    return list(case.assignments.select_related("org", "approved_by").order_by("valid_from", "id"))


def orgs_for(case: Case):
    """The organisations a designation may name: those in force at the case's procuratorate."""
    return (
        CaseHandlingOrg.objects.on(today())
        .filter(procuratorate=case.procuratorate)
        .select_related("department")
        .order_by("department_id", "kind", "name", "id")
    )


def case_section(actor: Actor, case: Case) -> dict:
    """The case page's 分案 section: what happened, recomputed, and what the reader may do. A
    draw waiting for its beacon round (`awaiting`) is shown as such, with the act completing
    it instead of a new draw or a designation."""
    place = engine.Context(procuratorate=case.procuratorate)
    checks = verify.verify_case(case)
    section: dict = {
        "current": current(case),
        "history": history(case),
        "checks": [c for c in checks if not c.pending],
    }
    if case.status == CaseStatus.RECEIVED:
        pending = any(c.pending for c in checks)
        waiting = services.awaiting_beacon([case.pk]).get(case.pk) if pending else None
        if waiting is not None:
            section["awaiting"] = waiting
            section["due"] = waiting.due
            section["due_passed"] = waiting.due is not None and waiting.due <= timezone.now()
            section["complete_decision"] = engine.authorize(actor, services.DRAW, place)
            return section
        section["draw_decision"] = engine.authorize(actor, services.DRAW, place)
        section["designate_decision"] = engine.authorize(
            actor, "designate_assignment", services.case_context({"case": case})
        )
    elif case.status in services.REASSIGNABLE and section["current"] is not None:
        section["reassign_decision"] = engine.authorize(
            actor, "reassign", services.case_context({"case": case})
        )
        found = handover.awaiting(Q(pk=case.pk), today())
        section["handover"] = found[0].reasons if found else []
    return section


# ---- the assignment audit page (分案审计) ----------------------------------------------------
#
# Every assignment the reader may audit, newest first, filtered by procuratorate, department,
# kind and month; for each draw on the page its recomputation from the ledger, for each
# designation and reassignment its reason, reasoning and approver, each with its ledger entry.
# A page of 50 rows is read in a constant number of queries: its draws are checked together by
# verify.check_assignments, which reads the entries and subtrees for all of them at once.

AUDIT_PAGE_SIZE = 50
# Who may open the audit page, and how far it reaches: the case management office and the
# deputy chiefs of their own procuratorate; the chiefs and the oversight offices (检务督察,
# 纪检监察组) of theirs and those below. Department heads and prosecutors are not on it: their
# own department's assignments are what it audits (each case page shows its own draw).
AUDIT_OWN = frozenset({"case_management", "deputy_chief"})
AUDIT_BELOW = frozenset({"chief", "acting_chief", "inspection", "discipline"})

MATCHES, DIFFERS, UNVERIFIABLE = "matches", "differs", "unverifiable"
STATUS_LABELS = {
    MATCHES: gettext_lazy("重算一致"),
    DIFFERS: gettext_lazy("重算不一致"),
    UNVERIFIABLE: gettext_lazy("无法重算"),
}
KIND_ACTS = {
    AssignmentKind.DRAW: verify.DRAWN,
    AssignmentKind.DESIGNATION: "assignment.designated",
    AssignmentKind.REASSIGNMENT: "assignment.reassigned",
}


def audit_places(actor: Actor, field: str = "procuratorate") -> Q | None:
    """The filter on `field` (a path to a Procuratorate) for the procuratorates whose
    assignments `actor` may audit; None when the audit page is not theirs at all."""
    if actor.is_system:
        return Q()
    if actor.staff is None or actor.staff.left_on is not None:
        return None
    prefix = f"{field}__" if field else ""
    q, held_any = Q(pk__in=[]), False
    for held in actor.positions:
        if held.kind in AUDIT_BELOW:
            q |= Q(**{f"{prefix}path__startswith": held.procuratorate_path})
        elif held.kind in AUDIT_OWN:
            q |= Q(**{f"{prefix}pk": held.procuratorate_id})
        else:
            continue
        held_any = True
    return q if held_any else None


def audit_scope(actor: Actor, field: str = "procuratorate") -> Q:
    """As audit_places, refusing with the reason those who may not open the page."""
    q = audit_places(actor, field)
    if q is None:
        raise ActDenied(
            _("分案审计页面仅供案件管理部门、检察长、副检察长和检务督察、纪检监察人员查阅。")
        )
    return q


def audited(
    actor: Actor,
    *,
    procuratorate: int | None = None,
    department: int | None = None,
    kind: str = "",
    month_from: datetime.date | None = None,
    month_to: datetime.date | None = None,
) -> QuerySet[Assignment]:
    """The assignments `actor` may audit, newest first. `month_from` and `month_to` are any
    day of the first and last month (Asia/Shanghai) kept. ActDenied for those not on the page."""
    qs = Assignment.objects.filter(audit_scope(actor, "case__procuratorate"))
    if procuratorate:
        qs = qs.filter(case__procuratorate_id=procuratorate)
    if department:
        qs = qs.filter(org__department_id=department)
    if kind:
        qs = qs.filter(kind=kind)
    if month_from:
        qs = qs.filter(valid_from__gte=_month_start(month_from))
    if month_to:
        qs = qs.filter(valid_from__lt=_month_start(month_to, after=1))
    return qs.select_related(
        "case__procuratorate", "case__case_type", "org__department", "approved_by"
    ).order_by("-valid_from", "-id")


def _month_start(day: datetime.date, after: int = 0) -> datetime.datetime:
    months = day.year * 12 + day.month - 1 + after
    zone = timezone.get_default_timezone()  # a zoneinfo: Asia/Shanghai keeps no DST
    return datetime.datetime(months // 12, months % 12 + 1, 1, tzinfo=zone)


@dataclass
class AuditRow:
    """One assignment as the audit page shows it. For a draw: its recomputation (`status`,
    `check`) and the entries of its inputs (`check.seq`) and of its choice (`seq`); for a
    designation or reassignment the entry that recorded it (`seq`)."""

    assignment: Assignment
    case_readable: bool = False
    seq: int | None = None
    status: str = ""
    check: verify.DrawCheck | None = None
    recomputed_name: str = ""  # the name of the organisation the recomputation chose

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status]) if self.status else ""

    @property
    def explanation(self) -> str:
        if self.check is None:
            return ""
        if self.status == UNVERIFIABLE:
            return _("无法重算:%(why)s") % {"why": "；".join(self.check.problems)}
        return self.check.sentence

    def as_json(self) -> dict:
        a = self.assignment
        return {
            "id": a.pk,
            "case": {"id": a.case_id, "number": a.case.number, "readable": self.case_readable},
            "procuratorate": {"id": a.case.procuratorate_id, "name": a.case.procuratorate.name},
            "department": {"id": a.org.department_id, "name": a.org.department.name},
            "org": {"id": a.org_id, "name": a.org.name},
            "kind": a.kind,
            "kind_label": str(a.get_kind_display()),
            "valid_from": a.valid_from.isoformat(),
            "ended_at": a.ended_at.isoformat() if a.ended_at else None,
            "weight": str(a.weight),
            "reason": a.reason or None,
            "reason_label": str(a.get_reason_display()) if a.reason else None,
            "reasoning": a.reasoning,
            "approved_by": (
                {"id": a.approved_by_id, "name": a.approved_by.name} if a.approved_by else None
            ),
            "ledger_seq": self.seq,
            "draw": None if self.check is None else self._draw_json(self.check),
        }

    def _draw_json(self, check: verify.DrawCheck) -> dict:
        return {
            "commitment_seq": check.seq if check.seq >= 0 else None,
            "status": self.status,
            "status_label": self.status_label,
            "recomputed_org": check.outcome.chosen if check.outcome else None,
            "recomputed_org_name": self.recomputed_name or None,
            "recorded_org": check.recorded,
            "problems": list(check.problems),
            "sentence": self.explanation,
        }


@dataclass
class Audit:
    """A page of the audit: its rows, what its draws' recomputations found, and the totals of
    everything the filters keep."""

    page: Page
    rows: list[AuditRow]
    totals: dict[str, int]

    @property
    def summary(self) -> dict:
        draws = [row for row in self.rows if row.check is not None]
        found = Counter(row.status for row in draws)
        return {
            "draws": len(draws),
            MATCHES: found[MATCHES],
            DIFFERS: found[DIFFERS],
            UNVERIFIABLE: found[UNVERIFIABLE],
            "sentence": self.sentence(len(draws), found),
        }

    @staticmethod
    def sentence(draws: int, found: Counter) -> str:
        if not draws:
            return _("本页没有随机分案。")
        if found[MATCHES] == draws:
            return _("本页 %(n)s 次随机分案,全部重算一致。") % {"n": draws}
        return _(
            "本页 %(n)s 次随机分案:%(ok)s 次重算一致,%(bad)s 次重算不一致,%(unknown)s 次无法重算。"
        ) % {
            "n": draws,
            "ok": found[MATCHES],
            "bad": found[DIFFERS],
            "unknown": found[UNVERIFIABLE],
        }

    def as_json(self) -> dict:
        return {
            "count": self.page.paginator.count,
            "page": self.page.number,
            "pages": self.page.paginator.num_pages,
            "page_size": self.page.paginator.per_page,
            "totals": self.totals,
            "summary": self.summary,
            "rows": [row.as_json() for row in self.rows],
        }


def audit(actor: Actor, *, page=1, per_page: int = AUDIT_PAGE_SIZE, **filters) -> Audit:
    """One page of the audit (filters as for `audited`), its draws recomputed."""
    qs = audited(actor, **filters)
    counts = dict(qs.order_by().values_list("kind").annotate(n=Count("id")))
    totals = {kind: counts.get(kind, 0) for kind in AssignmentKind.values}
    found = Paginator(qs, per_page).get_page(page)
    return Audit(page=found, rows=audit_rows(actor, list(found.object_list)), totals=totals)


def audit_rows(actor: Actor, assignments: list[Assignment]) -> list[AuditRow]:
    """The rows for these assignments, in a constant number of queries however many."""
    rows = [AuditRow(assignment=a) for a in assignments]
    readable = set(
        Case.objects.filter(
            cases_selectors.readable_q(actor), pk__in={a.case_id for a in assignments}
        ).values_list("pk", flat=True)
    )
    recorded = _recording_acts(assignments)
    draws = [r for r in rows if r.assignment.kind == AssignmentKind.DRAW]
    checks = verify.check_assignments([r.assignment for r in draws])
    for row in rows:
        row.case_readable = row.assignment.case_id in readable
        row.seq = recorded.get(row.assignment.pk)
    for row, check in zip(draws, checks, strict=True):
        row.status, row.check = _status(check), check
    chosen = {c.outcome.chosen for c in checks if c.outcome is not None}
    names = dict(CaseHandlingOrg.objects.filter(pk__in=chosen).values_list("pk", "name"))
    for row in draws:
        if row.check is not None and row.check.outcome is not None:
            row.recomputed_name = names.get(row.check.outcome.chosen, "")
    return rows


def _recording_acts(assignments: list[Assignment]) -> dict[int, int]:
    """The ledger entry that recorded each assignment (the draw's choice, the designation,
    the reassignment), by assignment id."""
    acts = Act.objects.filter(
        subject_type=Assignment._meta.label_lower,
        subject_id__in=[a.pk for a in assignments],
        kind__in=list(KIND_ACTS.values()),
    ).order_by("seq")
    found: dict[int, int] = {}
    for subject_id, seq in acts.values_list("subject_id", "seq"):
        found.setdefault(subject_id, seq)
    return found


def _status(check: verify.DrawCheck) -> str:
    if check.unverifiable:
        return UNVERIFIABLE
    return MATCHES if check.matches else DIFFERS


def fairness(
    actor: Actor,
    *,
    procuratorate: int | None = None,
    department: int | None = None,
    month_from: datetime.date | None = None,
    month_to: datetime.date | None = None,
    kind: str = "",
) -> dict:
    """The figures page's section on assignment for the reader's scope (to today), its table
    of designated shares by month, procuratorate and department narrowed to the filters'
    months and place (`kind` does not narrow it: a share compares the kinds)."""
    section = figures.assignment(actor, today())
    section["title"] = str(section["title"])
    section["note"] = str(section["note"])
    low = month_from.strftime("%Y-%m") if month_from else ""
    high = month_to.strftime("%Y-%m") if month_to else "9999-12"
    place, unit = None, None
    if department:
        found = Department.objects.filter(pk=department).select_related("procuratorate").first()
        place, unit = (found.procuratorate.short_name, found.name) if found else ("", "")
    elif procuratorate:
        place = (
            Procuratorate.objects.filter(pk=procuratorate)
            .values_list("short_name", flat=True)
            .first()
            or ""
        )
    section["shares"] = [
        row
        for row in section["shares"]
        if low <= row["month"] <= high
        and place in (None, row["procuratorate"])
        and unit in (None, row["department"])
    ]
    return section
