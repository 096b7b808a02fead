"""The power-list API: the lists, a version's items, delegations, and POST /check."""

import datetime

import pytest

from procuracy.core.models import Act
from procuracy.powers import services
from procuracy.powers.models import Matter, Refusal
from procuracy.powers.tests.support import IN_FORCE, issue, item

CHECK = "/api/v1/powers/check"


@pytest.fixture
def in_force(world):
    return issue(
        world,
        "base",
        [
            item(1, "approve_arrest", "prosecutor", unless=["major", "difficult", "complex"]),
            item(2, "approve_arrest", "department_head", "review", when_any=["major"]),
            item(3, "approve_arrest", "chief", when_any=["major", "difficult", "complex"]),
            item(4, "prosecute", "prosecutor", line="ordinary_crime"),
        ],
    )


def ask(client, **body):
    body.setdefault("on", IN_FORCE.isoformat())
    return client.post(CHECK, body, content_type="application/json")


def test_the_lists_come_with_their_versions_and_states(world, sign_in, in_force):
    body = sign_in("alice").get("/api/v1/powers/lists", {"province": "620000"}).json()
    assert [(pl["title"], pl["level"], pl["kind"]) for pl in body] == [
        ("base 清单", "base", "level")
    ]
    (version,) = body[0]["versions"]
    assert body[0]["in_force"] == version["id"] == in_force.pk
    assert version["state"] == "effective" and version["state_label"] == "现行有效"
    assert version["approval_body"] == "committee" and version["item_count"] == 4
    assert sign_in("alice").get("/api/v1/powers/lists", {"province": "110000"}).json() == []


def test_a_version_and_its_items_filtered(world, sign_in, in_force):
    client = sign_in("alice")
    answer = client.get(f"/api/v1/powers/versions/{in_force.pk}")
    assert answer.json()["number"] == 1
    body = client.get(f"/api/v1/powers/versions/{in_force.pk}/items", {"holder": "chief"}).json()
    assert body["count"] == 1
    (row,) = body["items"]
    assert row["code"] == "T-003" and row["holder_label"] == "检察长"
    assert row["matter"] == {"code": "approve_arrest", "name": "批准逮捕"}
    assert row["when_any"] == ["complex", "difficult", "major"]
    lines = client.get(
        f"/api/v1/powers/versions/{in_force.pk}/items", {"business_line": "civil"}
    ).json()
    assert [r["code"] for r in lines["items"]] == ["T-001", "T-002", "T-003"]
    assert client.get("/api/v1/powers/versions/999999").status_code == 404


def test_a_prosecutor_may_decide_an_ordinary_arrest_and_is_told_which_item(
    world, sign_in, in_force
):
    answer = ask(sign_in("alice"), matter="approve_arrest")
    assert answer.status_code == 200
    assert answer.json() == {
        "allowed": True,
        "sentence": "“批准逮捕”由检察官决定(权力清单 基层院第 1 项)。",
        "item": {"id": in_force.items.get(number=1).pk, "list": "基层院", "number": 1,
                 "code": "T-001"},
        "delegation": None,
        "path": [],
    }  # fmt: skip


def test_a_major_case_is_refused_with_the_path_upward_and_nothing_recorded(
    world, sign_in, in_force
):
    acts = Act.objects.count()
    body = ask(sign_in("chief"), staff="alice", matter="approve_arrest", flags=["major"]).json()
    assert body["allowed"] is False
    assert body["item"]["number"] == 3
    assert body["path"] == [
        {"holder": "department_head", "power": "review", "label": "部门负责人审核"},
        {"holder": "chief", "power": "decide", "label": "检察长决定"},
    ]
    assert body["sentence"] == (
        "“批准逮捕”须经部门负责人审核后,由检察长决定(权力清单 基层院第 3 项)。"
    )
    assert Act.objects.count() == acts and not Refusal.objects.exists()


def test_a_delegation_answers_an_unlisted_matter(world, sign_in, in_force):
    services.delegate(
        actor=world.actor(world.chief),
        procuratorate=world.base,
        delegate=world.alice,
        matter=Matter.objects.get(code="bail"),
        document_no="城检授〔2026〕1号",
        instruction="授权安丽决定取保候审。",
        valid_from=IN_FORCE,
    )
    body = ask(sign_in("alice"), matter="bail").json()
    assert body["allowed"] is True and body["item"] is None
    assert body["delegation"]["document_no"] == "城检授〔2026〕1号"
    rows = sign_in("alice").get("/api/v1/powers/delegations", {"procuratorate": world.base.pk})
    assert [d["document_no"] for d in rows.json()["items"]] == ["城检授〔2026〕1号"]
    other = sign_in("olga").get("/api/v1/powers/delegations", {"procuratorate": world.base.pk})
    assert other.status_code == 404


def test_a_role_rule_is_answered_too(world, sign_in):
    body = ask(sign_in("alice"), matter="powers.approve", procuratorate="620000").json()
    assert body["allowed"] is False
    assert body["sentence"].startswith("“批准权力清单”须由本院的")


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"matter": "fly"}, "matter", "没有代码为 fly 的事项。"),
        ({"matter": "bail", "staff": "nobody"}, "staff", "没有登录名或人员编号为 nobody 的人员。"),
        ({"matter": "bail", "business_line": "x"}, "business_line", "没有代码为 x 的业务条线。"),
        ({"matter": "bail", "procuratorate": "999"}, "procuratorate", "没有代码为 999 的检察院。"),
    ],
)
def test_unknown_names_are_refused_in_chinese_per_field(world, sign_in, body, field, message):
    answer = ask(sign_in("alice"), **body)
    assert answer.status_code == 422
    assert answer.json() == {
        "detail": "提交的内容有误,请按提示修改。",
        "errors": {field: [message]},
    }


def test_an_unknown_flag_or_a_missing_matter_is_refused_by_the_schema(world, sign_in):
    answer = ask(sign_in("alice"), matter="bail", flags=["lucky"])
    assert answer.status_code == 422
    assert answer.json()["errors"]["flags.0"][0].startswith("请从以下选项中选择:major、")
    answer = ask(sign_in("alice"))
    assert answer.json()["errors"] == {"matter": ["此项必须填写。"]}


def test_someone_outside_ones_scope_is_unknown(world, sign_in, in_force):
    answer = ask(sign_in("olga"), staff="alice", matter="bail")
    assert answer.status_code == 422 and "staff" in answer.json()["errors"]


def test_the_day_is_honoured(world, sign_in, in_force):
    before = (IN_FORCE - datetime.timedelta(days=1)).isoformat()
    body = ask(sign_in("alice"), matter="approve_arrest", on=before).json()
    assert body["allowed"] is False and "未列入权力清单" in body["sentence"]


def test_one_list_and_its_versions(world, sign_in, in_force):
    body = sign_in("alice").get(f"/api/v1/powers/lists/{in_force.power_list_id}").json()
    assert body["level_label"] == "基层院" and body["kind_label"] == "全省统一清单"
    assert body["versions"][0]["list_id"] == in_force.power_list_id
    assert body["versions"][0]["based_on"] is None
    assert sign_in("alice").get("/api/v1/powers/lists/999999").status_code == 404
