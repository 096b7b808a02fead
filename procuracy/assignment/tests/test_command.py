"""`procuracy assign …`: a draw printed with its pool and choice, designation by the chief,
and the recomputation's exit codes — 0 all match, 1 a mismatch or a refusal, 2 bad usage."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from procuracy.assignment.models import Assignment, AssignmentKind
from procuracy.cases.intake import PartyFields, receive_case
from procuracy.cases.models import CaseType
from procuracy.core.actors import Actor
from procuracy.organisation.models import BusinessLine
from procuracy.people import services as people


@pytest.fixture
def case(world):
    people.appoint(
        actor=Actor.system(),
        staff=world.frank,
        kind="case_management",
        department=None,
        valid_from=datetime.date(2020, 1, 1),
    )
    return receive_case(
        actor=world.actor(world.frank),
        procuratorate=world.base,
        case_type=CaseType.objects.get(code="prosecution_review"),
        business_line=BusinessLine.objects.get(code="ordinary_crime"),
        title="张某盗窃案",
        source="police",
        referred_by="兰州市公安局城关分局",
        received_on=datetime.date(2026, 3, 2),
        parties=[PartyFields("suspect", "张某")],
    )


def run(*args) -> str:
    out = StringIO()
    call_command("assign", *args, stdout=out)
    return out.getvalue()


def fails(*args) -> CommandError:
    with pytest.raises(CommandError) as failed:
        run(*args)
    return failed.value


def test_a_draw_prints_the_pool_and_the_choice(world, case):
    out = run("draw", case.number, "--as", "frank")
    assignment = Assignment.objects.get(case=case)
    assert "安丽独任检察官" in out and "刑事第一办案组" in out and "← 选中" in out
    assert f"已随机分案:{case.number} → {assignment.org.name}" in out


def test_verify_exits_0_when_the_draw_matches_and_1_when_it_does_not(world, case):
    run("draw", case.number, "--as", "frank")
    out = run("verify", case.number)
    assert "重算一致" in out and "不一致 0 次" in out
    assert "不一致 0 次" in run("verify", "--all")
    assignment = Assignment.objects.get(case=case)
    other = next(o for o in (world.sole_alice, world.sole_bob) if o.pk != assignment.org_id)
    Assignment.objects.filter(pk=assignment.pk).update(org=other)
    assert fails("verify", case.number).returncode == 1
    assert fails("verify", "--all").returncode == 1


def test_usage_errors_exit_2(world, case):
    assert fails("verify", "不存在的案号").returncode == 2
    assert fails("draw", case.number, "--as", "nobody").returncode == 2
    assert fails("designate", case.number, "--org", "999999", "--reason", "major",
                 "--reasoning", "x", "--as", "chief").returncode == 2  # fmt: skip


def test_a_refused_draw_exits_1(world, case):
    assert fails("draw", case.number, "--as", "alice").returncode == 1
    assert not Assignment.objects.exists()


def test_the_chief_designates_and_a_prosecutor_is_refused(world, case):
    args = ["designate", case.number, "--org", str(world.team.pk), "--reason", "major"]
    refused = fails(*args, "--reasoning", "案情重大", "--as", "alice")
    assert refused.returncode == 1
    run(*args, "--reasoning", "案情重大", "--as", "chief")
    assert Assignment.objects.get(case=case).kind == AssignmentKind.DESIGNATION
    assert "没有随机分案(分案方式:指定分案)" in run("verify", case.number)
