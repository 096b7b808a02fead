"""The committee's pages: its meetings (those of the procuratorates one may read, and the
referrals waiting for one's answer), a meeting (agenda, attendance, each item's report, the
votes of every member with their opinion, the result, dissent and referral, the minutes) with
the chair's forms for each act, and the membership with its history."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from procuracy.core.actors import Actor, actor_of
from procuracy.core.models import Act, today
from procuracy.core.scope import can_see
from procuracy.core.views import Fact, perform, refused_status
from procuracy.ledger import selectors as ledger
from procuracy.organisation.models import Procuratorate
from procuracy.oversight import committee
from procuracy.oversight.committee_forms import (
    AgendaForm,
    AnswerForm,
    CloseForm,
    MembersForm,
    OpenForm,
    ResolveForm,
    ScheduleForm,
    VotesForm,
)
from procuracy.oversight.models import (
    AgendaItem,
    ItemStatus,
    Meeting,
    MeetingStatus,
    Referral,
    ReferralTo,
)
from procuracy.people.models import Staff
from procuracy.powers import engine
from procuracy.powers.engine import Context

PAGE_SIZE = 50
MEETING_TONES = {
    MeetingStatus.SCHEDULED: "amber",
    MeetingStatus.OPEN: "green",
    MeetingStatus.CLOSED: "slate",
}
ITEM_TONES = {
    ItemStatus.LISTED: "amber",
    ItemStatus.ADOPTED: "green",
    ItemStatus.REJECTED: "red",
    ItemStatus.REFERRED: "navy",
}
VOTE_TONES = {"for": "green", "against": "red", "abstain": "slate"}


def _readable_place(actor: Actor, pk) -> Procuratorate:
    place = Procuratorate.objects.filter(pk=pk).first()
    if place is None or not committee.may_read(actor, place):
        raise Http404
    return place


def _meeting_or_404(actor: Actor, pk: int) -> Meeting:
    try:
        return committee.meeting_for(actor, pk)
    except Meeting.DoesNotExist:
        raise Http404 from None


def _allowed(actor: Actor, rule: str, place) -> bool:
    return place is not None and engine.authorize(actor, rule, Context(procuratorate=place)).allowed


# ---- the meetings ------------------------------------------------------------------------


@require_GET
def meetings(request):
    actor = actor_of(request)
    chosen = request.GET.get("procuratorate", "")
    place = _readable_place(actor, chosen) if chosen.isdigit() else None
    return _render_meetings(request, actor, place)


def _render_meetings(request, actor: Actor, place, form=None, status=200):
    rows = committee.meetings(actor, procuratorate=place)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for row in page.object_list:
        row.tone = MEETING_TONES.get(row.status, "")
    own = actor.staff.procuratorate if actor.staff else None
    schedulable = _allowed(actor, committee.SCHEDULE, own)
    unset = schedulable and not committee.members_on(own)
    if form is None and schedulable and not unset:
        form = ScheduleForm(procuratorate=own)
    places = Procuratorate.objects.filter(committee.readable_q(actor, "")).order_by("path")
    context = {
        "page": page,
        "place": place,
        "places": list(places.values_list("pk", "short_name")),
        "own": own,
        "schedule_form": form,
        "unset": unset,
        "referrals": committee.referrals_waiting(actor),
        "readable_own": own is not None and committee.may_read(actor, own),
    }
    return render(request, "oversight/committee_meetings.html", context, status=status)


@require_POST
def schedule(request):
    actor = actor_of(request)
    own = actor.staff.procuratorate if actor.staff else None
    if own is None:
        raise Http404
    form = ScheduleForm(request.POST, procuratorate=own)
    if form.is_valid():
        meeting = perform(
            form, committee.schedule_meeting, actor=actor, procuratorate=own, **form.arguments()
        )
        if meeting is not None:
            messages.success(
                request,
                _("已安排 %(year)s 年第 %(number)s 次检察委员会会议。")
                % {"year": meeting.year, "number": meeting.number},
            )
            return redirect("oversight:committee_meeting", pk=meeting.pk)
    return _render_meetings(request, actor, None, form=form, status=refused_status(form))


# ---- a meeting ---------------------------------------------------------------------------


@require_GET
def meeting_detail(request, pk: int):
    actor = actor_of(request)
    return _render_meeting(request, actor, _meeting_or_404(actor, pk))


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _facts(meeting: Meeting) -> list[Fact]:
    place = meeting.procuratorate
    return [
        Fact(_("检察院"), place.name, url=reverse("organisation:procuratorate", args=[place.pk])),
        Fact(_("会议时间"), _when(meeting.scheduled_for)),
        Fact(_("主持人"), meeting.chair.name),
        Fact(_("检察长委托"), meeting.entrustment),
        Fact(_("委员总数"), meeting.members),
        Fact(_("状态"), meeting.get_status_display(), tone=MEETING_TONES.get(meeting.status, "")),
        Fact(_("开会时间"), _when(meeting.opened_at)),
        Fact(_("闭会时间"), _when(meeting.closed_at)),
    ]


def _answer_place(referral: Referral, meeting: Meeting):
    place = meeting.procuratorate
    return place.parent if referral.to == ReferralTo.HIGHER else place


def _render_meeting(request, actor: Actor, meeting: Meeting, status=200, failed=None):
    """The meeting page; `failed` is (form name, item pk or None, bound form) of a refused post,
    shown with its reason where the form stands."""
    place = meeting.procuratorate
    items = list(meeting.items.all())
    attendance = list(meeting.attendance.all())
    present = [a.member for a in attendance if a.present]
    chairing = (
        actor.staff is not None
        and actor.staff.pk == meeting.chair_id
        and _allowed(actor, committee.CHAIR, place)
    )
    is_open = meeting.status == MeetingStatus.OPEN

    def bound(name, pk=None):
        if failed is not None and failed[0] == name and failed[1] == pk:
            return failed[2]
        return None

    for item in items:
        votes = list(item.votes.all())
        item.vote_rows = [(v, VOTE_TONES.get(v.choice, "")) for v in votes]
        item.tone = ITEM_TONES.get(item.status, "")
        item.dissent = [v for v in votes if v.choice != "for"]
        item.tally = committee.Tally(meeting.members, *_counts(votes))
        item.votes_form = item.resolve_form = item.answer_form = None
        item.waiting_for = ""
        if is_open and item.status == ItemStatus.LISTED:
            voted = {v.member_id for v in votes}
            voters = [s for s in present if s.pk not in voted]
            item.waiting_for = engine.joined(s.name for s in voters)
            if chairing and voters:
                item.votes_form = bound("votes", item.pk) or VotesForm(voters=voters)
            elif chairing:  # every member present has voted: the result may be announced
                item.resolve_form = bound("resolve", item.pk) or ResolveForm(item=item)
        referral = getattr(item, "referral", None)
        item.referral_row = referral
        if referral is not None and referral.answered_at is None:
            where = _answer_place(referral, meeting)
            if _allowed(actor, committee.ANSWER, where):
                item.answer_form = bound("answer", referral.pk) or AnswerForm(case=item.case)
    forms = {}
    if meeting.status != MeetingStatus.CLOSED and _allowed(actor, committee.SCHEDULE, place):
        forms["agenda"] = bound("agenda") or AgendaForm(meeting=meeting)
    if chairing and meeting.status == MeetingStatus.SCHEDULED:
        members = committee.members_on(place, today())
        forms["open"] = bound("open") or OpenForm(members=members)
    if chairing and is_open:
        forms["close"] = bound("close") or CloseForm()
    placed = [*forms.values()]
    placed += [f for i in items for f in (i.votes_form, i.resolve_form, i.answer_form)]
    errors = []
    if failed is not None and not any(f is failed[2] for f in placed):
        # Refused where the reader has no form (not the chair): the reason above the agenda.
        errors = [e for field_errors in failed[2].errors.values() for e in field_errors]
    acts = list(committee.meeting_acts(meeting, visible=ledger.visibility_q(actor)))
    context = {
        "meeting": meeting,
        "facts": _facts(meeting),
        "status_tone": MEETING_TONES.get(meeting.status, ""),
        "items": items,
        "attendance": attendance,
        "present_count": len(present),
        "quorum": meeting.members // 2 + 1,
        "forms": forms,
        "chairing": chairing,
        "errors": errors,
        "acts": acts,
        "readable": {act.seq for act in acts},
    }
    return render(request, "oversight/committee_meeting.html", context, status=status)


def _counts(votes) -> tuple[int, int, int]:
    choices = [v.choice for v in votes]
    return choices.count("for"), choices.count("against"), choices.count("abstain")


def _acted(request, actor, meeting_pk: int, form, name: str, pk, act, message: str, **kw):
    """Perform a posted act and go back to the meeting; a refusal re-renders it with the
    reason where the form stands (403 for a denied act), nothing written."""
    if form.is_valid():
        done = perform(form, act, actor=actor, **kw, **form.arguments())
        if done is not None:
            messages.success(request, message)
            return redirect("oversight:committee_meeting", pk=meeting_pk)
    meeting = _meeting_or_404(actor, meeting_pk)
    return _render_meeting(
        request, actor, meeting, status=refused_status(form), failed=(name, pk, form)
    )


@require_POST
def agenda(request, pk: int):
    actor = actor_of(request)
    meeting = _meeting_or_404(actor, pk)
    form = AgendaForm(request.POST, meeting=meeting)
    return _acted(
        request,
        actor,
        pk,
        form,
        "agenda",
        None,
        committee.add_agenda_item,
        _("已列入议题。"),
        meeting=meeting,
    )


@require_POST
def open_meeting(request, pk: int):
    actor = actor_of(request)
    meeting = _meeting_or_404(actor, pk)
    form = OpenForm(request.POST, members=committee.members_on(meeting.procuratorate, today()))
    return _acted(
        request,
        actor,
        pk,
        form,
        "open",
        None,
        committee.open_meeting,
        _("会议开始,出席情况已记录。"),
        meeting=meeting,
    )


def _item_or_404(actor: Actor, pk: int) -> AgendaItem:
    item = AgendaItem.objects.select_related("meeting__procuratorate", "meeting__chair").filter(
        pk=pk, meeting__in=committee.meetings(actor).values("pk")
    )
    found = item.first()
    if found is None:
        raise Http404
    return found


@require_POST
def votes(request, pk: int):
    actor = actor_of(request)
    item = _item_or_404(actor, pk)
    voted = set(item.votes.values_list("member_id", flat=True))
    attendance = item.meeting.attendance.filter(present=True).select_related("member")
    # In the attendance's order (the chief first), as the page offered them.
    voters = [a.member for a in attendance.order_by("id") if a.member_id not in voted]
    form = VotesForm(request.POST, voters=voters)
    return _acted(
        request,
        actor,
        item.meeting_id,
        form,
        "votes",
        item.pk,
        committee.record_votes,
        _("已记录表决。"),
        item=item,
    )


@require_POST
def resolve(request, pk: int):
    actor = actor_of(request)
    item = _item_or_404(actor, pk)
    form = ResolveForm(request.POST, item=item)
    return _acted(
        request,
        actor,
        item.meeting_id,
        form,
        "resolve",
        item.pk,
        committee.resolve_item,
        _("已宣布表决结果。"),
        item=item,
    )


@require_POST
def close(request, pk: int):
    actor = actor_of(request)
    meeting = _meeting_or_404(actor, pk)
    form = CloseForm(request.POST)
    return _acted(
        request,
        actor,
        pk,
        form,
        "close",
        None,
        committee.close_meeting,
        _("会议已闭会,会议纪要已记录。"),
        meeting=meeting,
    )


@require_POST
def answer(request, pk: int):
    actor = actor_of(request)
    referral = (
        Referral.objects.select_related("item__meeting__procuratorate__parent", "item__case")
        .filter(pk=pk, item__meeting__in=committee.meetings(actor).values("pk"))
        .first()
    )
    if referral is None:
        raise Http404
    form = AnswerForm(request.POST, case=referral.item.case)
    return _acted(
        request,
        actor,
        referral.item.meeting_id,
        form,
        "answer",
        referral.pk,
        committee.answer_referral,
        _("已答复报请决定的事项。"),
        referral=referral,
    )


# ---- the membership ----------------------------------------------------------------------


def _visible_place(actor: Actor, pk: int) -> Procuratorate:
    """The membership is public within the organisation (its members are appointed by the
    people's congress standing committee): anyone who sees the procuratorate reads it."""
    found = Procuratorate.objects.filter(pk=pk).first()
    if found is None or not can_see(actor, found):
        raise Http404
    return found


@require_GET
def members(request, pk: int):
    actor = actor_of(request)
    return _render_members(request, actor, _visible_place(actor, pk))


def _history(place) -> list[dict]:
    """Each change of membership, latest first, with the names of who joined and who left."""
    changes = list(
        Act.objects.filter(kind="oversight.committee_set", procuratorate=place).order_by("-seq")
    )
    ids = {pk for act in changes for key in ("joined", "left") for pk in act.body.get(key, ())}
    names = dict(Staff.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [
        {
            "act": act,
            "valid_from": act.body.get("valid_from", ""),
            "reference": act.body.get("reference", ""),
            "joined": engine.joined(names.get(pk, pk) for pk in act.body.get("joined", ())),
            "left": engine.joined(names.get(pk, pk) for pk in act.body.get("left", ())),
        }
        for act in changes
    ]


def _render_members(request, actor: Actor, place, form=None, status=200):
    settable = _allowed(actor, committee.MEMBERS, place)
    if form is None and settable:
        form = MembersForm(procuratorate=place)
    found = committee.members_on(place, today())
    context = {
        "place": place,
        "members": [(m, committee.role_label(m.roles)) for m in found],
        "even": len(found) % 2 == 0,
        "history": _history(place),
        "form": form,
        "meetings_readable": committee.may_read(actor, place),
    }
    return render(request, "oversight/committee_members.html", context, status=status)


@require_POST
def set_members(request, pk: int):
    actor = actor_of(request)
    place = _visible_place(actor, pk)
    form = MembersForm(request.POST, procuratorate=place)
    if form.is_valid():
        done = perform(
            form, committee.set_committee, actor=actor, procuratorate=place, **form.arguments()
        )
        if done is not None:
            messages.success(request, _("已设定检察委员会委员。"))
            return redirect("oversight:committee_members", pk=place.pk)
    return _render_members(request, actor, place, form=form, status=refused_status(form))


urlpatterns = [
    path("committee/", meetings, name="committee_meetings"),
    path("committee/schedule/", schedule, name="committee_schedule"),
    path("committee/meetings/<int:pk>/", meeting_detail, name="committee_meeting"),
    path("committee/meetings/<int:pk>/agenda/", agenda, name="committee_agenda"),
    path("committee/meetings/<int:pk>/open/", open_meeting, name="committee_open"),
    path("committee/meetings/<int:pk>/close/", close, name="committee_close"),
    path("committee/items/<int:pk>/votes/", votes, name="committee_votes"),
    path("committee/items/<int:pk>/resolve/", resolve, name="committee_resolve"),
    path("committee/referrals/<int:pk>/answer/", answer, name="committee_answer"),
    path("committee/members/<int:pk>/", members, name="committee_members"),
    path("committee/members/<int:pk>/set/", set_members, name="committee_set_members"),
]
