"""The report's figures, computed from the demo province, equal the report's numbers.

The full demo province is built once for this module, through `procuracy demo` itself (the
longest set-up in the suite), inside a transaction rolled back when the module ends. Every
test here asks for `db`: pytest-django runs database tests first, and a test without it would
be moved after them, making the module build the province a second time.
"""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from procuracy.core.actors import Actor
from procuracy.figures.selectors import report_figures

SEED = 7


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker, tmp_path_factory):
    """Builds the province with `procuracy demo --seed 7`; yields what the command printed."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    data_dir = tmp_path_factory.mktemp("demo-data")
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast, DATA_DIR=data_dir),
        transaction.atomic(),
    ):
        out = io.StringIO()
        call_command("demo", "--seed", str(SEED), "--cases", "100", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def figures(demo_output, db):
    return report_figures(Actor.system())


def _items(figures, section: str) -> dict:
    return {item["key"]: item for item in figures["sections"][section]["items"]}


def _values(figures, section: str) -> dict:
    return {key: item["value"] for key, item in _items(figures, section).items()}


def test_every_figure_with_a_report_number_agrees_with_it(figures):
    compared = [
        (section["key"], item["label"], item["value"], item["report_text"], item["agrees"])
        for section in figures["sections"].values()
        for item in section["items"]
        if item["report"] is not None
    ]
    assert len(compared) == 24  # every number of section 三 the records can give so far
    assert [row for row in compared if row[-1] is not True] == []


def test_procuratorates_by_level(figures):
    assert _values(figures, "procuratorates") == {
        "province": 1,
        "city": 14,
        "branch": 3,
        "base": 94,
        "total": 112,
    }


def test_base_departments_956_before_510_after_down_47_percent(figures):
    assert _values(figures, "base_departments") == {
        "before": 956,
        "after": 510,
        "change_percent": -47,
    }


def test_criminal_departments_by_level(figures):
    distribution = figures["sections"]["criminal_departments"]["distribution"]
    assert distribution["city"] == {"2": 14}
    assert distribution["branch"] == {"1": 3}
    assert distribution["base"] == {"1": 82, "2": 12}


def test_people_by_category_with_contract_clerks_apart(figures):
    people = _items(figures, "people")
    assert people["prosecutor"]["value"] == 1614
    assert people["prosecutor"]["by_level"]["base"] == 1145
    assert people["assistant"]["value"] == 1049
    assert people["clerk"]["value"] == 322
    assert people["administrative"]["value"] == 832
    assert people["contract_clerk"]["value"] > 2000
    assert people["contract_clerk"]["agrees"] is True


def test_quota_prosecutors_at_the_base_and_their_share(figures):
    assert _values(figures, "quota") == {"total": 1614, "base": 1145, "base_share_percent": 70.9}


def test_case_handling_organisations_by_type(figures):
    assert _values(figures, "case_handling_orgs") == {
        "sole": 1764,
        "fixed": 505,
        "temporary": 0,
        "total": 2269,
    }


def test_rank_conversions_of_the_report(figures):
    values = _values(figures, "rank_conversions")
    assert (values["administrative"], values["assistant"], values["clerk"]) == (832, 1049, 322)


def test_the_figures_are_plain_json(figures):
    assert json.loads(json.dumps(figures)) == figures


def test_the_command_printed_one_login_per_role_and_the_password(demo_output, db):
    for login in ("admin", "province_chief", "chief", "lead", "clerk", "discipline"):
        assert login in demo_output
    assert "demo-2026-procuracy" in demo_output


def test_a_base_chief_sees_only_their_own_procuratorate(demo_output, db):
    chief = get_user_model().objects.get(username="chief")
    figures = report_figures(Actor.for_user(chief))
    assert _values(figures, "procuratorates")["total"] == 1
    own = chief.staff.procuratorate.staff.filter(category="prosecutor").count()
    assert _items(figures, "people")["prosecutor"]["value"] == own


def test_the_figures_command_prints_the_same_figures_as_json(demo_output, db, figures):
    out = io.StringIO()
    call_command("figures", "--json", stdout=out)
    assert json.loads(out.getvalue()) == figures


def test_the_figures_page_shows_computed_beside_report(demo_output, db, client):
    client.force_login(get_user_model().objects.get(username="province_chief"))
    page = client.get(reverse("figures:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "1,764" in html and "2,269" in html
    assert "不一致" not in html
