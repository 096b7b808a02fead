"""The leaders' cases report page, each leader's cases, the XLSX and CSV exports and the API:
the same numbers everywhere, for those who may read them."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from procuracy.caseorgs import services as caseorgs
from procuracy.oversight import leaders
from procuracy.oversight.tests.leaders_support import (
    REFORM,
    SYSTEM,
    assign,
    at,
    chief_sole,
    make_deputy,
)
from procuracy.people import services as people

API = "/api/v1/oversight/leaders"
PAGE = reverse("oversight:leaders_report")


@pytest.fixture
def handled(world):
    """韩川 (chief, sole prosecutor) has two cases in 2025 and one in 2024; 包博, deputy
    chief, one in 2025; and 欧阳晓, chief of the other base, one in 2025."""
    org = chief_sole(world)
    make_deputy(world, valid_from=REFORM)
    assign(world, org, at(2025, 2))
    assign(world, org, at(2025, 8))
    assign(world, org, at(2024, 5))
    assign(world, world.sole_bob, at(2025, 3))
    people.appoint(actor=SYSTEM, staff=world.olga, kind="chief", valid_from=REFORM)
    olga_org = caseorgs.form_sole_org(
        actor=SYSTEM, department=world.other_criminal, prosecutor=world.olga, valid_from=REFORM
    )
    assign(world, olga_org, at(2025, 4), approver=world.olga)


def test_the_page_lists_each_leader_with_the_totals_and_the_series(world, handled, sign_in):
    page = sign_in("chief").get(PAGE, {"year": 2025})
    assert page.status_code == 200
    html = page.content.decode()
    for words in ("领导干部办案通报", "韩川", "包博", "副检察长", "2024 年", "2025 年"):
        assert words in html
    assert "欧阳晓" not in html  # the other base is not the base chief's
    assert [r["cases"] for r in page.context["report"]["rows"]] == [2, 1]
    assert page.context["report"]["totals"]["cases"] == 3
    cases_url = reverse("oversight:leaders_cases", args=[world.chief.pk]) + "?year=2025"
    assert f'href="{cases_url}"' in html


def test_a_quarter_narrows_the_report_and_a_bad_month_is_named(world, handled, sign_in):
    client = sign_in("city_chief")
    page = client.get(PAGE, {"year": 2025, "quarter": 1})
    assert page.context["report"]["totals"]["cases"] == 2  # February and March
    bad = client.get(PAGE, {"year": 2025, "quarter": 1, "month": 8})
    assert "8 月不在第 1 季度。" in bad.context["form"].errors["month"]
    assert bad.context["report"]["period"]["quarter"] is None  # the year, as a default


def test_a_prosecutor_is_told_who_may_read_the_report(world, handled, sign_in):
    client = sign_in("alice")
    page = client.get(PAGE)
    assert page.status_code == 403
    assert "领导干部办案通报仅供" in page.content.decode()
    assert client.get(reverse("oversight:leaders_export", args=["xlsx"])).status_code == 403
    assert client.get(API).status_code == 403


def test_a_leaders_cases_page_lists_them_and_another_bases_leader_is_not_found(
    world, handled, sign_in
):
    client = sign_in("chief")
    page = client.get(reverse("oversight:leaders_cases", args=[world.chief.pk]), {"year": 2025})
    assert page.status_code == 200
    assert len(page.context["found"]["cases"]) == 2
    assert "张某盗窃案" in page.content.decode()
    missing = client.get(reverse("oversight:leaders_cases", args=[world.olga.pk]), {"year": 2025})
    assert missing.status_code == 404


def test_the_xlsx_export_is_a_workbook_with_the_same_numbers(world, handled, sign_in):
    client = sign_in("city_chief")
    answer = client.get(reverse("oversight:leaders_export", args=["xlsx"]), {"year": 2025})
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in answer["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    sheet, by_year = book.worksheets
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    report = leaders.report(world.actor(world.city_chief), period=leaders.Period(2025))
    assert rows[0] == ["检察院", "姓名", "职务", "办理案件", "办结", "亲自决定"]
    assert rows[1:-1] == [
        [r["procuratorate"]["name"], r["staff"]["name"], r["post_label"], r["cases"], 0, 0]
        for r in report["rows"]
    ]
    assert rows[1:-1] == [
        ["城关区院", "韩川", "检察长", 2, 0, 0],
        ["城关区院", "包博", "副检察长", 1, 0, 0],
        ["七里河区院", "欧阳晓", "检察长", 1, 0, 0],
    ]
    assert rows[-1][3:] == [4, 0, 0]
    series = [list(r) for r in by_year.iter_rows(values_only=True)]
    assert series[0] == ["检察院", "2024 年", "2025 年", "合计"]
    assert series[1:] == [["城关区院", 1, 3, 4], ["七里河区院", 0, 1, 1], ["合计", 1, 4, 5]]


def test_the_csv_export_has_the_same_rows(world, handled, sign_in):
    answer = sign_in("chief").get(reverse("oversight:leaders_export", args=["csv"]), {"year": 2025})
    assert answer["Content-Type"].startswith("text/csv")
    text = answer.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1:3] == [
        ["城关区院", "韩川", "检察长", "2", "0", "0"],
        ["城关区院", "包博", "副检察长", "1", "0", "0"],
    ]
    assert rows[-1][3] == "3"


def test_an_unknown_format_is_not_found(world, sign_in):
    assert sign_in("chief").get("/oversight/leaders/export.pdf").status_code == 404


# ---- the API ------------------------------------------------------------------------------


def test_the_api_gives_the_report_for_the_filters(world, handled, sign_in):
    client = sign_in("city_chief")
    body = client.get(API, {"year": 2025, "procuratorate": world.base.pk}).json()
    assert [(r["staff"]["name"], r["post"], r["cases"]) for r in body["rows"]] == [
        ("韩川", "chief", 2),
        ("包博", "deputy_chief", 1),
    ]
    assert body["totals"] == {"cases": 3, "concluded": 0, "decided": 0, "leaders": 2}
    assert body["series"]["years"] == [2024, 2025] and body["series"]["total"] == [1, 3]
    assert body["period"]["label"] == "2025 年"
    month = client.get(API, {"year": 2025, "month": 8}).json()
    assert month["totals"]["cases"] == 1


def test_the_api_refuses_a_bad_period_and_a_procuratorate_out_of_reach(world, handled, sign_in):
    client = sign_in("chief")
    bad = client.get(API, {"year": 2025, "quarter": 1, "month": 8})
    assert bad.status_code == 422
    assert bad.json()["errors"] == {"month": ["8 月不在第 1 季度。"]}
    assert client.get(API, {"quarter": 5}).status_code == 422
    assert client.get(API, {"procuratorate": world.other_base.pk}).status_code == 404


def test_the_api_lists_a_leaders_cases_and_exports_the_report(world, handled, sign_in):
    client = sign_in("chief")
    body = client.get(f"{API}/{world.chief.pk}/cases", {"year": 2025}).json()
    assert body["totals"] == {"cases": 2, "concluded": 0, "decided": 0}
    assert {c["role"] for c in body["cases"]} == {"sole"}
    assert client.get(f"{API}/{world.olga.pk}/cases", {"year": 2025}).status_code == 404
    answer = client.get(f"{API}/export", {"year": 2025, "format": "xlsx"})
    assert answer.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    assert sheet["D2"].value == 2 and sheet["A4"].value.startswith("合计")
    csv_answer = client.get(f"{API}/export", {"year": 2025, "format": "csv"})
    assert csv_answer["Content-Type"].startswith("text/csv")


def test_the_figures_page_links_the_report_for_those_who_may_read_it(world, handled, sign_in):
    html = sign_in("chief").get(reverse("figures:index")).content.decode()
    assert PAGE in html and "领导干部办案(按年度" in html
    assert PAGE not in sign_in("alice").get(reverse("figures:index")).content.decode()
