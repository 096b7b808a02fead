"""GET /api/v1/figures: the report's figures, computed from records, scoped to the reader."""

API = "/api/v1/figures"


def values(body: dict, section: str) -> dict:
    return {row["key"]: row["value"] for row in body["sections"][section]["items"]}


def test_a_base_prosecutor_gets_the_figures_of_their_own_procuratorate(world, sign_in):
    answer = sign_in("alice").get(API)
    assert answer.status_code == 200
    body = answer.json()
    procuratorates = values(body, "procuratorates")
    assert (procuratorates["base"], procuratorates["city"], procuratorates["total"]) == (1, 0, 1)
    assert values(body, "people")["prosecutor"] == 6


def test_the_city_chief_gets_the_figures_of_the_city_and_both_bases(world, sign_in):
    body = sign_in("city_chief").get(API).json()
    procuratorates = values(body, "procuratorates")
    assert (procuratorates["base"], procuratorates["city"], procuratorates["total"]) == (2, 1, 3)
    assert values(body, "people")["prosecutor"] == 8


def test_the_reform_is_compared_between_the_days_asked_about(world, sign_in):
    client = sign_in("city_chief")
    body = client.get(API, {"before": "2019-06-30", "after": "2019-07-01"}).json()
    assert (body["before"], body["after"]) == ("2019-06-30", "2019-07-01")
    departments = values(body, "base_departments")
    assert (departments["before"], departments["after"]) == (0, 4)


def test_a_bad_date_is_refused_with_a_message_in_chinese(world, sign_in):
    answer = sign_in("alice").get(API, {"before": "30/06/2019"})
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"before": ["请填写有效的日期,格式为 YYYY-MM-DD。"]}


def test_anonymous_gets_401(world, client):
    assert client.get(API).status_code == 401
