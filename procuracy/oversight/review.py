"""The acts between a handler's submission (报请) and the decision, and after a binding one.

A submission walks the path the power list gave it (cases.Decision.path, `step` the one
acting next): each review step's holder gives an opinion (审核: agree or not, forwarded
either way; a department head may first hear a prosecutors' joint meeting, 规则 Art 6). At
the decider's step a leader who disagrees has exactly three ways (规则 Art 7): order
re-examination (复核), decide directly (cases.lifecycle.decide on another matter, which
binds the handlers), or — the chief — refer it to the committee. Against a leader's binding
decision a handler may object once, in writing; the decider maintains or changes it, and
the handlers carry out what stands (cases.lifecycle.execute). Nothing here lets anyone
close the matter by refusing.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procuracy.cases import lifecycle
from procuracy.cases.models import Case, CaseStatus, Decision, DecisionStatus
from procuracy.core import spine
from procuracy.core.actors import Actor
from procuracy.core.errors import RuleViolation
from procuracy.core.models import day_of, lock_afresh, today
from procuracy.core.permissions import HANDLER, SELF, role_rule
from procuracy.core.spine import record, service
from procuracy.oversight.models import (
    JointMeeting,
    JointOpinion,
    Objection,
    Position,
    Review,
    ReviewKind,
)
from procuracy.people.models import Staff
from procuracy.powers import engine
from procuracy.powers.engine import Context
from procuracy.powers.models import Holder, Matter, Power

REEXAMINE = role_rule(
    "oversight.reexamine",
    gettext_lazy("要求承办检察官复核"),
    {"chief", "acting_chief", "deputy_chief"},
)
REFER = role_rule("oversight.refer", gettext_lazy("提请检察委员会讨论"), {"chief", "acting_chief"})
ANSWER_REEXAMINATION = role_rule(
    "oversight.answer_reexamination", gettext_lazy("提出复核意见"), {HANDLER}
)
OBJECT = role_rule("oversight.object", gettext_lazy("对决定提出书面异议"), {HANDLER})
SIGN = role_rule("oversight.sign_joint_opinion", gettext_lazy("在联席会议意见上签名"), {SELF})

LEADERS = frozenset({Holder.CHIEF, Holder.DEPUTY_CHIEF})


# ---- reading a submission ----------------------------------------------------------------


def _case(kw: dict) -> Case:
    if "decision" in kw:
        return kw["decision"].case
    if "objection" in kw:
        return kw["objection"].decision.case
    return kw["opinion"].meeting.decision.case


def _where(kw: dict):
    return _case(kw).procuratorate


def _context(kw: dict) -> Context:
    return lifecycle.context_of(_case(kw), day_of(kw.get("occurred_at")))


def _matter(kw: dict) -> str:
    return kw["decision"].matter.code


def _objected_matter(kw: dict) -> str:
    return kw["objection"].decision.matter.code


def _text(value: str, field: str, message: str) -> str:
    if not value or not value.strip():
        raise RuleViolation(message, field)
    return value.strip()


def step_of(decision: Decision) -> dict | None:
    """The step of its path a submission waits on: {"holder", "power"}."""
    if decision.step < len(decision.path):
        return decision.path[decision.step]
    return None


def holders(actor: Actor, decision: Decision, ctx: Context) -> frozenset[str]:
    return engine.holders_of(actor, decision.case.procuratorate, ctx.on or today(), ctx)


def in_status(decision: Decision, *statuses: str) -> None:
    if decision.status not in statuses:
        raise RuleViolation(
            _("该报请的状态是“%(status)s”,不能进行此操作。")
            % {"status": decision.get_status_display()},
            "decision",
        )


def _fresh(decision: Decision, *statuses: str) -> None:
    """Lock the submission and its case, and find it in one of `statuses`."""
    lock_afresh(decision.case)
    lock_afresh(decision)
    in_status(decision, *statuses)


def whose(step: dict | None) -> str:
    return engine.step_label(step["holder"], step["power"]) if step else _("无")


# The step checks: the acts below make them on the locked rows; the pages and the desk ask
# them (procuracy.oversight.selectors) to say why an act is not open to the reader.


def check_own_step(actor: Actor, decision: Decision, ctx: Context, power: str) -> dict:
    """The submission waits, pending, at a step the actor holds with `power`: a review
    (审核) or, for a joint meeting, the department head's."""
    in_status(decision, DecisionStatus.PENDING)
    step = step_of(decision)
    if step is None or step["holder"] not in holders(actor, decision, ctx):
        raise RuleViolation(
            _("该报请当前由%(whose)s处理,不在您的环节。") % {"whose": whose(step)}, "decision"
        )
    if step["power"] != power:
        raise RuleViolation(
            _("该报请已到%(step)s环节。") % {"step": engine.step_label(**step)}, "decision"
        )
    return step


def check_joint_meeting(actor: Actor, decision: Decision, ctx: Context) -> None:
    step = check_own_step(actor, decision, ctx, Power.REVIEW)
    if step["holder"] != Holder.DEPARTMENT_HEAD:
        raise RuleViolation(_("检察官联席会议由部门负责人召集。"), "decision")


def check_leaders_step(actor: Actor, decision: Decision, ctx: Context) -> dict:
    """The submission waits, pending, at the chief's or a deputy's step the actor holds, the
    reviews below it done: where a leader who disagrees has three ways (规则 Art 7)."""
    in_status(decision, DecisionStatus.PENDING)
    step = step_of(decision)
    held = holders(actor, decision, ctx)
    if step is None or step["holder"] not in held or step["holder"] not in LEADERS:
        lifecycle.check_reviewed(decision, actor, ctx)
        raise RuleViolation(
            _("该报请当前由%(whose)s处理,不在您的环节。") % {"whose": whose(step)}, "decision"
        )
    return step


def check_refer(actor: Actor, decision: Decision, ctx: Context) -> dict:
    step = check_leaders_step(actor, decision, ctx)
    if step["holder"] != Holder.CHIEF:
        raise RuleViolation(_("提请检察委员会讨论由检察长决定。"), "decision")
    return step


def person(actor: Actor) -> Staff:
    """The staff member acting: each opinion here is someone's own, never the system's."""
    if actor.staff is None:
        raise RuleViolation(_("审核、复核和异议须由工作人员本人办理。"), "actor")
    return actor.staff


def _review_row(
    actor: Actor, decision: Decision, kind: str, opinion: str, holder: str, now, meeting=None
) -> Review:
    return Review.objects.create(
        decision=decision,
        step=decision.step,
        holder=holder,
        kind=kind,
        opinion=opinion,
        reviewer=person(actor),
        reviewed_at=now,
        joint_meeting=meeting,
    )


def _body(decision: Decision, **more) -> dict:
    return {
        "case_id": decision.case_id,
        "case": decision.case.number,
        "decision_id": decision.pk,
        "matter": decision.matter.code,
        **more,
    }


def _forward(decision: Decision) -> None:
    """On to the next step; one that is the committee's waits for its meeting."""
    decision.step += 1
    following = step_of(decision)
    if following is not None and following["holder"] == Holder.COMMITTEE:
        decision.status = DecisionStatus.REFERRED


# ---- review steps ------------------------------------------------------------------------


@service(
    _matter,
    where=_where,
    context=_context,
    among=lifecycle.ALL_MATTERS,
    power=Power.REVIEW,
)
def review(
    *,
    actor: Actor,
    decision: Decision,
    agree: bool,
    opinion: str,
    occurred_at: datetime.datetime | None = None,
) -> Review:
    """A review step's holder gives a written opinion (审核意见) and the submission moves on
    to the next step whatever it says: the one who decides reads it. A step before the
    committee's refers the submission to it."""
    _fresh(decision, DecisionStatus.PENDING)
    step = check_own_step(actor, decision, spine.permitted().context, Power.REVIEW)
    text = _text(opinion, "opinion", _("请写明审核意见。"))
    now = occurred_at or timezone.now()
    meeting = decision.joint_meetings.order_by("-held_at", "-id").first()
    kind = ReviewKind.AGREE if agree else ReviewKind.DISAGREE
    row = _review_row(actor, decision, kind, text, step["holder"], now, meeting)
    _forward(decision)
    decision.save(update_fields=["step", "status"])
    record(
        actor=actor,
        kind="oversight.reviewed",
        subject=row,
        procuratorate=decision.case.procuratorate,
        body=_body(decision, holder=step["holder"], agree=agree, next_step=step_of(decision)),
        occurred_at=now,
        rows=[row, decision],
    )
    return row


@service(
    _matter,
    where=_where,
    context=_context,
    among=lifecycle.ALL_MATTERS,
    power=Power.REVIEW,
)
def hold_joint_meeting(
    *,
    actor: Actor,
    decision: Decision,
    question: str,
    minutes: str,
    opinions: list[tuple],
    occurred_at: datetime.datetime | None = None,
) -> JointMeeting:
    """The reviewing department head records a prosecutors' joint meeting (检察官联席会议) on
    the submission: what was asked, the minutes, and each participant's position and opinion
    (`opinions`: (staff, position, opinion) — quota prosecutors of the procuratorate), which
    each then signs. Its opinions advise; the head still reviews (规则 Art 6)."""
    _fresh(decision, DecisionStatus.PENDING)
    check_joint_meeting(actor, decision, spine.permitted().context)
    asked = _text(question, "question", _("请写明提交联席会议讨论的问题。"))
    written = _text(minutes, "minutes", _("请填写会议记录。"))
    people = _participants(decision, opinions)
    now = occurred_at or timezone.now()
    meeting = JointMeeting.objects.create(
        decision=decision, convened_by=person(actor), held_at=now, question=asked, minutes=written
    )
    rows = [
        JointOpinion(meeting=meeting, participant=staff, position=position, opinion=text)
        for staff, position, text in people
    ]
    JointOpinion.objects.bulk_create(rows)
    record(
        actor=actor,
        kind="oversight.joint_meeting_held",
        subject=meeting,
        procuratorate=decision.case.procuratorate,
        body=_body(
            decision,
            participants=[staff.pk for staff, _p, _t in people],
            positions={p: sum(1 for _s, pos, _t in people if pos == p) for p in Position.values},
        ),
        occurred_at=now,
        rows=[meeting, *rows],
    )
    return meeting


def _participants(decision: Decision, opinions: list[tuple]) -> list[tuple]:
    from procuracy.people.models import QuotaRecord

    if len(opinions) < 2:
        raise RuleViolation(_("检察官联席会议至少应有两名检察官发表意见。"), "opinions")
    day = today()
    seen: set[int] = set()
    found = []
    quota = set(
        QuotaRecord.objects.on(day)
        .filter(staff__in=[o[0] for o in opinions])
        .values_list("staff_id", flat=True)
    )
    for staff, position, text in opinions:
        if staff.pk in seen:
            raise RuleViolation(_("%(name)s 重复列入。") % {"name": staff.name}, "opinions")
        seen.add(staff.pk)
        if staff.procuratorate_id != decision.case.procuratorate_id or staff.pk not in quota:
            raise RuleViolation(
                _("%(name)s 不是本院员额检察官,不能参加检察官联席会议。") % {"name": staff.name},
                "opinions",
            )
        if position not in Position.values:
            raise RuleViolation(_("意见倾向须为同意、不同意或弃权。"), "opinions")
        found.append((staff, position, _text(text, "opinions", _("请写明每位检察官的意见。"))))
    return found


@service(
    SIGN,
    where=_where,
    context=lambda kw: Context(
        procuratorate=_case(kw).procuratorate, person=kw["opinion"].participant_id
    ),
)
def sign_joint_opinion(
    *, actor: Actor, opinion: JointOpinion, occurred_at: datetime.datetime | None = None
) -> JointOpinion:
    """A participant signs their own opinion as recorded (签名): it goes into the file."""
    lock_afresh(opinion)
    if opinion.signed_at is not None:
        raise RuleViolation(_("该意见已经签名。"), "opinion")
    opinion.signed_at = occurred_at or timezone.now()
    opinion.save(update_fields=["signed_at"])
    decision = opinion.meeting.decision
    record(
        actor=actor,
        kind="oversight.joint_opinion_signed",
        subject=opinion,
        procuratorate=decision.case.procuratorate,
        body=_body(decision, meeting_id=opinion.meeting_id),
        occurred_at=opinion.signed_at,
    )
    return opinion


# ---- the leader who disagrees: three ways ------------------------------------------------


@service(REEXAMINE, where=_where, context=_context)
def order_reexamination(
    *,
    actor: Actor,
    decision: Decision,
    opinion: str,
    occurred_at: datetime.datetime | None = None,
) -> Review:
    """The leader at their step disagrees and sends the submission back to the handlers to
    re-examine (复核, 规则 Art 7), saying why; their answer comes back to this step."""
    _fresh(decision, DecisionStatus.PENDING)
    step = check_leaders_step(actor, decision, spine.permitted().context)
    text = _text(opinion, "opinion", _("请写明要求复核的理由。"))
    now = occurred_at or timezone.now()
    row = _review_row(actor, decision, ReviewKind.REEXAMINE, text, step["holder"], now)
    decision.status = DecisionStatus.REEXAMINING
    decision.save(update_fields=["status"])
    case = decision.case
    case.status = CaseStatus.HANDLING
    case.save(update_fields=["status"])
    record(
        actor=actor,
        kind="oversight.reexamination_ordered",
        subject=row,
        procuratorate=case.procuratorate,
        body=_body(decision, holder=step["holder"]),
        occurred_at=now,
        rows=[row, decision, case],
    )
    return row


@service(ANSWER_REEXAMINATION, where=_where, context=_context)
def answer_reexamination(
    *,
    actor: Actor,
    decision: Decision,
    opinion: str,
    matter: str = "",
    occurred_at: datetime.datetime | None = None,
) -> Decision:
    """The handlers' re-examination (复核意见): they keep their proposal, and it goes back to
    the leader who ordered it; or they propose another matter, which is submitted afresh on
    its own path. Returns the submission now waiting."""
    _fresh(decision, DecisionStatus.REEXAMINING)
    text = _text(opinion, "opinion", _("请写明复核意见。"))
    now = occurred_at or timezone.now()
    case = decision.case
    ordered = decision.reviews.filter(kind=ReviewKind.REEXAMINE).order_by("-id").first()
    holder = ordered.holder if ordered else ""
    row = _review_row(actor, decision, ReviewKind.REEXAMINED, text, holder, now)
    rows: list = [row]
    waiting = decision
    if matter and matter != decision.matter.code:
        waiting = _resubmit_as(actor, decision, matter, text, now)
        rows.append(waiting)
    else:
        decision.status = DecisionStatus.PENDING
    decision.save(update_fields=["status", "superseded_by"])
    case.status = CaseStatus.DECIDING
    case.save(update_fields=["status"])
    record(
        actor=actor,
        kind="oversight.reexamined",
        subject=row,
        procuratorate=case.procuratorate,
        body=_body(decision, kept=waiting.pk == decision.pk, now_waiting=waiting.pk),
        occurred_at=now,
        rows=[*rows, decision, case],
    )
    return waiting


def _resubmit_as(actor: Actor, decision: Decision, code: str, reasoning: str, now) -> Decision:
    case = decision.case
    if code not in lifecycle.matters_for(case):
        raise RuleViolation(_("“%(matter)s”不是本案可以决定的事项。") % {"matter": code}, "matter")
    found = Matter.objects.get(code=code)
    answer = engine.authorize(actor, code, spine.permitted().context, Power.DECIDE)
    if answer.allowed:
        raise RuleViolation(
            _("%(why)s您可以直接作出决定,无需报请。") % {"why": answer.sentence}, "matter"
        )
    fresh = Decision.objects.create(
        case=case,
        matter=found,
        status=DecisionStatus.PENDING,
        reasoning=reasoning,
        proposed_by=actor.staff,
        proposed_at=now,
        path=[{"holder": step.holder, "power": step.power} for step in answer.path],
        basis=answer.sentence[:300],
    )
    decision.status = DecisionStatus.SUPERSEDED
    decision.superseded_by = fresh
    return fresh


@service(REFER, where=_where, context=_context)
def refer_to_committee(
    *,
    actor: Actor,
    decision: Decision,
    opinion: str,
    occurred_at: datetime.datetime | None = None,
) -> Review:
    """The chief, at their step, refers the submission to the procuratorial committee
    (规则 Art 7): it waits for a meeting's agenda."""
    _fresh(decision, DecisionStatus.PENDING)
    step = check_refer(actor, decision, spine.permitted().context)
    text = _text(opinion, "opinion", _("请写明提请检察委员会讨论的理由。"))
    now = occurred_at or timezone.now()
    row = _review_row(actor, decision, ReviewKind.REFER, text, step["holder"], now)
    decision.status = DecisionStatus.REFERRED
    decision.save(update_fields=["status"])
    record(
        actor=actor,
        kind="oversight.referred_to_committee",
        subject=row,
        procuratorate=decision.case.procuratorate,
        body=_body(decision),
        occurred_at=now,
        rows=[row, decision],
    )
    return row


# ---- objection to a binding decision ------------------------------------------------------


@service(OBJECT, where=_where, context=_context)
def object_to(
    *,
    actor: Actor,
    decision: Decision,
    text: str,
    occurred_at: datetime.datetime | None = None,
) -> Objection:
    """A handler who thinks a leader's binding decision wrong says so in writing (规则 Art 7),
    once; the decider answers, and what stands is carried out. The committee's decisions
    are carried out without objection (组织法 Art 33)."""
    lock_afresh(decision.case)
    lock_afresh(decision)
    if not decision.binding or decision.status != DecisionStatus.MADE or decision.executed_at:
        raise RuleViolation(_("只能对待执行的检察长(副检察长)决定提出异议。"), "decision")
    if decision.body:
        raise RuleViolation(
            _("%(body)s的决定,承办检察官应当执行(《人民检察院组织法》第三十三条)。")
            % {"body": decision.get_body_display()},
            "decision",
        )
    if decision.objections.exists():
        raise RuleViolation(_("已对该决定提出过书面异议。"), "decision")
    written = _text(text, "text", _("请写明异议的内容和理由。"))
    now = occurred_at or timezone.now()
    objection = Objection.objects.create(
        decision=decision, filed_by=person(actor), filed_at=now, text=written
    )
    record(
        actor=actor,
        kind="oversight.objection_filed",
        subject=objection,
        procuratorate=decision.case.procuratorate,
        body=_body(decision),
        occurred_at=now,
    )
    return objection


@service(
    _objected_matter,
    where=_where,
    context=_context,
    among=lifecycle.ALL_MATTERS,
    power=Power.DECIDE,
)
def answer_objection(
    *,
    actor: Actor,
    objection: Objection,
    maintain: bool,
    text: str,
    matter: str = "",
    occurred_at: datetime.datetime | None = None,
) -> Objection:
    """The decider answers a written objection: maintains the decision (the handlers then
    carry it out) or changes it to `matter` — the handlers' own proposal, which then takes
    effect, or another, which binds them in its turn."""
    decision = objection.decision
    case = decision.case
    lock_afresh(case)
    lock_afresh(objection)
    if objection.answered_at is not None:
        raise RuleViolation(_("该异议已经答复。"), "objection")
    written = _text(text, "text", _("请写明答复意见。"))
    now = occurred_at or timezone.now()
    objection.answer = "maintain" if maintain else "change"
    objection.answer_text = written
    objection.answered_by = actor.staff
    objection.answered_at = now
    if not maintain:
        objection.replaced_by = _change(actor, objection, matter, written, now)
    objection.save()
    record(
        actor=actor,
        kind="oversight.objection_answered",
        subject=objection,
        procuratorate=case.procuratorate,
        body=_body(decision, answer=objection.answer, replaced_by=objection.replaced_by_id),
        occurred_at=now,
    )
    return objection


def _change(actor: Actor, objection: Objection, code: str, reasoning: str, now) -> Decision:
    decision = objection.decision
    case = decision.case
    if not code or code == decision.matter.code:
        raise RuleViolation(_("改变决定须选择另一事项。"), "matter")
    if code not in lifecycle.matters_for(case) and code not in lifecycle.ALL_MATTERS:
        raise RuleViolation(_("“%(matter)s”不是本案可以决定的事项。") % {"matter": code}, "matter")
    answer = engine.authorize(actor, code, spine.permitted().context, Power.DECIDE)
    if not answer.allowed:
        raise RuleViolation(answer.sentence, "matter")
    proposed = decision.overrides.matter_id if decision.overrides else None
    found = Matter.objects.get(code=code)
    return lifecycle.make_decision(
        actor,
        case,
        found,
        reasoning,
        answer,
        now,
        binding=found.pk != proposed,
        replaces=decision,
        extra={"objection_id": objection.pk},
    )
