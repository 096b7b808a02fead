"""The report to the chief (规则 Art 4 para 5): a case flagged major, difficult, complex or of
social impact owes one from intake; a handler files it, the chief of the case's procuratorate
reads it."""

from __future__ import annotations

import pytest

from procuracy.cases.tests.test_lifecycle import handling, receive
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.models import Act
from procuracy.oversight import instructions
from procuracy.oversight.models import Report


@pytest.fixture
def report(world, clerk) -> Report:
    case = handling(world, clerk, flags=["major", "social_impact", "plea"])
    return Report.objects.get(case=case)


def test_a_flagged_case_opens_a_report_at_intake_in_the_same_act(world, clerk):
    case = receive(clerk, world, flags=["complex", "major", "plea"])
    report = Report.objects.get(case=case)
    assert report.flags == ["major", "complex"] and report.filed_at is None
    intake = Act.objects.get(kind="cases.received", subject_id=case.pk)
    assert report.ledger_seq == intake.seq == case.ledger_seq


@pytest.mark.parametrize("flags", [[], ["plea", "minor"]])
def test_an_unflagged_case_opens_none(world, clerk, flags):
    case = receive(clerk, world, flags=flags)
    assert not Report.objects.filter(case=case).exists()


def test_a_refused_intake_leaves_no_report(world, clerk):
    with pytest.raises(RuleViolation):
        receive(clerk, world, flags=["major", "nonsense"])
    assert not Report.objects.exists()


def test_only_a_handler_files_the_report(world, report):
    for outsider in (world.bob, world.chief, world.head):
        with pytest.raises(ActDenied, match="承办"):
            instructions.file_report(actor=world.actor(outsider), report=report, text="报告")
    report.refresh_from_db()
    assert report.filed_at is None
    done = instructions.file_report(
        actor=world.actor(world.alice), report=report, text="本案系重大案件,拟依法审查起诉。"
    )
    assert done.filed_by == world.alice
    act = Act.objects.get(kind="oversight.report_filed")
    assert act.body["case_id"] == report.case_id and act.subject_id == report.pk


def test_a_report_needs_its_text_and_is_filed_once(world, report):
    alice = world.actor(world.alice)
    before = Act.objects.count()
    with pytest.raises(RuleViolation, match="报告的内容"):
        instructions.file_report(actor=alice, report=report, text="  ")
    assert Act.objects.count() == before
    instructions.file_report(actor=alice, report=report, text="报告")
    with pytest.raises(RuleViolation, match="已经向检察长报告"):
        instructions.file_report(actor=alice, report=report, text="再报告")


def test_only_the_chief_of_the_cases_procuratorate_reads_it(world, report):
    with pytest.raises(RuleViolation, match="尚未报告"):
        instructions.read_report(actor=world.actor(world.chief), report=report, comment="阅")
    instructions.file_report(actor=world.actor(world.alice), report=report, text="报告")
    for outsider in (world.head, world.alice, world.city_chief):
        with pytest.raises(ActDenied):
            instructions.read_report(actor=world.actor(outsider), report=report, comment="阅")
    with pytest.raises(RuleViolation, match="阅示意见"):
        instructions.read_report(actor=world.actor(world.chief), report=report, comment="")
    done = instructions.read_report(
        actor=world.actor(world.chief), report=report, comment="同意,注意社会影响。"
    )
    assert done.read_by == world.chief and done.comment == "同意,注意社会影响。"
    with pytest.raises(RuleViolation, match="已经阅示"):
        instructions.read_report(actor=world.actor(world.chief), report=report, comment="阅")


def test_the_desk_lists_what_waits_on_each(world, report):
    alice, chief = world.actor(world.alice), world.actor(world.chief)
    assert list(instructions.reports_to_file(alice)) == [report]
    assert not instructions.reports_to_file(world.actor(world.bob)).exists()
    assert not instructions.reports_to_read(chief).exists()
    instructions.file_report(actor=alice, report=report, text="报告")
    assert not instructions.reports_to_file(alice).exists()
    assert list(instructions.reports_to_read(chief)) == [report]
    assert not instructions.reports_to_read(world.actor(world.city_chief)).exists()


def test_the_reports_to_read_cost_one_query_however_many(world, clerk, django_assert_num_queries):
    alice = world.actor(world.alice)
    for _n in range(4):
        case = handling(world, clerk, flags=["difficult"])
        instructions.file_report(actor=alice, report=case.reports.get(), text="报告")
    chief = world.actor(world.chief)
    chief.positions  # noqa: B018 (read once, as a request does)
    with django_assert_num_queries(1):
        rows = list(instructions.reports_to_read(chief))
        names = [(r.case.number, r.case.procuratorate.name, r.filed_by.name) for r in rows]
    assert len(names) == 4
