"""The acts on a department's assignment scheme (分案方案): drafting a version, revising or
discarding the draft, approving it; and the reads its pages, API and command share.

A scheme changes only by a new version: a draft is approved by the chief — or recorded by the
chief as approved by the procuratorial committee, with the meeting's minutes — with the day it
takes effect, and from that day it supersedes the version before it. An approved version is
never edited. Every act is ledgered. Where the installation requires the committee
(setting PROCURACY_SCHEME_APPROVAL = "committee"), the chief's own approval is refused.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from fractions import Fraction

from django.conf import settings
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procuracy.assignment.draw import MAX_JSON_INT
from procuracy.assignment.models import AssignmentScheme, SchemeStatus
from procuracy.caseorgs.models import CaseHandlingOrg
from procuracy.cases.models import CaseType
from procuracy.core import scope
from procuracy.core.actors import Actor
from procuracy.core.errors import RuleViolation
from procuracy.core.models import day_of, today
from procuracy.core.permissions import role_rule
from procuracy.core.spine import record, service
from procuracy.organisation.models import Department
from procuracy.powers.models import ApprovalBody

DRAFT_SCHEME = role_rule(
    "assignment.draft_scheme",
    gettext_lazy("起草、修改和废弃分案方案草稿"),
    {"chief", "acting_chief", "deputy_chief", "department_head", "case_management"},
)
APPROVE_SCHEME = role_rule(
    "assignment.approve_scheme", gettext_lazy("批准分案方案"), {"chief", "acting_chief"}
)

STATE_LABELS = {
    "draft": gettext_lazy("草稿"),
    "approved": gettext_lazy("已批准待生效"),
    "in_force": gettext_lazy("现行有效"),
    "superseded": gettext_lazy("已被替代"),
    "discarded": gettext_lazy("已废弃"),
}
STATE_TONES = {
    "draft": "amber",
    "approved": "blue",
    "in_force": "green",
    "superseded": "slate",
    "discarded": "slate",
}


def approval_required() -> str:
    """Who must approve: "chief" (the chief, or the committee recorded by the chief) or
    "committee" (the committee only)."""
    return getattr(settings, "PROCURACY_SCHEME_APPROVAL", ApprovalBody.CHIEF)


# Checks ---------------------------------------------------------------------------------


def _check_department(department: Department, day: datetime.date) -> None:
    if not department.handles_cases:
        raise RuleViolation(
            _("“%(name)s”不是业务部门,不办理案件,不能制定分案方案。") % {"name": department.name},
            "department",
        )
    if not department.holds_on(day):
        raise RuleViolation(
            _("内设机构“%(name)s”在 %(day)s 未设立或已撤销。")
            % {"name": department.name, "day": day.isoformat()},
            "department",
        )


def _case_types(department: Department, codes: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    if not wanted:
        raise RuleViolation(_("请至少选择一种案件类型。"), "case_types")
    found = {t.code: t for t in CaseType.objects.filter(code__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise RuleViolation(
            _("案件类型代码不存在:%(codes)s。") % {"codes": "、".join(unknown)}, "case_types"
        )
    lines = set(department.business_lines.values_list("pk", flat=True))
    handled = set(
        CaseType.business_lines.through.objects.filter(
            casetype__code__in=wanted, businessline_id__in=lines
        ).values_list("casetype__code", flat=True)
    )
    foreign = [str(found[c]) for c in wanted if c not in handled]
    if foreign:
        raise RuleViolation(
            _("“%(name)s”办理的业务条线不含以下案件类型:%(types)s。")
            % {"name": department.name, "types": "、".join(foreign)},
            "case_types",
        )
    return sorted(wanted, key=lambda c: found[c].number)


def _orgs(department: Department, ids: Iterable[int]) -> list[int]:
    wanted = sorted(set(ids))
    own = set(
        CaseHandlingOrg.objects.filter(department=department, pk__in=wanted).values_list(
            "pk", flat=True
        )
    )
    strangers = [str(pk) for pk in wanted if pk not in own]
    if strangers:
        raise RuleViolation(
            _("以下办案组织不属于“%(name)s”:%(ids)s。")
            % {"name": department.name, "ids": "、".join(strangers)},
            "orgs",
        )
    return wanted


def _balance(max_distance: int, numerator: int, denominator: int) -> tuple[int, Fraction]:
    numbers = (max_distance, numerator, denominator)
    if any(isinstance(n, bool) or not isinstance(n, int) for n in numbers):
        raise RuleViolation(_("负荷差距和逃逸概率须为整数。"), "max_distance")
    if not 0 <= max_distance <= MAX_JSON_INT:
        raise RuleViolation(_("最大负荷差距须为非负整数(以案件权重的百分之一计)。"), "max_distance")
    if denominator < 1 or not 0 <= numerator <= denominator:
        raise RuleViolation(_("逃逸概率须在 0 到 1 之间(分子不大于分母,分母至少为 1)。"), "escape")
    escape = Fraction(numerator, denominator)
    if escape.denominator > MAX_JSON_INT:
        raise RuleViolation(_("逃逸概率的分母过大。"), "escape")
    return max_distance, escape


def _checked(
    department: Department,
    day: datetime.date,
    *,
    case_types: Iterable[str],
    orgs: Iterable[int],
    max_distance: int,
    escape_numerator: int,
    escape_denominator: int,
    batch_hour: int | None,
    note: str,
) -> dict:
    """The scheme's fields, checked and in their stored form (codes in catalogue order, org
    ids ascending, the escape in lowest terms). Raises before anything is written."""
    _check_department(department, day)
    distance, escape = _balance(max_distance, escape_numerator, escape_denominator)
    if batch_hour is not None and not 0 <= batch_hour <= 23:
        raise RuleViolation(_("每日集中分案时刻须为 0 到 23 之间的整点。"), "batch_hour")
    return {
        "case_types": _case_types(department, case_types),
        "orgs": _orgs(department, orgs),
        "max_distance": distance,
        "escape_numerator": escape.numerator,
        "escape_denominator": escape.denominator,
        "batch_hour": batch_hour,
        "note": note.strip(),
    }


def _draft_of(scheme: AssignmentScheme) -> AssignmentScheme:
    if scheme.status != SchemeStatus.DRAFT:
        raise RuleViolation(
            _("只能修改草稿;已批准的分案方案不可更改,请起草新版本。")
            if scheme.status == SchemeStatus.APPROVED
            else _("该草稿已废弃。")
        )
    return scheme


def _body(scheme: AssignmentScheme, **extra) -> dict:
    return {
        "department": scheme.department_id,
        "number": scheme.number,
        "case_types": scheme.case_types,
        "orgs": scheme.orgs,
        "max_distance": scheme.max_distance,
        "escape": {"numerator": scheme.escape_numerator, "denominator": scheme.escape_denominator},
        "batch_hour": scheme.batch_hour,
        **extra,
    }


# The acts ------------------------------------------------------------------------------


@service(DRAFT_SCHEME, where=lambda kw: kw["department"].procuratorate)
def draft_scheme(
    *,
    actor: Actor,
    department: Department,
    case_types: Iterable[str],
    max_distance: int,
    escape_numerator: int,
    escape_denominator: int,
    orgs: Iterable[int] = (),
    batch_hour: int | None = None,
    note: str = "",
    occurred_at: datetime.datetime | None = None,
) -> AssignmentScheme:
    """A new version of the department's scheme, as a draft. One draft at a time."""
    fields = _checked(
        department,
        day_of(occurred_at),
        case_types=case_types,
        orgs=orgs,
        max_distance=max_distance,
        escape_numerator=escape_numerator,
        escape_denominator=escape_denominator,
        batch_hour=batch_hour,
        note=note,
    )
    versions = AssignmentScheme.objects.filter(department=department)
    if versions.filter(status=SchemeStatus.DRAFT).exists():
        raise RuleViolation(
            _("“%(name)s”已有一份分案方案草稿,请先修改、批准或废弃它。") % {"name": department.name}
        )
    number = (versions.aggregate(n=Max("number"))["n"] or 0) + 1
    scheme = AssignmentScheme.objects.create(
        procuratorate=department.procuratorate,
        department=department,
        number=number,
        drafted_by=actor.staff,
        drafted_at=occurred_at or timezone.now(),
        **fields,
    )
    record(
        actor=actor,
        kind="assignment.scheme_drafted",
        subject=scheme,
        procuratorate=department.procuratorate,
        body=_body(scheme),
        occurred_at=occurred_at,
    )
    return scheme


@service(DRAFT_SCHEME, where=lambda kw: kw["scheme"].procuratorate)
def revise_scheme(
    *,
    actor: Actor,
    scheme: AssignmentScheme,
    case_types: Iterable[str],
    max_distance: int,
    escape_numerator: int,
    escape_denominator: int,
    orgs: Iterable[int] = (),
    batch_hour: int | None = None,
    note: str = "",
    occurred_at: datetime.datetime | None = None,
) -> AssignmentScheme:
    """Change a draft; an approved version is refused (a new version is drafted instead)."""
    _draft_of(scheme)
    fields = _checked(
        scheme.department,
        day_of(occurred_at),
        case_types=case_types,
        orgs=orgs,
        max_distance=max_distance,
        escape_numerator=escape_numerator,
        escape_denominator=escape_denominator,
        batch_hour=batch_hour,
        note=note,
    )
    for name, value in fields.items():
        setattr(scheme, name, value)
    scheme.save(update_fields=list(fields))
    record(
        actor=actor,
        kind="assignment.scheme_revised",
        subject=scheme,
        procuratorate=scheme.procuratorate,
        body=_body(scheme),
        occurred_at=occurred_at,
    )
    return scheme


@service(DRAFT_SCHEME, where=lambda kw: kw["scheme"].procuratorate)
def discard_scheme(
    *,
    actor: Actor,
    scheme: AssignmentScheme,
    reason: str,
    occurred_at: datetime.datetime | None = None,
) -> AssignmentScheme:
    _draft_of(scheme)
    if not reason.strip():
        raise RuleViolation(_("请说明废弃草稿的理由。"), "reason")
    scheme.status = SchemeStatus.DISCARDED
    scheme.discard_reason = reason.strip()[:200]
    scheme.save(update_fields=["status", "discard_reason"])
    record(
        actor=actor,
        kind="assignment.scheme_discarded",
        subject=scheme,
        procuratorate=scheme.procuratorate,
        body={"department": scheme.department_id, "number": scheme.number, "reason": reason},
        occurred_at=occurred_at,
    )
    return scheme


def _check_approval(body: str, reference: str) -> None:
    if body not in ApprovalBody.values:
        raise RuleViolation(_("批准机构须为检察长或检察委员会。"), "body")
    if approval_required() == ApprovalBody.COMMITTEE and body != ApprovalBody.COMMITTEE:
        raise RuleViolation(
            _("按本省规定,分案方案须经检察委员会审议批准:请选择检察委员会并注明会议纪要。"),
            "body",
        )
    if body == ApprovalBody.COMMITTEE and not reference.strip():
        raise RuleViolation(_("经检察委员会批准的,须注明会议纪要或决定文号。"), "reference")


@service(APPROVE_SCHEME, where=lambda kw: kw["scheme"].procuratorate)
def approve_scheme(
    *,
    actor: Actor,
    scheme: AssignmentScheme,
    effective_from: datetime.date,
    body: str = ApprovalBody.CHIEF,
    reference: str = "",
    occurred_at: datetime.datetime | None = None,
) -> AssignmentScheme:
    """The chief approves a draft — or records the committee's approval of it — in force from
    `effective_from`: not before the day of approval (a scheme never changes past draws) nor
    before the day the department's newest approved version takes effect."""
    _draft_of(scheme)
    when = occurred_at or timezone.now()
    _check_approval(body, reference)
    if effective_from < day_of(when):
        raise RuleViolation(_("生效日期不得早于批准之日。"), "effective_from")
    previous = (
        AssignmentScheme.objects.filter(
            department=scheme.department_id, status=SchemeStatus.APPROVED
        )
        .order_by("-effective_from", "-number")
        .first()
    )
    if previous is not None and previous.effective_from > effective_from:
        raise RuleViolation(
            _("生效日期不得早于第 %(n)s 版的生效日期 %(day)s。")
            % {"n": previous.number, "day": previous.effective_from.isoformat()},
            "effective_from",
        )
    # The catalogue and the organisations may have changed since the draft.
    _checked(
        scheme.department,
        effective_from,
        case_types=scheme.case_types,
        orgs=scheme.orgs,
        max_distance=scheme.max_distance,
        escape_numerator=scheme.escape_numerator,
        escape_denominator=scheme.escape_denominator,
        batch_hour=scheme.batch_hour,
        note=scheme.note,
    )
    scheme.status = SchemeStatus.APPROVED
    scheme.effective_from = effective_from
    scheme.approved_by = actor.staff
    scheme.approved_at = when
    scheme.approval_body = body
    scheme.approval_reference = reference.strip()
    scheme.save()
    record(
        actor=actor,
        kind="assignment.scheme_approved",
        subject=scheme,
        procuratorate=scheme.procuratorate,
        body=_body(
            scheme,
            effective_from=effective_from.isoformat(),
            approval_body=body,
            reference=scheme.approval_reference,
            supersedes=previous.number if previous is not None else None,
        ),
        occurred_at=occurred_at,
    )
    return scheme


# Reads -----------------------------------------------------------------------------------


def states_on(schemes: Iterable[AssignmentScheme], day: datetime.date) -> dict[int, str]:
    """Each version's state on `day`, in one query: the newest approved version of a
    department in effect that day is in force, older approved ones superseded, later ones
    approved (waiting for their day)."""
    schemes = list(schemes)
    departments = {s.department_id for s in schemes if s.status == SchemeStatus.APPROVED}
    in_force: dict[int, int] = {}
    rows = AssignmentScheme.objects.approved_by_day(day).filter(department_id__in=departments)
    for pk, department_id in rows.values_list("pk", "department_id"):
        in_force.setdefault(department_id, pk)
    found = {}
    for s in schemes:
        if s.status != SchemeStatus.APPROVED:
            found[s.pk] = str(s.status)
        elif s.effective_from is None or s.effective_from > day:
            found[s.pk] = "approved"
        else:
            found[s.pk] = "in_force" if in_force.get(s.department_id) == s.pk else "superseded"
    return found


def with_states(
    schemes: Iterable[AssignmentScheme], day: datetime.date | None = None
) -> list[AssignmentScheme]:
    """The versions, each with `state`, `state_label` and `state_tone` on `day`."""
    schemes = list(schemes)
    states = states_on(schemes, day or today())
    for s in schemes:
        s.state = states[s.pk]  # type: ignore[attr-defined]
        s.state_label = STATE_LABELS[s.state]  # type: ignore[attr-defined]
        s.state_tone = STATE_TONES[s.state]  # type: ignore[attr-defined]
    return schemes


def schemes_for(actor: Actor) -> QuerySet[AssignmentScheme]:
    """The versions of the procuratorates the actor may see."""
    return scope.restrict(AssignmentScheme.objects.all(), actor).select_related(
        "procuratorate", "department", "drafted_by", "approved_by"
    )


def scheme_for(actor: Actor, pk: int) -> AssignmentScheme:
    """Raises AssignmentScheme.DoesNotExist outside the actor's scope, as for none."""
    return with_states([schemes_for(actor).get(pk=pk)])[0]


def case_type_names(codes: Iterable[str]) -> list[str]:
    names = dict(CaseType.objects.values_list("code", "name"))
    return [names.get(code, code) for code in codes]
