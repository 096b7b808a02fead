"""The case page's 办理 section and the transitions posted from it: the handler starts, decides
or submits; anyone else sees the disabled button with the power list's reason, and a post of
theirs is refused (403) with that reason, nothing changed. Every stage's time limit, the
decision waiting with its path upward, the decisions made with their basis; the queue's
deadline warnings and the desk in the navigation."""

from __future__ import annotations

import datetime

from django.urls import reverse

from procuracy.cases import lifecycle
from procuracy.cases.models import Case, CaseStatus, Decision, Sealing, StageEvent
from procuracy.cases.tests.test_lifecycle import (  # noqa: F401
    TODAY,
    handling,
    listed,
    receive,
    to_alice,
)
from procuracy.core.models import Act
from procuracy.powers.models import Refusal


def page(client, case) -> str:
    answer = client.get(reverse("cases:detail", args=[case.pk]))
    assert answer.status_code == 200
    return answer.content.decode()


def post(client, name, case, **data):
    return client.post(reverse(f"cases:{name}", args=[case.pk]), data)


# ---- start -------------------------------------------------------------------------------


def test_the_handler_sees_start_enabled_and_starts_the_case(world, clerk, sign_in):
    case = to_alice(world, receive(clerk, world))
    client = sign_in("alice")
    text = page(client, case)
    assert f'action="{reverse("cases:start", args=[case.pk])}"' in text
    assert 'aria-describedby="why-start"' not in text
    answer = post(client, "start", case)
    assert answer.status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.HANDLING
    assert "已开始办理。案件状态:办理中。" in page(client, case)


def test_someone_not_handling_the_case_sees_start_disabled_with_the_reason(
    world,
    clerk,
    sign_in,
):
    case = to_alice(world, receive(clerk, world))
    text = page(sign_in("head"), case)
    assert 'aria-describedby="why-start"' in text and "disabled" in text
    assert "“开始办理”须由本案的承办检察官办理,您不是本案的承办人。" in text
    assert not Refusal.objects.exists()  # asking the list records nothing


def test_a_post_by_someone_not_handling_the_case_is_refused_and_changes_nothing(
    world,
    clerk,
    sign_in,
):
    case = to_alice(world, receive(clerk, world))
    acts = Act.objects.exclude(kind="powers.refused").count()
    answer = post(sign_in("head"), "start", case)
    assert answer.status_code == 403
    assert "您不是本案的承办人" in answer.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ASSIGNED
    assert Refusal.objects.get().act == "cases.start"
    assert Act.objects.exclude(kind="powers.refused").count() == acts  # only the refusal


# ---- decisions ---------------------------------------------------------------------------


def test_the_handler_decides_and_the_page_shows_the_case_closed_and_the_basis(
    world,
    clerk,
    listed,  # noqa: F811
    sign_in,
):
    case = handling(world, clerk, case_type="arrest_review", custody=True)
    client = sign_in("alice")
    text = page(client, case)
    assert '<option value="approve_arrest">批准逮捕</option>' in text
    answer = post(client, "decide", case, matter="approve_arrest", reasoning="证据确实充分")
    assert answer.status_code == 302
    text = page(client, case)
    assert "已作出决定:“批准逮捕”。案件状态:已结案。" in text
    assert "“批准逮捕”由检察官决定" in text  # the basis, from the list
    assert reverse("powers:item", args=[Decision.objects.get().item_id]) in text
    assert "证据确实充分" in text
    assert "已于" in text and "结束(作出决定)" in text  # the stage ended, greyed
    assert 'action="/cases/' not in text.split('id="lifecycle-title"')[1].split("决定</h3>")[0]


def test_a_matter_reserved_above_is_submitted_and_waits_with_its_path(
    world,
    clerk,
    listed,  # noqa: F811
    sign_in,
):
    case = handling(world, clerk, case_type="arrest_review", custody=True, flags=["major"])
    client = sign_in("alice")
    text = page(client, case)
    # Nothing the handler may decide alone: the decision is disabled, with who decides instead.
    assert 'aria-describedby="why-decide"' in text
    assert "“批准逮捕”须由检察长决定" in text
    assert '<option value="approve_arrest">批准逮捕(须由检察长决定)</option>' in text
    answer = post(client, "submit", case, matter="approve_arrest", reasoning="建议批准逮捕")
    assert answer.status_code == 302
    text = page(client, case)
    assert "已报请“批准逮捕”,等待检察长决定。" in text
    assert "待决定:批准逮捕" in text and "安丽 于" in text
    chief = sign_in("chief")
    text = page(chief, case)
    # The submission's decider agrees (or takes one of the three other ways) in the 监督制约
    # section: agreeing decides the matter proposed.
    pending = Decision.objects.get()
    assert f'action="{reverse("oversight:review_agree", args=[pending.pk])}"' in text
    assert "同意报请的“批准逮捕”" in text
    chief.post(reverse("oversight:review_agree", args=[pending.pk]), {"reasoning": "同意"})
    decision = Decision.objects.get()
    assert decision.proposed_by == world.alice and decision.decided_by == world.chief
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED


def test_deciding_what_the_list_reserves_is_refused_with_the_reason_and_nothing_written(
    world,
    clerk,
    listed,  # noqa: F811
    sign_in,
):
    case = handling(world, clerk, case_type="arrest_review", custody=True, flags=["major"])
    answer = post(sign_in("alice"), "decide", case, matter="approve_arrest", reasoning="x")
    assert answer.status_code == 403
    text = answer.content.decode()
    assert "“批准逮捕”须由检察长决定" in text and 'role="alert"' in text
    assert not Decision.objects.exists()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.HANDLING


def test_a_broken_rule_is_shown_on_the_form_and_nothing_is_written(world, clerk, sign_in):
    case = handling(world, clerk, days_ago=5)
    answer = post(
        sign_in("alice"),
        "exclude",
        case,
        start=TODAY.isoformat(),
        end=(TODAY - datetime.timedelta(days=2)).isoformat(),
        reason="精神病鉴定",
    )
    assert answer.status_code == 200
    assert "终止日不能早于起始日。" in answer.content.decode()
    assert not StageEvent.objects.exists()


def test_an_excluded_period_moves_the_expiry_and_the_page_explains_it(world, clerk, sign_in):
    case = handling(world, clerk, days_ago=5)
    before = case.due_on
    client = sign_in("alice")
    start = TODAY - datetime.timedelta(days=2)
    answer = post(
        client,
        "exclude",
        case,
        start=start.isoformat(),
        end=(start + datetime.timedelta(days=9)).isoformat(),
        reason="对犯罪嫌疑人作精神病鉴定",
    )
    assert answer.status_code == 302
    case.refresh_from_db()
    assert case.due_on > before
    assert f"期限届满日:{case.due_on.isoformat()}" in page(client, case)


# ---- returns, resubmission, suspension, closing ------------------------------------------


def test_a_returned_case_is_received_back_by_the_office_and_every_stage_is_shown(
    world,
    clerk,
    listed,  # noqa: F811
    sign_in,
):
    case = handling(world, clerk, days_ago=20)
    lifecycle.decide(
        actor=world.actor(world.head), case=case, matter="return_investigation", reasoning="补证"
    )
    office = sign_in("frank")
    text = page(office, case)
    assert "退回补充侦查期限届满日" in text
    answer = post(office, "resubmit", case, received_on=TODAY.isoformat())
    assert answer.status_code == 302
    text = page(office, case)
    assert "已受理重新移送,审查期限自" in text
    assert text.count('<tr class="muted">') == 2  # the first review and the return, ended
    assert "重新计算" in text
    assert Case.objects.get(pk=case.pk).status == CaseStatus.HANDLING


def test_a_suspended_case_shows_its_clock_stopped_and_offers_resumption(
    world,
    clerk,
    listed,  # noqa: F811
    sign_in,
):
    case = handling(world, clerk, days_ago=5)
    lifecycle.decide(
        actor=world.actor(world.chief), case=case, matter="suspend_review", reasoning="在逃"
    )
    text = page(sign_in("chief"), case)
    assert "期限停止计算" in text
    assert '<option value="resume_review">恢复审查</option>' in text
    assert '<button type="submit" class="button">恢复审查</button>' in text


def test_the_handler_concludes_a_supervision_case_and_the_office_archives_it(
    world,
    clerk,
    sign_in,
):
    case = handling(world, clerk, case_type="filing_supervision")
    alice = sign_in("alice")
    assert post(alice, "conclude", case, outcome="").status_code == 200  # the form's own check
    assert post(alice, "conclude", case, outcome="经审查,立案正确").status_code == 302
    assert "归档" in page(alice, case)  # offered, but not to her
    assert post(alice, "archive", case).status_code == 403
    office = sign_in("frank")
    assert post(office, "archive", case).status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ARCHIVED
    assert "没有可以进行的办理操作" in page(office, case)


def test_a_state_that_does_not_allow_the_transition_is_answered_with_the_rule(
    world,
    clerk,
    sign_in,
):
    case = handling(world, clerk)
    answer = post(sign_in("alice"), "start", case)
    assert answer.status_code == 200
    assert "“开始办理”只能在已分案时进行" in answer.content.decode()


def test_a_sealed_case_carries_its_badge(world, clerk, sign_in):
    case = to_alice(world, receive(clerk, world, sealed=Sealing.SECRET))
    assert "涉密案件" in page(sign_in("alice"), case)


# ---- the queue and the navigation --------------------------------------------------------


def test_the_queue_flags_due_soon_and_overdue_cases_and_filters_them(
    world,
    clerk,
    sign_in,
):
    soon = receive(clerk, world, case_type="arrest_review", custody=True, days_ago=6)
    late = receive(clerk, world, case_type="arrest_review", custody=True, days_ago=9)
    fresh = receive(clerk, world, days_ago=0)
    client = sign_in("frank")
    text = client.get(reverse("cases:list")).content.decode()
    assert "已超期" in text and "即将届满" in text
    text = client.get(reverse("cases:list"), {"due": "overdue"}).content.decode()
    assert late.number in text and soon.number not in text and fresh.number not in text
    text = client.get(reverse("cases:list"), {"due": "warned"}).content.decode()
    assert late.number in text and soon.number in text and fresh.number not in text
    text = client.get(reverse("cases:list"), {"due": "due_soon"}).content.decode()
    assert soon.number in text and late.number not in text


def test_the_desk_is_in_the_navigation(world, sign_in):
    text = sign_in("alice").get(reverse("cases:desk")).content.decode()
    assert f'<a href="{reverse("cases:desk")}" aria-current="page">待办</a>' in text
