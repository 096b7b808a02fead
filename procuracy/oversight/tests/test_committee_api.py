"""The committee's API: a meeting end to end through the endpoints, the reasons of refusals
(422 for a broken rule, 403 for an act the caller may not perform) with nothing written, and
who reads a meeting."""

from __future__ import annotations

import pytest
from django.utils import timezone

from procuracy.cases.models import Case, CaseStatus
from procuracy.core.models import Act
from procuracy.oversight.models import Meeting, Vote
from procuracy.oversight.tests.test_committee import listed, opened, schedule

pytest_plugins = ["procuracy.oversight.tests.committee_support"]

BASE = "/api/v1/oversight/committee"


def post(client, url, data):
    return client.post(BASE + url, data, content_type="application/json")


def test_the_membership_is_read_and_set_as_a_whole(world, sign_in, members):
    client = sign_in("grace")
    found = client.get(f"{BASE}/members").json()
    assert found["count"] == 3 and found["odd"] and found["members"][0]["roles"] == ["chief"]
    before = Act.objects.count()
    even = post(
        client,
        "/members",
        {"members": [world.chief.pk, world.head.pk], "valid_from": "2026-01-01", "reference": "x"},
    )
    assert even.status_code == 422 and "单数" in even.json()["errors"]["members"][0]
    assert Act.objects.count() == before
    denied = post(
        sign_in("alice"),
        "/members",
        {
            "members": [world.chief.pk, world.head.pk, world.alice.pk],
            "valid_from": "2026-01-01",
            "reference": "x",
        },
    )
    assert denied.status_code == 403 and "政治部" in denied.json()["detail"]
    done = post(
        sign_in("grace"),
        "/members",
        {
            "members": [world.chief.pk, world.head.pk, world.alice.pk],
            "valid_from": "2026-01-01",
            "reference": "任免〔2026〕2号",
        },
    )
    assert done.status_code == 200
    assert {m["staff"]["name"] for m in done.json()["members"]} == {"韩川", "金海", "安丽"}


def test_a_meeting_runs_through_the_api(world, sign_in, members, referred):
    chief = sign_in("chief")
    scheduled = post(
        chief,
        "/meetings",
        {"scheduled_for": timezone.now().isoformat(), "chair": world.chief.pk},
    )
    assert scheduled.status_code == 201, scheduled.json()
    meeting = scheduled.json()
    assert meeting["number"] == 1 and meeting["members"] == 3
    url = f"/meetings/{meeting['id']}"
    waiting = chief.get(f"{BASE}/submissions").json()
    assert [s["id"] for s in waiting] == [referred.pk]
    added = post(
        chief,
        f"{url}/items",
        {"submission": referred.pk, "presenter": world.alice.pk, "report": "事实清楚"},
    )
    assert added.status_code == 200 and added.json()["items"][0]["matter"] == "prosecute"
    item_id = added.json()["items"][0]["id"]
    no_quorum = post(chief, f"{url}/open", {"present": [world.chief.pk]})
    assert no_quorum.status_code == 422 and "半数" in no_quorum.json()["errors"]["present"][0]
    opened_ = post(
        chief,
        f"{url}/open",
        {"present": [world.chief.pk, world.head.pk], "absent_notes": {world.carol.pk: "病假"}},
    )
    assert opened_.status_code == 200
    notes = {a["member"]["name"]: a["note"] for a in opened_.json()["attendance"]}
    assert notes["蔡蕾"] == "病假"
    outsider = post(
        chief,
        f"/items/{item_id}/votes",
        {"votes": [{"member": world.carol.pk, "choice": "for", "opinion": "同意"}]},
    )
    assert outsider.status_code == 422 and "未出席" in outsider.json()["errors"]["votes"][0]
    voted = post(
        chief,
        f"/items/{item_id}/votes",
        {
            "votes": [
                {"member": world.chief.pk, "choice": "for", "opinion": "同意起诉"},
                {"member": world.head.pk, "choice": "for", "opinion": "同意"},
            ]
        },
    )
    votes = voted.json()["items"][0]["votes"]
    assert [v["opinion"] for v in votes] == ["同意起诉", "同意"]
    resolved = post(chief, f"/items/{item_id}/resolve", {"resolution": "提起公诉"})
    result = resolved.json()["items"][0]
    # 2 of 3 members: more than half of all members.
    assert result["status"] == "adopted" and result["adopted_needs"] == 2
    assert result["decision"]["body"] == "committee" and result["decision"]["binding"]
    assert Case.objects.get(pk=referred.case_id).status == CaseStatus.EXECUTING
    closed = post(chief, f"{url}/close", {"minutes": "审议一案,决定起诉。"})
    assert closed.json()["status"] == "closed" and closed.json()["minutes"].startswith("审议")


def test_a_non_chair_is_refused_and_a_reader_outside_sees_nothing(
    world, sign_in, members, referred
):
    meeting = schedule(world)
    item = listed(world, meeting, referred)
    opened(world, meeting)
    head = sign_in("head")
    answer = post(
        head,
        f"/items/{item.pk}/votes",
        {"votes": [{"member": world.head.pk, "choice": "for", "opinion": "同意"}]},
    )
    assert answer.status_code == 403 and not Vote.objects.exists()
    assert sign_in("alice").get(f"{BASE}/meetings/{meeting.pk}").status_code == 404
    assert sign_in("alice").get(f"{BASE}/meetings").json()["count"] == 0
    assert sign_in("city_chief").get(f"{BASE}/meetings/{meeting.pk}").status_code == 200


def test_the_higher_procuratorate_answers_through_the_api(world, sign_in, members, referred):
    meeting = schedule(world)
    item = listed(world, meeting, referred)
    opened(world, meeting)
    chief = sign_in("chief")
    post(
        chief,
        f"/items/{item.pk}/votes",
        {
            "votes": [
                {"member": world.chief.pk, "choice": "against", "opinion": "证据存疑"},
                {"member": world.head.pk, "choice": "for", "opinion": "同意"},
                {"member": world.carol.pk, "choice": "for", "opinion": "同意"},
            ]
        },
    )
    npc = post(
        chief,
        f"/items/{item.pk}/resolve",
        {
            "resolution": "起诉",
            "chief_disagrees": True,
            "referral_to": "npc_standing",
            "reasoning": "存疑",
        },
    )
    assert npc.status_code == 422 and "上一级人民检察院" in npc.json()["errors"]["referral_to"][0]
    post(
        chief,
        f"/items/{item.pk}/resolve",
        {
            "resolution": "起诉",
            "chief_disagrees": True,
            "referral_to": "higher",
            "reasoning": "存疑",
        },
    )
    city = sign_in("city_chief")
    waiting = city.get(f"{BASE}/referrals").json()
    assert len(waiting) == 1 and waiting[0]["title"] == item.title
    answered = post(
        city, f"/referrals/{waiting[0]['id']}/answer", {"answer": "决定起诉", "matter": "prosecute"}
    )
    referral = answered.json()["items"][0]["referral"]
    assert referral["decision"]["body"] == "higher"
    assert Meeting.objects.get(pk=meeting.pk).items.get().status == "referred"


@pytest.mark.parametrize("url", ["/members", "/meetings", "/referrals"])
def test_reads_need_sign_in(client, world, url):
    assert client.get(BASE + url).status_code == 401
