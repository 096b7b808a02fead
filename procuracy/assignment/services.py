"""The acts that give a case its case-handling organisation: the draw (随机分案), designation
(指定分案) and reassignment (改派).

A draw is two ledger entries in one transaction: first the inputs (the pool with its loads,
the exclusions with their reasons, the parameters), then — seeded from the root of the tree
whose last entry is that commitment — the choice. `procuracy assign verify` recomputes it from
the ledger alone (verify.py). Designation and reassignment are power-list matters (by the
default rule the chief's, or a delegate's), each with a reason from a fixed list and written
reasoning; the approver is the actor.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procuracy.assignment import draw
from procuracy.assignment.models import (
    DESIGNATION_REASONS,
    REASSIGNMENT_REASONS,
    Assignment,
    AssignmentKind,
    AssignmentReason,
)
from procuracy.assignment.pool import Pool, pool_for
from procuracy.caseorgs.models import CaseHandlingOrg
from procuracy.cases.models import Case, CaseStatus
from procuracy.core import spine
from procuracy.core.actors import Actor
from procuracy.core.errors import RuleViolation
from procuracy.core.permissions import role_rule
from procuracy.core.spine import record, service
from procuracy.organisation.models import Procuratorate
from procuracy.powers.engine import Context

DRAW = role_rule("assignment.draw", gettext_lazy("随机分案"), {"case_management"})

# Until the department's approved assignment scheme carries them (a later slice): loads more
# than 3 case weights above the lightest leave the draw, except with a chance of 1/20 each.
# Starting values (NOT VERIFIED against any province's practice); PROCURACY_DRAW overrides:
# {"max_distance": 300, "escape": "1/20"}.
MAX_DISTANCE = 300
ESCAPE = Fraction(1, 20)
REASSIGNABLE = (CaseStatus.ASSIGNED, CaseStatus.HANDLING, CaseStatus.DECIDING)


def parameters() -> tuple[int, Fraction]:
    configured = getattr(settings, "PROCURACY_DRAW", {}) or {}
    max_distance = int(configured.get("max_distance", MAX_DISTANCE))
    escape = Fraction(str(configured.get("escape", ESCAPE)))
    return max_distance, escape


def _day(occurred_at: datetime.datetime | None) -> datetime.date:
    moment = occurred_at or timezone.now()
    return moment.astimezone(timezone.get_default_timezone()).date()


def case_context(kw: dict) -> Context:
    case = kw["case"]
    return Context(
        procuratorate=case.procuratorate,
        business_line=case.business_line.code,
        case_type=case.case_type.code,
        flags=frozenset(case.flags),
    )


@dataclass(frozen=True)
class Drawn:
    """What a draw did: the assignment, the committed inputs and their ledger entry, the pool
    as the service saw it and the outcome."""

    assignment: Assignment
    inputs: draw.DrawInputs
    seq: int
    pool: Pool
    outcome: draw.Outcome


def _lock(case: Case) -> None:
    """Lock the procuratorate's row and the case's, so that two draws there never read the
    same loads (or draw the same case twice), and read the case afresh."""
    Procuratorate.objects.select_for_update().filter(pk=case.procuratorate_id).first()
    Case.objects.select_for_update().filter(pk=case.pk).first()
    case.refresh_from_db()


def _empty_pool(case: Case, pool: Pool, day: datetime.date) -> draw.EmptyPool:
    if not pool.members:
        why = _("%(day)s 本院没有办理%(line)s的办案组织") % {
            "day": day.isoformat(),
            "line": case.business_line.name,
        }
    else:
        why = _("办案组织都已排除:%(reasons)s") % {
            "reasons": "；".join(f"{pool.orgs[e.org].name}({e.text})" for e in pool.exclusions)
        }
    return draw.EmptyPool(
        _("无法随机分案:%(why)s。案件 %(case)s 留在待分案队列中。")
        % {"why": why, "case": case.number}
    )


@service(DRAW, where=lambda kw: kw["case"].procuratorate)
def draw_case(
    *,
    actor: Actor,
    case: Case,
    occurred_at: datetime.datetime | None = None,
    max_distance: int | None = None,
    escape: Fraction | None = None,
) -> Drawn:
    """Draw the case's organisation. Two acts: the inputs committed, then the choice."""
    _lock(case)
    if case.status != CaseStatus.RECEIVED:
        raise RuleViolation(
            _("案件 %(case)s 的状态是“%(status)s”,只有已受理、待分案的案件才能随机分案。")
            % {"case": case.number, "status": case.get_status_display()},
            "case",
        )
    default_distance, default_escape = parameters()
    now = occurred_at or timezone.now()
    day = _day(now)
    pool = pool_for(case, day)
    if not pool.candidates:  # refused before anything is appended
        raise _empty_pool(case, pool, day)
    inputs = draw.DrawInputs(
        case=case.number,
        pool=pool.members,
        exclusions=pool.exclusions,
        max_distance=default_distance if max_distance is None else max_distance,
        escape=default_escape if escape is None else escape,
    )
    committed = record(
        actor=actor,
        kind="assignment.draw_committed",
        subject=case,
        procuratorate=case.procuratorate,
        body=inputs.as_json(),
        occurred_at=now,
        rows=[],
    )
    size, root = spine.ledger_head()
    if size != committed.seq + 1:
        raise RuntimeError("the draw's commitment is not the last entry of the tree it seeds from")
    outcome = draw.draw(inputs, root)
    assignment = Assignment.objects.create(
        case=case,
        org=pool.orgs[outcome.chosen],
        kind=AssignmentKind.DRAW,
        draw_seq=committed.seq,
        valid_from=now,
        weight=case.weight,
    )
    case.status = CaseStatus.ASSIGNED
    case.save(update_fields=["status"])
    record(
        actor=actor,
        kind="assignment.drawn",
        subject=assignment,
        procuratorate=case.procuratorate,
        body={
            "case_id": case.pk,  # so that the case's timeline finds it (core.selectors)
            "org": outcome.chosen,
            "commitment": committed.seq,
            "outcome": outcome.as_json(),
        },
        occurred_at=now,
        rows=[assignment, case],
    )
    return Drawn(assignment, inputs, committed.seq, pool, outcome)


def _check_choice(
    actor: Actor, case: Case, org: CaseHandlingOrg, reason: str, reasoning: str, allowed, day
) -> None:
    if reason not in allowed:
        labels = "、".join(str(AssignmentReason(r).label) for r in allowed)
        raise RuleViolation(
            _("理由“%(reason)s”不在允许的理由之列(%(labels)s)。")
            % {"reason": reason, "labels": labels},
            "reason",
        )
    if not reasoning.strip():
        raise RuleViolation(_("请写明理由说明。"), "reasoning")
    if actor.staff is None:
        raise RuleViolation(_("须由具名的审批人作出(检察长或其授权的人)。"), "approved_by")
    active = CaseHandlingOrg.objects.on(day).filter(pk=org.pk, procuratorate=case.procuratorate)
    if not active.exists():
        raise RuleViolation(
            _("办案组织“%(org)s”在 %(day)s 不是本院在设的办案组织。")
            % {"org": org.name, "day": day.isoformat()},
            "org",
        )


def _body(assignment: Assignment, ended: Assignment | None = None) -> dict:
    # The written reasoning stays out of the entry (it may name the case's facts); the row's
    # salted hash commits to it.
    body = {
        "case": assignment.case.number,
        "case_id": assignment.case_id,
        "org": assignment.org_id,
        "reason": assignment.reason,
        "approved_by": assignment.approved_by_id,
    }
    if ended is not None:
        body["ended"] = ended.pk
        body["previous_org"] = ended.org_id
    return body


@service(
    "designate_assignment",
    where=lambda kw: kw["case"].procuratorate,
    context=case_context,
)
def designate_case(
    *,
    actor: Actor,
    case: Case,
    org: CaseHandlingOrg,
    reason: str,
    reasoning: str,
    occurred_at: datetime.datetime | None = None,
) -> Assignment:
    """Assign a case waiting in the queue to a named organisation, outside the draw."""
    _lock(case)
    now = occurred_at or timezone.now()
    if case.status != CaseStatus.RECEIVED:
        raise RuleViolation(
            _("案件 %(case)s 的状态是“%(status)s”,已分案的案件只能改派。")
            % {"case": case.number, "status": case.get_status_display()},
            "case",
        )
    _check_choice(actor, case, org, reason, reasoning, DESIGNATION_REASONS, _day(now))
    assignment = Assignment.objects.create(
        case=case,
        org=org,
        kind=AssignmentKind.DESIGNATION,
        reason=reason,
        reasoning=reasoning.strip(),
        approved_by=actor.staff,
        valid_from=now,
        weight=case.weight,
    )
    case.status = CaseStatus.ASSIGNED
    case.save(update_fields=["status"])
    record(
        actor=actor,
        kind="assignment.designated",
        subject=assignment,
        procuratorate=case.procuratorate,
        body=_body(assignment),
        occurred_at=now,
        rows=[assignment, case],
    )
    return assignment


@service("reassign", where=lambda kw: kw["case"].procuratorate, context=case_context)
def reassign_case(
    *,
    actor: Actor,
    case: Case,
    org: CaseHandlingOrg,
    reason: str,
    reasoning: str,
    occurred_at: datetime.datetime | None = None,
) -> Assignment:
    """Move an assigned case to another organisation: the open assignment ends, a new one
    begins; the case's status stays as it was."""
    _lock(case)
    now = occurred_at or timezone.now()
    current = Assignment.objects.open().filter(case=case).order_by("-valid_from", "-id").first()
    if case.status not in REASSIGNABLE or current is None:
        raise RuleViolation(
            _("案件 %(case)s 尚未分案或已结案,不能改派。") % {"case": case.number}, "case"
        )
    _check_choice(actor, case, org, reason, reasoning, REASSIGNMENT_REASONS, _day(now))
    if org.pk == current.org_id:
        raise RuleViolation(_("案件已由该办案组织办理。"), "org")
    current.ended_at = now
    current.save(update_fields=["ended_at"])
    assignment = Assignment.objects.create(
        case=case,
        org=org,
        kind=AssignmentKind.REASSIGNMENT,
        reason=reason,
        reasoning=reasoning.strip(),
        approved_by=actor.staff,
        valid_from=now,
        weight=case.weight,
    )
    record(
        actor=actor,
        kind="assignment.reassigned",
        subject=assignment,
        procuratorate=case.procuratorate,
        body=_body(assignment, ended=current),
        occurred_at=now,
        rows=[assignment, current],
    )
    return assignment
