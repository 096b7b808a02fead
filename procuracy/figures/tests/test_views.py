"""The figures page and its JSON download, on the small test world."""

from __future__ import annotations

import json

from django.urls import reverse

from conftest import PASSWORD


def _sign_in(client, login="chief"):
    assert client.login(username=login, password=PASSWORD)


def test_the_page_shows_each_figure_with_the_reports_number(world, client):
    _sign_in(client)
    page = client.get(reverse("figures:index"), {"before": "2019-06-30", "after": "2024-01-01"})
    assert page.status_code == 200
    html = page.content.decode()
    for words in ("基层院内设机构(改革前后)", "办案组织(按类型,2024-01-01)", "1,764", "报告值"):
        assert words in html
    assert 'href="/figures/figures.json?before=2019-06-30&amp;after=2024-01-01"' in html


def test_a_bad_date_is_named_and_the_defaults_are_shown(world, client):
    _sign_in(client)
    page = client.get(reverse("figures:index"), {"after": "2024-13-45"})
    assert page.status_code == 200
    assert page.context["form"].errors["after"]
    assert page.context["figures"]["before"] == "2019-06-30"


def test_after_before_before_is_refused(world, client):
    _sign_in(client)
    page = client.get(reverse("figures:index"), {"before": "2024-01-01", "after": "2020-01-01"})
    assert "改革后日期不能早于改革前日期。" in page.context["form"].errors["after"]


def test_the_json_download_is_an_attachment_of_the_same_figures(world, client):
    _sign_in(client, "alice")
    response = client.get(reverse("figures:json"), {"after": "2024-01-01"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    figures = json.loads(response.content)
    assert figures["after"] == "2024-01-01"
    totals = {i["key"]: i["value"] for i in figures["sections"]["procuratorates"]["items"]}
    assert totals["total"] == 1  # alice sees her own procuratorate only


def test_strangers_are_sent_to_sign_in(db, client):
    for name in ("figures:index", "figures:json"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
