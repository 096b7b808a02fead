"""The power-list pages: the lists, a version with its filters and the edit-and-approve flow,
an item's history, a comparison, delegations, refused attempts, the public page and the
decision check."""

import datetime

import pytest
from django.urls import reverse

from procuracy.core.models import Act
from procuracy.people import services as people
from procuracy.powers import services
from procuracy.powers.models import Delegation, Item, ListVersion, Refusal
from procuracy.powers.tests.support import IN_FORCE, SYSTEM, issue, item

LATER = datetime.date(2099, 1, 1)
APPROVAL = {"effective_from": LATER, "body": "committee", "reference": "检委会〔2026〕第9次会议"}


def base_items():
    return [
        item(1, "approve_arrest", "prosecutor", unless=["major", "difficult", "complex"]),
        item(2, "approve_arrest", "department_head", "review", when_any=["major", "complex"]),
        item(3, "approve_arrest", "chief", when_any=["major", "difficult", "complex"]),
        item(4, "protest", "committee", legal_basis="《人民检察院刑事诉讼规则》第五百八十四条"),
        item(5, "prosecute", "prosecutor", line="ordinary_crime", max_amount=1_000_000),
    ]


@pytest.fixture
def in_force(world):
    return issue(world, "base", base_items())


@pytest.fixture
def draft(world, in_force):
    return services.draft_version(
        actor=world.actor(world.province_chief), power_list=in_force.power_list
    )


def page(version) -> str:
    return reverse("powers:version", args=[version.pk])


def test_the_index_lists_the_provinces_lists_with_their_versions(world, sign_in, draft):
    html = sign_in("alice").get(reverse("powers:index")).content.decode()
    assert "base 清单" in html
    assert "现行有效" in html and "草稿" in html
    assert page(draft) in html and page(draft.based_on) in html


def test_a_version_shows_its_items_and_filters_them(world, sign_in, in_force):
    client = sign_in("alice")
    html = client.get(page(in_force)).content.decode()
    for text in (
        "批准逮捕",
        "提出抗诉",
        "检察委员会",
        "除外情形",
        "重大、疑难、复杂",
        "第五百八十四条",
    ):
        assert text in html, text
    assert "不满 1,000,000 元" in html
    html = client.get(page(in_force), {"matter": "抗诉"}).content.decode()
    assert "提出抗诉" in html and "T-001" not in html
    html = client.get(page(in_force), {"holder": "chief"}).content.decode()
    assert "T-003" in html and "T-001" not in html
    html = client.get(page(in_force), {"flag": "major"}).content.decode()
    assert "T-001" in html and "T-004" not in html  # item 1 names it as an exception
    html = client.get(page(in_force), {"business_line": "civil"}).content.decode()
    assert "T-004" in html and "T-005" not in html  # items for every line still apply


def test_a_filter_from_htmx_answers_with_the_results_alone(world, sign_in, in_force):
    answer = sign_in("alice").get(page(in_force), {"power": "review"}, HTTP_HX_REQUEST="true")
    html = answer.content.decode()
    assert "<html" not in html
    assert "共 1 项" in html and "T-002" in html


def test_an_approved_version_offers_no_editing_and_a_new_draft_only_to_the_drafters(
    world, sign_in, in_force
):
    html = sign_in("alice").get(page(in_force)).content.decode()
    assert "增加事项" not in html
    assert 'disabled aria-describedby="why-draft"' in html
    assert "“起草和修改权力清单”须由本院的" in html
    html = sign_in("province_chief").get(page(in_force)).content.decode()
    assert reverse("powers:new_draft", args=[in_force.pk]) in html


def test_the_draft_edit_approve_flow(world, sign_in, in_force):
    client = sign_in("province_chief")
    answer = client.post(reverse("powers:new_draft", args=[in_force.pk]), {"note": "年度修订"})
    draft = ListVersion.objects.get(status="draft")
    assert answer.url == page(draft)
    assert draft.items.count() == 5

    answer = client.post(
        reverse("powers:add_item", args=[draft.pk]),
        {"number": 6, "code": "T-006", "matter": "bail", "holder": "prosecutor",
         "power": "decide", "when_any": ["plea"], "legal_basis": "刑诉法第六十七条"},
    )  # fmt: skip
    assert answer.status_code == 302
    added = draft.items.get(code="T-006")
    assert added.when_any == ["plea"] and added.matter.code == "bail"

    changed = draft.items.get(code="T-005")
    answer = client.post(
        reverse("powers:change_item", args=[changed.pk]),
        {**_posted(changed), "holder": "department_head"},
    )
    assert answer.status_code == 302
    changed.refresh_from_db()
    assert changed.holder == "department_head"

    removed = draft.items.get(code="T-004")
    assert client.post(reverse("powers:remove_item", args=[removed.pk])).status_code == 302
    assert not draft.items.filter(code="T-004").exists()

    answer = client.post(
        reverse("powers:approve", args=[draft.pk]),
        {"effective_from": LATER, "body": "committee", "reference": "检委会〔2026〕第9次会议"},
    )
    assert answer.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "approved" and draft.effective_from == LATER
    assert draft.state_on() == "approved"
    kinds = set(Act.objects.filter(kind__startswith="powers.").values_list("kind", flat=True))
    assert {"powers.item_added", "powers.item_changed", "powers.item_removed"} <= kinds

    html = client.get(reverse("powers:item", args=[changed.pk])).content.decode()
    assert "检察官" in html and "部门负责人" in html and "<del>" in html
    html = client.get(
        reverse("powers:compare", args=[draft.power_list_id]),
        {"a": in_force.pk, "b": draft.pk},
    ).content.decode()
    assert "T-006" in html and "T-004" in html and "T-005" in html
    assert '<span class="stats__value">3</span><span class="stats__label">未变</span>' in html


def _posted(it: Item) -> dict:
    return {
        "number": it.number,
        "code": it.code,
        "matter": it.matter.code,
        "holder": it.holder,
        "power": it.power,
        "business_line": it.business_line.code if it.business_line else "",
        "case_types": "、".join(it.case_types),
        "when_any": it.when_any,
        "unless": it.unless,
        "min_amount": it.min_amount or "",
        "max_amount": it.max_amount or "",
        "legal_basis": it.legal_basis,
        "note": it.note,
    }


def test_a_non_chief_may_not_approve_is_refused_with_403_and_the_attempt_recorded(
    world, sign_in, draft
):
    html = sign_in("chief").get(page(draft)).content.decode()
    assert 'disabled aria-describedby="why-approve"' in html
    assert "“批准权力清单”须由本院的代理检察长、检察长办理,您没有该职务。" in html
    answer = sign_in("chief").post(reverse("powers:approve", args=[draft.pk]), APPROVAL)
    assert answer.status_code == 403
    assert "“批准权力清单”须由本院的" in answer.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
    refusal = Refusal.objects.get()
    assert refusal.actor == world.chief and refusal.act == "powers.approve"


def test_an_overlapping_decider_is_refused_on_the_form_and_nothing_is_written(
    world, sign_in, draft
):
    acts = Act.objects.count()
    answer = sign_in("province_chief").post(
        reverse("powers:add_item", args=[draft.pk]),
        {"number": 6, "code": "T-006", "matter": "protest", "holder": "chief", "power": "decide"},
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "清单有 1 处错误,未作任何修改:" in html
    assert "第 4 项与第 6 项:“提出抗诉”在重叠的条件下分别由检察委员会和检察长决定" in html
    assert not draft.items.filter(code="T-006").exists()
    assert Act.objects.count() == acts


def test_a_draft_is_discarded_with_a_reason(world, sign_in, draft):
    client = sign_in("province_chief")
    answer = client.post(reverse("powers:discard", args=[draft.pk]), {"reason": ""})
    assert answer.status_code == 200 and "这个字段是必填项" in answer.content.decode()
    answer = client.post(reverse("powers:discard", args=[draft.pk]), {"reason": "另行起草"})
    assert answer.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "discarded"


def test_an_item_page_shows_its_history_version_by_version(world, sign_in, in_force):
    later = IN_FORCE + datetime.timedelta(days=100)
    changed = base_items()
    changed[1] = item(2, "approve_arrest", "department_head", "review", when_any=["major"])
    issue(world, "base", changed, effective_from=later)
    first = in_force.items.get(code="T-002")
    html = sign_in("alice").get(reverse("powers:item", args=[first.pk])).content.decode()
    assert "历次版本" in html and "第 1 版" in html and "第 2 版" in html
    assert "列入清单" in html
    assert "<del>重大、复杂</del> → <ins>重大</ins>" in html


def test_the_chief_grants_and_revokes_a_delegation(world, sign_in, in_force):
    client = sign_in("chief")
    url = reverse("powers:delegations", args=[world.base.pk])
    assert "登记授权" in client.get(url).content.decode()
    answer = client.post(
        reverse("powers:grant", args=[world.base.pk]),
        {"delegate": world.alice.pk, "matter": "bail", "power": "decide",
         "document_no": "城检授〔2026〕1号", "valid_from": IN_FORCE.isoformat(),
         "instruction": "授权安丽决定普通刑事案件取保候审。"},
    )  # fmt: skip
    assert answer.status_code == 302
    delegation = Delegation.objects.get()
    html = client.get(url).content.decode()
    assert "城检授〔2026〕1号" in html and "安丽" in html
    answer = client.post(
        reverse("powers:revoke", args=[delegation.pk]),
        {"on": datetime.date.today().isoformat(), "reason": "案件已办结"},
    )
    assert answer.status_code == 302
    delegation.refresh_from_db()
    assert delegation.revoked_reason == "案件已办结"


def test_a_prosecutor_sees_delegations_but_may_not_grant(world, sign_in, in_force):
    html = sign_in("alice").get(reverse("powers:delegations", args=[world.base.pk])).content
    html = html.decode()
    assert 'disabled aria-describedby="why-grant"' in html
    assert "“书面授权清单未列事项”须由本院的" in html
    answer = sign_in("alice").post(
        reverse("powers:grant", args=[world.base.pk]),
        {"delegate": world.bob.pk, "matter": "bail", "power": "decide",
         "document_no": "X", "valid_from": IN_FORCE.isoformat(), "instruction": "X"},
    )  # fmt: skip
    assert answer.status_code == 403
    assert not Delegation.objects.exists()


def test_another_bases_delegations_are_not_found(world, sign_in):
    url = reverse("powers:delegations", args=[world.base.pk])
    assert sign_in("olga").get(url).status_code == 404


def test_refused_attempts_are_for_the_chief_and_the_inspectors_only(world, sign_in, draft):
    sign_in("chief").post(reverse("powers:approve", args=[draft.pk]), APPROVAL)
    url = reverse("powers:refusals", args=[world.province.pk])
    answer = sign_in("alice").get(reverse("powers:refusals", args=[world.base.pk]))
    assert answer.status_code == 403
    assert "“查阅被拒绝的操作记录”须由本院或上级院的" in answer.content.decode()
    html = sign_in("province_chief").get(url).content.decode()
    assert "韩川" in html and "批准权力清单" in html
    people.appoint(actor=SYSTEM, staff=world.grace, kind="inspection", valid_from=IN_FORCE)
    base = reverse("powers:refusals", args=[world.base.pk])
    assert sign_in("grace").get(base).status_code == 200
    assert sign_in("chief").get(base).status_code == 200


def test_the_public_page_shows_the_lists_in_force_without_sign_in(world, client, in_force):
    answer = client.get(reverse("powers:public"))
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "检察官权力清单(现行)" in html and "批准逮捕" in html and "基层院" in html
    assert reverse("powers:item", args=[in_force.items.first().pk]) not in html


def test_the_check_page_answers_why_not(world, sign_in, in_force):
    client = sign_in("chief")
    html = client.get(reverse("powers:check")).content.decode()
    assert "查询条件" in html and "不能办理" not in html
    answer = client.get(
        reverse("powers:check"),
        {"staff": "alice", "matter": "approve_arrest", "power": "decide", "flags": ["major"],
         "on": IN_FORCE.isoformat()},
    )  # fmt: skip
    html = answer.content.decode()
    assert "不能办理" in html
    assert "“批准逮捕”须经部门负责人审核后,由检察长决定(权力清单 基层院第 3 项)。" in html
    assert "部门负责人审核 → 检察长决定" in html
    assert "为什么不能?" in html
    html = client.get(
        reverse("powers:check"), {"staff": "nobody", "matter": "approve_arrest", "power": "decide"}
    ).content.decode()
    assert "没有登录名或人员编号为 nobody 的人员。" in html


def test_every_page_carries_no_inline_script_or_style(world, sign_in, draft):
    client = sign_in("province_chief")
    some = draft.items.first()
    for url in (
        reverse("powers:index"),
        page(draft),
        page(draft.based_on),
        reverse("powers:item", args=[some.pk]),
        reverse("powers:compare", args=[draft.power_list_id]),
        reverse("powers:delegations", args=[world.province.pk]),
        reverse("powers:refusals", args=[world.province.pk]),
        reverse("powers:public"),
        reverse("powers:check"),
    ):
        answer = client.get(url)
        html = answer.content.decode()
        assert answer.status_code == 200, url
        assert "<script>" not in html and " style=" not in html, url


def test_the_check_page_asks_about_deciding_unless_told_otherwise(world, sign_in):
    issue(world, "base", [item(1, "approve_arrest", "chief")])
    response = sign_in("alice").get(
        "/powers/check/", {"matter": "approve_arrest", "on": "2026-02-01"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "“批准逮捕”须由检察长决定(权力清单 基层院第 1 项)" in html


def test_a_version_downloads_as_the_spreadsheet_an_import_reads(world, sign_in, in_force):
    import io

    from procuracy.powers import tabular

    response = sign_in("alice").get(reverse("powers:export", args=[in_force.pk, "xlsx"]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = tabular.read(io.BytesIO(response.content), "xlsx")
    assert [(r.number, r.matter.code, r.holder) for r in rows] == [
        (i.number, i.matter.code, i.holder) for i in in_force.items.order_by("number")
    ]


def _upload(version, rows: list[str], name="清单.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    header = "序号,编号,业务条线,案件类型,事项,权力主体,权力类型,适用情形(任一),除外情形,依据,备注"
    content = "\n".join([header, *rows]).encode("utf-8")
    return {"file": SimpleUploadedFile(name, content, content_type="text/csv"), "note": ""}


def test_an_uploaded_list_becomes_a_draft_or_says_which_rows_are_wrong(world, sign_in, in_force):
    client = sign_in("province_chief")
    url = reverse("powers:import", args=[in_force.pk])
    bad = _upload(
        in_force,
        ["1,X-1,,,批准逮捕,检察官,决定,,,,", "2,X-2,,,批准逮捕,处长,决定,重大,,,"],
    )
    response = client.post(url, bad)
    assert response.status_code == 200
    assert "第 3 行:权力主体“处长”不存在" in response.content.decode()
    assert ListVersion.objects.count() == 1

    good = _upload(
        in_force,
        ["1,X-1,,,批准逮捕,检察官,决定,,重大,,", "2,X-2,,,批准逮捕,检察长,决定,重大,,,"],
    )
    response = client.post(url, good)
    draft = ListVersion.objects.get(status="draft")
    assert response.status_code == 302 and response["Location"] == page(draft)
    assert draft.items.count() == 2 and "清单.csv" in draft.source


def test_a_prosecutor_cannot_import_a_list_and_the_attempt_is_recorded(world, sign_in, in_force):
    url = reverse("powers:import", args=[in_force.pk])
    good = _upload(in_force, ["1,X-1,,,批准逮捕,检察官,决定,,,,"])
    response = sign_in("alice").post(url, good)
    assert response.status_code == 403
    assert ListVersion.objects.count() == 1
    assert Refusal.objects.get().act == "powers.draft"


def test_a_base_chief_drafts_the_procuratorates_additions_where_allowed(world, sign_in):
    issue(world, "base", base_items(), allows_additions=True)
    html = sign_in("alice").get(reverse("powers:index")).content.decode()
    assert "城关区院的补充清单" in html and "为什么不能?" in html  # shown, but not to her

    client = sign_in("chief")
    url = reverse("powers:new_additions", args=[world.base.pk])
    upload = _upload(None, ["1,Z-1,控告申诉检察,,司法救助决定,检察官,决定,,,,"], "补充.csv")
    response = client.post(url, upload)
    draft = ListVersion.objects.get(status="draft")
    assert response.status_code == 302 and response["Location"] == page(draft)
    assert (draft.power_list.kind, draft.power_list.procuratorate) == ("additions", world.base)
    # Once the list exists the offer goes; the list shows among the others.
    html = client.get(reverse("powers:index")).content.decode()
    assert "城关区院的补充清单" not in html and draft.power_list.title in html


def test_a_new_draft_says_whether_procuratorates_may_add_their_own(world, sign_in, in_force):
    client = sign_in("province_chief")
    response = client.post(
        reverse("powers:new_draft", args=[in_force.pk]), {"note": "", "allows_additions": "on"}
    )
    draft = ListVersion.objects.get(status="draft")
    assert response.status_code == 302 and draft.allows_additions
