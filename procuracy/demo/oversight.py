"""The demo year's oversight: a submission walks its path as an office would — the department
head reviews (now and then after a prosecutors' joint meeting), the chief reviews or decides;
a few leaders send a proposal back for re-examination, a few decide otherwise (the handler
sometimes objects in writing, the chief maintains, the handler carries it out); what the list
gives the committee waits for its next meeting. Every act through its service, dated."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from procuracy.cases import lifecycle
from procuracy.cases.models import CaseStatus, Decision, DecisionStatus
from procuracy.core.actors import Actor
from procuracy.oversight import committee, instructions, review
from procuracy.powers import engine
from procuracy.powers.models import Holder, Power

P_DISAGREE = 0.08  # a reviewer's opinion against the proposal (forwarded all the same)
P_JOINT = 0.06  # a department head first hears a joint meeting
P_REEXAMINE = 0.05  # the decider sends the proposal back for re-examination
P_OVERRIDE = 0.06  # the decider decides otherwise (直接决定)
P_OBJECT = 0.6  # … and the handler objects in writing
P_INSTRUCT = 0.012  # a case the chief or a deputy instructs on in writing
P_HIGHER = 0.004  # … the next-higher procuratorate's chief
P_DISSENT = 0.12  # a committee member votes against the proposal
P_OTHER_ITEM = 0.3  # a meeting also discusses a matter other than a case
MEETING_AFTER = (4, 9)  # working days from the first referral to the meeting
OTHER_ITEMS = (
    "研究本院上半年办案质量分析报告",
    "讨论类案办理指引",
    "总结认罪认罚从宽制度适用情况",
)

# The matter a leader who disagrees decides instead.
OTHERWISE = {
    "approve_arrest": "refuse_arrest",
    "refuse_arrest": "approve_arrest",
    "decide_arrest": "decline_arrest",
    "decline_arrest": "decide_arrest",
    "prosecute": "discretionary_non_prosecution",
    "discretionary_non_prosecution": "prosecute",
    "statutory_non_prosecution": "prosecute",
    "evidentiary_non_prosecution": "prosecute",
}
JOINT_POSITIONS = (("for", "同意承办检察官意见。"), ("against", "认为证据尚有欠缺,建议慎重。"))


class Walk:
    """What happens to one year's submissions between proposal and execution."""

    def __init__(self, year) -> None:
        self.year = year
        self.rng = year.rng
        self.numbers = itertools.count(1)
        # The showcase (where the sign-ins work) shows each way at least once, chance apart.
        from procuracy.demo.cases import showcase_of

        self.showcase = year.place_of[showcase_of(year.builder.plan).key].pk
        self.shown: set[str] = set()
        self.referred: dict[int, list] = {}  # place → [(story, submission)] for its committee

    def day(self, moment: datetime.datetime) -> datetime.date:
        return timezone.localtime(moment).date()

    def step(self, story, pending: Decision, moment: datetime.datetime) -> None:
        """The submission's next step: a review or the decision; the committee's waits."""
        year = self.year
        pending.refresh_from_db()
        if pending.status == DecisionStatus.REFERRED:
            self.refer(story, pending, moment)
            return
        here = review.step_of(pending)
        if here is None:
            return
        ctx = year.context(story, self.day(moment))
        power = here["power"]
        actor = self.holder(story, pending, here["holder"], power, ctx)
        if actor is None:  # nobody to act (an empty post): the chief decides under Art 4
            actor = year.actor(year.people.chiefs[story.case.procuratorate_id])
        if power == Power.REVIEW:
            self.review(story, pending, actor, moment)
        else:
            self.decide(story, pending, actor, moment)

    def holder(self, story, pending, holder: str, power: str, ctx) -> Actor | None:
        year = self.year
        place = story.case.procuratorate_id
        if holder == Holder.CHIEF:
            candidates = [year.people.chiefs[place]]
        elif holder == Holder.DEPUTY_CHIEF:
            candidates = year.people.deputies[place]
        elif holder == Holder.DEPARTMENT_HEAD:
            candidates = year.people.heads.get(ctx.department_id, [])
        else:
            return None
        for staff in candidates:
            actor = year.actor(staff)
            if engine.authorize(actor, pending.matter.code, ctx, power).allowed:
                return actor
        return None

    def review(self, story, pending: Decision, actor: Actor, moment, heard=False) -> None:
        year = self.year
        head = review.step_of(pending)["holder"] == Holder.DEPARTMENT_HEAD
        heard = heard or not head or self.rng.random() >= P_JOINT
        if not heard and self.joint_meeting(story, pending, actor, moment):

            def after(story, when) -> None:
                self.review(story, pending, actor, when, heard=True)

            year.schedule(year.later(moment, 1, 1), after, story)
            return
        agree = self.rng.random() >= P_DISAGREE
        opinion = (
            "同意承办检察官意见,报请决定。" if agree else "对证据的认定有不同看法,请审慎决定。"
        )
        review.review(
            actor=actor, decision=pending, agree=agree, opinion=opinion, occurred_at=moment
        )
        year.tick()
        year.schedule(year.later(moment, 0, 2), lambda s, when: self.step(s, pending, when), story)

    def joint_meeting(self, story, pending: Decision, actor: Actor, moment) -> bool:
        year = self.year
        ctx = year.context(story, self.day(moment))
        colleagues = [
            staff
            for org in year.people.orgs.get((story.case.procuratorate_id, ctx.business_line), [])
            if year.people.org_dept.get(org.pk) == ctx.department_id
            for staff in [year.people.leads.get(org.pk)]
            if staff is not None and staff.pk not in (ctx.handlers or ())
        ]
        people = list(dict.fromkeys(colleagues))[:3]
        if len(people) < 2:
            return False
        opinions = [(staff, *self.rng.choice(JOINT_POSITIONS)) for staff in people]
        meeting = review.hold_joint_meeting(
            actor=actor,
            decision=pending,
            question=f"{pending.matter.name}的意见",
            minutes="部门负责人主持,与会检察官逐一发表意见,记录在卷。",
            opinions=opinions,
            occurred_at=moment,
        )
        year.tick()

        def sign(story, when) -> None:
            for opinion in meeting.opinions.select_related("participant__user"):
                review.sign_joint_opinion(
                    actor=year.actor(opinion.participant), opinion=opinion, occurred_at=when
                )
                year.tick()

        year.schedule(moment + datetime.timedelta(minutes=30), sign, story)
        return True

    def decide(self, story, pending: Decision, actor: Actor, moment) -> None:
        year = self.year
        matter = pending.matter.code
        reexamined = pending.reviews.filter(kind="reexamine").exists()
        roll = self.rng.random()
        may_reexamine = not reexamined and actor.staff.pk != story.handler.staff.pk
        if may_reexamine:
            roll = self.show(story, "reexamine", roll, 0.0)
        if may_reexamine and roll < P_REEXAMINE:
            review.order_reexamination(
                actor=actor,
                decision=pending,
                opinion="请对证据和适用法律再作审查,说明理由。",
                occurred_at=moment,
            )
            year.tick()
            year.schedule(
                year.later(moment, 1, 3), lambda s, when: self.answer(s, pending, when), story
            )
            return
        otherwise = OTHERWISE.get(matter)
        if otherwise and self.may(story, actor, otherwise, moment):
            roll = self.show(story, "override", roll, P_REEXAMINE)
        else:
            otherwise = None
        if otherwise and roll < P_REEXAMINE + P_OVERRIDE:
            made = lifecycle.decide(
                actor=actor,
                case=story.case,
                matter=otherwise,
                reasoning="经审查,不同意承办检察官的意见,直接作出决定。",
                occurred_at=moment,
            )
            year.tick()
            year.schedule(
                year.later(moment, 1, 2), lambda s, when: self.bound(s, made, when), story
            )
            return
        year.decided(story, actor, matter, "同意承办检察官意见。", moment)

    def show(self, story, way: str, roll: float, at: float) -> float:
        """The roll that takes `way` the first time it may be taken at the showcase."""
        if story.case.procuratorate_id == self.showcase and way not in self.shown:
            self.shown.add(way)
            return at
        return roll

    def may(self, story, actor: Actor, matter: str, moment) -> bool:
        if matter not in lifecycle.matters_for(story.case):
            return False
        ctx = self.year.context(story, self.day(moment))
        return engine.authorize(actor, matter, ctx, Power.DECIDE).allowed

    def answer(self, story, pending: Decision, moment) -> None:
        review.answer_reexamination(
            actor=story.handler,
            decision=pending,
            opinion="经复核,补充说明理由后维持原意见。",
            occurred_at=moment,
        )
        self.year.tick()
        self.year.schedule(
            self.year.later(moment, 1, 2), lambda s, when: self.step(s, pending, when), story
        )

    def bound(self, story, made: Decision, moment) -> None:
        """The handler objects in writing now and then (the chief maintains it, and the
        handler then carries it out); otherwise carries it out now."""
        year = self.year
        if self.show(story, "object", self.rng.random(), 0.0) >= P_OBJECT:
            self.execute(story, moment)
            return
        objection = review.object_to(
            actor=story.handler,
            decision=made,
            text="承办检察官认为原报请意见有事实和法律依据,书面提出异议。",
            occurred_at=moment,
        )
        year.tick()

        def maintain(story, when) -> None:
            review.answer_objection(
                actor=year.actor(made.decided_by),
                objection=objection,
                maintain=True,
                text="经研究,维持原决定,请承办检察官执行。",
                occurred_at=when,
            )
            year.tick()
            year.schedule(year.later(when, 0, 1), self.execute, story)

        year.schedule(year.later(moment, 1, 2), maintain, story)

    # --- the committee ----------------------------------------------------------------------

    def refer(self, story, pending: Decision, moment) -> None:
        """Waits for its procuratorate's next meeting, called some days after the first
        referral waiting."""
        place = story.case.procuratorate_id
        waiting = self.referred.setdefault(place, [])
        waiting.append((story, pending))
        if len(waiting) == 1:
            when = self.year.later(moment, *MEETING_AFTER)
            self.year.schedule(when, lambda s, at: self.meeting(place, at), story)

    def meeting(self, place: int, moment) -> None:
        """Scheduled, listed, opened with the members at work, voted item by item, closed."""
        year = self.year
        items = self.referred.pop(place, [])
        day = self.day(moment)
        procuratorate = items[0][0].case.procuratorate
        members = committee.members_on(procuratorate, day)
        present = [m.staff for m in members if year.people.present(m.staff.pk, day)]
        if 2 * len(present) <= len(members):  # no quorum this week: the next
            self.referred[place] = items
            year.schedule(
                year.later(moment, 5, 5), lambda s, at: self.meeting(place, at), items[0][0]
            )
            return
        chief = year.people.chiefs[place]
        chair, entrustment = chief, ""
        if chief not in present:
            deputies = [m.staff for m in members if "deputy_chief" in m.roles]
            chair = next((d for d in deputies if d in present), None)
            if chair is None:
                self.referred[place] = items
                year.schedule(
                    year.later(moment, 5, 5), lambda s, at: self.meeting(place, at), items[0][0]
                )
                return
            entrustment = f"检察长{chief.name}因公外出,委托副检察长{chair.name}主持本次会议。"
        chief_actor, chair_actor = year.actor(chief), year.actor(chair)
        meeting = committee.schedule_meeting(
            actor=chief_actor,
            procuratorate=procuratorate,
            scheduled_for=moment,
            chair=chair,
            entrustment=entrustment,
            occurred_at=moment - datetime.timedelta(days=2),
        )
        year.tick()
        listed = []
        for story, pending in items:
            item = committee.add_agenda_item(
                actor=chief_actor,
                meeting=meeting,
                presenter=story.handler.staff,
                report=f"承办检察官汇报案件事实、证据和处理意见:建议{pending.matter.name}。",
                submission=pending,
                occurred_at=moment - datetime.timedelta(days=1),
            )
            year.tick()
            listed.append((story, item))
        if self.rng.random() < P_OTHER_ITEM:
            committee.add_agenda_item(
                actor=chief_actor,
                meeting=meeting,
                presenter=chair,
                title=self.rng.choice(OTHER_ITEMS),
                report="业务部门汇报有关情况和建议。",
                occurred_at=moment - datetime.timedelta(days=1),
            )
            year.tick()
        absent = {m.staff: "请假" for m in members if m.staff not in present}
        committee.open_meeting(
            actor=chair_actor,
            meeting=meeting,
            present=present,
            absent_notes=absent,
            occurred_at=moment,
        )
        year.tick()
        at = moment
        for item in meeting.items.order_by("order"):
            at += datetime.timedelta(minutes=20)
            votes = [
                (staff, "against", "认为证据尚不充分,不同意。")
                if self.rng.random() < P_DISSENT
                else (staff, "for", "同意承办检察官意见。")
                for staff in present
            ]
            committee.record_votes(actor=chair_actor, item=item, votes=votes, occurred_at=at)
            year.tick()
            resolved = committee.resolve_item(
                actor=chair_actor,
                item=item,
                resolution="经讨论表决,按多数委员意见决定。",
                occurred_at=at,
            )
            year.tick(2 if resolved.decision_id else 1)  # an adopted case item also decides
        committee.close_meeting(
            actor=chair_actor,
            meeting=meeting,
            minutes="会议听取汇报,委员逐一发表意见并表决,形成决定如议题所列;少数意见记录在卷。",
            occurred_at=at + datetime.timedelta(minutes=10),
        )
        year.tick()
        for story, item in listed:
            item.refresh_from_db()
            if item.decision_id is not None:
                year.schedule(year.later(at, 1, 2), self.execute, story)
            else:  # not adopted: deliberated again at the next meeting
                self.refer(story, item.submission, at)

    # --- instructions and reports -----------------------------------------------------------

    def started(self, story, moment) -> None:
        """A flagged case's report to the chief, filed and read; now and then a leader's
        written instruction on the case, which the handler reports carrying out."""
        year = self.year
        report = story.case.reports.filter(filed_at__isnull=True).first()
        if report is not None:
            year.schedule(year.later(moment, 1, 3), lambda s, at: self.file(s, report, at), story)
        roll = self.rng.random()
        if roll < P_HIGHER + P_INSTRUCT:
            year.schedule(
                year.later(moment, 2, 6), lambda s, at: self.instruct(s, roll < P_HIGHER, at), story
            )

    def file(self, story, report, moment) -> None:
        year = self.year
        if story.case.status not in (CaseStatus.HANDLING, CaseStatus.DECIDING):
            return
        instructions.file_report(
            actor=story.handler,
            report=report,
            text="本案系重大、疑难、复杂案件,现将案件基本情况、主要问题和办理意见报告如下。",
            occurred_at=moment,
        )
        year.tick()

        def read(story, at) -> None:
            instructions.read_report(
                actor=year.actor(year.people.chiefs[story.case.procuratorate_id]),
                report=report,
                comment="阅。请依法审慎办理,重要情况及时报告。",
                occurred_at=at,
            )
            year.tick()

        year.schedule(year.later(moment, 0, 2), read, story)

    def instruct(self, story, higher: bool, moment) -> None:
        year = self.year
        case = story.case
        if case.status not in (CaseStatus.HANDLING, CaseStatus.DECIDING):
            return
        place = case.procuratorate
        issuer = year.people.chiefs.get(place.parent_id) if higher else None
        if issuer is None:
            issuer = self.rng.choice(
                year.people.deputies[place.pk] or [year.people.chiefs[place.pk]]
            )
        words = "上级院" if higher else "院领导"
        instruction = instructions.issue_instruction(
            actor=year.actor(issuer),
            kind="instruct",
            recipient=place,
            case=case,
            document_no=f"{issuer.procuratorate.short_name}检指〔{moment.year}〕{next(self.numbers)}号",
            text=f"{words}书面指示:请全面审查证据,重点核实关键事实,依法及时作出处理。",
            occurred_at=moment,
        )
        year.tick()

        def comply(story, at) -> None:
            instructions.comply_with_instruction(
                actor=story.handler,
                instruction=instruction,
                compliance="已按指示补充审查证据并核实关键事实。",
                occurred_at=at,
            )
            year.tick()

        year.schedule(year.later(moment, 1, 4), comply, story)

    def execute(self, story, moment) -> None:
        story.case.refresh_from_db()  # the committee's decision moved it through another copy
        lifecycle.execute(actor=story.handler, case=story.case, occurred_at=moment)
        self.year.tick()
        self.year.after(story, moment)
