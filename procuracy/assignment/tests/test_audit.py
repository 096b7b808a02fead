"""The assignment audit page and its API: every draw recomputed from the ledger (a tampered
assignment or entry shows as differing and says how; one naming no draw's inputs, why), every
designation with its reason, reasoning and approver, the fairness figures; only for those the
page is for, each seeing the procuratorates in their reach; a page in constant queries."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procuracy.assignment import selectors, services
from procuracy.assignment.models import Assignment
from procuracy.assignment.tests.test_services import receive
from procuracy.caseorgs import services as caseorgs
from procuracy.cases.intake import PartyFields, receive_case
from procuracy.cases.models import CaseType
from procuracy.core.actors import Actor
from procuracy.core.errors import ActDenied
from procuracy.core.models import Act
from procuracy.organisation.models import BusinessLine
from procuracy.people import services as people

SYSTEM = Actor.system()
AT = datetime.datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PAGE = "/assignment/audit/"
API = "/api/v1/assignment/audit"
REASONING = "案情重大、社会影响大,由检察长指定刑事第一办案组办理。"


@pytest.fixture
def drawn(world, clerk):
    return services.draw_case(actor=clerk, case=receive(world, clerk), occurred_at=AT)


@pytest.fixture
def designated(world, clerk):
    return services.designate_case(
        actor=world.actor(world.chief),
        case=receive(world, clerk),
        org=world.team,
        reason="major",
        reasoning=REASONING,
        occurred_at=AT + datetime.timedelta(hours=1),
    )


@pytest.fixture
def elsewhere(world):
    """A draw at 七里河区院, whose case office is olga's."""
    day = datetime.date(2020, 1, 1)
    people.appoint(
        actor=SYSTEM, staff=world.olga, kind="case_management", department=None, valid_from=day
    )
    caseorgs.form_sole_org(
        actor=SYSTEM, department=world.other_criminal, prosecutor=world.olga, valid_from=day
    )
    olga = world.actor(world.olga)
    case = receive_case(
        actor=olga,
        procuratorate=world.other_base,
        case_type=CaseType.objects.get(code="prosecution_review"),
        business_line=BusinessLine.objects.get(code="ordinary_crime"),
        title="李某诈骗案",
        source="police",
        referred_by="兰州市公安局七里河分局",
        received_on=datetime.date(2026, 3, 2),
        parties=[PartyFields("suspect", "李某")],
    )
    return services.draw_case(actor=olga, case=case, occurred_at=AT)


def rows_of(actor, **filters) -> dict[int, selectors.AuditRow]:
    return {row.assignment.pk: row for row in selectors.audit(actor, **filters).rows}


def page_of(sign_in, login: str) -> str:
    response = sign_in(login).get(PAGE)
    assert response.status_code == 200
    return response.content.decode()


def test_a_draw_that_recomputes_shows_as_matching(world, clerk, drawn, sign_in):
    row = rows_of(clerk)[drawn.assignment.pk]
    assert row.status == selectors.MATCHES
    assert row.check.outcome.chosen == row.check.recorded == drawn.assignment.org_id
    assert row.check.seq == drawn.seq
    assert row.seq == Act.objects.get(kind="assignment.drawn").seq
    assert row.explanation == (
        f"案件 {drawn.assignment.case.number} 的随机分案(账本第 {drawn.seq} 条)重算一致:"
        f"选中办案组织 {drawn.assignment.org_id}。"
    )

    html = page_of(sign_in, "frank")
    assert "本页 1 次随机分案,全部重算一致。" in html
    assert reverse("ledger:entry", args=[drawn.seq]) in html


def test_an_assignment_changed_after_the_draw_shows_as_differing(world, clerk, drawn, sign_in):
    other = next(m.org for m in drawn.inputs.pool if m.org != drawn.assignment.org_id)
    Assignment.objects.filter(pk=drawn.assignment.pk).update(org_id=other)
    row = rows_of(clerk)[drawn.assignment.pk]
    assert row.status == selectors.DIFFERS
    assert row.check.recorded == other != row.check.outcome.chosen
    assert row.check.problems == [
        f"分案记录的办案组织是 {other},重算结果是 {drawn.assignment.org_id}"
    ]
    assert f"分案记录的办案组织是 {other}" in row.explanation

    html = page_of(sign_in, "frank")
    assert "本页 1 次随机分案:0 次重算一致,1 次重算不一致,0 次无法重算。" in html
    assert "重算不一致" in html


def test_an_entry_changed_after_the_draw_shows_as_differing(world, clerk, drawn):
    act = Act.objects.get(seq=drawn.seq)
    raw = bytes(act.canonical).replace(b'"max_distance":300', b'"max_distance":900')
    Act.objects.filter(pk=act.pk).update(canonical=raw)
    row = rows_of(clerk)[drawn.assignment.pk]
    assert row.status == selectors.DIFFERS
    assert row.check.problems == [f"账本第 {drawn.seq} 条的内容与默克尔树不符"]
    assert "与默克尔树不符" in row.explanation


def test_a_draw_without_its_inputs_entry_cannot_be_recomputed_and_says_why(clerk, drawn):
    Assignment.objects.filter(pk=drawn.assignment.pk).update(draw_seq=None)
    row = rows_of(clerk)[drawn.assignment.pk]
    assert row.status == selectors.UNVERIFIABLE
    assert row.explanation == "无法重算:分案记录没有载明分案输入的账本条目"
    assert row.as_json()["draw"]["commitment_seq"] is None


def test_a_draw_naming_an_entry_not_of_a_draws_inputs_shows_why(clerk, drawn):
    missing = Act.objects.order_by("-seq").first().seq + 1
    Assignment.objects.filter(pk=drawn.assignment.pk).update(draw_seq=missing)
    row = rows_of(clerk)[drawn.assignment.pk]
    assert row.status == selectors.UNVERIFIABLE
    assert row.explanation == f"无法重算:账本中没有第 {missing} 条"

    choice = Act.objects.get(kind="assignment.drawn").seq
    Assignment.objects.filter(pk=drawn.assignment.pk).update(draw_seq=choice)
    row = rows_of(clerk)[drawn.assignment.pk]
    assert row.status == selectors.DIFFERS
    assert row.check.problems == [f"账本第 {choice} 条不是随机分案输入"]


def test_a_designation_shows_its_reason_reasoning_and_approver(world, clerk, designated, sign_in):
    row = rows_of(clerk)[designated.pk]
    assert row.check is None and row.status == ""
    assert row.seq == Act.objects.get(kind="assignment.designated").seq
    data = row.as_json()
    assert data["reason_label"] == "重大、疑难、复杂案件,由检察长指定"
    assert data["reasoning"] == REASONING
    assert data["approved_by"] == {"id": world.chief.pk, "name": "韩川"}

    html = page_of(sign_in, "frank")
    assert "重大、疑难、复杂案件,由检察长指定" in html and REASONING in html
    assert "韩川" in html and reverse("ledger:entry", args=[row.seq]) in html
    assert "本页没有随机分案。" in html


def test_the_filters_keep_the_kind_and_the_months_asked_for(clerk, drawn, designated):
    assert set(rows_of(clerk)) == {drawn.assignment.pk, designated.pk}
    assert set(rows_of(clerk, kind="designation")) == {designated.pk}
    march, april = datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)
    assert len(rows_of(clerk, month_from=march, month_to=march)) == 2
    assert rows_of(clerk, month_from=april) == {}
    assert rows_of(clerk, month_to=datetime.date(2026, 2, 1)) == {}
    found = selectors.audit(clerk)
    assert found.totals == {"draw": 1, "designation": 1, "reassignment": 0}


@pytest.mark.parametrize("login", ["alice", "head", "grace"])
def test_those_the_page_is_not_for_are_refused_with_who_may(world, sign_in, drawn, login):
    response = sign_in(login).get(PAGE)
    assert response.status_code == 403
    assert "仅供案件管理部门" in response.content.decode()
    answer = sign_in(login).get(API)
    assert answer.status_code == 403 and "仅供案件管理部门" in answer.json()["detail"]
    with pytest.raises(ActDenied):
        selectors.audit(world.actor(getattr(world, login)))


def test_each_reader_sees_only_the_procuratorates_in_their_reach(
    world, clerk, drawn, elsewhere, sign_in
):
    mine, theirs = drawn.assignment.pk, elsewhere.assignment.pk
    assert set(rows_of(clerk)) == {mine}
    assert set(rows_of(world.actor(world.olga))) == {theirs}
    # Asking for the other procuratorate by name finds nothing, on the page and in the API.
    assert rows_of(clerk, procuratorate=world.other_base.pk) == {}
    api = sign_in("frank").get(API, {"procuratorate": world.other_base.pk}).json()
    assert api["rows"] == [] and api["count"] == 0
    html = page_of(sign_in, "frank")
    assert drawn.assignment.case.number in html and elsewhere.assignment.case.number not in html
    # The city's chief reaches both base procuratorates; the province's chief too.
    assert set(rows_of(world.actor(world.city_chief))) == {mine, theirs}
    assert set(rows_of(world.actor(world.province_chief))) == {mine, theirs}


def test_the_inspection_office_audits_without_opening_the_cases(world, drawn, sign_in):
    people.appoint(
        actor=SYSTEM,
        staff=world.grace,
        kind="inspection",
        department=None,
        valid_from=datetime.date(2020, 1, 1),
    )
    [row] = rows_of(world.actor(world.grace)).values()
    assert row.status == selectors.MATCHES and not row.case_readable
    html = page_of(sign_in, "grace")
    assert drawn.assignment.case.number in html
    assert reverse("cases:detail", args=[drawn.assignment.case_id]) not in html


def test_the_api_answers_the_same_rows_summary_and_figures(
    world, clerk, drawn, designated, sign_in
):
    Assignment.objects.filter(pk=drawn.assignment.pk).update(
        org_id=next(m.org for m in drawn.inputs.pool if m.org != drawn.assignment.org_id)
    )
    answer = sign_in("frank").get(API).json()
    found = selectors.audit(clerk).as_json()
    figures = selectors.fairness(clerk)
    assert answer["count"] == found["count"] == 2
    assert answer["totals"] == found["totals"]
    assert answer["summary"] == found["summary"]
    assert answer["summary"]["differs"] == 1
    assert [r["id"] for r in answer["rows"]] == [r["id"] for r in found["rows"]]
    by_id = {r["id"]: r for r in answer["rows"]}
    assert by_id[drawn.assignment.pk]["draw"] == found["rows"][1]["draw"]
    assert by_id[designated.pk]["approved_by"]["name"] == "韩川"
    assert by_id[designated.pk]["reasoning"] == REASONING
    assert answer["figures"]["items"] == figures["items"]
    share = next(i for i in answer["figures"]["items"] if i["key"] == "designated_share")
    assert share["value"] == 50.0  # one draw, one designation


def test_the_api_refuses_a_month_not_in_the_form_yyyy_mm(sign_in, drawn):
    response = sign_in("frank").get(API + "?month_from=2026-13")
    assert response.status_code == 422 and "month_from" in response.json()["errors"]


def _draws(world, clerk, n: int) -> None:
    for i in range(n):
        at = AT + datetime.timedelta(minutes=i)
        services.draw_case(actor=clerk, case=receive(world, clerk), occurred_at=at)


def _queries(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as page:
        assert client.get(PAGE).status_code == 200
    with CaptureQueriesContext(connection) as api:
        assert client.get(API).status_code == 200
    return len(page), len(api)


def test_the_page_reads_in_as_many_queries_for_six_draws_as_for_two(world, clerk, sign_in):
    client = sign_in("frank")
    _draws(world, clerk, 2)
    few = _queries(client)
    _draws(world, clerk, 4)
    assert Assignment.objects.count() == 6
    assert _queries(client) == few
