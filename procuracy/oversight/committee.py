"""The procuratorial committee (检察委员会): its members, its meetings and what they decide.

    membership: the chief, deputies and senior prosecutors, an odd number (组织法 Art 30),
      set as a whole — committee_member posts (people.Position) from a day, by the
      personnel office or the chief, under the appointment's reference
    a meeting: scheduled by the chief, chaired by the chief or by a deputy the chief entrusts
      in writing (Art 32); numbered per procuratorate and year
      → agenda items: a case the chief or the list brought before it (a REFERRED submission),
        with the matter proposed and the presenting handler's report; or another major matter
      → opened: attendance of every member that day; quorum is more than half of them
      → votes: one per member present, each with the member's own opinion (Art 33)
      → resolved: adopted only by a majority of ALL members; a case item's resolution is the
        committee's decision (cases.lifecycle.make_decision, body "committee"), which binds the
        handlers (the case 执行决定); where the chief disagrees with the majority, the item is
        referred instead — a case to the next-higher procuratorate, a major matter to it or to
        the people's congress standing committee — whose answer is recorded later
      → closed with the minutes, which nothing changes afterwards.

What the committee may decide in a case: a matter the power list gives to it, in the case's
context; or a matter the chief holds (the list reserves it to the chief, or it is not listed:
the chief's by 规则 Art 4), since the committee sits on it only because the chief, who alone
puts items on its agenda, brought it there (规则 Art 7). A matter the list gives to another
holder (the handlers, a department head) is not the committee's: refused with the reason.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procuracy.cases import lifecycle
from procuracy.cases.models import Case, CaseStatus, Decision, DecisionStatus
from procuracy.core.actors import Actor
from procuracy.core.errors import RuleViolation
from procuracy.core.models import day_of, lock_afresh, today
from procuracy.core.permissions import role_rule
from procuracy.core.spine import record, service
from procuracy.oversight.models import (
    AgendaItem,
    Attendance,
    ItemKind,
    ItemStatus,
    Meeting,
    MeetingStatus,
    Position,
    Referral,
    ReferralTo,
    Vote,
)
from procuracy.people.models import CHIEF_POSITIONS, PositionKind, QuotaRecord, Staff
from procuracy.people.models import Position as Post
from procuracy.powers import engine
from procuracy.powers.models import Holder, Matter, Power

# The political department keeps the appointments (members are appointed by the people's
# congress standing committee on the chief's nomination, 组织法 Art 30); the chief may record
# them too.
MEMBERS = role_rule(
    "oversight.committee_members",
    gettext_lazy("设定检察委员会委员"),
    {"chief", "acting_chief", "personnel"},
)
# Only the chief brings matters before the committee (组织法 Art 29; 规则 Art 7): the chief
# schedules its meetings and sets their agenda.
SCHEDULE = role_rule(
    "oversight.committee_schedule",
    gettext_lazy("安排检察委员会会议和议题"),
    {"chief", "acting_chief"},
)
# The chair's acts; the service checks that the actor chairs this meeting.
CHAIR = role_rule(
    "oversight.committee_chair",
    gettext_lazy("主持检察委员会会议"),
    {"chief", "acting_chief", "deputy_chief"},
)
# The next-higher procuratorate's leaders answer a referral; one to the people's congress
# standing committee has its answer recorded by the referring procuratorate's leaders.
ANSWER = role_rule(
    "oversight.committee_referral_answer",
    gettext_lazy("答复报请决定的事项"),
    {"chief", "acting_chief", "deputy_chief"},
)

MIN_MEMBERS = 3
COMMITTEE_KIND = PositionKind.COMMITTEE_MEMBER
DEPUTY = PositionKind.DEPUTY_CHIEF


# ---- who is on the committee -------------------------------------------------------------


def posts_on(procuratorate, day: datetime.date, staff_ids: Iterable[int] | None = None):
    """{staff id: the kinds of post they hold at the procuratorate that day}."""
    rows = Post.objects.on(day).filter(procuratorate=procuratorate)
    if staff_ids is not None:
        rows = rows.filter(staff_id__in=list(staff_ids))
    found: dict[int, set[str]] = {}
    for staff_id, kind in rows.values_list("staff_id", "kind").order_by():
        found.setdefault(staff_id, set()).add(kind)
    return found


def member_ids_on(procuratorate, day: datetime.date) -> set[int]:
    rows = Post.objects.on(day).filter(procuratorate=procuratorate, kind=COMMITTEE_KIND)
    return set(rows.values_list("staff_id", flat=True))


@dataclass(frozen=True)
class Member:
    staff: Staff
    since: datetime.date
    roles: tuple[str, ...]  # 检察长 / 副检察长, beside membership

    @property
    def rank(self) -> tuple:
        chief = any(r in CHIEF_POSITIONS for r in self.roles)
        return (not chief, DEPUTY not in self.roles, self.staff.pinyin, self.staff.pk)


def members_on(procuratorate, day: datetime.date | None = None) -> list[Member]:
    """The members that day, the chief first, then the deputies, then the others by name."""
    day = day or today()
    posts = (
        Post.objects.on(day)
        .filter(procuratorate=procuratorate, kind=COMMITTEE_KIND)
        .select_related("staff")
        .order_by("valid_from", "id")
    )
    rows = list(posts)
    others = posts_on(procuratorate, day, [p.staff_id for p in rows])
    leading = (*CHIEF_POSITIONS, DEPUTY)
    found = [
        Member(
            p.staff,
            p.valid_from,
            tuple(k for k in leading if k in others.get(p.staff_id, ())),
        )
        for p in rows
    ]
    return sorted(found, key=lambda m: m.rank)


def chief_on(procuratorate, day: datetime.date) -> Staff | None:
    """The chief that day (or the acting chief)."""
    rows = (
        Post.objects.on(day)
        .filter(procuratorate=procuratorate, kind__in=CHIEF_POSITIONS)
        .select_related("staff")
        .order_by("kind", "valid_from")  # "acting_chief" sorts before "chief": prefer the chief
    )
    found = list(rows)
    chief = next((p for p in found if p.kind == PositionKind.CHIEF), None)
    chosen = chief or (found[0] if found else None)
    return chosen.staff if chosen else None


def role_label(roles: Iterable[str]) -> str:
    return engine.joined(PositionKind(r).label for r in roles)


# ---- membership --------------------------------------------------------------------------


def _text(value: str, field: str, message: str) -> str:
    if not value or not value.strip():
        raise RuleViolation(message, field)
    return value.strip()


def _check_members(procuratorate, members: list[Staff], day: datetime.date) -> None:
    seen: set[int] = set()
    for staff in members:
        if staff.pk in seen:
            raise RuleViolation(_("%(name)s 重复列入。") % {"name": staff.name}, "members")
        seen.add(staff.pk)
    n = len(members)
    if n % 2 == 0 or n < MIN_MEMBERS:
        raise RuleViolation(
            _(
                "检察委员会委员人数应为单数(《人民检察院组织法》第三十条),且不少于 %(min)s 人;"
                "现为 %(n)s 人。"
            )
            % {"min": MIN_MEMBERS, "n": n},
            "members",
        )
    quota = set(
        QuotaRecord.objects.on(day).filter(staff_id__in=seen).values_list("staff_id", flat=True)
    )
    for staff in members:
        employed = staff.joined_on <= day and (staff.left_on is None or day < staff.left_on)
        if staff.procuratorate_id != procuratorate.pk or staff.pk not in quota or not employed:
            raise RuleViolation(
                _("%(name)s 在 %(day)s 不是本院员额检察官,不能担任检察委员会委员。")
                % {"name": staff.name, "day": day.isoformat()},
                "members",
            )
    chief = chief_on(procuratorate, day)
    if chief is None:
        raise RuleViolation(
            _("本院在 %(day)s 没有检察长或代理检察长;检察委员会由检察长主持,须先任命检察长。")
            % {"day": day.isoformat()},
            "valid_from",
        )
    if chief.pk not in seen:
        raise RuleViolation(
            _("检察委员会委员须包括检察长 %(name)s(《人民检察院组织法》第三十条)。")
            % {"name": chief.name},
            "members",
        )


@service(MEMBERS, where=lambda kw: kw["procuratorate"])
def set_committee(
    *,
    actor: Actor,
    procuratorate,
    members: list[Staff],
    valid_from: datetime.date,
    reference: str,
    occurred_at: datetime.datetime | None = None,
) -> list[Member]:
    """Set the committee's membership as a whole from `valid_from`: the members no longer on
    it leave it that day, the new ones join it (committee_member posts); those who stay keep
    the post they hold. `reference` is the appointment's document (任免文号). Returns the
    members from that day.

    One act with every post it wrote, rather than an appointment act per member (people's
    appoint/end_position): the membership is one decision, checked as a whole (an odd number,
    the chief among them), which a member at a time could not be."""
    lock_afresh(procuratorate)  # one change of membership at a time
    written_ref = _text(reference, "reference", _("请填写任免文号或依据。"))
    _check_members(procuratorate, members, valid_from)
    posts = Post.objects.filter(procuratorate=procuratorate, kind=COMMITTEE_KIND)
    later = posts.filter(valid_from__gt=valid_from).order_by("valid_from").first()
    if later is not None:
        raise RuleViolation(
            _("已有自 %(day)s 起的委员任职记录,新的委员组成不能早于该日。")
            % {"day": later.valid_from.isoformat()},
            "valid_from",
        )
    met = Meeting.objects.filter(procuratorate=procuratorate, opened_at__isnull=False)
    last = met.order_by("-opened_at").values_list("opened_at", flat=True).first()
    if last is not None and day_of(last) >= valid_from:
        raise RuleViolation(
            _("检察委员会已于 %(day)s 按当时的委员组成开会,新的委员组成须自该日之后起算。")
            % {"day": day_of(last).isoformat()},
            "valid_from",
        )
    wanted = {s.pk: s for s in members}
    holding = list(posts.on(valid_from).select_related("staff"))
    held = {p.staff_id for p in holding}
    if held == set(wanted):
        raise RuleViolation(_("委员组成没有变化。"), "members")
    ended = []
    for post in holding:
        if post.staff_id in wanted:
            continue
        if post.valid_from >= valid_from:
            raise RuleViolation(
                _("%(name)s 的委员任职自 %(day)s 起,不能在同日终止。")
                % {"name": post.staff.name, "day": post.valid_from.isoformat()},
                "valid_from",
            )
        post.valid_to = valid_from
        post.save(update_fields=["valid_to"])
        ended.append(post)
    added = [
        Post.objects.create(
            staff=staff,
            kind=COMMITTEE_KIND,
            procuratorate=procuratorate,
            valid_from=valid_from,
        )
        for pk, staff in wanted.items()
        if pk not in held
    ]
    record(
        actor=actor,
        kind="oversight.committee_set",
        subject=procuratorate,
        procuratorate=procuratorate,
        body={
            "valid_from": valid_from.isoformat(),
            "reference": written_ref,
            "members": sorted(wanted),
            "joined": sorted(p.staff_id for p in added),
            "left": sorted(p.staff_id for p in ended),
        },
        occurred_at=occurred_at,
        rows=[*ended, *added],
    )
    return members_on(procuratorate, valid_from)


# ---- meetings ----------------------------------------------------------------------------


def _check_chair(procuratorate, chair: Staff, entrustment: str, day: datetime.date) -> None:
    """The chief chairs, or a deputy the chief entrusted in writing (组织法 Art 32); the
    chair is a member of the committee that day."""
    posts = posts_on(procuratorate, day, [chair.pk]).get(chair.pk, set())
    if not posts & CHIEF_POSITIONS:
        if DEPUTY not in posts:
            raise RuleViolation(
                _(
                    "%(name)s 在 %(day)s 不是本院检察长或副检察长:检察委员会会议由检察长主持,"
                    "检察长可以委托副检察长主持(《人民检察院组织法》第三十二条)。"
                )
                % {"name": chair.name, "day": day.isoformat()},
                "chair",
            )
        if not entrustment.strip():
            raise RuleViolation(
                _(
                    "副检察长 %(name)s 未经检察长书面委托,不能主持检察委员会会议"
                    "(《人民检察院组织法》第三十二条);请写明检察长的委托。"
                )
                % {"name": chair.name},
                "entrustment",
            )
    if COMMITTEE_KIND not in posts:
        raise RuleViolation(
            _("%(name)s 在 %(day)s 不是本院检察委员会委员,不能主持会议。")
            % {"name": chair.name, "day": day.isoformat()},
            "chair",
        )


def _chairing(actor: Actor, meeting: Meeting, act: str, day: datetime.date) -> None:
    """The meeting's acts are its chair's, who must still be entitled to chair that day."""
    if actor.staff is None or actor.staff.pk != meeting.chair_id:
        raise RuleViolation(
            _("本次会议由 %(chair)s 主持,只有主持人可以%(act)s。")
            % {"chair": meeting.chair.name, "act": act},
            "meeting",
        )
    _check_chair(meeting.procuratorate, meeting.chair, meeting.entrustment, day)


def _meeting_body(meeting: Meeting, **more) -> dict:
    return {
        "meeting_id": meeting.pk,
        "year": meeting.year,
        "number": meeting.number,
        **more,
    }


@service(SCHEDULE, where=lambda kw: kw["procuratorate"])
def schedule_meeting(
    *,
    actor: Actor,
    procuratorate,
    scheduled_for: datetime.datetime,
    chair: Staff,
    entrustment: str = "",
    occurred_at: datetime.datetime | None = None,
) -> Meeting:
    """The chief schedules a meeting, to be chaired by the chief or by a deputy the chief
    entrusts in writing (`entrustment`, the words of the entrustment). It is numbered after
    the procuratorate's last meeting that year (第 N 次会议)."""
    lock_afresh(procuratorate)  # the numbers are given one at a time
    day = day_of(scheduled_for)
    written = entrustment.strip()
    posts = posts_on(procuratorate, day, [chair.pk]).get(chair.pk, set())
    if posts & CHIEF_POSITIONS:
        written = ""  # the chief chairs in their own right
    _check_chair(procuratorate, chair, written, day)
    count = len(member_ids_on(procuratorate, day))
    year = scheduled_for.astimezone(timezone.get_default_timezone()).year
    last = Meeting.objects.filter(procuratorate=procuratorate, year=year).aggregate(n=Max("number"))
    meeting = Meeting.objects.create(
        procuratorate=procuratorate,
        year=year,
        number=(last["n"] or 0) + 1,
        scheduled_for=scheduled_for,
        chair=chair,
        entrustment=written,
        members=count,
    )
    record(
        actor=actor,
        kind="oversight.meeting_scheduled",
        subject=meeting,
        procuratorate=procuratorate,
        body=_meeting_body(
            meeting,
            scheduled_for=scheduled_for.isoformat(),
            chair=chair.pk,
            entrusted=bool(written),
            members=count,
        ),
        occurred_at=occurred_at,
    )
    return meeting


# ---- the agenda --------------------------------------------------------------------------


def committee_answer(case: Case, code: str, day: datetime.date) -> engine.Decision:
    """The power the committee decides `code` in `case` under, or the refusal that says why
    it may not: the list's item naming the committee in the case's context, or — the chief
    having brought the case before it — the chief's own power over the matter (the list's
    item reserving it to the chief, or the default rule for an unlisted one).

    The engine knows the committee through its chair the chief (holders_of); a meeting
    chaired by an entrusted deputy acts on the chief's entrustment, so the committee's power
    is asked as the chief's, whoever presides."""
    chief = chief_on(case.procuratorate, day)
    if chief is None:
        raise RuleViolation(
            _("本院在 %(day)s 没有检察长或代理检察长。") % {"day": day.isoformat()}, "matter"
        )
    as_chief = Actor(login=f"chief:{case.procuratorate.code}", staff=chief)
    ctx = lifecycle.context_of(case, day, body=Holder.COMMITTEE)
    answer = engine.authorize(as_chief, code, ctx, Power.DECIDE)
    if answer.allowed:
        return answer
    chiefs = engine.authorize(as_chief, code, replace(ctx, body=""), Power.DECIDE)
    if chiefs.allowed:
        return chiefs
    raise RuleViolation(
        _(
            "%(why)s检察委员会只能决定权力清单列明由检察委员会决定的事项,"
            "或者由检察长决定、经检察长提请讨论的事项。"
        )
        % {"why": chiefs.sentence},
        "matter",
    )


def _on_agenda(submission: Decision) -> AgendaItem | None:
    """An item of any meeting still holding the submission (listed, adopted, or referred
    upward): a rejected one leaves it for another deliberation."""
    return (
        AgendaItem.objects.filter(submission=submission)
        .exclude(status=ItemStatus.REJECTED)
        .select_related("meeting")
        .first()
    )


def _case_item(meeting: Meeting, submission: Decision, matter: str, presenter, day) -> dict:
    lock_afresh(submission)
    case = submission.case
    if submission.status != DecisionStatus.REFERRED:
        raise RuleViolation(
            _("该报请的状态是“%(status)s”,只有提请检察委员会讨论的报请可以列入议题。")
            % {"status": submission.get_status_display()},
            "submission",
        )
    if case.procuratorate_id != meeting.procuratorate_id:
        raise RuleViolation(_("该案件不属于本院,不能列入本院检察委员会的议题。"), "submission")
    listed = _on_agenda(submission)
    if listed is not None:
        raise RuleViolation(
            _("该案件已列入 %(year)s 年第 %(number)s 次会议的议题。")
            % {"year": listed.meeting.year, "number": listed.meeting.number},
            "submission",
        )
    code = matter or submission.matter.code
    if code not in lifecycle.matters_for(case):
        raise RuleViolation(_("“%(matter)s”不是本案可以决定的事项。") % {"matter": code}, "matter")
    committee_answer(case, code, day)
    handlers = lifecycle.context_of(case, day).handlers or frozenset()
    if presenter.pk not in handlers:
        raise RuleViolation(
            _("%(name)s 不是本案的承办检察官;案件由承办检察官向检察委员会汇报(组织法第三十三条)。")
            % {"name": presenter.name},
            "presenter",
        )
    return {
        "kind": ItemKind.CASE,
        "case": case,
        "submission": submission,
        "matter": Matter.objects.get(code=code),
        "title": f"{case.number} {case.title}"[:200],
    }


@service(SCHEDULE, where=lambda kw: kw["meeting"].procuratorate)
def add_agenda_item(
    *,
    actor: Actor,
    meeting: Meeting,
    presenter: Staff,
    report: str,
    submission: Decision | None = None,
    title: str = "",
    matter: str = "",
    occurred_at: datetime.datetime | None = None,
) -> AgendaItem:
    """Put an item on a meeting's agenda: a case referred to the committee (`submission`,
    its matter proposed unless `matter` names another of the case's), presented by one of
    its handlers; or another major matter (`title`). The presenter's report is required:
    they answer for the facts reported (组织法 Art 33)."""
    lock_afresh(meeting)
    if meeting.status == MeetingStatus.CLOSED:
        raise RuleViolation(_("会议已经闭会,不能再列入议题。"), "meeting")
    day = day_of(meeting.scheduled_for)
    written = _text(report, "report", _("请填写汇报内容(承办检察官对汇报的事实负责)。"))
    if submission is not None:
        fields = _case_item(meeting, submission, matter, presenter, day)
    else:
        if matter:
            raise RuleViolation(_("其他重大事项不涉及案件的决定事项。"), "matter")
        fields = {"kind": ItemKind.MATTER, "title": _text(title, "title", _("请填写议题。"))}
        if presenter.procuratorate_id != meeting.procuratorate_id:
            raise RuleViolation(
                _("%(name)s 不是本院工作人员,不能汇报。") % {"name": presenter.name},
                "presenter",
            )
    last = meeting.items.aggregate(n=Max("order"))["n"] or 0
    item = AgendaItem.objects.create(
        meeting=meeting, order=last + 1, presenter=presenter, report=written, **fields
    )
    record(
        actor=actor,
        kind="oversight.agenda_item_added",
        subject=item,
        procuratorate=meeting.procuratorate,
        body=_meeting_body(
            meeting,
            item_id=item.pk,
            order=item.order,
            item_kind=item.kind,
            case_id=item.case_id,
            submission_id=item.submission_id,
            matter=item.matter.code if item.matter else None,
            presenter=presenter.pk,
        ),
        occurred_at=occurred_at,
    )
    return item


# ---- the meeting -------------------------------------------------------------------------


@service(CHAIR, where=lambda kw: kw["meeting"].procuratorate)
def open_meeting(
    *,
    actor: Actor,
    meeting: Meeting,
    present: list[Staff],
    absent_notes: dict | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Meeting:
    """The chair opens the meeting: the attendance of every member that day (`present`, the
    others absent, with the reasons in `absent_notes`, {staff: reason}). Refused when the
    committee is of an even number that day, or when the members present are not more than
    half of all members (组织法 Arts 30, 32)."""
    lock_afresh(meeting)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise RuleViolation(
            _("会议的状态是“%(status)s”,不能再次开会。") % {"status": meeting.get_status_display()},
            "meeting",
        )
    now = occurred_at or timezone.now()
    day = day_of(now)
    _chairing(actor, meeting, _("宣布开会"), day)
    members = members_on(meeting.procuratorate, day)
    ids = {m.staff.pk for m in members}
    if len(ids) % 2 == 0:
        raise RuleViolation(
            _(
                "本院检察委员会在 %(day)s 有委员 %(n)s 人,委员人数应为单数"
                "(《人民检察院组织法》第三十条),请先调整委员组成。"
            )
            % {"day": day.isoformat(), "n": len(ids)},
            "meeting",
        )
    here: set[int] = set()
    for staff in present:
        if staff.pk not in ids:
            raise RuleViolation(
                _("%(name)s 不是本院检察委员会委员,不能列为出席委员。") % {"name": staff.name},
                "present",
            )
        if staff.pk in here:
            raise RuleViolation(_("%(name)s 重复列入。") % {"name": staff.name}, "present")
        here.add(staff.pk)
    if meeting.chair_id not in here:
        raise RuleViolation(_("主持人须出席会议。"), "present")
    if len(here) * 2 <= len(ids):
        raise RuleViolation(
            _(
                "出席委员 %(present)s 人,未超过全体委员 %(total)s 人的半数,不能开会"
                "(《人民检察院组织法》第三十二条)。"
            )
            % {"present": len(here), "total": len(ids)},
            "present",
        )
    notes = {getattr(k, "pk", k): (v or "").strip() for k, v in (absent_notes or {}).items()}
    for pk in notes:
        if pk not in ids or pk in here:
            raise RuleViolation(_("缺席事由只能填写缺席委员的。"), "absent_notes")
    rows = [
        Attendance(
            meeting=meeting,
            member=m.staff,
            present=m.staff.pk in here,
            note=notes.get(m.staff.pk, "")[:100],
        )
        for m in members
    ]
    Attendance.objects.bulk_create(rows)
    meeting.status = MeetingStatus.OPEN
    meeting.opened_at = now
    meeting.members = len(ids)
    meeting.save(update_fields=["status", "opened_at", "members"])
    record(
        actor=actor,
        kind="oversight.meeting_opened",
        subject=meeting,
        procuratorate=meeting.procuratorate,
        body=_meeting_body(
            meeting,
            members=len(ids),
            present=sorted(here),
            absent=sorted(ids - here),
        ),
        occurred_at=now,
        rows=[meeting, *rows],
    )
    return meeting


def _open_item(item: AgendaItem) -> Meeting:
    meeting = item.meeting
    lock_afresh(meeting)
    lock_afresh(item)
    if meeting.status == MeetingStatus.SCHEDULED:
        raise RuleViolation(
            _("会议尚未开始,出席人数未经确认(须超过全体委员半数),不能表决。"), "item"
        )
    if meeting.status == MeetingStatus.CLOSED:
        raise RuleViolation(_("会议已经闭会。"), "item")
    if item.status != ItemStatus.LISTED:
        raise RuleViolation(
            _("议题“%(title)s”已有结果:%(status)s。")
            % {"title": item.title, "status": item.get_status_display()},
            "item",
        )
    return meeting


@service(CHAIR, where=lambda kw: kw["item"].meeting.procuratorate)
def record_votes(
    *,
    actor: Actor,
    item: AgendaItem,
    votes: list[tuple],
    occurred_at: datetime.datetime | None = None,
) -> list[Vote]:
    """The chair records members' votes on an item: (member, for/against/abstain, opinion),
    one for each member present, each with the member's own opinion — every member answers
    for their own opinion and vote (组织法 Art 33). May be called more than once for an item
    until every member present has voted."""
    meeting = _open_item(item)
    now = occurred_at or timezone.now()
    _chairing(actor, meeting, _("记录表决"), day_of(now))
    if not votes:
        raise RuleViolation(_("请填写委员的表决。"), "votes")
    attendance = {a.member_id: a for a in meeting.attendance.all()}
    voted = set(item.votes.values_list("member_id", flat=True))
    rows = []
    for staff, choice, opinion in votes:
        seen = attendance.get(staff.pk)
        if seen is None:
            raise RuleViolation(
                _("%(name)s 不是本次会议的检察委员会委员,不能表决。") % {"name": staff.name},
                "votes",
            )
        if not seen.present:
            raise RuleViolation(
                _("%(name)s 未出席本次会议,不能表决。") % {"name": staff.name}, "votes"
            )
        if staff.pk in voted:
            raise RuleViolation(_("%(name)s 已经对该议题表决。") % {"name": staff.name}, "votes")
        if choice not in Position.values:
            raise RuleViolation(_("表决须为同意、不同意或弃权。"), "votes")
        text = _text(
            opinion,
            "votes",
            _("请写明 %(name)s 的意见:每位委员对本人的意见和表决负责(组织法第三十三条)。")
            % {"name": staff.name},
        )
        voted.add(staff.pk)
        rows.append(Vote(item=item, member=staff, choice=choice, opinion=text, cast_at=now))
    Vote.objects.bulk_create(rows)
    record(
        actor=actor,
        kind="oversight.votes_recorded",
        subject=item,
        procuratorate=meeting.procuratorate,
        body=_meeting_body(
            meeting,
            item_id=item.pk,
            votes=[{"member": v.member_id, "choice": v.choice} for v in rows],
        ),
        occurred_at=now,
        rows=list(rows),
    )
    return rows


# ---- the result --------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    members: int
    votes_for: int
    votes_against: int
    abstentions: int

    @property
    def adopted(self) -> bool:
        """A majority of ALL members, not of those present (组织法 Art 32: 全体委员过半数)."""
        return self.votes_for * 2 > self.members

    @property
    def majority(self) -> bool:
        """A majority of all members formed, for or against."""
        return self.adopted or self.votes_against * 2 > self.members


def tally(item: AgendaItem, members: int) -> Tally:
    choices = [v.choice for v in item.votes.all()]
    return Tally(
        members,
        choices.count(Position.FOR),
        choices.count(Position.AGAINST),
        choices.count(Position.ABSTAIN),
    )


def _all_voted(meeting: Meeting, item: AgendaItem) -> None:
    voted = set(item.votes.values_list("member_id", flat=True))
    present = [a for a in meeting.attendance.select_related("member") if a.present]
    missing = [a.member.name for a in present if a.member_id not in voted]
    if missing:
        raise RuleViolation(
            _("尚有出席委员未表决:%(names)s。") % {"names": engine.joined(missing)}, "item"
        )


def _referral_target(item: AgendaItem, to: str) -> str:
    """组织法 Art 32: a case goes to the next-higher procuratorate to decide; a major matter
    to it or to the people's congress standing committee."""
    if to not in ReferralTo.values:
        raise RuleViolation(_("请选择报请决定的对象。"), "referral_to")
    if item.kind == ItemKind.CASE and to != ReferralTo.HIGHER:
        raise RuleViolation(
            _(
                "检察长不同意多数委员意见的案件,只能报请上一级人民检察院决定"
                "(《人民检察院组织法》第三十二条)。"
            ),
            "referral_to",
        )
    if to == ReferralTo.HIGHER and item.meeting.procuratorate.parent_id is None:
        raise RuleViolation(_("本院的上一级人民检察院不在本系统中。"), "referral_to")
    return to


def _refer(actor, item, meeting, to, reasoning, now, result: Tally) -> Referral:
    posts = posts_on(meeting.procuratorate, day_of(now), [actor.staff.pk])
    if not posts.get(actor.staff.pk, set()) & CHIEF_POSITIONS:
        raise RuleViolation(
            _("不同意多数委员的意见而报请决定,须由检察长提出(《人民检察院组织法》第三十二条)。"),
            "chief_disagrees",
        )
    if not result.majority:
        raise RuleViolation(
            _("表决未形成全体委员过半数的意见,没有可以报请的多数意见。"), "chief_disagrees"
        )
    majority = Position.FOR if result.adopted else Position.AGAINST
    if item.votes.filter(member=actor.staff, choice=majority).exists():
        raise RuleViolation(
            _("检察长本人的表决与多数委员的意见相同,不能以不同意多数意见为由报请决定。"),
            "chief_disagrees",
        )
    target = _referral_target(item, to)
    if item.kind == ItemKind.CASE:
        _waiting_case(item)
    why = _text(reasoning, "reasoning", _("请写明检察长不同意多数委员意见的理由。"))
    referral = Referral.objects.create(
        item=item, to=target, reasoning=why, referred_by=actor.staff, referred_at=now
    )
    item.status = ItemStatus.REFERRED
    return referral


@service(CHAIR, where=lambda kw: kw["item"].meeting.procuratorate)
def resolve_item(
    *,
    actor: Actor,
    item: AgendaItem,
    resolution: str,
    chief_disagrees: bool = False,
    referral_to: str = "",
    reasoning: str = "",
    occurred_at: datetime.datetime | None = None,
) -> AgendaItem:
    """The chair announces an item's result once every member present has voted: adopted
    only by a majority of all members. An adopted case item is the committee's decision on
    the item's matter, which binds the handlers (the case 执行决定); a rejected item leaves
    the case referred, for another deliberation. Where the chief disagrees with the majority
    (`chief_disagrees`, the chief chairing), the item is referred (`referral_to`): a case
    only to the next-higher procuratorate, a major matter to it or to the people's congress
    standing committee; no decision is made here and the case waits for the answer."""
    meeting = _open_item(item)
    now = occurred_at or timezone.now()
    day = day_of(now)
    _chairing(actor, meeting, _("宣布表决结果"), day)
    _all_voted(meeting, item)
    text = _text(resolution, "resolution", _("请写明决定内容。"))
    result = tally(item, meeting.members)
    item.resolution = text
    item.votes_for = result.votes_for
    item.votes_against = result.votes_against
    item.abstentions = result.abstentions
    body = _meeting_body(
        meeting,
        item_id=item.pk,
        members=result.members,
        votes_for=result.votes_for,
        votes_against=result.votes_against,
        abstentions=result.abstentions,
    )
    if chief_disagrees:
        referral = _refer(actor, item, meeting, referral_to, reasoning, now, result)
        item.save()
        record(
            actor=actor,
            kind="oversight.item_referred",
            subject=item,
            procuratorate=meeting.procuratorate,
            body={**body, "referral_id": referral.pk, "to": referral.to, "adopted": result.adopted},
            occurred_at=now,
            rows=[item, referral],
        )
        return item
    if not result.adopted:
        item.status = ItemStatus.REJECTED
        item.save()
        record(
            actor=actor,
            kind="oversight.item_rejected",
            subject=item,
            procuratorate=meeting.procuratorate,
            body=body,
            occurred_at=now,
            rows=[item],
        )
        return item
    if item.kind == ItemKind.CASE:
        item.decision = _decide(actor, item, text, now)
    item.status = ItemStatus.ADOPTED
    item.save()
    record(
        actor=actor,
        kind="oversight.item_adopted",
        subject=item,
        procuratorate=meeting.procuratorate,
        body={**body, "decision_id": item.decision_id},
        occurred_at=now,
        rows=[item],
    )
    return item


def _waiting_case(item: AgendaItem) -> tuple[Case, Decision]:
    """The item's case, still waiting on the submission the item carries."""
    submission = item.submission
    assert submission is not None and item.case is not None
    case = item.case
    lock_afresh(case)
    lock_afresh(submission)
    if submission.status != DecisionStatus.REFERRED or case.status != CaseStatus.DECIDING:
        raise RuleViolation(
            _("案件 %(case)s 已不在等待检察委员会决定(状态:%(status)s)。")
            % {"case": case.number, "status": case.get_status_display()},
            "item",
        )
    return case, submission


def _decide(actor: Actor, item: AgendaItem, resolution: str, now) -> Decision:
    """The committee's decision on the item's matter: binding on the handlers (组织法 Art 33)."""
    case, _submission = _waiting_case(item)
    assert item.matter is not None
    answer = committee_answer(case, item.matter.code, day_of(now))
    return lifecycle.make_decision(
        actor,
        case,
        item.matter,
        resolution,
        answer,
        now,
        binding=True,
        body="committee",
        extra={"meeting_id": item.meeting_id, "item_id": item.pk},
    )


def _answer_place(kw: dict):
    referral = kw["referral"]
    place = referral.item.meeting.procuratorate
    return place.parent if referral.to == ReferralTo.HIGHER else place


@service(ANSWER, where=_answer_place)
def answer_referral(
    *,
    actor: Actor,
    referral: Referral,
    answer: str,
    matter: str = "",
    occurred_at: datetime.datetime | None = None,
) -> Referral:
    """The answer to a referral: the next-higher procuratorate's leaders decide (for a case,
    on `matter`, a decision of the higher procuratorate that binds the handlers: the case
    执行决定); the answer of the people's congress standing committee to a major matter is
    recorded by the referring procuratorate's leaders."""
    lock_afresh(referral)
    if referral.answered_at is not None:
        raise RuleViolation(_("该报请已经答复。"), "referral")
    text = _text(answer, "answer", _("请写明答复(决定)内容。"))
    now = occurred_at or timezone.now()
    item = referral.item
    rows: list = [referral]
    if item.kind == ItemKind.CASE:
        case, _submission = _waiting_case(item)
        if not matter:
            raise RuleViolation(_("请选择上一级人民检察院决定的事项。"), "matter")
        if matter not in lifecycle.matters_for(case):
            raise RuleViolation(
                _("“%(matter)s”不是本案可以决定的事项。") % {"matter": matter}, "matter"
            )
        referral.decision = lifecycle.make_decision(
            actor,
            case,
            Matter.objects.get(code=matter),
            text,
            None,
            now,
            binding=True,
            body="higher",
            extra={"referral_id": referral.pk, "item_id": item.pk},
        )
    elif matter:
        raise RuleViolation(_("其他重大事项不涉及案件的决定事项。"), "matter")
    referral.answer = text
    referral.answered_by = actor.staff
    referral.answered_at = now
    referral.save()
    record(
        actor=actor,
        kind="oversight.referral_answered",
        subject=referral,
        procuratorate=item.meeting.procuratorate,
        body={
            "referral_id": referral.pk,
            "item_id": item.pk,
            "meeting_id": item.meeting_id,
            "to": referral.to,
            "decision_id": referral.decision_id,
        },
        occurred_at=now,
        rows=rows,
    )
    return referral


@service(CHAIR, where=lambda kw: kw["meeting"].procuratorate)
def close_meeting(
    *,
    actor: Actor,
    meeting: Meeting,
    minutes: str,
    occurred_at: datetime.datetime | None = None,
) -> Meeting:
    """The chair closes the meeting with its minutes (会议纪要), once every item has its
    result; nothing of the meeting changes afterwards."""
    lock_afresh(meeting)
    if meeting.status != MeetingStatus.OPEN:
        raise RuleViolation(
            _("会议的状态是“%(status)s”,不能闭会。") % {"status": meeting.get_status_display()},
            "meeting",
        )
    now = occurred_at or timezone.now()
    _chairing(actor, meeting, _("宣布闭会"), day_of(now))
    waiting = list(meeting.items.filter(status=ItemStatus.LISTED).values_list("title", flat=True))
    if waiting:
        raise RuleViolation(
            _("议题尚未形成结果:%(titles)s。") % {"titles": engine.joined(waiting)}, "meeting"
        )
    meeting.minutes = _text(minutes, "minutes", _("请填写会议纪要。"))
    meeting.status = MeetingStatus.CLOSED
    meeting.closed_at = now
    meeting.save(update_fields=["minutes", "status", "closed_at"])
    record(
        actor=actor,
        kind="oversight.meeting_closed",
        subject=meeting,
        procuratorate=meeting.procuratorate,
        body=_meeting_body(meeting, items=meeting.items.count()),
        occurred_at=now,
    )
    return meeting


# ---- reading -----------------------------------------------------------------------------

# Who reads a procuratorate's committee meetings: its members, leaders and case office; the
# chiefs of the procuratorates above it.
OWN_READERS = frozenset(
    {"chief", "acting_chief", "deputy_chief", "committee_member", "case_management"}
)
BELOW_READERS = frozenset({"chief", "acting_chief"})


def readable_q(actor: Actor, field: str = "procuratorate") -> Q:
    """The filter on `field` (a path to a Procuratorate; "" for Procuratorate itself) for
    those whose committee `actor` may read."""
    if actor.is_system:
        return Q()
    nothing = Q(pk__in=[])
    if actor.staff is None or actor.staff.left_on is not None:
        return nothing
    prefix = f"{field}__" if field else ""
    q = nothing
    for held in actor.positions:
        if held.kind in BELOW_READERS:
            q |= Q(**{f"{prefix}path__startswith": held.procuratorate_path})
        elif held.kind in OWN_READERS:
            q |= Q(**{f"{prefix}pk": held.procuratorate_id})
    return q


def may_read(actor: Actor, procuratorate) -> bool:
    """Whether `actor` reads the committee of `procuratorate` (as readable_q, for one)."""
    if actor.is_system:
        return True
    if actor.staff is None or actor.staff.left_on is not None:
        return False
    for held in actor.positions:
        if held.kind in BELOW_READERS and procuratorate.path.startswith(held.procuratorate_path):
            return True
        if held.kind in OWN_READERS and held.procuratorate_id == procuratorate.pk:
            return True
    return False


def meetings(actor: Actor, procuratorate=None, year: int | None = None) -> QuerySet[Meeting]:
    """The meetings `actor` may read, latest first, with the count of their items."""
    from django.db.models import Count

    rows = Meeting.objects.filter(readable_q(actor)).select_related("procuratorate", "chair")
    if procuratorate is not None:
        rows = rows.filter(procuratorate=procuratorate)
    if year is not None:
        rows = rows.filter(year=year)
    return rows.annotate(item_count=Count("items")).order_by("-scheduled_for", "-id")


def meeting_for(actor: Actor, pk: int) -> Meeting:
    """One meeting with its attendance, its items, their votes and referrals, in a fixed
    number of queries; Meeting.DoesNotExist when not there or not readable."""
    votes = Vote.objects.select_related("member").order_by("id")
    items = (
        AgendaItem.objects.select_related(
            "case",
            "submission__matter",
            "matter",
            "presenter",
            "decision__matter",
            "decision__decided_by",
            "referral__referred_by",
            "referral__answered_by",
            "referral__decision__matter",
        )
        .prefetch_related(Prefetch("votes", queryset=votes))
        .order_by("order")
    )
    attendance = Attendance.objects.select_related("member").order_by("id")
    return (
        Meeting.objects.filter(readable_q(actor))
        .select_related("procuratorate__parent", "chair")
        .prefetch_related(
            Prefetch("items", queryset=items), Prefetch("attendance", queryset=attendance)
        )
        .get(pk=pk)
    )


def meeting_acts(meeting: Meeting, visible: Q | None = None, limit: int = 100):
    """The acts of a meeting, newest first: its own and those on its items, votes, referrals
    and the decisions it formed (each names the meeting in its body)."""
    from procuracy.core.models import Act

    about = Q(subject_type="oversight.meeting", subject_id=meeting.pk)
    acts = Act.objects.filter(about | Q(body__meeting_id=meeting.pk))
    if visible is not None:
        acts = acts.filter(visible)
    return acts.order_by("-occurred_at", "-id")[:limit]


def referrals_waiting(actor: Actor) -> list[Referral]:
    """The referrals the actor's procuratorate is to answer: those from the procuratorates
    just below it to it, and its own to the people's congress standing committee."""
    if actor.staff is None:
        return []
    places = {
        held.procuratorate_id
        for held in actor.positions
        if held.kind in {"chief", "acting_chief", "deputy_chief"}
    }
    if not places:
        return []
    return list(
        Referral.objects.filter(answered_at__isnull=True)
        .filter(
            Q(to=ReferralTo.HIGHER, item__meeting__procuratorate__parent_id__in=places)
            | Q(to=ReferralTo.NPC_STANDING, item__meeting__procuratorate_id__in=places)
        )
        .select_related("item__meeting__procuratorate", "item__case", "referred_by")
        .order_by("referred_at", "id")
    )


def referred_submissions(procuratorate) -> list[Decision]:
    """The submissions referred to the committee and on no meeting's agenda yet (or only on
    rejected items): what the chief may list."""
    taken = AgendaItem.objects.exclude(status=ItemStatus.REJECTED).values("submission_id")
    return list(
        Decision.objects.filter(case__procuratorate=procuratorate, status=DecisionStatus.REFERRED)
        .exclude(pk__in=taken.filter(submission_id__isnull=False))
        .select_related("case", "matter", "proposed_by")
        .order_by("proposed_at", "id")
    )
