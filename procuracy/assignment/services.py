"""The acts that give a case its case-handling organisation: the draw (随机分案), designation
(指定分案) and reassignment (改派).

A draw is two ledger entries: first the inputs (the pool with its loads, the exclusions with
their reasons, the parameters), then — seeded from the root of the tree whose last entry is
that commitment — the choice, in the same transaction. Where an external beacon is configured
(beacon.py) the inputs name its next round and the draw stops there; `complete_draw` makes the
choice once the round's value is out. `procuracy assign verify` recomputes it from the ledger
alone (verify.py). Designation and reassignment are power-list matters (by the
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

from procuracy.assignment import beacon, draw
from procuracy.assignment.models import (
    DESIGNATION_REASONS,
    REASSIGNMENT_REASONS,
    Assignment,
    AssignmentKind,
    AssignmentReason,
    AssignmentScheme,
)
from procuracy.assignment.pool import Pool, pool_for
from procuracy.assignment.verify import CASE, COMMITTED, DRAWN
from procuracy.caseorgs.models import CaseHandlingOrg
from procuracy.cases.models import Case, CaseStatus
from procuracy.core import spine
from procuracy.core.actors import Actor
from procuracy.core.errors import RuleViolation
from procuracy.core.models import Act, day_of, lock_afresh
from procuracy.core.permissions import role_rule
from procuracy.core.spine import record, service
from procuracy.ledger import store
from procuracy.organisation.models import Procuratorate
from procuracy.powers.engine import Context

DRAW = role_rule("assignment.draw", gettext_lazy("随机分案"), {"case_management"})

# Where no approved assignment scheme is in force (schemes.py): loads more than 3 case weights
# above the lightest leave the draw, except with a chance of 1/20 each. Starting values (NOT
# VERIFIED against any province's practice); PROCURACY_DRAW overrides:
# {"max_distance": 300, "escape": "1/20"}.
MAX_DISTANCE = 300
ESCAPE = Fraction(1, 20)
REASSIGNABLE = (
    CaseStatus.ASSIGNED,
    CaseStatus.HANDLING,
    CaseStatus.DECIDING,
    CaseStatus.RETURNED,
    CaseStatus.SUSPENDED,
)


def parameters(schemes: tuple[AssignmentScheme, ...] = ()) -> tuple[int, Fraction]:
    """max_distance and escape: those of the schemes the pool followed, which must agree (one
    draw has one balance); with none, the settings'."""
    found = {(s.max_distance, s.escape) for s in schemes}
    if len(found) > 1:
        raise RuleViolation(
            _("办理该类案件的各部门分案方案的负荷参数不一致(%(schemes)s),无法随机分案。")
            % {"schemes": "、".join(str(s) for s in schemes)},
            "case",
        )
    if found:
        return found.pop()
    configured = getattr(settings, "PROCURACY_DRAW", {}) or {}
    max_distance = int(configured.get("max_distance", MAX_DISTANCE))
    escape = Fraction(str(configured.get("escape", ESCAPE)))
    return max_distance, escape


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
    as the service saw it, the outcome, and the beacon's value where the inputs named a round."""

    assignment: Assignment
    inputs: draw.DrawInputs
    seq: int
    pool: Pool
    outcome: draw.Outcome
    beacon: bytes | None = None


@dataclass(frozen=True)
class Awaiting:
    """A draw whose inputs are committed (entry `seq`) and which waits for the beacon round
    they name; `pool` only as draw_case saw it (a read of the waiting draws has none)."""

    case_id: int
    seq: int
    inputs: draw.DrawInputs
    pool: Pool | None = None

    @property
    def round(self) -> int:
        assert self.inputs.beacon is not None
        return self.inputs.beacon.round

    @property
    def due(self) -> datetime.datetime | None:
        """When the round is published, by the configured beacon's schedule (None when the
        beacon the inputs name is no longer the one configured)."""
        src = beacon.source()
        ref = self.inputs.beacon
        if src is None or ref is None or src.name != ref.source:
            return None
        return beacon.published_at(ref.round, src)


def awaiting_beacon(case_ids: list[int] | None = None) -> dict[int, Awaiting]:
    """The draws waiting for their beacon round, by case (of `case_ids`, or all): commitments
    naming a round with no act yet recording their choice. Two queries."""
    found = Act.objects.filter(
        kind=COMMITTED, subject_type=CASE, body__beacon__round__isnull=False
    ).order_by("seq")
    if case_ids is not None:
        found = found.filter(subject_id__in=case_ids)
    acts = list(found)
    if not acts:
        return {}
    chosen = Act.objects.filter(kind=DRAWN, body__commitment__in=[a.seq for a in acts])
    done = {body.get("commitment") for body in chosen.values_list("body", flat=True)}
    return {
        a.subject_id: Awaiting(a.subject_id, a.seq, draw.DrawInputs.from_json(a.body))
        for a in acts
        if a.seq not in done and a.subject_id is not None
    }


def _lock(case: Case) -> None:
    """Lock the procuratorate's row and the case's, so that two draws there never read the
    same loads (or draw the same case twice), and read the case afresh (from the locking
    read itself, and the procuratorate with it)."""
    procuratorate = Procuratorate.objects.select_for_update().get(pk=case.procuratorate_id)
    lock_afresh(case)
    case.procuratorate = procuratorate


def _refuse_if_awaiting(case: Case) -> None:
    """A case whose draw waits for its beacon round keeps that draw: neither a new draw nor a
    designation may take its place (either could be chosen knowing the beacon's value)."""
    waiting = awaiting_beacon([case.pk]).get(case.pk)
    if waiting is not None:
        raise RuleViolation(
            _(
                "案件 %(case)s 的随机分案输入已记入账本(第 %(seq)s 条),正在等待信标第 "
                "%(round)s 轮;请完成这次随机分案。"
            )
            % {"case": case.number, "seq": waiting.seq, "round": waiting.round},
            "case",
        )


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
) -> Drawn | Awaiting:
    """Draw the case's organisation. Two acts: the inputs committed, then the choice. With a
    beacon configured the inputs name its next round and the draw stops after the first act:
    `complete_draw` makes the choice once the round is out (Awaiting)."""
    _lock(case)
    if case.status != CaseStatus.RECEIVED:
        raise RuleViolation(
            _("案件 %(case)s 的状态是“%(status)s”,只有已受理、待分案的案件才能随机分案。")
            % {"case": case.number, "status": case.get_status_display()},
            "case",
        )
    _refuse_if_awaiting(case)
    now = occurred_at or timezone.now()
    day = day_of(now)
    pool = pool_for(case, day)
    if not pool.candidates:  # refused before anything is appended
        raise _empty_pool(case, pool, day)
    default_distance, default_escape = parameters(pool.schemes)
    src = beacon.source()
    inputs = draw.DrawInputs(
        case=case.number,
        pool=pool.members,
        exclusions=pool.exclusions,
        max_distance=default_distance if max_distance is None else max_distance,
        escape=default_escape if escape is None else escape,
        # The round is named by the clock, not by `occurred_at` (which may be earlier): it must
        # come out after the commitment is written, so that no one knows its value before.
        beacon=(
            None
            if src is None
            else draw.BeaconRef(src.name, beacon.round_after(timezone.now() + beacon.SLACK, src))
        ),
    )
    committed = record(
        actor=actor,
        kind=COMMITTED,
        subject=case,
        procuratorate=case.procuratorate,
        body=inputs.as_json(),
        occurred_at=now,
        rows=[],
    )
    if inputs.beacon is not None:
        return Awaiting(case.pk, committed.seq, inputs, pool)
    size, root = spine.ledger_head()
    if size != committed.seq + 1:
        raise RuntimeError("the draw's commitment is not the last entry of the tree it seeds from")
    outcome = draw.draw(inputs, root)
    assignment = _assign(actor, case, committed.seq, outcome, pool, now)
    return Drawn(assignment, inputs, committed.seq, pool, outcome)


@service(DRAW, where=lambda kw: kw["case"].procuratorate)
def complete_draw(
    *, actor: Actor, case: Case, occurred_at: datetime.datetime | None = None
) -> Drawn:
    """Make the choice of a draw waiting for its beacon round: seeded from the root of the tree
    whose last entry is the commitment and from the round's value, which the act recording the
    choice carries, so that the ledger alone recomputes the draw."""
    _lock(case)
    waiting = awaiting_beacon([case.pk]).get(case.pk)
    if waiting is None or case.status != CaseStatus.RECEIVED:
        raise RuleViolation(
            _("案件 %(case)s 没有等待信标的随机分案。") % {"case": case.number}, "case"
        )
    ref = waiting.inputs.beacon
    assert ref is not None
    src = beacon.source()
    if src is None or src.name != ref.source:
        raise RuleViolation(
            _(
                "分案输入所载的随机信标“%(source)s”不是本系统现在配置的信标,"
                "无法取得第 %(round)s 轮的值。"
            )
            % {"source": ref.source, "round": ref.round},
            "case",
        )
    value = beacon.value(ref.round, src)
    if value is None:
        raise RuleViolation(
            _("信标第 %(round)s 轮尚未发布,请稍后再试。") % {"round": ref.round}, "case"
        )
    outcome = draw.draw(waiting.inputs, store.root(waiting.seq + 1), value)
    pool = _committed_pool(case, waiting)
    now = occurred_at or timezone.now()
    used = {"source": ref.source, "round": ref.round, "value": value.hex()}
    assignment = _assign(actor, case, waiting.seq, outcome, pool, now, used)
    return Drawn(assignment, waiting.inputs, waiting.seq, pool, outcome, value)


def _committed_pool(case: Case, waiting: Awaiting) -> Pool:
    """The pool as the commitment holds it, its organisations, and the schemes it followed:
    those in force on the commitment's day for its organisations' departments that cover the
    case type, approved before the commitment (what pool_for read then)."""
    commitment = Act.objects.only("occurred_at").get(seq=waiting.seq)
    orgs = CaseHandlingOrg.objects.in_bulk([m.org for m in waiting.inputs.pool])
    departments = {org.department_id for org in orgs.values()}
    approved = AssignmentScheme.objects.approved_by_day(day_of(commitment.occurred_at))
    in_force: dict[int, AssignmentScheme] = {}
    for scheme in approved.filter(department_id__in=departments, ledger_seq__lt=waiting.seq):
        in_force.setdefault(scheme.department_id, scheme)  # newest first
    code = case.case_type.code
    return Pool(
        members=waiting.inputs.pool,
        exclusions=waiting.inputs.exclusions,
        orgs=orgs,
        schemes=tuple(s for _, s in sorted(in_force.items()) if s.covers(code)),
    )


def _assign(
    actor: Actor,
    case: Case,
    seq: int,
    outcome: draw.Outcome,
    pool: Pool,
    now: datetime.datetime,
    used: dict | None = None,
) -> Assignment:
    """The drawn organisation's assignment, the case assigned, and the act recording both
    (with `used`, the beacon round the seed took: source, round and value in hex)."""
    assignment = Assignment.objects.create(
        case=case,
        org=pool.orgs[outcome.chosen],
        kind=AssignmentKind.DRAW,
        draw_seq=seq,
        valid_from=now,
        weight=case.weight,
    )
    case.status = CaseStatus.ASSIGNED
    case.save(update_fields=["status"])
    body = {
        "case_id": case.pk,  # so that the case's timeline finds it (core.selectors)
        "org": outcome.chosen,
        "commitment": seq,
        "outcome": outcome.as_json(),
        "schemes": [s.pk for s in pool.schemes],  # whose parameters the inputs carry
    }
    if used is not None:  # the ledger alone recomputes the draw; anyone may check the value
        body["beacon"] = used  # against the public beacon
    record(
        actor=actor,
        kind=DRAWN,
        subject=assignment,
        procuratorate=case.procuratorate,
        body=body,
        occurred_at=now,
        rows=[assignment, case],
    )
    return assignment


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
    _refuse_if_awaiting(case)
    _check_choice(actor, case, org, reason, reasoning, DESIGNATION_REASONS, day_of(now))
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
    _check_choice(actor, case, org, reason, reasoning, REASSIGNMENT_REASONS, day_of(now))
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
