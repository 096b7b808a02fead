"""Reads of review and decision that the case page, the API, the command line and the desk
share: a case's oversight record (监督制约) in time order; what the reader may do on it now,
each act with the power list's answer and the submission's step's; and the oversight tasks
waiting on a person (the reviewer's queue in the desk, 待办).

Reads only: asking records nothing and refuses nothing. The step checks here say what the
acts in procuracy.oversight.review would say (whose turn it is), without locking or writing;
the desk's lists cost the same few queries however many rows they hold."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _

from procuracy.cases import lifecycle
from procuracy.cases import selectors as cases
from procuracy.cases.models import Case, CaseStatus, Decision, DecisionStatus
from procuracy.core.actors import Actor
from procuracy.core.errors import RuleViolation
from procuracy.core.models import today
from procuracy.oversight import review
from procuracy.oversight.models import (
    AgendaItem,
    ItemStatus,
    JointMeeting,
    JointOpinion,
    Objection,
    Review,
    ReviewKind,
)
from procuracy.powers import engine
from procuracy.powers.engine import Context
from procuracy.powers.models import Holder, Matter, Power

# The statuses of a submission still on its way: waiting at a step, back with the handlers
# for re-examination, or referred to the committee.
OPEN = (DecisionStatus.PENDING, DecisionStatus.REEXAMINING, DecisionStatus.REFERRED)
# Rows per desk list; the counts say how many there are in all.
LIMIT = 100
CHIEF_POSTS = frozenset({"chief", "acting_chief"})


@dataclass(frozen=True)
class Answer:
    """A refusal by a rule of the submission's state (whose turn it is, what is still to be
    reviewed), shaped like the power list's answer so that the why-not component shows it."""

    allowed: bool
    sentence: str
    path: tuple = ()

    @property
    def reason(self) -> str:
        return self.sentence


def checked(decision, check) -> engine.Decision | Answer:
    """The power list's answer; if it allows the act, the refusal `check()` raises, if any."""
    if not decision.allowed:
        return decision
    try:
        check()
    except RuleViolation as broken:
        return Answer(False, broken.rule)
    return decision


# ---- the step checks (procuracy.oversight.review's, asked without locking) ---------------

check_own_step = review.check_own_step
check_joint_meeting = review.check_joint_meeting
check_leaders_step = review.check_leaders_step
check_refer = review.check_refer


def check_decide(actor: Actor, decision: Decision, ctx: Context) -> None:
    """A decision on a pending submission comes after the reviews before the decider's step
    (lifecycle.decide's rule), and never once it is referred to the committee."""
    if decision.status == DecisionStatus.REFERRED:
        raise RuleViolation(
            _("该案已提请检察委员会讨论,由检察委员会决定(《人民检察院刑事诉讼规则》第七条)。"),
            "matter",
        )
    lifecycle.check_reviewed(decision, actor, ctx)


# ---- a case's oversight record -------------------------------------------------------------


@dataclass
class StepState:
    holder: str
    power: str
    label: str
    state: str  # done, current, returned (re-examining), referred, waiting


@dataclass
class Submission:
    """A submission (报请) with its path's steps and where it stands on them."""

    decision: Decision
    steps: list[StepState]

    @property
    def current(self) -> StepState | None:
        return next((s for s in self.steps if s.state not in ("done", "waiting")), None)


@dataclass
class Entry:
    """One line of the record: when, what, by whom, the words written, and the row (its
    ledger entry, and for a joint meeting its opinions)."""

    at: datetime.datetime
    kind: str
    label: str
    who: object
    text: str = ""
    row: object = None
    tone: str = ""
    note: str = ""


@dataclass
class Record:
    """A case's oversight record (监督制约): its submissions, binding decision and, in time
    order, every review, joint meeting, re-examination, referral, committee item, decision,
    objection, instruction and report."""

    case: Case
    decisions: list[Decision]
    submissions: list[Submission]
    reviews: list[Review]
    meetings: list[JointMeeting]
    objections: list[Objection]
    items: list[AgendaItem]
    instructions: list
    reports: list
    entries: list[Entry] = field(default_factory=list)

    @property
    def open(self) -> Decision | None:
        """The submission still on its way, if any (the latest)."""
        found = [d for d in self.decisions if d.status in OPEN]
        return found[-1] if found else None

    @property
    def binding(self) -> Decision | None:
        """The binding decision the handlers are to carry out, while the case is 执行决定."""
        if self.case.status != CaseStatus.EXECUTING:
            return None
        waiting = [
            d
            for d in self.decisions
            if d.status == DecisionStatus.MADE and d.binding and d.executed_at is None
        ]
        return max(waiting, key=lambda d: (d.decided_at, d.pk)) if waiting else None

    def objection_to(self, decision: Decision | None) -> Objection | None:
        if decision is None:
            return None
        return next((o for o in self.objections if o.decision_id == decision.pk), None)


def steps_of(decision: Decision) -> list[StepState]:
    states = []
    for n, step in enumerate(decision.path):
        if decision.status == DecisionStatus.MADE or n < decision.step:
            state = "done"
        elif n > decision.step or decision.status in (
            DecisionStatus.SUPERSEDED,
            DecisionStatus.REVOKED,
        ):
            state = "waiting"
        elif decision.status == DecisionStatus.REEXAMINING:
            state = "returned"
        elif decision.status == DecisionStatus.REFERRED:
            state = "referred"
        else:
            state = "current"
        label = engine.step_label(step["holder"], step["power"])
        states.append(StepState(step["holder"], step["power"], label, state))
    return states


def case_record(case: Case) -> Record:
    """The case's oversight record, in a fixed number of queries."""
    from procuracy.oversight import instructions

    decisions = list(
        case.decisions.select_related(
            "matter", "proposed_by", "decided_by", "executed_by", "overrides__matter"
        ).order_by("id")
    )
    opinions = JointOpinion.objects.select_related("participant").order_by("id")
    found = Record(
        case=case,
        decisions=decisions,
        submissions=[Submission(d, steps_of(d)) for d in decisions if d.proposed_by_id],
        reviews=list(
            Review.objects.filter(decision__case=case)
            .select_related("reviewer")
            .order_by("reviewed_at", "id")
        ),
        meetings=list(
            JointMeeting.objects.filter(decision__case=case)
            .select_related("convened_by")
            .prefetch_related(Prefetch("opinions", queryset=opinions))
            .order_by("held_at", "id")
        ),
        objections=list(
            Objection.objects.filter(decision__case=case)
            .select_related("filed_by", "answered_by", "replaced_by__matter")
            .order_by("filed_at", "id")
        ),
        items=list(
            AgendaItem.objects.filter(Q(case=case) | Q(submission__case=case))
            .select_related(
                "meeting", "matter", "presenter", "referral__referred_by", "referral__answered_by"
            )
            .order_by("meeting__scheduled_for", "order", "id")
        ),
        instructions=instructions.instructions_for(case),
        reports=instructions.reports_for(case),
    )
    found.entries = _entries(found)
    return found


def _entries(found: Record) -> list[Entry]:
    by_id = {d.pk: d for d in found.decisions}
    entries: list[Entry] = []
    for d in found.decisions:
        entries += _decision_entries(d)
    for r in found.reviews:
        entries.append(_review_entry(r, by_id.get(r.decision_id)))
    for m in found.meetings:
        text = _("讨论事项:%(question)s\n会议记录:%(minutes)s") % {
            "question": m.question,
            "minutes": m.minutes,
        }
        entries.append(
            Entry(m.held_at, "joint_meeting", _("检察官联席会议"), m.convened_by, text, m)
        )
    for o in found.objections:
        entries += _objection_entries(o)
    for item in found.items:
        entries += _item_entries(item)
    for i in found.instructions:
        entries += _instruction_entries(i)
    for report in found.reports:
        entries += _report_entries(report)
    entries.sort(key=lambda e: e.at)
    return entries


def _decision_entries(d: Decision) -> list[Entry]:
    found = []
    if d.proposed_by_id and d.proposed_at:
        path = engine.joined(engine.step_label(s["holder"], s["power"]) for s in d.path)
        label = _("报请“%(matter)s”") % {"matter": d.matter.name}
        note = _("须由%(path)s") % {"path": path} if path else ""
        # A submission decided as proposed keeps the decider's reasons after the handler's.
        text = d.reasoning
        found.append(Entry(d.proposed_at, "submitted", label, d.proposed_by, text, d, note=note))
    if d.decided_at:
        text = d.basis if d.proposed_by_id else "\n".join(filter(None, (d.reasoning, d.basis)))
        label = decision_label(d)
        found.append(Entry(d.decided_at, "decided", label, d.decided_by, text, d, _tone(d)))
    if d.executed_at:
        label = _("执行决定“%(matter)s”") % {"matter": d.matter.name}
        found.append(Entry(d.executed_at, "executed", label, d.executed_by, "", d, "green"))
    return found


def _tone(d: Decision) -> str:
    if d.status == DecisionStatus.REVOKED:
        return "slate"
    return "red" if d.binding else "green"


def decision_label(d: Decision) -> str:
    """决定“批准逮捕” / 直接决定“不批准逮捕”(未采纳报请的“批准逮捕”)/ 检察委员会决定“起诉”."""
    matter = d.matter.name
    if d.body:
        return _("%(body)s决定“%(matter)s”") % {"body": d.get_body_display(), "matter": matter}
    if d.binding and d.overrides_id:
        return _("直接决定“%(matter)s”(未采纳报请的“%(proposal)s”)") % {
            "matter": matter,
            "proposal": d.overrides.matter.name,
        }
    if d.binding:
        return _("直接决定“%(matter)s”") % {"matter": matter}
    return _("决定“%(matter)s”") % {"matter": matter}


REVIEW_TONES = {
    ReviewKind.AGREE: "green",
    ReviewKind.DISAGREE: "red",
    ReviewKind.REEXAMINE: "amber",
    ReviewKind.REFER: "navy",
    ReviewKind.REEXAMINED: "blue",
}


def _review_entry(r: Review, d: Decision | None) -> Entry:
    if r.kind in (ReviewKind.AGREE, ReviewKind.DISAGREE):
        power = d.path[r.step]["power"] if d and r.step < len(d.path) else Power.REVIEW
        label = _("%(step)s意见:%(kind)s") % {
            "step": engine.step_label(r.holder, power),
            "kind": r.get_kind_display(),
        }
    else:
        label = str(r.get_kind_display())
    return Entry(r.reviewed_at, "review", label, r.reviewer, r.opinion, r, REVIEW_TONES[r.kind])


def _objection_entries(o: Objection) -> list[Entry]:
    found = [Entry(o.filed_at, "objection", _("书面异议"), o.filed_by, o.text, o, "amber")]
    if o.answered_at:
        label = _("答复异议:%(answer)s") % {"answer": o.get_answer_display()}
        if o.replaced_by_id:
            label += _(",改为“%(matter)s”") % {"matter": o.replaced_by.matter.name}
        found.append(
            Entry(o.answered_at, "objection_answered", label, o.answered_by, o.answer_text, o)
        )
    return found


def _item_entries(item: AgendaItem) -> list[Entry]:
    meeting = item.meeting
    label = _("检察委员会 %(year)s 年第 %(number)s 次会议议题 %(order)s:%(title)s") % {
        "year": meeting.year,
        "number": meeting.number,
        "order": item.order,
        "title": item.title,
    }
    tone = {ItemStatus.ADOPTED: "green", ItemStatus.REJECTED: "red"}.get(item.status, "navy")
    text = item.resolution or item.report
    found = [
        Entry(
            meeting.scheduled_for,
            "committee_item",
            label,
            item.presenter,
            text,
            item,
            tone,
            note=str(item.get_status_display()),
        )
    ]
    referral = getattr(item, "referral", None)
    if referral is not None:
        label = _("报请%(to)s决定") % {"to": referral.get_to_display()}
        found.append(
            Entry(
                referral.referred_at,
                "referral",
                label,
                referral.referred_by,
                referral.reasoning,
                referral,
            )
        )
        if referral.answered_at:
            found.append(
                Entry(
                    referral.answered_at,
                    "referral_answered",
                    _("%(to)s答复") % {"to": referral.get_to_display()},
                    referral.answered_by,
                    referral.answer,
                    referral,
                )
            )
    return found


def _instruction_entries(i) -> list[Entry]:
    label = _("%(kind)s(%(doc)s,%(issuer)s)") % {
        "kind": i.get_kind_display(),
        "doc": i.document_no,
        "issuer": i.issuer.name,
    }
    found = [Entry(i.issued_at, "instruction", label, i.issued_by, i.text, i, "navy")]
    if i.complied_at:
        text = i.compliance
        if i.disagreement:
            text += "\n" + _("不同意见:%(text)s") % {"text": i.disagreement}
        found.append(
            Entry(i.complied_at, "complied", _("报告指令执行情况"), i.complied_by, text, i)
        )
    return found


def _report_entries(report) -> list[Entry]:
    flags = cases.flag_labels(report.flags)
    label = _("应向检察长报告(%(flags)s)") % {"flags": flags}
    found = [Entry(report.opened_at, "report_opened", label, None, "", report, "amber")]
    if report.filed_at:
        found.append(
            Entry(
                report.filed_at,
                "report_filed",
                _("向检察长报告"),
                report.filed_by,
                report.text,
                report,
            )
        )
    if report.read_at:
        found.append(
            Entry(
                report.read_at,
                "report_read",
                _("检察长阅示"),
                report.read_by,
                report.comment,
                report,
            )
        )
    return found


# ---- what the reader may do on a case now --------------------------------------------------

# The acts the section offers, in the page's order. At the decider's step: agreeing, and the
# three ways to disagree (规则 Art 7) — re-examination, deciding directly, the committee.
LEADER_WAYS = ("agree", "reexamine", "direct", "refer")
ACT_ORDER = (
    "review",
    "joint_meeting",
    *LEADER_WAYS,
    "sign",
    "reexamined",
    "object",
    "answer_objection",
)


@dataclass(frozen=True)
class Option:
    code: str
    name: str


@dataclass
class Acts:
    """The oversight acts the case's state offers the reader, each with its answer (the power
    list's, or the step's refusal), in `ACT_ORDER`; and what their forms offer."""

    answers: dict[str, object]
    submission: Decision | None = None
    binding: Decision | None = None
    objection: Objection | None = None  # the binding decision's, unanswered
    opinion: JointOpinion | None = None  # the reader's own, unsigned
    direct: list[Option] = field(default_factory=list)  # matters decided other than proposed
    others: list[Option] = field(default_factory=list)  # the case's other matters
    changes: list[Option] = field(default_factory=list)  # an objected decision may become

    @property
    def leader(self) -> bool:
        """Whether the reader is offered the decider's four ways."""
        return any(name in self.answers for name in LEADER_WAYS)

    @property
    def any_allowed(self) -> bool:
        return any(a.allowed for a in self.answers.values())


def acts(actor: Actor, case: Case, record: Record, ctx: Context | None = None) -> Acts:
    """What the reader may do on the case's oversight now, nothing recorded."""
    ctx = ctx or lifecycle.context_of(case)
    found = Acts(answers={})
    open_ = record.open
    if open_ is not None and open_.status == DecisionStatus.PENDING:
        _submission_acts(actor, case, open_, ctx, found)
    elif open_ is not None and open_.status == DecisionStatus.REEXAMINING:
        answer = engine.authorize(actor, review.ANSWER_REEXAMINATION, ctx)
        if answer.allowed:
            found.answers["reexamined"] = answer
            found.others = _options(
                m for m in lifecycle.matters_for(case) if m != open_.matter.code
            )
    found.submission = open_
    binding = record.binding
    if binding is not None:
        _binding_acts(actor, binding, record, ctx, found)
    if actor.staff is not None:
        for meeting in record.meetings:
            for opinion in meeting.opinions.all():
                if opinion.participant_id == actor.staff.pk and opinion.signed_at is None:
                    found.opinion = opinion
                    person = Context(procuratorate=case.procuratorate, person=actor.staff.pk)
                    found.answers["sign"] = engine.authorize(actor, review.SIGN, person)
    found.answers = {name: found.answers[name] for name in ACT_ORDER if name in found.answers}
    return found


def _submission_acts(actor, case: Case, pending: Decision, ctx: Context, found: Acts) -> None:
    held = review.holders(actor, pending, ctx)
    ahead = [s for s in pending.path[pending.step :] if s["holder"] in held]
    matter = pending.matter.code
    if any(s["power"] == Power.REVIEW for s in ahead):
        answer = engine.authorize(actor, matter, ctx, Power.REVIEW)
        found.answers["review"] = checked(
            answer, lambda: check_own_step(actor, pending, ctx, Power.REVIEW)
        )
        if any(s["holder"] == Holder.DEPARTMENT_HEAD for s in ahead):
            found.answers["joint_meeting"] = checked(
                answer, lambda: check_joint_meeting(actor, pending, ctx)
            )
    decides = engine.authorize(actor, matter, ctx, Power.DECIDE)
    leads = any(s["holder"] in review.LEADERS for s in ahead)
    at_decision = any(s["power"] == Power.DECIDE for s in ahead) or decides.allowed
    if not (leads or at_decision):
        return
    if at_decision:
        found.answers["agree"] = checked(decides, lambda: check_decide(actor, pending, ctx))
    found.answers["reexamine"] = checked(
        engine.authorize(actor, review.REEXAMINE, ctx),
        lambda: check_leaders_step(actor, pending, ctx),
    )
    found.answers["direct"] = _direct(actor, case, pending, ctx, found)
    found.answers["refer"] = checked(
        engine.authorize(actor, review.REFER, ctx), lambda: check_refer(actor, pending, ctx)
    )


def _direct(actor, case: Case, pending: Decision, ctx: Context, found: Acts):
    """Deciding another matter than the one proposed (直接决定): the matters the list lets
    the reader decide; the refusal for the first of them when none."""
    names = _names(lifecycle.matters_for(case))
    refused = None
    for code in lifecycle.matters_for(case):
        if code == pending.matter.code:
            continue
        answer = engine.authorize(actor, code, ctx, Power.DECIDE)
        if answer.allowed:
            found.direct.append(Option(code, names.get(code, code)))
        refused = refused or answer
    if not found.direct:
        return refused or Answer(False, _("本案没有其他可以决定的事项。"))
    first = engine.authorize(actor, found.direct[0].code, ctx, Power.DECIDE)
    return checked(first, lambda: check_decide(actor, pending, ctx))


def _binding_acts(actor, binding: Decision, record: Record, ctx: Context, found: Acts) -> None:
    found.binding = binding
    objection = record.objection_to(binding)
    if objection is None and not binding.body:
        answer = engine.authorize(actor, review.OBJECT, ctx)
        if answer.allowed:
            found.answers["object"] = answer
    if objection is not None and objection.answered_at is None:
        found.objection = objection
        answer = engine.authorize(actor, binding.matter.code, ctx, Power.DECIDE)
        if answer.allowed:
            found.answers["answer_objection"] = answer
            case = record.case
            codes = [m for m in lifecycle.matters_for(case) if m != binding.matter.code]
            found.changes = _options(codes)


def _names(codes) -> dict[str, str]:
    return dict(Matter.objects.filter(code__in=list(codes)).values_list("code", "name"))


def _options(codes) -> list[Option]:
    codes = list(codes)
    names = _names(codes)
    return [Option(code, names.get(code, code)) for code in codes]


def decides_submission(actor: Actor, pending: Decision, ctx: Context) -> bool:
    """Whether the reader is the submission's decider (or a leader on its path still ahead):
    the case page then offers the decision among the four ways of the oversight section, not
    as a bare decision."""
    held = review.holders(actor, pending, ctx)
    ahead = [s for s in pending.path[pending.step :] if s["holder"] in held]
    if any(s["power"] == Power.DECIDE or s["holder"] in review.LEADERS for s in ahead):
        return True
    return engine.authorize(actor, pending.matter.code, ctx, Power.DECIDE).allowed


def quota_prosecutors(case: Case, day: datetime.date | None = None):
    """Who may sit in a joint meeting on the case: its procuratorate's quota prosecutors."""
    from procuracy.people.models import Category, Staff

    day = day or today()
    return (
        Staff.objects.employed_on(day)
        .in_quota_on(day)
        .filter(procuratorate=case.procuratorate, category=Category.PROSECUTOR)
        .order_by("pinyin", "id")
    )


# ---- reading one row, within the reader's scope --------------------------------------------


def submission_for(actor: Actor, pk: int, channel: str = "page") -> Decision:
    """A decision of a case the actor may read (Decision.DoesNotExist otherwise, as for none);
    a read of a sealed case is recorded."""
    case_id = Decision.objects.filter(pk=pk).values_list("case_id", flat=True).get()
    case = _readable(actor, case_id, channel)
    decision = case.decisions.select_related("matter", "overrides__matter").get(pk=pk)
    decision.case = case
    return decision


def _readable(actor: Actor, case_id: int, channel: str) -> Case:
    try:
        return cases.case_for(actor, case_id, channel=channel)
    except Case.DoesNotExist:
        raise Decision.DoesNotExist from None


def objection_for(actor: Actor, pk: int, channel: str = "page") -> Objection:
    objection = Objection.objects.select_related("decision").get(pk=pk)
    try:
        decision = submission_for(actor, objection.decision_id, channel)
    except Decision.DoesNotExist:
        raise Objection.DoesNotExist from None
    objection.decision = decision
    return objection


def joint_opinion_for(actor: Actor, pk: int) -> JointOpinion:
    """A joint meeting's opinion, for those who sat in the meeting (who may not otherwise
    read the case: they were asked for their opinions, and sign their own) or for a reader of
    the case."""
    opinion = JointOpinion.objects.select_related(
        "participant",
        "meeting__convened_by",
        "meeting__decision__matter",
        "meeting__decision__case",
    ).get(pk=pk)
    staff = actor.staff.pk if actor.staff is not None else None
    sat = staff is not None and (
        staff == opinion.meeting.convened_by_id
        or opinion.meeting.opinions.filter(participant_id=staff).exists()
    )
    if not sat and not actor.is_system:
        readable = Case.objects.filter(cases.readable_q(actor), pk=opinion.meeting.decision.case_id)
        if not readable.exists():
            raise JointOpinion.DoesNotExist
    return opinion


def case_readable(actor: Actor, case: Case) -> bool:
    return actor.is_system or Case.objects.filter(cases.readable_q(actor), pk=case.pk).exists()


# ---- the oversight tasks of a person (待办) -------------------------------------------------


@dataclass
class Tasks:
    """The oversight lists of one person's desk; each row carries its case (and matter), so a
    template or serializer reads them without a query."""

    to_review: list[Decision] = field(default_factory=list)
    to_decide: list[Decision] = field(default_factory=list)
    under_review: list[Decision] = field(default_factory=list)  # theirs once reviewed below
    to_reexamine: list[Decision] = field(default_factory=list)
    to_execute: list[Decision] = field(default_factory=list)
    objected: list[Decision] = field(default_factory=list)  # waiting for the answer
    objections: list[Objection] = field(default_factory=list)  # to answer
    to_sign: list[JointOpinion] = field(default_factory=list)
    to_agenda: list[Decision] = field(default_factory=list)
    reports_to_file: list = field(default_factory=list)
    reports_to_read: list = field(default_factory=list)
    to_comply: list = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


# The lists that are tasks waiting on the person (the desk's 待办事项 counts them).
TASK_LISTS = (
    "to_review",
    "to_decide",
    "to_reexamine",
    "to_execute",
    "objections",
    "to_sign",
    "to_agenda",
    "reports_to_file",
    "reports_to_read",
    "to_comply",
)

CASE_RELATED = ("case__procuratorate", "case__case_type", "case__business_line")


def _take(qs: QuerySet, limit: int = LIMIT) -> tuple[list, int]:
    rows = list(qs[:limit])
    return rows, (len(rows) if len(rows) < limit else qs.count())


def _places(actor: Actor, kinds=None) -> set[int]:
    found = {h.procuratorate_id for h in actor.positions if kinds is None or h.kind in kinds}
    if kinds is None and actor.staff is not None:
        found.add(actor.staff.procuratorate_id)
    return found


def tasks(actor: Actor, day: datetime.date | None = None) -> Tasks:
    """The oversight tasks waiting on `actor`: submissions at their review or decide step,
    re-examinations, binding decisions to carry out, objections to answer, joint opinions to
    sign, referred submissions for the committee's agenda, reports and instructions."""
    from procuracy.oversight import instructions

    day = day or today()
    found = Tasks()
    if actor.staff is None:
        return found
    readable = Case.objects.filter(cases.readable_q(actor))
    handled = Case.objects.filter(cases.handled_q(actor, day))
    places = _places(actor)
    decisions = Decision.objects.select_related(*CASE_RELATED, "matter", "proposed_by")
    pending = list(
        decisions.filter(
            status=DecisionStatus.PENDING, case__procuratorate_id__in=places, case__in=readable
        ).order_by("proposed_at", "id")
    )
    returned = list(
        decisions.filter(status=DecisionStatus.REEXAMINING, case__in=handled).order_by(
            "proposed_at", "id"
        )[:LIMIT]
    )
    binding = list(
        decisions.filter(
            status=DecisionStatus.MADE,
            binding=True,
            executed_at__isnull=True,
            case__status=CaseStatus.EXECUTING,
            case__in=handled,
        )
        .select_related("decided_by", "overrides__matter")
        .prefetch_related("objections")
        .order_by("decided_at", "id")[:LIMIT]
    )
    objections = list(
        Objection.objects.filter(
            answered_at__isnull=True,
            decision__case__procuratorate_id__in=places,
            decision__case__in=readable,
        )
        .select_related(
            *(f"decision__{r}" for r in CASE_RELATED),
            "decision__matter",
            "decision__proposed_by",
            "filed_by",
        )
        .order_by("filed_at", "id")
    )
    every = [d.case for d in (*pending, *returned, *binding)] + [
        o.decision.case for o in objections
    ]
    ctx = lifecycle.contexts_of(list({c.pk: c for c in every}.values()), day)
    _sort_pending(actor, pending, ctx, found)
    found.to_reexamine = [
        d
        for d in returned
        if engine.authorize(actor, review.ANSWER_REEXAMINATION, ctx[d.case_id]).allowed
    ]
    for d in binding:
        if not engine.authorize(actor, lifecycle.EXECUTE, ctx[d.case_id]).allowed:
            continue
        d.objection = next(iter(d.objections.all()), None)  # type: ignore[attr-defined]
        waiting = d.objection is not None and d.objection.answered_at is None  # type: ignore[attr-defined]
        (found.objected if waiting else found.to_execute).append(d)
    found.objections = [
        o
        for o in objections
        if engine.authorize(
            actor, o.decision.matter.code, ctx[o.decision.case_id], Power.DECIDE
        ).allowed
    ][:LIMIT]
    found.to_sign, found.counts["to_sign"] = _take(
        JointOpinion.objects.filter(participant=actor.staff, signed_at__isnull=True)
        .select_related(
            "meeting__convened_by",
            "meeting__decision__matter",
            *(f"meeting__decision__{r}" for r in CASE_RELATED),
        )
        .order_by("meeting__held_at", "id")
    )
    found.to_agenda, found.counts["to_agenda"] = _take(_to_agenda(actor, decisions))
    found.reports_to_file, found.counts["reports_to_file"] = _take(
        instructions.reports_to_file(actor)
    )
    found.reports_to_read, found.counts["reports_to_read"] = _take(
        instructions.reports_to_read(actor)
    )
    found.to_comply, found.counts["to_comply"] = _take(instructions.instructions_to_comply(actor))
    reports = [*found.reports_to_file, *found.reports_to_read]
    prefetch_related_objects(reports, "case__case_type", "case__business_line")
    for report in reports:
        report.flag_text = cases.flag_labels(report.flags)
    for d in found.to_reexamine:
        d.waiting_at = _("承办检察官复核")  # type: ignore[attr-defined]
    for d in found.to_agenda:
        d.waiting_at = _("检察委员会决定")  # type: ignore[attr-defined]
    for name in ("to_review", "to_decide", "under_review", "to_reexamine", "to_execute"):
        found.counts.setdefault(name, len(getattr(found, name)))
    found.counts["objected"] = len(found.objected)
    found.counts["objections"] = len(found.objections)
    return found


def _sort_pending(actor: Actor, pending: list[Decision], ctx: dict, found: Tasks) -> None:
    """Each pending submission at the reader's review step, at their decision (the reviews
    below done), or theirs to decide once those are done."""
    for d in pending:
        context = ctx[d.case_id]
        step = review.step_of(d)
        d.waiting_at = review.whose(step)  # type: ignore[attr-defined]
        held = review.holders(actor, d, context)
        if step is not None and step["holder"] in held and step["power"] == Power.REVIEW:
            if engine.authorize(actor, d.matter.code, context, Power.REVIEW).allowed:
                found.to_review.append(d)
            continue
        if not engine.authorize(actor, d.matter.code, context, Power.DECIDE).allowed:
            continue
        try:
            lifecycle.check_reviewed(d, actor, context)
        except RuleViolation:
            found.under_review.append(d)
        else:
            found.to_decide.append(d)
    found.counts["to_review"] = len(found.to_review)
    found.counts["to_decide"] = len(found.to_decide)
    found.counts["under_review"] = len(found.under_review)
    found.to_review = found.to_review[:LIMIT]
    found.to_decide = found.to_decide[:LIMIT]
    found.under_review = found.under_review[:LIMIT]


def _to_agenda(actor: Actor, decisions: QuerySet[Decision]) -> QuerySet[Decision]:
    """Submissions referred to the committee and on no meeting's agenda yet (or only on
    rejected items), for the chief (who sets the committee's agenda) of their procuratorate:
    what procuracy.oversight.committee.referred_submissions offers the agenda."""
    chiefs = _places(actor, CHIEF_POSTS)
    listed = (
        AgendaItem.objects.exclude(status=ItemStatus.REJECTED)
        .filter(submission__isnull=False)
        .values("submission_id")
    )
    return (
        decisions.filter(status=DecisionStatus.REFERRED, case__procuratorate_id__in=chiefs)
        .exclude(pk__in=listed)
        .order_by("proposed_at", "id")
    )
