"""The prosecutor's desk (待办) and what a reader may do on one case. The desk, for the signed-in
person: the cases they handle by deadline, and the tasks waiting on them — cases to start,
decisions submitted to them, for the case office the cases to draw, to receive back and to
archive, for leaders the cases due soon or overdue in their scope. A case's actions: the
transitions its state allows, each with the power list's answer for the reader; for the
queue, those the reader may perform now on each of many cases. Reads only: asking the power
list records nothing, and the desk and the queue cost the same few queries however many cases
they list."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from procuracy.cases import deadlines, lifecycle, selectors
from procuracy.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseStatus,
    Decision,
    DecisionStatus,
)
from procuracy.core.actors import Actor
from procuracy.core.models import today
from procuracy.core.permissions import ROLE_RULES
from procuracy.powers import engine
from procuracy.powers.models import Matter, Power

# Who watches the warnings of the cases in their scope: the leaders.
LEADERS = frozenset({"department_head", "chief", "acting_chief", "deputy_chief"})
OFFICE = "case_management"
# Rows per list; the counts say how many there are in all.
LIMIT = 100

# ---- the desk ----------------------------------------------------------------------------


@dataclass
class Desk:
    """The lists of one person's desk; each case carries `due_state` and `days_left`, each
    decision its case (so a template or serializer reads them without a query)."""

    day: datetime.date
    handling: list[Case] = field(default_factory=list)
    to_start: list[Case] = field(default_factory=list)
    to_draw: list[Case] = field(default_factory=list)
    returned: list[Case] = field(default_factory=list)
    to_archive: list[Case] = field(default_factory=list)
    warned: list[Case] = field(default_factory=list)
    # The reviewer's queue and the other oversight tasks (procuracy.oversight.selectors.tasks).
    to_review: list[Decision] = field(default_factory=list)
    to_decide: list[Decision] = field(default_factory=list)
    under_review: list[Decision] = field(default_factory=list)
    to_reexamine: list[Decision] = field(default_factory=list)
    to_execute: list[Decision] = field(default_factory=list)
    objected: list[Decision] = field(default_factory=list)
    objections: list = field(default_factory=list)
    to_sign: list = field(default_factory=list)
    to_agenda: list[Decision] = field(default_factory=list)
    reports_to_file: list = field(default_factory=list)
    reports_to_read: list = field(default_factory=list)
    to_comply: list = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    office: bool = False  # whether the actor sits in a case management office
    leader: bool = False  # whether the actor watches the warnings of a scope

    @property
    def waiting(self) -> int:
        """The tasks waiting on the person (the warnings, their own cases, the submissions
        still under review below them and the objections awaiting an answer aside)."""
        from procuracy.oversight.selectors import TASK_LISTS

        keys = ("to_start", "to_draw", "returned", "to_archive", *TASK_LISTS)
        return sum(self.counts.get(k, 0) for k in keys)

    def cases(self):
        """Every case the desk shows, once per row (for marks a page adds)."""
        for rows in (self.handling, self.to_draw, self.returned, self.to_archive, self.warned):
            yield from rows
        for rows in (
            self.to_review,
            self.to_decide,
            self.under_review,
            self.to_reexamine,
            self.to_execute,
            self.objected,
            self.to_agenda,
        ):
            for decision in rows:
                yield decision.case
        for objection in self.objections:
            yield objection.decision.case
        for opinion in self.to_sign:
            yield opinion.meeting.decision.case
        for row in (*self.reports_to_file, *self.reports_to_read):
            yield row.case


def _cases(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related("procuratorate", "case_type", "business_line")


def _by_due(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.order_by(F("due_on").asc(nulls_last=True), "received_on", "id")


def _take(qs: QuerySet, limit: int = LIMIT) -> tuple[list, int]:
    """At most `limit` rows, and how many there are in all (counted only when cut)."""
    rows = list(qs[:limit])
    return rows, (len(rows) if len(rows) < limit else qs.count())


def _mark(cases: list[Case], day: datetime.date) -> list[Case]:
    for case in cases:
        case.due_state = selectors.due_state(case, day)  # type: ignore[attr-defined]
        case.days_left = (case.due_on - day).days if case.due_on else None  # type: ignore[attr-defined]
    return cases


def due_filter(qs: QuerySet[Case], due: str, day: datetime.date | None = None) -> QuerySet[Case]:
    """Keep the cases whose running stage is in the warning state `due` ("due_soon",
    "overdue", or "warned" for both), read from what each case stores, as
    `selectors.due_state` reads it."""
    day = day or today()
    overdue = Q(due_on__lt=day)
    soon = Q(warn_on__lte=day, due_on__gte=day)
    chosen = {"warned": overdue | soon, deadlines.OVERDUE: overdue, deadlines.DUE_SOON: soon}
    return qs.filter(chosen[due]) if due in chosen else qs


def _places(actor: Actor, kinds) -> set[int]:
    return {held.procuratorate_id for held in actor.positions if held.kind in kinds}


def desk(actor: Actor, day: datetime.date | None = None) -> Desk:
    day = day or today()
    found = Desk(day=day)
    if actor.staff is None:
        return found
    readable = selectors.readable_q(actor)
    mine = _cases(Case.objects.filter(selectors.handled_q(actor, day), status__in=OPEN_STATUSES))
    found.handling, found.counts["handling"] = _take(_by_due(mine), limit=2 * LIMIT)
    # Cases to start: the assigned ones the list lets the actor start (their prosecutors').
    assigned = [c for c in found.handling if c.status == CaseStatus.ASSIGNED]
    ctx = lifecycle.contexts_of(assigned, day)
    found.to_start = [
        c for c in assigned if engine.authorize(actor, lifecycle.START, ctx[c.pk]).allowed
    ]
    found.counts["to_start"] = len(found.to_start)
    _oversight(actor, day, found)
    office = _places(actor, {OFFICE})
    if office:
        found.office = True
        theirs = _cases(Case.objects.filter(readable, procuratorate_id__in=office))
        found.to_draw, found.counts["to_draw"] = _take(
            theirs.filter(status=CaseStatus.RECEIVED).order_by("received_on", "id")
        )
        # A draw committed and waiting for its beacon round is the office's to complete.
        from procuracy.assignment.services import awaiting_beacon

        waiting = awaiting_beacon([c.pk for c in found.to_draw]) if found.to_draw else {}
        for case in found.to_draw:
            case.awaiting_beacon = waiting.get(case.pk)
        found.returned, found.counts["returned"] = _take(
            _by_due(theirs.filter(status=CaseStatus.RETURNED))
        )
        found.to_archive, found.counts["to_archive"] = _take(
            theirs.filter(status__in=lifecycle.FROM["archive"]).order_by("closed_on", "id")
        )
    if _places(actor, LEADERS):
        found.leader = True
        scope = selectors.visible_cases(actor).filter(status__in=OPEN_STATUSES)
        found.warned, found.counts["warned"] = _take(_by_due(due_filter(scope, "warned", day)))
    _mark(list(found.cases()), day)
    return found


def _oversight(actor: Actor, day: datetime.date, found: Desk) -> None:
    """The reviewer's queue, in the same inbox: the oversight tasks waiting on the actor."""
    from procuracy.oversight import selectors as oversight

    tasks = oversight.tasks(actor, day)
    for name in oversight.Tasks.__dataclass_fields__:
        if name != "counts":
            setattr(found, name, getattr(tasks, name))
    found.counts.update(tasks.counts)


# ---- what a reader may do on one case ----------------------------------------------------


@dataclass(frozen=True)
class Option:
    """A matter a decision in the case may be on, and the list's answer for the reader."""

    code: str
    name: str
    decision: engine.Decision

    @property
    def path(self) -> str:
        return engine.joined(step.label for step in self.decision.path)

    @property
    def label(self) -> str:
        """批准逮捕, or 批准逮捕(须由检察长决定) for one reserved above."""
        if self.decision.allowed or not self.decision.path:
            return self.name
        return _("%(matter)s(须由%(path)s)") % {"matter": self.name, "path": self.path}


@dataclass
class Actions:
    """The transitions the case's state allows, each with the list's answer for the reader
    (`offers`, in the order the page shows them); the matters the reader decides directly and
    those they must submit upward; the decision waiting, if any."""

    offers: dict[str, engine.Decision]
    labels: dict[str, str]
    direct: list[Option]
    upward: list[Option]
    pending: Decision | None
    variants: list[tuple[str, str]] = field(default_factory=list)  # the running stage's
    # The submission's decider decides among the four ways of the oversight section (同意,
    # 要求复核, 直接决定, 提请检察委员会讨论), not by a bare decision here.
    decide_in_oversight: bool = False
    binding: Decision | None = None  # the decision the handlers are to carry out


def actions(actor: Actor, case: Case) -> Actions:
    ctx = lifecycle.context_of(case)
    labels = {name: str(label) for name, label in lifecycle.TRANSITION_LABELS.items()}
    status = case.status
    direct: list[Option] = []
    upward: list[Option] = []
    pending = case.decisions.filter(
        status__in=(DecisionStatus.PENDING, DecisionStatus.REFERRED)
    ).select_related("matter", "proposed_by")
    waiting = pending.order_by("-id").first()
    deciding = None
    if status in lifecycle.FROM["decide"] or status in lifecycle.FROM["resume"]:
        codes = lifecycle.matters_for(case)
        names = dict(Matter.objects.filter(code__in=codes).values_list("code", "name"))
        for code in codes:
            answer = engine.authorize(actor, code, ctx, Power.DECIDE)
            option = Option(code, names.get(code, code), answer)
            (direct if answer.allowed else upward).append(option)
        if status == CaseStatus.SUSPENDED:
            labels["decide"] = labels["resume"]
        if direct:
            deciding = direct[0].decision
        else:
            first = next((o for o in upward if waiting and o.code == waiting.matter.code), None)
            deciding = (first or upward[0]).decision
    variants: list[tuple[str, str]] = []
    if case.stage:
        limit = deadlines.limit(case.stage)
        if limit.variants:
            variants = [("", str(limit.length))] + [
                (code, f"{label}({length})") for code, (label, length) in limit.variants.items()
            ]
    deciding, moved = submission_answer(actor, case, ctx, waiting, deciding)
    found = offers(actor, case, ctx, deciding, bool(upward))
    binding = lifecycle.binding_decision(case)
    if binding is not None and "execute" in found:
        found["execute"] = execute_answer(binding, found["execute"], _objected([case]))
    shown = waiting if waiting is None or waiting.status == DecisionStatus.PENDING else None
    return Actions(found, labels, direct, upward, shown, variants, moved, binding)


def submission_answer(
    actor: Actor,
    case: Case,
    ctx: engine.Context,
    waiting: Decision | None,
    deciding: engine.Decision | None,
) -> tuple[engine.Decision | None, bool]:
    """The answer to show for a decision while a submission waits, and whether it is made in
    the oversight section: a decision comes only after the reviews before the decider's step
    (规则 Art 6), never once the submission is referred to the committee; the submission's
    decider chooses among agreeing and the three ways to disagree (规则 Art 7)."""
    from procuracy.oversight import selectors as oversight

    if waiting is None or deciding is None:
        return deciding, False
    waiting.case = case
    answer = oversight.checked(deciding, lambda: oversight.check_decide(actor, waiting, ctx))
    moved = waiting.status == DecisionStatus.PENDING and oversight.decides_submission(
        actor, waiting, ctx
    )
    return answer, moved


def execute_answer(binding: Decision, answer: engine.Decision, objected: set[int]):
    """Carrying out a binding decision waits for the answer to a written objection to it."""
    from procuracy.oversight.selectors import Answer

    if answer.allowed and binding.case_id in objected:
        return Answer(
            False,
            _("对%(decision)s提出的书面异议尚待答复,答复后再执行。")
            % {"decision": lifecycle.describe(binding)},
        )
    return answer


def _objected(cases: list[Case]) -> set[int]:
    """The cases among `cases` whose binding decision has an objection waiting for its answer."""
    from procuracy.oversight.models import Objection

    executing = [c.pk for c in cases if c.status == CaseStatus.EXECUTING]
    if not executing:
        return set()
    return set(
        Objection.objects.filter(
            decision__case_id__in=executing, answered_at__isnull=True
        ).values_list("decision__case_id", flat=True)
    )


def offers(
    actor: Actor,
    case: Case,
    ctx: engine.Context,
    deciding: engine.Decision | None,
    upward: bool,
) -> dict[str, engine.Decision]:
    """The transitions the case's state allows, in the case page's order, each with the
    list's answer for the reader. `deciding` is the answer to show for a decision (one the
    reader may make, else the one they may not); `upward`, whether some matter is someone
    else's (there is nothing to submit when the reader decides every matter)."""
    status = case.status
    found: dict[str, engine.Decision] = {}

    def role(transition: str, rule: str) -> None:
        if status in lifecycle.FROM[transition]:
            found[transition] = engine.authorize(actor, rule, ctx)

    role("start", lifecycle.START)
    role("execute", lifecycle.EXECUTE)
    if deciding is not None:
        found["decide"] = deciding
    if status in lifecycle.FROM["submit"]:
        answer = engine.authorize(actor, lifecycle.SUBMIT, ctx)
        if upward or not answer.allowed:
            found["submit"] = answer
    if case.stage:
        role("exclude", lifecycle.EXCLUDE)
        if deadlines.limit(case.stage).variants:
            role("variant", lifecycle.VARIANT)
    role("resubmit", lifecycle.RESUBMIT)
    if case.case_type.code not in lifecycle.DECISION_REQUIRED:
        role("conclude", lifecycle.CONCLUDE)
    role("archive", lifecycle.ARCHIVE)
    return found


# ---- what a reader may do on many cases: the queue's 可办理 column -------------------------

# Where on the case page each act is done.
LIFECYCLE_ANCHOR = "lifecycle-title"
OVERSIGHT_ANCHOR = "oversight-title"
ASSIGNMENT_ANCHOR = "assignment-title"


@dataclass(frozen=True)
class Allowed:
    """A transition the reader may perform on a case now, and the section of the case page
    where it is done."""

    name: str
    label: str
    anchor: str = LIFECYCLE_ANCHOR


def allowed_actions(
    actor: Actor, cases: list[Case], day: datetime.date | None = None
) -> dict[int, list[Allowed]]:
    """For each case, the transitions of `actions` that the list allows the reader now, in the
    case page's order, and for a received case the draw: nothing refused, nothing recorded.
    The cases' contexts in two queries whatever their number; the rest is the engine's."""
    labels = {name: str(label) for name, label in lifecycle.TRANSITION_LABELS.items()}
    ctx = lifecycle.contexts_of(cases, day)
    waiting = _waiting(cases)
    objected = _objected(cases)
    return {
        case.pk: _allowed(actor, case, ctx[case.pk], labels, waiting.get(case.pk), objected)
        for case in cases
    }


def _waiting(cases: list[Case]) -> dict[int, Decision]:
    """The submission waiting (or referred to the committee) in each deciding case."""
    deciding = [c.pk for c in cases if c.status == CaseStatus.DECIDING]
    if not deciding:
        return {}
    rows = (
        Decision.objects.filter(
            case_id__in=deciding,
            status__in=(DecisionStatus.PENDING, DecisionStatus.REFERRED),
        )
        .select_related("matter")
        .order_by("id")
    )
    return {d.case_id: d for d in rows}  # the latest wins


# Steps of the case page that the queue does not offer: they change no state.
NOT_ON_THE_QUEUE = frozenset({"exclude", "variant"})


def _allowed(
    actor: Actor,
    case: Case,
    ctx: engine.Context,
    labels: dict[str, str],
    waiting: Decision | None,
    objected: set[int],
) -> list[Allowed]:
    from procuracy.assignment.services import DRAW

    status = case.status
    found: list[Allowed] = []
    if status == CaseStatus.RECEIVED and engine.authorize(actor, DRAW, ctx).allowed:
        found.append(Allowed("draw", str(ROLE_RULES[DRAW].label), ASSIGNMENT_ANCHOR))
    deciding, upward, moved = None, False, False
    if status in lifecycle.FROM["decide"] or status in lifecycle.FROM["resume"]:
        deciding, upward = _decides(actor, case, ctx)
        deciding, moved = submission_answer(actor, case, ctx, waiting, deciding)
    for name, answer in offers(actor, case, ctx, deciding, upward).items():
        if name == "execute" and answer.allowed and case.pk in objected:
            continue  # waits for the answer to the objection
        if answer.allowed and name not in NOT_ON_THE_QUEUE:
            shown = "resume" if name == "decide" and status == CaseStatus.SUSPENDED else name
            anchor = OVERSIGHT_ANCHOR if name == "decide" and moved else LIFECYCLE_ANCHOR
            found.append(Allowed(name, labels[shown], anchor))
    return found


def _decides(actor: Actor, case: Case, ctx: engine.Context) -> tuple[engine.Decision, bool]:
    """A matter of the case the reader decides (else the answer for one they may not), and
    whether some is someone else's; asked until both are known."""
    direct = refused = None
    for code in lifecycle.matters_for(case):
        answer = engine.authorize(actor, code, ctx, Power.DECIDE)
        if answer.allowed:
            direct = direct or answer
        else:
            refused = refused or answer
        if direct and refused:
            break
    chosen = direct or refused
    assert chosen is not None  # every case has matters
    return chosen, refused is not None


def decisions(case: Case) -> list[Decision]:
    """The case's decisions, oldest first, with who proposed and decided them and under what."""
    return list(
        case.decisions.select_related(
            "matter", "proposed_by", "decided_by", "item", "delegation"
        ).order_by("id")
    )
