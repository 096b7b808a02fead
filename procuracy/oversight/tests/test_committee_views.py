"""The committee's pages: who reads the meetings, the chair's forms for each act and no one
else's, a refusal shown with its reason and nothing written, and the queries a meeting page
makes not growing with its items and votes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from procuracy.cases.models import Case, CaseStatus
from procuracy.core.models import Act
from procuracy.oversight import committee
from procuracy.oversight.models import ItemStatus, Meeting, MeetingStatus, Vote
from procuracy.oversight.tests.test_committee import listed, opened, schedule, vote

pytest_plugins = ["procuracy.oversight.tests.committee_support"]


def page(client, name, *args):
    return client.get(reverse(f"oversight:{name}", args=args))


@pytest.fixture
def meeting(world, members, referred):
    found = schedule(world)
    listed(world, found, referred)
    return found


def test_the_chief_sees_the_meetings_and_may_schedule_one(world, sign_in, meeting):
    client = sign_in("chief")
    answer = page(client, "committee_meetings")
    text = answer.content.decode()
    assert answer.status_code == 200
    assert "第 1 次会议" in text and "安排会议" in text
    posted = client.post(
        reverse("oversight:committee_schedule"),
        {"scheduled_for": "2026-12-20T09:30", "chair": world.chief.pk, "entrustment": ""},
    )
    second = Meeting.objects.get(number=2)
    assert posted.status_code == 302 and posted["Location"].endswith(f"/{second.pk}/")


def test_the_higher_chief_reads_the_meetings_below_and_a_clerk_does_not(world, sign_in, meeting):
    assert "第 1 次会议" in page(sign_in("city_chief"), "committee_meetings").content.decode()
    assert page(sign_in("city_chief"), "committee_meeting", meeting.pk).status_code == 200
    # A prosecutor who is not on the committee reads neither the list's rows nor the meeting.
    alice = sign_in("alice")
    assert "第 1 次会议" not in page(alice, "committee_meetings").content.decode()
    assert page(alice, "committee_meeting", meeting.pk).status_code == 404
    other_chief = sign_in("olga")
    assert page(other_chief, "committee_meeting", meeting.pk).status_code == 404


def test_a_deputy_chairing_without_entrustment_is_refused_on_the_page(world, sign_in, five):
    client = sign_in("chief")
    answer = client.post(
        reverse("oversight:committee_schedule"),
        {"scheduled_for": "2026-12-20T09:30", "chair": world.bob.pk, "entrustment": ""},
    )
    assert answer.status_code == 200
    assert "未经检察长书面委托" in answer.content.decode()
    assert not Meeting.objects.exists()


def test_the_chair_opens_votes_resolves_and_closes_through_the_page(world, sign_in, meeting):
    client = sign_in("chief")
    text = page(client, "committee_meeting", meeting.pk).content.decode()
    assert "宣布开会" in text and "列入议题" in text
    members = [world.chief, world.head, world.carol]
    # Quorum not met: refused where the form stands, nothing written.
    before = Act.objects.count()
    refused = client.post(
        reverse("oversight:committee_open", args=[meeting.pk]),
        {"present": [world.chief.pk], f"note_{world.head.pk}": "出差"},
    )
    assert refused.status_code == 200 and "未超过全体委员 3 人的半数" in refused.content.decode()
    assert Act.objects.count() == before
    client.post(
        reverse("oversight:committee_open", args=[meeting.pk]),
        {"present": [s.pk for s in members]},
    )
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.OPEN
    item = meeting.items.get()
    votes = {}
    for staff, choice in zip(members, ("for", "for", "against"), strict=True):
        votes[f"choice_{staff.pk}"] = choice
        votes[f"opinion_{staff.pk}"] = f"{staff.name}认为……"
    empty = client.post(
        reverse("oversight:committee_votes", args=[item.pk]),
        {f"choice_{world.head.pk}": "for", f"opinion_{world.head.pk}": ""},
    )
    assert "请写明 金海 的意见" in empty.content.decode() and not Vote.objects.exists()
    client.post(reverse("oversight:committee_votes", args=[item.pk]), votes)
    assert Vote.objects.filter(item=item).count() == 3
    client.post(
        reverse("oversight:committee_resolve", args=[item.pk]), {"resolution": "决定提起公诉"}
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.ADOPTED
    assert Case.objects.get(pk=item.case_id).status == CaseStatus.EXECUTING
    client.post(reverse("oversight:committee_close", args=[meeting.pk]), {"minutes": "审议一案"})
    text = page(client, "committee_meeting", meeting.pk).content.decode()
    assert "审议一案" in text and "蔡蕾认为……" in text and 'class="dissent"' in text
    assert "宣布闭会" not in text and "列入议题" not in text


def test_a_member_who_is_not_the_chair_sees_no_chairs_forms_and_is_refused(world, sign_in, meeting):
    opened(world, meeting)
    item = meeting.items.get()
    client = sign_in("head")
    text = page(client, "committee_meeting", meeting.pk).content.decode()
    assert "记录表决" not in text and "宣布表决结果" not in text
    answer = client.post(
        reverse("oversight:committee_votes", args=[item.pk]),
        {f"choice_{world.head.pk}": "for", f"opinion_{world.head.pk}": "同意"},
    )
    assert answer.status_code == 403 and not Vote.objects.exists()


def test_the_membership_page_lists_the_members_and_their_history(world, sign_in, members):
    client = sign_in("grace")
    answer = page(client, "committee_members", world.base.pk)
    text = answer.content.decode()
    assert "现任委员 3 人" in text and "城关区人大常委会任免〔2025〕1号" in text
    assert "设定委员" in text
    refused = client.post(
        reverse("oversight:committee_set_members", args=[world.base.pk]),
        {
            "members": [world.chief.pk, world.head.pk],
            "valid_from": "2026-01-01",
            "reference": "任免〔2026〕1号",
        },
    )
    assert "单数" in refused.content.decode()
    assert len(committee.members_on(world.base)) == 3
    assert (
        "设定委员"
        not in page(sign_in("alice"), "committee_members", world.base.pk).content.decode()
    )


def test_a_higher_chief_answers_a_referral_from_the_meeting_page(world, sign_in, meeting):
    opened(world, meeting)
    item = meeting.items.get()
    vote(
        world,
        item,
        (world.chief, "against", "证据存疑"),
        (world.head, "for", "同意"),
        (world.carol, "for", "同意"),
    )
    committee.resolve_item(
        actor=world.actor(world.chief),
        item=item,
        resolution="多数意见:起诉",
        chief_disagrees=True,
        referral_to="higher",
        reasoning="关键证据存疑",
    )
    client = sign_in("city_chief")
    listing = page(client, "committee_meetings").content.decode()
    assert "待答复的报请决定事项" in listing
    text = page(client, "committee_meeting", meeting.pk).content.decode()
    assert "答复报请决定的事项" in text
    client.post(
        reverse("oversight:committee_answer", args=[item.referral.pk]),
        {"answer": "决定提起公诉", "matter": "prosecute"},
    )
    assert Case.objects.get(pk=item.case_id).status == CaseStatus.EXECUTING


def test_a_meeting_page_makes_as_many_queries_with_more_items_and_votes(
    world, sign_in, members, referred, chief_referred, django_assert_max_num_queries
):
    found = schedule(world)
    listed(world, found, referred)
    client = sign_in("chief")
    opened(world, found)
    with CaptureQueriesContext(connection) as few:
        page(client, "committee_meeting", found.pk)
    committee.add_agenda_item(
        actor=world.actor(world.chief),
        meeting=found,
        submission=chief_referred,
        presenter=world.alice,
        report="汇报",
    )
    committee.add_agenda_item(
        actor=world.actor(world.chief),
        meeting=found,
        title="其他事项",
        presenter=world.head,
        report="汇报",
    )
    for item in found.items.all():
        vote(world, item, *[(s, "for", "同意") for s in (world.chief, world.head, world.carol)])
    with django_assert_max_num_queries(len(few)):
        page(client, "committee_meeting", found.pk)


def test_the_case_office_reads_a_meeting_with_its_time(world, sign_in, clerk, members):
    when = timezone.now()
    found = schedule(world, when=when)
    text = page(sign_in("frank"), "committee_meeting", found.pk).content.decode()
    assert timezone.localtime(when).strftime("%Y-%m-%d %H:%M") in text
