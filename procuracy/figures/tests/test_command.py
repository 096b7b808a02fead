"""`procuracy figures`: the same figures as a table or JSON, within a login's scope."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command


def _run(*args) -> str:
    out = io.StringIO()
    call_command("figures", *args, stdout=out)
    return out.getvalue()


def test_the_table_shows_computed_and_report_values(world):
    text = _run("--after", "2024-01-01")
    assert "基层院内设机构(改革前后)" in text
    assert "2000余" in text
    assert "来源" in text


def test_json_follows_the_dates_and_the_login(world):
    figures = json.loads(
        _run("--json", "--before", "2019-01-01", "--after", "2024-01-01", "--as", "alice")
    )
    assert (figures["before"], figures["after"]) == ("2019-01-01", "2024-01-01")
    totals = {i["key"]: i["value"] for i in figures["sections"]["procuratorates"]["items"]}
    assert totals["total"] == 1


def test_an_unknown_login_or_a_bad_date_is_refused(world):
    with pytest.raises(CommandError):
        _run("--as", "nobody")
    with pytest.raises(CommandError):
        _run("--after", "2024-02-30")
