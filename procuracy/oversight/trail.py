"""The responsibility trail (责任链条) of a decision: every step from the handlers' submission
to its execution — who proposed, reviewed, deliberated, decided and carried it out, in which
post that day, under which power-list item, delegation or default power, with the
instructions, objections and votes on the way — each with the ledger entry that recorded it.
The trail page, the API and `procuracy trail` read it here; error accountability stands on it.

A trail follows a decision's lineage: the decisions joined to it by a direct decision that
overrode it, a re-examination that proposed another matter, a changed answer to an
objection, or a committee item and its referral upward. A case's trails are read together,
in the same fixed number of queries however many steps they hold.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procuracy.cases import selectors as cases
from procuracy.cases.models import Case, Decision, DecisionStatus
from procuracy.core.actors import Actor
from procuracy.core.models import Act, day_of
from procuracy.core.templatetags.ui import act_label
from procuracy.ledger.selectors import visibility_q
from procuracy.oversight.models import (
    AgendaItem,
    Attendance,
    Instruction,
    ItemStatus,
    JointMeeting,
    JointOpinion,
    Objection,
    Position,
    Referral,
    Report,
    Review,
    ReviewKind,
    Vote,
)
from procuracy.powers.models import Holder, Power

# What a step is, in the order steps recorded at the same moment are told.
STEP_LABELS = {
    "instruction": gettext_lazy("指令"),
    "report_filed": gettext_lazy("向检察长报告"),
    "report_read": gettext_lazy("检察长阅示"),
    "reexamined": gettext_lazy("复核"),
    "proposed": gettext_lazy("报请"),
    "joint_meeting": gettext_lazy("检察官联席会议"),
    "reviewed": gettext_lazy("审核"),
    "reexamination_ordered": gettext_lazy("要求复核"),
    "referred_to_committee": gettext_lazy("提请检察委员会讨论"),
    "committee": gettext_lazy("检察委员会审议"),
    "referred_to_higher": gettext_lazy("报请上级决定"),
    "higher_answered": gettext_lazy("上级答复"),
    "objection_filed": gettext_lazy("书面异议"),
    "objection_answered": gettext_lazy("异议答复"),
    "decided": gettext_lazy("决定"),
    "instruction_complied": gettext_lazy("指令执行情况"),
    "executed": gettext_lazy("执行"),
}
ORDER = {kind: n for n, kind in enumerate(STEP_LABELS)}

# The acts of the cases app that write a decision, told apart on the decision's own record.
SUBMITTED, DECIDED, EXECUTED = "cases.submitted", "cases.decided", "cases.executed"

# ---- what a trail holds ------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    role: str  # the posts held that day: 检察长 / 部门负责人(第一检察部) / 独任检察官


@dataclass(frozen=True)
class Entry:
    """The ledger entry that recorded a step: its number, kind, time, and whether the reader
    may open it (an entry is as visible as the record it describes)."""

    seq: int
    kind: str
    label: str
    occurred_at: datetime.datetime
    readable: bool


@dataclass(frozen=True)
class DecisionRef:
    id: int
    matter: str
    matter_name: str
    status: str
    status_label: str


@dataclass(frozen=True)
class Basis:
    """What a decision was made under: a power-list item (its list, version, number and
    code), a chief's written delegation, the chief's default power over an unlisted matter,
    or the body that made it; `sentence` is the power list's own words."""

    kind: str  # item, delegation, default, committee, higher; "" when not known
    kind_label: str
    sentence: str
    item_id: int | None = None
    list_title: str = ""
    version: int | None = None
    item_number: int | None = None
    item_code: str = ""
    holder_label: str = ""
    power_label: str = ""
    legal_basis: str = ""
    delegation_id: int | None = None
    document_no: str = ""
    delegator: str = ""
    instruction: str = ""


@dataclass(frozen=True)
class Opinion:
    """A joint-meeting participant's signed opinion, or a committee member's vote."""

    person: Person
    position: str  # for, against, abstain
    position_label: str
    opinion: str
    at: datetime.datetime | None  # signed or cast; None while unsigned
    entry: Entry | None


@dataclass(frozen=True)
class Attendee:
    person: Person
    present: bool
    note: str


@dataclass(frozen=True)
class Tally:
    """The count against all members (组织法 Art 33: a majority of all members decides)."""

    members: int
    present: int
    quorum: bool  # more than half the members present
    votes_for: int
    votes_against: int
    abstentions: int
    needed: int
    adopted: bool


@dataclass(frozen=True)
class Committee:
    meeting_id: int
    year: int
    number: int
    held_at: datetime.datetime
    chair: Person
    entrustment: str
    presenter: Person
    title: str
    report: str
    status: str
    status_label: str
    resolution: str
    attendance: list[Attendee]
    tally: Tally
    opened: Entry | None  # the act that recorded the attendance when the meeting opened


@dataclass(frozen=True)
class InstructionFacts:
    id: int
    kind: str
    kind_label: str
    document_no: str
    issuer: str
    recipient: str
    staff: str  # the person called up, for a call-up


@dataclass
class Step:
    kind: str
    label: str
    at: datetime.datetime
    decision: DecisionRef | None
    actor: Person | None
    text: str = ""
    note: str = ""  # a second text: minutes, a disagreement with an instruction
    outcome: str = ""  # agree, disagree, kept, changed, maintain, change, item status …
    outcome_label: str = ""
    holder: str = ""  # the step of the path it was taken at
    holder_label: str = ""
    body: str = ""  # committee or higher, for a decision not made by one person
    body_label: str = ""
    basis: Basis | None = None
    binding: bool | None = None
    overrides: DecisionRef | None = None
    supersedes: list[DecisionRef] = field(default_factory=list)
    leads_to: DecisionRef | None = None  # the decision it put in place of this one
    opinions: list[Opinion] = field(default_factory=list)
    committee: Committee | None = None
    instruction: InstructionFacts | None = None
    entry: Entry | None = None


@dataclass
class Trail:
    """One decision's trail: the decision that stands (the last of its lineage), every
    decision of the lineage oldest first, and the steps in time order."""

    case_id: int
    case_number: str
    decision: DecisionRef | None
    decisions: list[DecisionRef]
    steps: list[Step]
    summary: dict[str, list[Person]] = field(default_factory=dict)
    basis: Basis | None = None  # what the decision that stands was made under
    body: str = ""  # committee or higher, when a body made it
    body_label: str = ""


# ---- reading them ------------------------------------------------------------------------


def case_trails(actor: Actor, case: Case) -> list[Trail]:
    """The trail of every decision of a case the actor has been let read (through
    cases.selectors.case_for, the door every reader of a case goes through), oldest first."""
    return _Reader(actor, case).trails()


def decision_trail(actor: Actor, case: Case, decision_id: int) -> Trail:
    """The trail of one decision of `case`; Decision.DoesNotExist when it is not the case's."""
    for trail in case_trails(actor, case):
        if any(d.id == decision_id for d in trail.decisions):
            return trail
    raise Decision.DoesNotExist


def case_of_decision(actor: Actor, pk: int, channel: str = "page") -> Case:
    """The case of decision `pk`, if the actor may read it (a sealed one's read recorded);
    Case.DoesNotExist for a decision that is not there or whose case they may not read."""
    case_id = Decision.objects.filter(pk=pk).values_list("case_id", flat=True).first()
    if case_id is None:
        raise Case.DoesNotExist
    return cases.case_for(actor, case_id, channel)


def as_data(trail: Trail) -> dict:
    """The trail as plain data (for --json): times as ISO 8601."""
    return _plain(asdict(trail))


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    return value


class _Reader:
    """Every row a case's trails stand on, read at once; then the steps built in memory."""

    def __init__(self, actor: Actor, case: Case) -> None:
        self.actor = actor
        self.case = case
        self.decisions = list(
            Decision.objects.filter(case=case)
            .select_related(
                "matter",
                "proposed_by",
                "decided_by",
                "executed_by",
                "item__version__power_list",
                "delegation__delegator",
            )
            .order_by("id")
        )
        self.by_id = {d.pk: d for d in self.decisions}
        self.reviews = list(
            Review.objects.filter(decision__case=case)
            .select_related("reviewer")
            .order_by("reviewed_at", "id")
        )
        opinions = JointOpinion.objects.select_related("participant").order_by("id")
        self.joint_meetings = list(
            JointMeeting.objects.filter(decision__case=case)
            .select_related("convened_by")
            .prefetch_related(Prefetch("opinions", queryset=opinions))
            .order_by("held_at", "id")
        )
        self.objections = list(
            Objection.objects.filter(decision__case=case)
            .select_related("filed_by", "answered_by")
            .order_by("filed_at", "id")
        )
        self.instructions = list(
            Instruction.objects.filter(Q(case=case) | Q(decision__case=case))
            .select_related("issuer", "recipient", "issued_by", "complied_by", "staff")
            .order_by("issued_at", "id")
        )
        self.reports = list(
            Report.objects.filter(case=case)
            .select_related("filed_by", "read_by")
            .order_by("opened_at", "id")
        )
        self.items = self._items()
        self.people = _Posts(case, self._staff())
        self.acts = _Acts(actor, self._rows())

    def _items(self) -> list[AgendaItem]:
        votes = Vote.objects.select_related("member").order_by("id")
        present = Attendance.objects.select_related("member").order_by("id")
        return list(
            AgendaItem.objects.filter(
                Q(case=self.case) | Q(submission__case=self.case) | Q(decision__case=self.case)
            )
            .select_related(
                "meeting__chair",
                "presenter",
                "referral__referred_by",
                "referral__answered_by",
                "referral__decision",
            )
            .prefetch_related(
                Prefetch("votes", queryset=votes),
                Prefetch("meeting__attendance", queryset=present),
            )
            .order_by("meeting__scheduled_for", "order", "id")
        )

    def _staff(self) -> set[int]:
        """Everyone who acts in the trails, for their posts."""
        ids: set[int | None] = set()
        for d in self.decisions:
            ids |= {d.proposed_by_id, d.decided_by_id, d.executed_by_id}
        ids |= {r.reviewer_id for r in self.reviews}
        for m in self.joint_meetings:
            ids.add(m.convened_by_id)
            ids |= {o.participant_id for o in m.opinions.all()}
        for o in self.objections:
            ids |= {o.filed_by_id, o.answered_by_id}
        for i in self.instructions:
            ids |= {i.issued_by_id, i.complied_by_id}
        for report in self.reports:
            ids |= {report.filed_by_id, report.read_by_id}
        for item in self.items:
            ids |= {item.presenter_id, item.meeting.chair_id}
            ids |= {v.member_id for v in item.votes.all()}
            ids |= {a.member_id for a in item.meeting.attendance.all()}
            referral = _referral(item)
            if referral is not None:
                ids |= {referral.referred_by_id, referral.answered_by_id}
        return {i for i in ids if i is not None}

    def _rows(self) -> list:
        """Every ledgered row the steps tell of, for the acts that wrote them."""
        rows: list = [
            *self.decisions,
            *self.reviews,
            *self.objections,
            *self.instructions,
            *self.reports,
        ]
        for m in self.joint_meetings:
            rows += [m, *m.opinions.all()]
        for item in self.items:
            rows += [item, item.meeting, *item.votes.all()]
            referral = _referral(item)
            if referral is not None:
                rows.append(referral)
        return rows

    # ---- the lineages --------------------------------------------------------------------

    def lineages(self) -> list[list[Decision]]:
        """The case's decisions grouped by what joins them, each group oldest first."""
        parent = {pk: pk for pk in self.by_id}

        def find(pk: int) -> int:
            while parent[pk] != pk:
                parent[pk] = parent[parent[pk]]
                pk = parent[pk]
            return pk

        def join(a: int | None, b: int | None) -> None:
            if a in parent and b in parent:
                parent[find(a)] = find(b)  # type: ignore[index]

        for d in self.decisions:
            join(d.pk, d.superseded_by_id)
            join(d.pk, d.overrides_id)
        for o in self.objections:
            join(o.decision_id, o.replaced_by_id)
        for item in self.items:
            join(item.submission_id, item.decision_id)
            referral = _referral(item)
            if referral is not None:
                join(item.submission_id or item.decision_id, referral.decision_id)
        groups: dict[int, list[Decision]] = defaultdict(list)
        for d in self.decisions:
            groups[find(d.pk)].append(d)
        return sorted(groups.values(), key=lambda ds: ds[0].pk)

    def trails(self) -> list[Trail]:
        lineages = self.lineages()
        if not lineages:
            steps = self._case_steps(set())
            return [self._trail([], steps)] if steps else []
        return [self._trail(ds, self._steps(ds)) for ds in lineages]

    def _trail(self, lineage: list[Decision], steps: list[Step]) -> Trail:
        steps.sort(key=lambda s: (s.at, ORDER[s.kind], s.entry.seq if s.entry else 0))
        standing = [d for d in lineage if d.status != DecisionStatus.SUPERSEDED] or lineage
        last = standing[-1] if standing else None
        return Trail(
            case_id=self.case.pk,
            case_number=self.case.number,
            decision=_ref(last) if last else None,
            decisions=[_ref(d) for d in lineage],
            steps=steps,
            summary=_summary(steps),
            basis=_basis(last) if last is not None and last.decided_at else None,
            body=last.body if last is not None else "",
            body_label=last.get_body_display() if last is not None and last.body else "",
        )

    # ---- the steps -----------------------------------------------------------------------

    def _steps(self, lineage: list[Decision]) -> list[Step]:
        ids = {d.pk for d in lineage}
        steps: list[Step] = []
        for d in lineage:
            steps += self._decision_steps(d, lineage)
        for r in self.reviews:
            if r.decision_id in ids:
                steps.append(self._review(r))
        for m in self.joint_meetings:
            if m.decision_id in ids:
                steps.append(self._joint_meeting(m))
        for o in self.objections:
            if o.decision_id in ids:
                steps += self._objection(o)
        return steps + self._case_steps(ids)

    def _case_steps(self, ids: set[int]) -> list[Step]:
        """Instructions and committee items on these decisions, or on the case and none of
        its decisions in particular, and the case's reports to the chief (those belong to
        every trail of the case)."""
        steps: list[Step] = []
        for report in self.reports:
            steps += self._report(report)
        for i in self.instructions:
            if i.decision_id is None or i.decision_id in ids:
                steps += self._instruction(i)
        for item in self.items:
            linked = {item.submission_id, item.decision_id} - {None}
            if linked & ids or not (linked & set(self.by_id)):
                steps += self._committee(item)
        return steps

    def person(self, staff, at: datetime.datetime | None) -> Person:
        return Person(staff.pk, staff.name, self.people.role(staff, at))

    def someone(self, staff, at: datetime.datetime | None) -> Person | None:
        """The person, when there is one (a decision not yet decided has no decider)."""
        return None if staff is None else self.person(staff, at)

    def _decision_steps(self, d: Decision, lineage: list[Decision]) -> list[Step]:
        ref = _ref(d)
        steps: list[Step] = []
        proposal, decision = self._reasoning(d)
        if d.proposed_by_id and d.proposed_at:
            entry = self.acts.of(d, kind=SUBMITTED) or self._resubmission(d, lineage)
            steps.append(
                Step(
                    kind="proposed",
                    label=str(STEP_LABELS["proposed"]),
                    at=d.proposed_at,
                    decision=ref,
                    actor=self.person(d.proposed_by, d.proposed_at),
                    text=proposal,
                    note=_path_text(d.path),
                    entry=entry,
                )
            )
        if d.decided_at is not None:
            steps.append(self._decided(d, lineage, decision))
        if d.executed_at is not None:
            steps.append(
                Step(
                    kind="executed",
                    label=str(STEP_LABELS["executed"]),
                    at=d.executed_at,
                    decision=ref,
                    actor=self.someone(d.executed_by, d.executed_at),
                    entry=self.acts.of(d, kind=EXECUTED),
                )
            )
        return steps

    def _resubmission(self, d: Decision, lineage: list[Decision]) -> Entry | None:
        """A proposal put in place of another at a re-examination: the re-examination's entry."""
        for old in lineage:
            if old.superseded_by_id == d.pk:
                for r in self.reviews:
                    if r.decision_id == old.pk and r.kind == ReviewKind.REEXAMINED:
                        return self.acts.of(r, r.reviewed_at)
        return None

    def _reasoning(self, d: Decision) -> tuple[str, str]:
        """The proposal's reasoning and the decider's. A submission decided as proposed keeps
        both in one text, the decider's after a line break (lifecycle.make_decision): split
        off the words the committee or the higher procuratorate resolved, or else the last
        line."""
        if not (d.proposed_by_id and d.decided_at):
            return d.reasoning, d.reasoning
        known = [i.resolution for i in self.items if i.decision_id == d.pk]
        known += [r.answer for i in self.items if (r := _referral(i)) and r.decision_id == d.pk]
        for words in known:
            words = words.strip()
            if words and d.reasoning.endswith("\n" + words):
                return d.reasoning[: -len(words) - 1], words
        if "\n" in d.reasoning:
            proposal, decision = d.reasoning.rsplit("\n", 1)
            return proposal, decision
        return d.reasoning, ""

    def _decided(self, d: Decision, lineage: list[Decision], reasoning: str) -> Step:
        assert d.decided_at is not None
        return Step(
            kind="decided",
            label=str(STEP_LABELS["decided"]),
            at=d.decided_at,
            decision=_ref(d),
            actor=self.someone(d.decided_by, d.decided_at),
            text=reasoning,
            body=d.body,
            body_label=d.get_body_display() if d.body else "",
            basis=_basis(d),
            binding=d.binding,
            overrides=_ref(self.by_id[d.overrides_id]) if d.overrides_id in self.by_id else None,
            supersedes=[
                _ref(old)
                for old in lineage
                if old.superseded_by_id == d.pk and old.pk != d.overrides_id
            ],
            entry=self.acts.of(d, kind=DECIDED),
        )

    def _review(self, r: Review) -> Step:
        d = self.by_id[r.decision_id]
        kind = {
            ReviewKind.AGREE: "reviewed",
            ReviewKind.DISAGREE: "reviewed",
            ReviewKind.REEXAMINE: "reexamination_ordered",
            ReviewKind.REEXAMINED: "reexamined",
            ReviewKind.REFER: "referred_to_committee",
        }[ReviewKind(r.kind)]
        outcome, label = r.kind, r.get_kind_display()
        leads_to = None
        if r.kind == ReviewKind.REEXAMINED:
            fresh = self.by_id.get(d.superseded_by_id) if d.superseded_by_id else None
            if fresh is not None and fresh.proposed_at == r.reviewed_at:
                outcome, label, leads_to = "changed", _("改为报请另一事项"), _ref(fresh)
            else:
                outcome, label = "kept", _("维持原报请")
        return Step(
            kind=kind,
            label=str(STEP_LABELS[kind]),
            at=r.reviewed_at,
            decision=_ref(d),
            actor=self.person(r.reviewer, r.reviewed_at),
            text=r.opinion,
            note=_("已听取检察官联席会议意见") if r.joint_meeting_id else "",
            outcome=outcome,
            outcome_label=str(label),
            holder=r.holder,
            holder_label=str(Holder(r.holder).label) if r.holder in Holder.values else r.holder,
            leads_to=leads_to,
            entry=self.acts.of(r, r.reviewed_at),
        )

    def _joint_meeting(self, m: JointMeeting) -> Step:
        opinions = [
            Opinion(
                person=self.person(o.participant, o.signed_at or m.held_at),
                position=o.position,
                position_label=o.get_position_display(),
                opinion=o.opinion,
                at=o.signed_at,
                entry=self.acts.of(o, o.signed_at) if o.signed_at else None,
            )
            for o in m.opinions.all()
        ]
        return Step(
            kind="joint_meeting",
            label=str(STEP_LABELS["joint_meeting"]),
            at=m.held_at,
            decision=_ref(self.by_id[m.decision_id]),
            actor=self.person(m.convened_by, m.held_at),
            text=m.question,
            note=m.minutes,
            opinions=opinions,
            entry=self.acts.of(m, m.held_at),
        )

    def _objection(self, o: Objection) -> list[Step]:
        d = _ref(self.by_id[o.decision_id])
        steps = [
            Step(
                kind="objection_filed",
                label=str(STEP_LABELS["objection_filed"]),
                at=o.filed_at,
                decision=d,
                actor=self.person(o.filed_by, o.filed_at),
                text=o.text,
                entry=self.acts.of(o, o.filed_at),
            )
        ]
        if o.answered_at is not None:
            replaced = self.by_id.get(o.replaced_by_id) if o.replaced_by_id else None
            steps.append(
                Step(
                    kind="objection_answered",
                    label=str(STEP_LABELS["objection_answered"]),
                    at=o.answered_at,
                    decision=d,
                    actor=self.someone(o.answered_by, o.answered_at),
                    text=o.answer_text,
                    outcome=o.answer,
                    outcome_label=o.get_answer_display(),
                    leads_to=_ref(replaced) if replaced else None,
                    entry=self.acts.of(o, o.answered_at),
                )
            )
        return steps

    def _instruction(self, i: Instruction) -> list[Step]:
        d = _ref(self.by_id[i.decision_id]) if i.decision_id in self.by_id else None
        facts = InstructionFacts(
            id=i.pk,
            kind=i.kind,
            kind_label=i.get_kind_display(),
            document_no=i.document_no,
            issuer=i.issuer.name,
            recipient=i.recipient.name,
            staff=i.staff.name if i.staff else "",
        )
        steps = [
            Step(
                kind="instruction",
                label=str(STEP_LABELS["instruction"]),
                at=i.issued_at,
                decision=d,
                actor=self.person(i.issued_by, i.issued_at),
                text=i.text,
                outcome=i.kind,
                outcome_label=i.get_kind_display(),
                instruction=facts,
                entry=self.acts.of(i, i.issued_at),
            )
        ]
        if i.complied_at is not None:
            steps.append(
                Step(
                    kind="instruction_complied",
                    label=str(STEP_LABELS["instruction_complied"]),
                    at=i.complied_at,
                    decision=d,
                    actor=self.someone(i.complied_by, i.complied_at),
                    text=i.compliance,
                    note=i.disagreement,
                    instruction=facts,
                    entry=self.acts.of(i, i.complied_at),
                )
            )
        return steps

    def _report(self, report: Report) -> list[Step]:
        """A flagged case's report to the chief (规则 Art 4), and the chief's comment on it."""
        steps = []
        if report.filed_at is not None:
            steps.append(
                Step(
                    kind="report_filed",
                    label=str(STEP_LABELS["report_filed"]),
                    at=report.filed_at,
                    decision=None,
                    actor=self.someone(report.filed_by, report.filed_at),
                    text=report.text,
                    note=cases.flag_labels(report.flags),
                    entry=self.acts.of(report, report.filed_at),
                )
            )
        if report.read_at is not None:
            steps.append(
                Step(
                    kind="report_read",
                    label=str(STEP_LABELS["report_read"]),
                    at=report.read_at,
                    decision=None,
                    actor=self.someone(report.read_by, report.read_at),
                    text=report.comment,
                    entry=self.acts.of(report, report.read_at),
                )
            )
        return steps

    def _committee(self, item: AgendaItem) -> list[Step]:
        meeting = item.meeting
        votes = list(item.votes.all())
        held = meeting.opened_at or meeting.scheduled_for
        referral = _referral(item)
        at = self._resolved_at(item, referral) or max([held, *(v.cast_at for v in votes)])
        d = self.by_id.get(item.submission_id or item.decision_id or 0)
        opinions = [
            Opinion(
                person=self.person(v.member, v.cast_at),
                position=v.choice,
                position_label=v.get_choice_display(),
                opinion=v.opinion,
                at=v.cast_at,
                entry=self.acts.of(v, v.cast_at),
            )
            for v in votes
        ]
        attendance = [
            Attendee(self.person(a.member, held), a.present, a.note)
            for a in meeting.attendance.all()
        ]
        committee = Committee(
            meeting_id=meeting.pk,
            year=meeting.year,
            number=meeting.number,
            held_at=held,
            chair=self.person(meeting.chair, held),
            entrustment=meeting.entrustment,
            presenter=self.person(item.presenter, held),
            title=item.title,
            report=item.report,
            status=item.status,
            status_label=item.get_status_display(),
            resolution=item.resolution,
            attendance=attendance,
            tally=_tally(meeting.members, attendance, votes, item),
            opened=self.acts.of(meeting, meeting.opened_at) if meeting.opened_at else None,
        )
        steps = [
            Step(
                kind="committee",
                label=str(STEP_LABELS["committee"]),
                at=at,
                decision=_ref(d) if d else None,
                actor=committee.chair,
                text=item.resolution,
                outcome=item.status,
                outcome_label=item.get_status_display(),
                body="committee",
                body_label=str(Holder.COMMITTEE.label),
                opinions=opinions,
                committee=committee,
                leads_to=_ref(self.by_id[item.decision_id])
                if item.decision_id in self.by_id and item.decision_id != (d and d.pk)
                else None,
                entry=self.acts.of(item, at),
            )
        ]
        if referral is not None:
            steps += self._referral(referral, item, d)
        return steps

    def _resolved_at(self, item: AgendaItem, referral: Referral | None) -> datetime.datetime | None:
        """When the item's result was announced: its decision's time, its referral's, or
        (rejected) that of the last act about it."""
        if item.status == ItemStatus.LISTED:
            return None
        formed = self.by_id.get(item.decision_id) if item.decision_id else None
        if formed is not None and formed.decided_at is not None:
            return formed.decided_at
        if referral is not None:
            return referral.referred_at
        about = self.acts.about(item)
        return about[-1].occurred_at if about else None

    def _referral(self, r: Referral, item: AgendaItem, d: Decision | None) -> list[Step]:
        ref = _ref(d) if d else None
        steps = [
            Step(
                kind="referred_to_higher",
                label=str(STEP_LABELS["referred_to_higher"]),
                at=r.referred_at,
                decision=ref,
                actor=self.person(r.referred_by, r.referred_at),
                text=r.reasoning,
                outcome=r.to,
                outcome_label=r.get_to_display(),
                body="higher",
                entry=self.acts.of(r, r.referred_at, also=(item,)),
            )
        ]
        if r.answered_at is not None:
            answer = r.decision
            steps.append(
                Step(
                    kind="higher_answered",
                    label=str(STEP_LABELS["higher_answered"]),
                    at=r.answered_at,
                    decision=ref,
                    actor=self.someone(r.answered_by, r.answered_at),
                    text=r.answer,
                    body="higher",
                    leads_to=_ref(answer) if answer is not None else None,
                    entry=self.acts.of(r, r.answered_at),
                )
            )
        return steps


# ---- pieces ------------------------------------------------------------------------------


def _referral(item: AgendaItem) -> Referral | None:
    try:
        return item.referral
    except Referral.DoesNotExist:
        return None


def _ref(d: Decision) -> DecisionRef:
    return DecisionRef(d.pk, d.matter.code, d.matter.name, d.status, d.get_status_display())


def _path_text(path: list) -> str:
    steps = []
    for step in path or []:
        holder, power = step.get("holder"), step.get("power")
        if holder in Holder.values and power in Power.values:
            steps.append(f"{Holder(holder).label}{Power(power).label}")
    return _("报请路径:%(path)s") % {"path": "→".join(steps)} if steps else ""


BASIS_LABELS = {
    "item": gettext_lazy("权力清单"),
    "delegation": gettext_lazy("书面授权"),
    "default": gettext_lazy("检察长对清单未列事项的决定权"),
    "committee": gettext_lazy("检察委员会决定"),
    "higher": gettext_lazy("上一级人民检察院决定"),
    "": gettext_lazy("未载明"),
}


def _basis(d: Decision) -> Basis:
    item, grant = d.item, d.delegation
    if item is not None:
        version = item.version
        return Basis(
            kind="item",
            kind_label=str(BASIS_LABELS["item"]),
            sentence=d.basis,
            item_id=item.pk,
            list_title=version.power_list.title,
            version=version.number,
            item_number=item.number,
            item_code=item.code,
            holder_label=item.get_holder_display(),
            power_label=item.get_power_display(),
            legal_basis=item.legal_basis,
        )
    if grant is not None:
        return Basis(
            kind="delegation",
            kind_label=str(BASIS_LABELS["delegation"]),
            sentence=d.basis,
            delegation_id=grant.pk,
            document_no=grant.document_no,
            delegator=grant.delegator.name,
            instruction=grant.instruction,
        )
    kind = d.body or ("default" if d.basis else "")
    return Basis(kind=kind, kind_label=str(BASIS_LABELS[kind]), sentence=d.basis)


def _tally(members: int, attendance: list[Attendee], votes: list, item: AgendaItem) -> Tally:
    present = sum(a.present for a in attendance)
    if votes:
        count = {p: sum(v.choice == p for v in votes) for p in Position.values}
        yes, no, abstain = count["for"], count["against"], count["abstain"]
    else:
        yes, no, abstain = item.votes_for, item.votes_against, item.abstentions
    needed = members // 2 + 1
    return Tally(
        members=members,
        present=present,
        quorum=members > 0 and present * 2 > members,
        votes_for=yes,
        votes_against=no,
        abstentions=abstain,
        needed=needed,
        adopted=members > 0 and yes >= needed,
    )


SUMMARY = {
    "proposed": "proposed",
    "reexamined": "proposed",
    "reviewed": "reviewed",
    "reexamination_ordered": "reviewed",
    "referred_to_committee": "reviewed",
    "decided": "decided",
    "objection_filed": "objected",
    "objection_answered": "decided",
    "instruction": "instructed",
    "executed": "executed",
}


def _summary(steps: list[Step]) -> dict[str, list[Person]]:
    """Who proposed, reviewed, decided, objected, instructed and carried out, each once."""
    found: dict[str, list[Person]] = {key: [] for key in dict.fromkeys(SUMMARY.values())}
    for step in steps:
        key = SUMMARY.get(step.kind)
        if key and step.actor and all(p.id != step.actor.id for p in found[key]):
            found[key].append(step.actor)
    return found


class _Posts:
    """Who held which post on a day: their positions anywhere, and their places in the
    organisations the case was assigned to — read once for everyone in the trails."""

    def __init__(self, case: Case, staff: set[int]) -> None:
        from procuracy.assignment.models import Assignment
        from procuracy.caseorgs.models import Membership
        from procuracy.people.models import Position as Post

        self.case = case
        self.posts: dict[int, list] = defaultdict(list)
        for post in Post.objects.filter(staff_id__in=staff).select_related(
            "procuratorate", "department"
        ):
            self.posts[post.staff_id].append(post)
        self.places: dict[int, list] = defaultdict(list)
        orgs = Assignment.objects.filter(case=case).values("org_id")
        for place in Membership.objects.filter(staff_id__in=staff, org_id__in=orgs):
            self.places[place.staff_id].append(place)

    def role(self, staff, at: datetime.datetime | None) -> str:
        day = day_of(at)
        labels: list[str] = []
        for post in self.posts.get(staff.pk, []):
            if post.holds_on(day):
                label = post.get_kind_display()
                if post.procuratorate_id != self.case.procuratorate_id:
                    label = post.procuratorate.short_name + label
                if post.department is not None:
                    label += _("(%(department)s)") % {"department": post.department.name}
                labels.append(label)
        for place in self.places.get(staff.pk, []):
            if place.holds_on(day):
                labels.append(place.get_role_display())
        if not labels:
            labels.append(staff.get_category_display())
        return "、".join(dict.fromkeys(labels))


class _Acts:
    """The acts that recorded the trails' rows, in one query: those about each row (its
    subject), and the one that last wrote it (its ledger_seq), whatever it was about."""

    def __init__(self, actor: Actor, rows: list) -> None:
        ids: dict[str, set[int]] = defaultdict(set)
        seqs: set[int] = set()
        for row in rows:
            ids[row._meta.label_lower].add(row.pk)
            if row.ledger_seq is not None:
                seqs.add(row.ledger_seq)
        about = Q(seq__in=seqs)
        for label, pks in ids.items():
            about |= Q(subject_type=label, subject_id__in=pks)
        fields = ("seq", "kind", "occurred_at", "subject_type", "subject_id")
        found = list(Act.objects.filter(about).only(*fields).order_by("seq")) if rows else []
        visible = visibility_q(actor)
        readable = set(
            Act.objects.filter(visible, seq__in=[a.seq for a in found]).values_list(
                "seq", flat=True
            )
            if found
            else ()
        )
        self.by_subject: dict[tuple[str, int], list[Entry]] = defaultdict(list)
        self.by_seq: dict[int, Entry] = {}
        for act in found:
            entry = Entry(
                act.seq, act.kind, str(act_label(act.kind)), act.occurred_at, act.seq in readable
            )
            self.by_seq[act.seq] = entry
            if act.subject_id is not None:
                self.by_subject[(act.subject_type, act.subject_id)].append(entry)

    def about(self, row) -> list[Entry]:
        """The acts whose subject is `row`, oldest first."""
        return self.by_subject.get(_key(row), [])

    def of(
        self, row, at: datetime.datetime | None = None, kind: str = "", also: tuple = ()
    ) -> Entry | None:
        """The entry of a step about `row` taken at `at`: of the acts about the row (or about
        the rows `also` names, or the act that last wrote it), the one of `kind` when a kind
        is named (None when there is none); else the one recorded at `at` — a service records
        the act and stamps the rows it writes with one moment; else the first about it."""
        near = [*self.by_subject.get(_key(row), [])]
        for other in also:
            near += self.by_subject.get(_key(other), [])
        written = self.by_seq.get(row.ledger_seq)
        if written is not None and written not in near:
            near.append(written)
        near.sort(key=lambda e: e.seq)
        if kind:
            return next((e for e in near if e.kind == kind), None)
        if at is not None:
            found = next((e for e in near if e.occurred_at == at), None)
            if found is not None:
                return found
        return near[0] if near else None


def _key(row) -> tuple[str, int]:
    return (row._meta.label_lower, row.pk)
