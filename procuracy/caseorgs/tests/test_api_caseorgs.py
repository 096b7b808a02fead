"""GET /api/v1/caseorgs (filters) and GET /api/v1/caseorgs/{id} (members and history)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import REFORM, SYSTEM
from procuracy.caseorgs import services

API = "/api/v1/caseorgs"


def names(answer) -> set[str]:
    assert answer.status_code == 200, answer.content
    return {row["name"] for row in answer.json()["items"]}


def test_a_base_prosecutor_lists_the_organisations_of_their_procuratorate(world, sign_in):
    answer = sign_in("alice").get(API)
    assert names(answer) == {"安丽独任检察官", "包博独任检察官", "刑事第一办案组"}
    team = next(row for row in answer.json()["items"] if row["kind"] == "team")
    assert team["kind_label"] == "检察官办案组"
    assert (team["team_kind"], team["team_kind_label"]) == ("fixed", "固定办案组")
    assert team["department"]["name"] == "第一检察部"
    assert {(m["staff"]["name"], m["role"]) for m in team["members"]} == {
        ("蔡蕾", "lead"),
        ("丁伟", "prosecutor"),
        ("鄂琳", "assistant"),
    }
    sole = next(row for row in answer.json()["items"] if row["name"] == "安丽独任检察官")
    assert (sole["team_kind"], sole["team_kind_label"]) == (None, None)


def test_filters_by_kind_department_and_procuratorate(world, sign_in):
    client = sign_in("city_chief")
    assert names(client.get(API, {"kind": "team"})) == {"刑事第一办案组"}
    assert len(names(client.get(API, {"kind": "sole"}))) == 2
    assert len(names(client.get(API, {"department": world.criminal.pk}))) == 3
    assert names(client.get(API, {"department": world.civil.pk})) == set()
    assert names(client.get(API, {"procuratorate": world.other_base.pk})) == set()
    answer = client.get(API, {"kind": "committee"})
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"kind": ["请从以下选项中选择:sole、team。"]}


def test_the_list_comes_in_pages(world, sign_in):
    page = sign_in("alice").get(API, {"limit": 2, "offset": 2}).json()
    assert page["count"] == 3
    assert len(page["items"]) == 1


def test_an_organisation_shows_its_members_now_and_its_history(world, sign_in):
    services.change_lead(
        actor=SYSTEM, org=world.team, lead=world.dave, on=datetime.date(2024, 1, 1)
    )
    answer = sign_in("alice").get(f"{API}/{world.team.pk}")
    assert answer.status_code == 200
    team = answer.json()
    assert {(m["staff"]["name"], m["role_label"]) for m in team["members"]} == {
        ("丁伟", "主办检察官"),
        ("蔡蕾", "组员检察官"),
        ("鄂琳", "检察官助理"),
    }
    history = [
        (m["staff"]["name"], m["role"], m["valid_from"], m["valid_to"]) for m in team["history"]
    ]
    reform = REFORM.isoformat()
    assert ("蔡蕾", "lead", reform, "2024-01-01") in history
    assert ("丁伟", "prosecutor", reform, "2024-01-01") in history
    assert ("丁伟", "lead", "2024-01-01", None) in history
    assert len(history) == 5


def test_an_organisation_at_another_base_is_not_found(world, sign_in):
    answer = sign_in("olga").get(f"{API}/{world.team.pk}")
    assert answer.status_code == 404
    assert names(sign_in("olga").get(API)) == set()


def test_the_city_chief_may_open_an_organisation_at_a_base(world, sign_in):
    assert sign_in("city_chief").get(f"{API}/{world.team.pk}").status_code == 200


@pytest.mark.parametrize("path", ["", "/{pk}"])
def test_anonymous_gets_401(world, client, path):
    answer = client.get(API + path.format(pk=world.team.pk))
    assert answer.status_code == 401


def test_a_longer_page_costs_no_more_queries(world, sign_in):
    client = sign_in("alice")

    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(API, {"limit": limit}).status_code == 200
        return len(captured)

    assert queries(1) == queries(3)
