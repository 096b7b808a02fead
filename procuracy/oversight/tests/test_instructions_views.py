"""The instruction and report pages: the instruction form on a case (and the call-up form), an
instruction with its compliance form, the list of a procuratorate's instructions; a report
with its forms to file and to read. A refusal re-renders the page with the reason, nothing
written; those outside the scope get 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from procuracy.cases import lifecycle
from procuracy.cases.models import DecisionStatus
from procuracy.cases.tests.test_lifecycle import handling
from procuracy.core.models import Act
from procuracy.oversight.models import Instruction, Report
from procuracy.oversight.tests.test_instructions import issue


def new_url(case) -> str:
    return reverse("oversight:instruction_new", args=[case.pk])


def detail_url(instruction) -> str:
    return reverse("oversight:instruction_detail", args=[instruction.pk])


FORM = {"kind": "instruct", "document_no": "兰市检指〔2026〕7号", "text": "请补充证据。"}


@pytest.fixture
def refused(world, clerk, path_list):
    case = handling(world, clerk, case_type="arrest_review", custody=True)
    return lifecycle.decide(
        actor=world.actor(world.alice), case=case, matter="refuse_arrest", reasoning="证据不足"
    )


# ---- issuing -----------------------------------------------------------------------------


def test_the_city_chief_revokes_a_decision_from_the_case(world, refused, sign_in):
    client = sign_in("city_chief")
    form = client.get(new_url(refused.case))
    assert form.status_code == 200
    html = form.content.decode()
    assert "不批准逮捕" in html and 'name="decision"' in html
    data = {**FORM, "kind": "revoke", "decision": refused.pk}
    answer = client.post(new_url(refused.case), data)
    done = Instruction.objects.get()
    assert answer.status_code == 302 and answer.url == detail_url(done)
    refused.refresh_from_db()
    assert refused.status == DecisionStatus.REVOKED
    page = client.get(answer.url).content.decode()
    assert "已发出撤销决定(兰市检指〔2026〕7号)" in page and "待报告执行情况" in page


def test_an_instruction_with_no_text_is_refused_on_the_page(world, clerk, sign_in):
    case = handling(world, clerk)
    before = Act.objects.count()
    answer = sign_in("chief").post(new_url(case), {**FORM, "text": "  "})
    assert answer.status_code == 200
    assert "不能发出没有内容的指令" in answer.content.decode()
    assert not Instruction.objects.exists() and Act.objects.count() == before


def test_the_own_chief_may_not_revoke_and_is_told_why(world, refused, sign_in):
    answer = sign_in("chief").post(
        new_url(refused.case), {**FORM, "kind": "revoke", "decision": refused.pk}
    )
    assert answer.status_code == 200
    assert "须由上级人民检察院作出" in answer.content.decode()
    assert not Instruction.objects.exists()


def test_a_prosecutor_sees_why_not_and_a_post_is_refused_403(world, clerk, sign_in):
    case = handling(world, clerk)
    client = sign_in("alice")
    assert "您没有该职务" in client.get(new_url(case)).content.decode()
    assert client.post(new_url(case), FORM).status_code == 403
    assert not Instruction.objects.exists()


def test_someone_who_may_not_read_the_case_gets_404(world, clerk, sign_in):
    case = handling(world, clerk)
    client = sign_in("olga")
    assert client.get(new_url(case)).status_code == 404
    assert client.post(new_url(case), FORM).status_code == 404


def test_the_call_up_form_offers_the_staff_of_the_chosen_procuratorate(world, sign_in):
    client = sign_in("city_chief")
    url = reverse("oversight:instruction_call_up")
    html = client.get(url, {"recipient": world.base.pk}).content.decode()
    assert "安丽" in html and "欧阳晓" not in html
    swapped = client.get(
        reverse("oversight:instruction_staff_field"), {"recipient": world.other_base.pk}
    ).content.decode()
    assert "欧阳晓" in swapped and "安丽" not in swapped
    data = {**FORM, "recipient": world.base.pk, "staff": world.alice.pk}
    answer = client.post(url, data)
    assert answer.status_code == 302
    assert Instruction.objects.get().staff == world.alice


def test_a_base_chief_has_no_one_to_call_up(world, sign_in):
    html = sign_in("chief").get(reverse("oversight:instruction_call_up")).content.decode()
    assert "没有可以调用的下级院" in html


# ---- an instruction and its compliance ---------------------------------------------------


def test_the_handler_reports_compliance_with_a_disagreement(world, clerk, sign_in):
    given = issue(world, world.city_chief, case=handling(world, clerk))
    client = sign_in("alice")
    html = client.get(detail_url(given)).content.decode()
    assert 'name="compliance"' in html and "请于三日内补充调取监控录像" in html
    url = reverse("oversight:instruction_comply", args=[given.pk])
    assert "请写明指令的执行情况" in client.post(url, {"compliance": ""}).content.decode()
    answer = client.post(url, {"compliance": "已调取", "disagreement": "调取意义不大"})
    assert answer.status_code == 302
    html = client.get(detail_url(given)).content.decode()
    assert "已报告执行情况" in html and "调取意义不大" in html
    assert "oversight.instruction_complied" in Act.objects.values_list("kind", flat=True)


def test_the_issuer_sees_no_compliance_form_and_a_post_is_refused(world, clerk, sign_in):
    given = issue(world, world.city_chief, case=handling(world, clerk))
    client = sign_in("city_chief")
    html = client.get(detail_url(given)).content.decode()
    assert 'name="compliance"' not in html and "等待兰州市城关区" in html
    url = reverse("oversight:instruction_comply", args=[given.pk])
    assert client.post(url, {"compliance": "已执行"}).status_code == 403


def test_an_instruction_outside_the_scope_is_not_found(world, clerk, sign_in):
    given = issue(world, world.city_chief, case=handling(world, clerk))
    client = sign_in("olga")
    assert client.get(detail_url(given)).status_code == 404
    url = reverse("oversight:instruction_comply", args=[given.pk])
    assert client.post(url, {"compliance": "x"}).status_code == 404


def test_the_list_shows_what_a_procuratorate_issued_and_received(world, clerk, sign_in):
    issue(world, world.city_chief, case=handling(world, clerk), document_no="市院1号")
    issue(world, world.chief, case=handling(world, clerk), document_no="区院2号")
    url = reverse("oversight:instruction_list")
    html = sign_in("chief").get(url).content.decode()
    assert "市院1号" in html and "区院2号" in html
    issued = sign_in("city_chief").get(url, {"procuratorate": world.city.pk, "direction": "issued"})
    assert "市院1号" in issued.content.decode() and "区院2号" not in issued.content.decode()
    assert "市院1号" not in sign_in("olga").get(url).content.decode()


def test_the_list_costs_the_same_queries_however_many(
    world, clerk, sign_in, django_assert_max_num_queries
):
    case = handling(world, clerk)
    client = sign_in("chief")
    url = reverse("oversight:instruction_list")
    issue(world, world.city_chief, case=case, document_no="0号")
    client.get(url)
    with django_assert_max_num_queries(20) as one:
        client.get(url)
    for n in range(1, 6):
        issue(world, world.city_chief, case=case, document_no=f"{n}号")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url)


# ---- reports -----------------------------------------------------------------------------


@pytest.fixture
def report(world, clerk) -> Report:
    return handling(world, clerk, flags=["major"]).reports.get()


def test_the_handler_files_and_the_chief_reads_a_report(world, report, sign_in):
    url = reverse("oversight:report_detail", args=[report.pk])
    alice = sign_in("alice")
    assert 'name="text"' in alice.get(url).content.decode()
    file_url = reverse("oversight:report_file", args=[report.pk])
    assert "请写明向检察长报告的内容" in alice.post(file_url, {"text": ""}).content.decode()
    assert alice.post(file_url, {"text": "重大案件,拟起诉。"}).status_code == 302
    chief = sign_in("chief")
    html = chief.get(url).content.decode()
    assert "重大案件,拟起诉。" in html and 'name="comment"' in html
    read_url = reverse("oversight:report_read", args=[report.pk])
    assert chief.post(read_url, {"comment": "同意。"}).status_code == 302
    assert "同意。" in chief.get(url).content.decode()
    report.refresh_from_db()
    assert report.read_by == world.chief


def test_only_a_handler_files_and_only_the_chief_reads_on_the_page(world, report, sign_in):
    head = sign_in("head")
    url = reverse("oversight:report_detail", args=[report.pk])
    assert 'name="text"' not in head.get(url).content.decode()
    file_url = reverse("oversight:report_file", args=[report.pk])
    assert head.post(file_url, {"text": "x"}).status_code == 403
    sign_in("alice").post(file_url, {"text": "报告"})
    read_url = reverse("oversight:report_read", args=[report.pk])
    assert sign_in("head").post(read_url, {"comment": "阅"}).status_code == 403
    report.refresh_from_db()
    assert report.read_at is None


def test_a_report_outside_the_scope_is_not_found(world, report, sign_in):
    for login in ("olga", "bob"):
        client = sign_in(login)
        assert client.get(reverse("oversight:report_detail", args=[report.pk])).status_code == 404
        url = reverse("oversight:report_file", args=[report.pk])
        assert client.post(url, {"text": "x"}).status_code == 404


def test_the_report_list_shows_what_waits_on_the_reader(world, report, sign_in):
    html = sign_in("alice").get(reverse("oversight:report_list")).content.decode()
    assert "待您办理" in html and report.case.number in html
    assert (
        report.case.number
        not in sign_in("olga").get(reverse("oversight:report_list")).content.decode()
    )
