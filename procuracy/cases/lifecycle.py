"""A case's life after intake: the transitions between its states, each an act through the
spine, and the time limits each stage runs under.

    受理 received ─draw/designate→ 已分案 assigned ─start→ 办理中 handling
    handling ─decide (the list gives the matter to the handler)→ the decision's effect
    handling ─submit (报请: the matter is someone else's)→ 审核/决定中 deciding ─decide→ effect
    effects: close → 已结案 closed; return → 退回补充侦查 returned ─resubmit→ handling;
             extend, exclude a period, seal, note → back to handling;
             transfer → 已移送管辖 transferred; suspend → 中止审查 suspended ─resume→ handling
    closed / transferred ─archive→ 已归档 archived
    a binding decision (a leader's against or without the handlers' proposal, the
    committee's) → 执行决定 executing ─execute→ the decision's effect (procuracy.oversight
    holds the review steps between submission and decision, objections and the committee)

Who may perform a transition is the power list's answer: a decision on a matter is asked of
the list in force (with the case's facts and its handlers, so that "检察官" means this case's
prosecutors); the other transitions are role rules, some of them open to the case's handlers
(`HANDLER`). A transition from a state that does not allow it is a RuleViolation that names
the state.
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procuracy.cases import deadlines
from procuracy.cases.calendar import WorkingCalendar
from procuracy.cases.models import (
    Case,
    CaseStatus,
    Decision,
    DecisionStatus,
    Sealing,
    Stage,
    StageEnd,
    StageEvent,
    StageEventKind,
)
from procuracy.core import spine
from procuracy.core.actors import Actor
from procuracy.core.errors import RuleViolation
from procuracy.core.models import day_of, lock_afresh, today
from procuracy.core.permissions import HANDLER, role_rule
from procuracy.core.spine import record, service
from procuracy.powers import engine
from procuracy.powers.engine import Context
from procuracy.powers.models import Matter, Power

START = role_rule("cases.start", gettext_lazy("开始办理"), {HANDLER})
SUBMIT = role_rule("cases.submit", gettext_lazy("报请决定"), {HANDLER})
EXCLUDE = role_rule("cases.exclude_period", gettext_lazy("记录不计入期限的期间"), {HANDLER})
VARIANT = role_rule("cases.stage_variant", gettext_lazy("认定期限适用的情形"), {HANDLER})
CONCLUDE = role_rule("cases.conclude", gettext_lazy("结案"), {HANDLER})
EXECUTE = role_rule("cases.execute", gettext_lazy("执行决定"), {HANDLER})
RESUBMIT = role_rule("cases.resubmit", gettext_lazy("受理重新移送"), {"case_management"})
ARCHIVE = role_rule("cases.archive", gettext_lazy("归档"), {"case_management"})
READ_SEALED = role_rule(
    "cases.read_sealed", gettext_lazy("查阅封存案件"), {HANDLER, "chief", "acting_chief"}
)

# ---- what a decision does ----------------------------------------------------------------

CLOSE, RETURN, EXTEND, TRANSFER, SUSPEND, RESUME, SEAL, NOTE = (
    "close",
    "return",
    "extend",
    "transfer",
    "suspend",
    "resume",
    "seal",
    "note",
)

EFFECTS = {
    "approve_arrest": CLOSE,
    "refuse_arrest": CLOSE,
    "decide_arrest": CLOSE,
    "decline_arrest": CLOSE,
    "prosecute": CLOSE,
    "statutory_non_prosecution": CLOSE,
    "discretionary_non_prosecution": CLOSE,
    "evidentiary_non_prosecution": CLOSE,
    "conditional_non_prosecution": CLOSE,
    "return_investigation": RETURN,
    "extend_review": EXTEND,
    "transfer_jurisdiction": TRANSFER,
    "protest": CLOSE,
    "request_protest": CLOSE,
    "filing_supervision": CLOSE,
    "correction_notice": NOTE,
    "procuratorial_suggestion": NOTE,
    "retrial_suggestion": CLOSE,
    "reject_supervision": CLOSE,
    "custody_necessity": CLOSE,
    "public_interest_filing": NOTE,
    "pre_litigation_suggestion": NOTE,
    "public_interest_suit": CLOSE,
    "close_public_interest": CLOSE,
    "accept_appeal": NOTE,
    "state_compensation": CLOSE,
    "judicial_relief": NOTE,
    "seal_record": SEAL,
    "suspend_review": SUSPEND,
    "resume_review": RESUME,
    "sentencing_recommendation": NOTE,
    "change_measure": NOTE,
    "bail": NOTE,
    "residential_surveillance": NOTE,
    "hold_hearing": NOTE,
    "seize_property": NOTE,
}

_CRIMINAL = ("change_measure", "bail", "residential_surveillance", "seize_property")
_ANY = ("hold_hearing", "suspend_review", "resume_review")

# The matters that may be decided in a case of each type (its own, then those of every case).
MATTERS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "arrest_review": (
        "approve_arrest",
        "refuse_arrest",
        "decide_arrest",
        "decline_arrest",
        "transfer_jurisdiction",
        "seal_record",
        *_CRIMINAL,
    ),
    "prosecution_review": (
        "prosecute",
        "statutory_non_prosecution",
        "discretionary_non_prosecution",
        "evidentiary_non_prosecution",
        "conditional_non_prosecution",
        "return_investigation",
        "extend_review",
        "transfer_jurisdiction",
        "sentencing_recommendation",
        "seal_record",
        *_CRIMINAL,
    ),
    "fast_track": (
        "prosecute",
        "discretionary_non_prosecution",
        "sentencing_recommendation",
        "transfer_jurisdiction",
        "seal_record",
        *_CRIMINAL,
    ),
    "criminal_protest": ("protest", "request_protest"),
    "filing_supervision": ("filing_supervision", "correction_notice"),
    "custody_review": ("custody_necessity", "correction_notice"),
    "enforcement_supervision": ("correction_notice", "procuratorial_suggestion"),
    "civil_supervision": (
        "protest",
        "request_protest",
        "retrial_suggestion",
        "reject_supervision",
        "procuratorial_suggestion",
    ),
    "administrative_supervision": (
        "protest",
        "request_protest",
        "retrial_suggestion",
        "reject_supervision",
        "procuratorial_suggestion",
    ),
    "public_interest": (
        "public_interest_filing",
        "pre_litigation_suggestion",
        "public_interest_suit",
        "close_public_interest",
    ),
    "criminal_complaint": ("accept_appeal", "judicial_relief"),
    "state_compensation": ("state_compensation", "judicial_relief"),
}
ALL_MATTERS = tuple(sorted({m for ms in MATTERS_BY_TYPE.values() for m in ms} | set(_ANY)))

# Types whose case ends only by a decision on the merits: a handler may not just close them.
DECISION_REQUIRED = frozenset({"arrest_review", "prosecution_review", "fast_track"})

# The states each transition leaves from.
WORKING = (CaseStatus.HANDLING, CaseStatus.DECIDING)
FROM = {
    "start": (CaseStatus.ASSIGNED,),
    "submit": (CaseStatus.HANDLING,),
    "decide": WORKING,
    "resume": (CaseStatus.SUSPENDED,),
    "exclude": (*WORKING, CaseStatus.EXECUTING),
    "variant": (*WORKING, CaseStatus.EXECUTING),
    "execute": (CaseStatus.EXECUTING,),
    "resubmit": (CaseStatus.RETURNED,),
    "conclude": (CaseStatus.HANDLING,),
    "archive": (CaseStatus.CLOSED, CaseStatus.TRANSFERRED),
}
TRANSITION_LABELS = {
    "start": gettext_lazy("开始办理"),
    "submit": gettext_lazy("报请决定"),
    "decide": gettext_lazy("作出决定"),
    "resume": gettext_lazy("恢复审查"),
    "exclude": gettext_lazy("记录不计入期限的期间"),
    "variant": gettext_lazy("认定期限适用的情形"),
    "resubmit": gettext_lazy("受理重新移送"),
    "conclude": gettext_lazy("结案"),
    "archive": gettext_lazy("归档"),
    "execute": gettext_lazy("执行决定"),
}


def matters_for(case: Case) -> tuple[str, ...]:
    """The matters a decision in this case may be on, in its state: only resumption while it
    is suspended, never resumption otherwise."""
    if case.status == CaseStatus.SUSPENDED:
        return ("resume_review",)
    own = MATTERS_BY_TYPE.get(case.case_type.code, ())
    return tuple(m for m in (*own, *_ANY) if m != "resume_review")


def binding_decision(case: Case) -> Decision | None:
    """The decision the case's handlers are carrying out, while it is 执行决定."""
    if case.status != CaseStatus.EXECUTING:
        return None
    return (
        case.decisions.filter(status=DecisionStatus.MADE, binding=True, executed_at__isnull=True)
        .select_related("matter", "decided_by")
        .order_by("-decided_at", "-id")
        .first()
    )


def describe(decision: Decision) -> str:
    """检察委员会的决定“提起公诉” / 张三(检察长)的决定“不起诉”: who made a decision, for a
    sentence."""
    if decision.body:
        who = decision.get_body_display()
    else:
        who = decision.decided_by.name if decision.decided_by else ""
    return _("%(who)s的决定“%(matter)s”") % {"who": who, "matter": decision.matter.name}


def _check_state(case: Case, transition: str) -> None:
    allowed = FROM[transition]
    if case.status == CaseStatus.EXECUTING and case.status not in allowed:
        binding = binding_decision(case)
        if binding is not None:
            raise RuleViolation(
                _(
                    "案件 %(case)s 正在执行%(decision)s(%(day)s),不能“%(act)s”:"
                    "承办检察官须执行该决定,有不同意见的可以书面提出异议,但不能拒绝执行。"
                )
                % {
                    "case": case.number,
                    "decision": describe(binding),
                    "day": day_of(binding.decided_at).isoformat(),
                    "act": TRANSITION_LABELS[transition],
                },
                "case",
            )
    if case.status not in allowed:
        states = "、".join(str(CaseStatus(s).label) for s in allowed)
        raise RuleViolation(
            _("案件 %(case)s 的状态是“%(status)s”,“%(act)s”只能在%(states)s时进行。")
            % {
                "case": case.number,
                "status": case.get_status_display(),
                "act": TRANSITION_LABELS[transition],
                "states": states,
            },
            "case",
        )


# ---- who handles the case ----------------------------------------------------------------


def contexts_of(
    cases: list[Case], day: datetime.date | None = None, body: str = ""
) -> dict[int, Context]:
    """The facts and handlers of many cases for the power list, in two queries whatever their
    number: each case's open assignment (the latest) and the prosecutors of its organisation
    that day, the lead being its sole or lead prosecutor."""
    from procuracy.assignment.models import Assignment
    from procuracy.caseorgs.models import Membership, Role

    on = day or today()
    current: dict[int, tuple[int, int | None]] = {}
    rows = (
        Assignment.objects.open()
        .filter(case_id__in=[c.pk for c in cases])
        .order_by("valid_from", "id")
        .values_list("case_id", "org_id", "org__department_id")
    )
    for case_id, org_id, department_id in rows:
        current[case_id] = (org_id, department_id)  # the latest wins
    members: dict[int, list[tuple[int, str]]] = {}
    found = (
        Membership.objects.on(on)
        .filter(org_id__in={org for org, _d in current.values()}, role__in=Role.prosecutor_roles())
        .order_by("valid_from", "id")
        .values_list("org_id", "staff_id", "role")
    )
    for org_id, staff_id, role in found:
        members.setdefault(org_id, []).append((staff_id, role))
    result = {}
    for case in cases:
        org_id, department_id = current.get(case.pk, (None, None))
        people = members.get(org_id, []) if org_id is not None else []
        result[case.pk] = Context(
            procuratorate=case.procuratorate,
            business_line=case.business_line.code,
            case_type=case.case_type.code,
            flags=frozenset(case.flags),
            amount=case.amount,
            on=day,
            handlers=frozenset(s for s, _r in people),
            lead=next((s for s, role in people if role in (Role.SOLE, Role.LEAD)), None),
            department_id=department_id,
            body=body,
        )
    return result


def context_of(case: Case, day: datetime.date | None = None, body: str = "") -> Context:
    """The case's facts and its handlers, for the power list."""
    return contexts_of([case], day, body)[case.pk]


def _context(kw: dict) -> Context:
    return context_of(kw["case"], day_of(kw.get("occurred_at")), body=kw.get("body", ""))


def _in_state(transition: str):
    """The case's context for the power list, once the case is found in a state the
    transition leaves from: a transition the state does not allow is refused by its rule
    before anyone's power is asked (and no refusal is recorded against the actor)."""

    def context(kw: dict) -> Context:
        _check_state(kw["case"], transition)
        return _context(kw)

    return context


def _where(kw: dict):
    return kw["case"].procuratorate


# ---- the stages and their expiry ---------------------------------------------------------


def calendar_for(start: datetime.date) -> WorkingCalendar:
    return WorkingCalendar.between(start, start + datetime.timedelta(days=200))


def open_stage(case: Case) -> Stage | None:
    return case.stages.filter(ended_on__isnull=True).order_by("-started_on", "-id").first()


def _events(stage: Stage):
    """The stage's events in order: none for a stage being opened, those prefetched by a
    caller that recounts many stages, else read."""
    if not stage.pk:
        return ()
    if "events" in getattr(stage, "_prefetched_objects_cache", {}):
        return stage.events.all()
    return stage.events.select_related("approved_by").order_by("id")


def compute(
    stage: Stage, day: datetime.date | None = None, calendar: WorkingCalendar | None = None
) -> deadlines.Deadline | None:
    """The stage's expiry from its events; None while an excluded period is still open (the
    clock is stopped). `calendar` must cover the stage's start and 200 days after it."""
    day = day or today()
    extensions, excluded = [], []
    events = _events(stage)
    for event in events:
        if event.kind == StageEventKind.EXTENSION:
            approver = event.approved_by.name if event.approved_by else event.reason
            extensions.append(
                deadlines.Extension(
                    deadlines.Length(event.days, event.months), approver, event.reason
                )
            )
        else:
            if event.start is None or event.end is None:
                return None
            excluded.append(deadlines.Exclusion(event.start, event.end, event.reason, event.basis))
    restarts = [deadlines.Restart(stage.started_on, stage.restart)] if stage.restart else []
    return deadlines.expiry(
        stage.code,
        stage.started_on,
        calendar=calendar or calendar_for(stage.started_on),
        custody=stage.custody,
        excluded=excluded,
        extensions=extensions,
        restarts=restarts,
        variant=stage.variant or None,
    )


def _refresh(
    stage: Stage, case: Case, save: bool = True, calendar: WorkingCalendar | None = None
) -> None:
    """Store the stage's expiry (in memory only with `save` False), and the running stage's
    on the case (for desks and figures)."""
    deadline = compute(stage, calendar=calendar)
    stage.expires_on = deadline.day if deadline else None
    stage.explanation = deadline.explanation if deadline else [_("案件中止审查,期限停止计算。")]
    if save:
        stage.save(update_fields=["expires_on", "explanation"])
    if stage.ended_on is None:
        case.stage = stage.code
        case.due_on = stage.expires_on
        case.warn_on = (
            stage.expires_on - datetime.timedelta(days=deadlines.warn_days(stage.code))
            if stage.expires_on
            else None
        )


def new_stage(case: Case, code: str, started_on: datetime.date, restart: str = "") -> Stage:
    """A stage of `case` as begin_stage opens it, not yet saved: its expiry computed and the
    case's running stage set, in memory (intake computes both before it inserts the case, so
    that the case and its stage are each written once)."""
    variant = "major" if code == "arrest_review_free" and "major" in case.flags else ""
    stage = Stage(
        case=case,
        code=code,
        variant=variant,
        started_on=started_on,
        restart=restart,
        custody=case.custody,
    )
    _refresh(stage, case, save=False)
    return stage


def begin_stage(case: Case, code: str, started_on: datetime.date, restart: str = "") -> Stage:
    """Open a stage (its expiry computed, the case's running stage set). Used at intake and
    by the transitions below; the caller records the act with the rows."""
    stage = new_stage(case, code, started_on, restart)
    stage.save(force_insert=True)
    return stage


class Recount(NamedTuple):
    rows: list  # the stages and cases changed, for the calendar act to record
    moved: int  # how many running time limits now expire on another day


def recount(first: datetime.date, last: datetime.date) -> Recount:
    """Recompute the running stages a change to the calendar between `first` and `last` may
    move (a new holiday on an expiry day, a make-up working day removed, a year's holidays
    loaded, which also changes the explanations that said it was not)."""
    rows: list = []
    events = StageEvent.objects.select_related("approved_by").order_by("id")
    running = list(
        Stage.objects.filter(
            ended_on__isnull=True,
            started_on__lte=last,
            expires_on__gte=first - datetime.timedelta(days=1),
        )
        .select_related("case")
        .prefetch_related(Prefetch("events", queryset=events))
    )
    if not running:
        return Recount(rows, 0)
    calendar = WorkingCalendar.between(
        min(s.started_on for s in running),
        max(s.started_on for s in running) + datetime.timedelta(days=200),
    )
    for stage in running:
        before = (stage.expires_on, stage.explanation)
        _refresh(stage, stage.case, save=False, calendar=calendar)
        if (stage.expires_on, stage.explanation) == before:
            continue
        stage.save(update_fields=["expires_on", "explanation"])  # both recorded by the act
        rows.append(stage)
        if stage.expires_on != before[0]:
            stage.case.save(update_fields=["stage", "due_on", "warn_on"])
            rows.append(stage.case)
    return Recount(rows, sum(isinstance(row, Case) for row in rows))


def _end_stage(case: Case, stage: Stage | None, day: datetime.date, end: str) -> list:
    case.stage, case.due_on, case.warn_on = "", None, None
    if stage is None:
        return []
    stage.ended_on = day
    stage.end = end
    stage.save(update_fields=["ended_on", "end"])
    return [stage]


def _require_stage(case: Case) -> Stage:
    stage = open_stage(case)
    if stage is None:
        raise RuleViolation(
            _("案件 %(case)s 没有正在计算的办案期限。") % {"case": case.number}, "case"
        )
    return stage


# ---- the transitions ---------------------------------------------------------------------


def _save(case: Case, *fields: str) -> None:
    case.save(update_fields=["status", "stage", "due_on", "warn_on", "closed_on", *fields])


def _body(case: Case, **more) -> dict:
    return {"case_id": case.pk, "case": case.number, "status": case.status, **more}


@service(START, where=_where, context=_in_state("start"))
def start_handling(*, actor: Actor, case: Case, occurred_at: datetime.datetime | None = None):
    """The assigned organisation takes the case up (开始办理)."""
    return _move(actor, case, "start", CaseStatus.HANDLING, "cases.started", occurred_at)


def _move(actor: Actor, case: Case, transition: str, status: str, kind: str, occurred_at):
    """A transition that only moves the case to another state."""
    lock_afresh(case)
    _check_state(case, transition)
    case.status = status
    _save(case)
    record(
        actor=actor,
        kind=kind,
        subject=case,
        procuratorate=case.procuratorate,
        body=_body(case),
        occurred_at=occurred_at,
        rows=[case],
    )
    return case


def _matter(case: Case, code: str) -> Matter:
    if code not in matters_for(case):
        known = "、".join(
            Matter.objects.filter(code__in=matters_for(case))
            .order_by("number")
            .values_list("name", flat=True)
        )
        raise RuleViolation(
            _("“%(matter)s”不是%(type)s在当前状态下可以决定的事项(可以决定:%(known)s)。")
            % {"matter": code, "type": case.case_type.name, "known": known},
            "matter",
        )
    return Matter.objects.get(code=code)


def _chosen(kw: dict) -> str:
    """The matter a decision is on, checked against the case's type and state before the
    power list is asked."""
    case = kw["case"]
    _check_state(case, "resume" if kw["matter"] == "resume_review" else "decide")
    return _matter(case, kw["matter"]).code


def _pending(case: Case) -> Decision | None:
    return case.decisions.filter(status=DecisionStatus.PENDING).first()


@service(SUBMIT, where=_where, context=_in_state("submit"))
def submit_decision(
    *,
    actor: Actor,
    case: Case,
    matter: str,
    reasoning: str,
    occurred_at: datetime.datetime | None = None,
) -> Decision:
    """A handler submits a decision the list gives to someone above (报请): it waits, pending,
    with the path upward, and the case waits in 审核/决定中."""
    lock_afresh(case)
    _check_state(case, "submit")
    found = _matter(case, matter)
    if not reasoning.strip():
        raise RuleViolation(_("请写明报请的理由和意见。"), "reasoning")
    now = occurred_at or timezone.now()
    # The handler's own answer for the matter, in the case's context the spine asked in.
    answer = engine.authorize(actor, found.code, spine.permitted().context, Power.DECIDE)
    if answer.allowed:
        raise RuleViolation(
            _("%(why)s您可以直接作出决定,无需报请。") % {"why": answer.sentence}, "matter"
        )
    decision = Decision.objects.create(
        case=case,
        matter=found,
        status=DecisionStatus.PENDING,
        reasoning=reasoning.strip(),
        proposed_by=actor.staff,
        proposed_at=now,
        path=[{"holder": step.holder, "power": step.power} for step in answer.path],
        basis=answer.sentence[:300],
    )
    case.status = CaseStatus.DECIDING
    _save(case)
    record(
        actor=actor,
        kind="cases.submitted",
        subject=decision,
        procuratorate=case.procuratorate,
        body=_body(case, matter=found.code, path=decision.path),
        occurred_at=now,
        rows=[decision, case],
    )
    return decision


@service(_chosen, where=_where, context=_context, among=ALL_MATTERS, power=Power.DECIDE)
def decide(
    *,
    actor: Actor,
    case: Case,
    matter: str,
    reasoning: str,
    occurred_at: datetime.datetime | None = None,
) -> Decision:
    """Decide a matter in the case, as the power list allows the actor. A pending submission
    is decided by it once the reviews before the actor's step are done: the same matter makes
    it (the handlers' proposal, agreed: its effect moves the case on at once); another
    matter, decided by someone other than the handlers, overrides it (规则 Art 7, 直接决定)
    and binds the handlers, who carry it out (执行决定) after any written objection is
    answered. The committee decides only in a meeting (procuracy.oversight.committee)."""
    lock_afresh(case)
    _check_state(case, "resume" if matter == "resume_review" else "decide")
    found = _matter(case, matter)
    if not reasoning.strip():
        raise RuleViolation(_("请写明决定的理由。"), "reasoning")
    answer = spine.permitted().decision  # the item, delegation or default rule acted under
    if case.decisions.filter(status=DecisionStatus.REFERRED).exists():
        raise RuleViolation(
            _("该案已提请检察委员会讨论,由检察委员会决定(《人民检察院刑事诉讼规则》第七条)。"),
            "matter",
        )
    pending = _pending(case)
    if pending is not None:
        check_reviewed(pending, actor, spine.permitted().context)
    handlers = spine.permitted().context.handlers or frozenset()
    by_handler = actor.staff is not None and actor.staff.pk in handlers
    overrides = pending is not None and pending.matter_id != found.pk and not by_handler
    return make_decision(actor, case, found, reasoning, answer, occurred_at, binding=overrides)


def check_reviewed(pending: Decision, actor: Actor, ctx: Context) -> None:
    """A submission reaches its decider only after the reviews before them on its path
    (规则 Art 6: what goes to the chief is first reviewed by the department head): the
    holders of the steps not yet taken, below the actor."""
    if pending.status != DecisionStatus.PENDING:
        return
    held = engine.holders_of(actor, pending.case.procuratorate, ctx.on or today(), ctx)
    mine = [n for n, step in enumerate(pending.path) if step["holder"] in held]
    # Up to the actor's own step; one the list lets decide off the path (a delegation), up
    # to the last, the decider's.
    upto = mine[-1] if mine else max(len(pending.path) - 1, 0)
    waiting = [
        engine.step_label(step["holder"], step["power"])
        for step in pending.path[pending.step : upto]
        if step["holder"] not in held
    ]
    if waiting:
        raise RuleViolation(
            _("该报请尚待%(steps)s,审核后才能作出决定(《人民检察院刑事诉讼规则》第六条)。")
            % {"steps": engine.joined(waiting)},
            "matter",
        )


def make_decision(
    actor: Actor,
    case: Case,
    found: Matter,
    reasoning: str,
    answer: engine.Decision | None,
    occurred_at: datetime.datetime | None,
    *,
    binding: bool,
    body: str = "",
    rows: tuple = (),
    extra: dict | None = None,
    replaces: Decision | None = None,
) -> Decision:
    """Write a decision on `found` and move the case on, inside the running act (decide, the
    committee's resolution, the answer to an objection): a pending submission on the same
    matter is made by it, one on another matter superseded (and, when `binding`, overridden).
    A binding decision leaves the case 执行决定 until the handlers carry it out; any other
    applies its effect at once. `answer` is the power list's (the item or delegation it was
    made under); `rows` and `extra` join the act's record; `replaces`, a binding decision this
    one changes (after an objection), is superseded by it."""
    now = occurred_at or timezone.now()
    day = day_of(now)
    effect = EFFECTS.get(found.code, NOTE)
    written: list = list(rows)
    pending = (
        _pending(case)
        or case.decisions.filter(
            status__in=(DecisionStatus.REFERRED, DecisionStatus.REEXAMINING)
        ).first()
    )
    if pending is not None and pending.matter_id == found.pk:
        decision = pending
    else:
        decision = Decision(case=case, matter=found)
    decision.status = DecisionStatus.MADE
    decision.reasoning = (
        f"{decision.reasoning}\n{reasoning.strip()}".strip() if decision.pk else reasoning.strip()
    )
    decision.decided_by = actor.staff
    decision.decided_at = now
    decision.item_id = answer.rule.item_id if answer and answer.rule else None
    decision.delegation_id = answer.grant.delegation_id if answer and answer.grant else None
    decision.basis = answer.sentence[:300] if answer else ""
    decision.body = body
    decision.binding = binding
    if pending is not None and pending.pk != decision.pk and binding:
        decision.overrides = pending
    if replaces is not None and binding:
        decision.overrides = replaces.overrides
    decision.save()
    written.append(decision)
    if replaces is not None:
        replaces.status = DecisionStatus.SUPERSEDED
        replaces.superseded_by = decision
        replaces.save(update_fields=["status", "superseded_by"])
        written.append(replaces)
    if pending is not None and pending.pk != decision.pk:
        pending.status = DecisionStatus.SUPERSEDED
        pending.superseded_by = decision
        pending.save(update_fields=["status", "superseded_by"])
        written.append(pending)
    if binding:
        case.status = CaseStatus.EXECUTING
    else:
        written += _apply(case, decision, effect, actor, day)
    _save(case, "sealed")
    record(
        actor=actor,
        kind="cases.decided",
        subject=decision,
        procuratorate=case.procuratorate,
        body=_body(
            case,
            matter=found.code,
            effect=effect,
            item=decision.item_id,
            delegation=decision.delegation_id,
            body=body,
            binding=binding,
            submitted=pending.pk if pending is not None else None,
            overrides=decision.overrides_id,
            **(extra or {}),
        ),
        occurred_at=now,
        rows=[*written, case],
    )
    return decision


@service(EXECUTE, where=_where, context=_in_state("execute"))
def execute(
    *,
    actor: Actor,
    case: Case,
    occurred_at: datetime.datetime | None = None,
) -> Decision:
    """The handlers carry out the binding decision (执行): its effect moves the case on. Not
    while a written objection to it waits for the decider's answer; there is no refusing it
    (规则 Art 7; 组织法 Art 33)."""
    from procuracy.oversight.models import Objection

    lock_afresh(case)
    _check_state(case, "execute")
    decision = binding_decision(case)
    if decision is None:
        raise RuleViolation(_("案件 %(case)s 没有待执行的决定。") % {"case": case.number}, "case")
    if Objection.objects.filter(decision=decision, answered_at__isnull=True).exists():
        raise RuleViolation(
            _("对%(decision)s提出的书面异议尚待答复,答复后再执行。")
            % {"decision": describe(decision)},
            "case",
        )
    now = occurred_at or timezone.now()
    decision.executed_by = actor.staff
    decision.executed_at = now
    decision.save(update_fields=["executed_by", "executed_at"])
    effect = EFFECTS.get(decision.matter.code, NOTE)
    rows = _apply(case, decision, effect, actor, day_of(now))
    _save(case, "sealed")
    record(
        actor=actor,
        kind="cases.executed",
        subject=decision,
        procuratorate=case.procuratorate,
        body=_body(case, matter=decision.matter.code, effect=effect, decision_id=decision.pk),
        occurred_at=now,
        rows=[decision, *rows, case],
    )
    return decision


def _apply(case: Case, decision: Decision, effect: str, actor: Actor, day) -> list:
    """Move the case on by the decision's effect; the rows it wrote."""
    stage = open_stage(case)
    if effect == CLOSE:
        case.status = CaseStatus.CLOSED
        case.closed_on = day
        return _end_stage(case, stage, day, StageEnd.DECIDED)
    if effect == TRANSFER:
        case.status = CaseStatus.TRANSFERRED
        case.closed_on = day
        return _end_stage(case, stage, day, StageEnd.TRANSFERRED)
    if effect == RETURN:
        returns = case.decisions.filter(
            status=DecisionStatus.MADE, matter__code="return_investigation"
        ).exclude(pk=decision.pk)
        deadlines.check_return_allowed(returns.count())
        rows = _end_stage(case, stage, day, StageEnd.RETURNED)
        case.status = CaseStatus.RETURNED
        rows.append(begin_stage(case, "supplementary_investigation", day))
        return rows
    if effect == EXTEND:
        stage = _require_stage(case)
        rule = deadlines.limit(stage.code)
        if rule.extension is None:
            raise RuleViolation(
                _("“%(stage)s”的期限法律未规定可以延长。") % {"stage": rule.name}, "matter"
            )
        event = StageEvent.objects.create(
            stage=stage,
            kind=StageEventKind.EXTENSION,
            days=rule.extension.days,
            months=rule.extension.months,
            reason=decision.reasoning[:200],
            basis=rule.extension_basis,
            approved_by=decision.decided_by,
            decision=decision,
        )
        _refresh(stage, case)
        case.status = CaseStatus.HANDLING
        return [event, stage]
    if effect == SUSPEND:
        stage = open_stage(case)
        rows = []
        if stage is not None:
            event = StageEvent.objects.create(
                stage=stage,
                kind=StageEventKind.EXCLUSION,
                start=day,
                reason=_("中止审查"),
                basis=_("《人民检察院刑事诉讼规则》(中止审查,条文待核实)"),
                approved_by=decision.decided_by,
                decision=decision,
            )
            _refresh(stage, case)
            rows = [event, stage]
        case.status = CaseStatus.SUSPENDED
        return rows
    if effect == RESUME:
        stage = open_stage(case)
        rows = []
        if stage is not None:
            stopped = stage.events.filter(kind=StageEventKind.EXCLUSION, end__isnull=True).first()
            if stopped is not None:
                stopped.end = day
                stopped.save(update_fields=["end"])
                rows.append(stopped)
            _refresh(stage, case)
            rows.append(stage)
        case.status = CaseStatus.HANDLING
        return rows
    if effect == SEAL:
        case.sealed = Sealing.JUVENILE
    case.status = CaseStatus.HANDLING
    return []


@service(EXCLUDE, where=_where, context=_in_state("exclude"))
def exclude_period(
    *,
    actor: Actor,
    case: Case,
    start: datetime.date,
    end: datetime.date,
    reason: str = "对犯罪嫌疑人作精神病鉴定",
    basis: str = deadlines.ART_149,
    occurred_at: datetime.datetime | None = None,
) -> StageEvent:
    """Record a period the law leaves out of the count (a psychiatric assessment, Art 149):
    the running stage's expiry moves back by its days."""
    lock_afresh(case)
    _check_state(case, "exclude")
    stage = _require_stage(case)
    if end < start:
        raise RuleViolation(_("终止日不能早于起始日。"), "end")
    if start < stage.started_on:
        raise RuleViolation(
            _("不计入期限的期间不能早于期限起算日 %(day)s。")
            % {"day": stage.started_on.isoformat()},
            "start",
        )
    if not reason.strip():
        raise RuleViolation(_("请写明不计入期限的事由。"), "reason")
    event = StageEvent.objects.create(
        stage=stage,
        kind=StageEventKind.EXCLUSION,
        start=start,
        end=end,
        reason=reason.strip()[:200],
        basis=basis.strip()[:100],
        approved_by=actor.staff,
    )
    _refresh(stage, case)
    _save(case)
    record(
        actor=actor,
        kind="cases.period_excluded",
        subject=event,
        procuratorate=case.procuratorate,
        body=_body(
            case,
            stage=stage.code,
            start=start.isoformat(),
            end=end.isoformat(),
            expires_on=stage.expires_on.isoformat() if stage.expires_on else None,
        ),
        occurred_at=occurred_at,
        rows=[event, stage, case],
    )
    return event


@service(VARIANT, where=_where, context=_in_state("variant"))
def set_stage_variant(
    *,
    actor: Actor,
    case: Case,
    variant: str,
    reason: str,
    occurred_at: datetime.datetime | None = None,
) -> Stage:
    """Find the running stage under another of the lengths the law gives it (a fast-track case
    whose likely sentence exceeds a year: 15 days, not 10; a major arrest review of a free
    suspect: 20, not 15), or back under its ordinary length (`variant` empty)."""
    lock_afresh(case)
    _check_state(case, "variant")
    stage = _require_stage(case)
    rule = deadlines.limit(stage.code)
    rule.length_for(variant or None)  # refuses a variant the stage does not have
    if variant == stage.variant:
        raise RuleViolation(_("该期限已按此情形计算。"), "variant")
    if not reason.strip():
        raise RuleViolation(_("请写明认定的理由。"), "reason")
    stage.variant = variant
    stage.save(update_fields=["variant"])
    _refresh(stage, case)
    _save(case)
    record(
        actor=actor,
        kind="cases.stage_variant_set",
        subject=stage,
        procuratorate=case.procuratorate,
        body=_body(
            case,
            stage=stage.code,
            variant=variant,
            reason=reason.strip()[:200],
            expires_on=stage.expires_on.isoformat() if stage.expires_on else None,
        ),
        occurred_at=occurred_at,
        rows=[stage, case],
    )
    return stage


@service(RESUBMIT, where=_where, context=_in_state("resubmit"))
def resubmit(
    *,
    actor: Actor,
    case: Case,
    received_on: datetime.date,
    occurred_at: datetime.datetime | None = None,
) -> Stage:
    """The investigator sends the case back after supplementary investigation; the case
    office receives it and the review period is counted afresh from that day (Art 175)."""
    lock_afresh(case)
    _check_state(case, "resubmit")
    stage = open_stage(case)
    if stage is not None and received_on < stage.started_on:
        raise RuleViolation(
            _("重新移送日期不能早于退回日期 %(day)s。") % {"day": stage.started_on.isoformat()},
            "received_on",
        )
    if received_on > today():
        raise RuleViolation(_("重新移送日期不能晚于今天。"), "received_on")
    rows = _end_stage(case, stage, received_on, StageEnd.RESUBMITTED)
    review = deadlines.stage_for(case.case_type.stage, custody=case.custody)
    new = begin_stage(case, review, received_on, restart=deadlines.RESUBMITTED)
    case.status = CaseStatus.HANDLING
    _save(case)
    record(
        actor=actor,
        kind="cases.resubmitted",
        subject=case,
        procuratorate=case.procuratorate,
        body=_body(
            case,
            received_on=received_on.isoformat(),
            expires_on=new.expires_on.isoformat() if new.expires_on else None,
        ),
        occurred_at=occurred_at,
        rows=[*rows, new, case],
    )
    return new


@service(CONCLUDE, where=_where, context=_in_state("conclude"))
def conclude(
    *,
    actor: Actor,
    case: Case,
    outcome: str,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Close a case whose type does not end by a decision on the list (a supervision case
    found without grounds, a complaint answered), with the outcome in writing."""
    lock_afresh(case)
    _check_state(case, "conclude")
    if case.case_type.code in DECISION_REQUIRED:
        raise RuleViolation(
            _("%(type)s须作出决定后结案(如批准或不批准逮捕、起诉或不起诉)。")
            % {"type": case.case_type.name},
            "case",
        )
    if not outcome.strip():
        raise RuleViolation(_("请写明办理结果。"), "outcome")
    day = day_of(occurred_at)
    rows = _end_stage(case, open_stage(case), day, StageEnd.CLOSED)
    case.status = CaseStatus.CLOSED
    case.closed_on = day
    _save(case)
    record(
        actor=actor,
        kind="cases.concluded",
        subject=case,
        procuratorate=case.procuratorate,
        # The outcome may name the case's facts: the entry holds its hash through the row.
        body=_body(case),
        occurred_at=occurred_at,
        rows=[*rows, case],
    )
    return case


@service(ARCHIVE, where=_where, context=_in_state("archive"))
def archive(*, actor: Actor, case: Case, occurred_at: datetime.datetime | None = None) -> Case:
    """The case office files a closed case (归档)."""
    return _move(actor, case, "archive", CaseStatus.ARCHIVED, "cases.archived", occurred_at)


@service(READ_SEALED, where=_where, context=_context)
def note_sealed_read(
    *, actor: Actor, case: Case, channel: str, occurred_at: datetime.datetime | None = None
):
    """A sealed case was read: by whom, when, through which door (page, api, cli)."""
    from procuracy.cases.models import SealedRead
    from procuracy.core.models import Visibility

    read = SealedRead.objects.create(
        case=case,
        reader=actor.staff,
        reader_label=actor.label,
        channel=channel,
        read_at=occurred_at or timezone.now(),
    )
    record(
        actor=actor,
        kind="cases.sealed_read",
        subject=read,
        procuratorate=case.procuratorate,
        body={"case_id": case.pk, "channel": channel},
        visibility=Visibility.SEALED,
        occurred_at=occurred_at,
        rows=[read],
    )
    return read
