"""`procuracy powers …`: export, import, load-templates and check, with their exit codes (0 done
or allowed, 1 refused or not allowed, 2 bad usage)."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from procuracy.core.models import Act
from procuracy.powers.models import Item, ListVersion, PowerList, Refusal
from procuracy.powers.tests.support import IN_FORCE, issue, item

ON = IN_FORCE.isoformat()


def powers(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("powers", *args, stdout=out)
    except SystemExit as exit:
        return int(exit.code), out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def base_list(world):
    return issue(
        world,
        "base",
        [
            item(1, "approve_arrest", "prosecutor", unless=["major", "difficult"]),
            item(2, "approve_arrest", "department_head", "review", when_any=["major", "difficult"]),
            item(3, "approve_arrest", "chief", when_any=["major", "difficult"]),
        ],
    )


# ---- export and import ---------------------------------------------------------------------


def test_export_prints_the_list_in_force_as_csv(world, base_list):
    code, out = powers("export", "--level", "base")

    lines = out.lstrip("\ufeff").splitlines()
    assert code == 0
    assert lines[0].startswith("序号,编号,业务条线,案件类型,事项,权力主体,权力类型")
    assert lines[3].startswith("3,T-003,,,批准逮捕,检察长,决定,重大、疑难")


def test_an_exported_xlsx_imports_back_as_a_draft_awaiting_approval(world, base_list, tmp_path):
    path = tmp_path / "base.xlsx"
    code, out = powers("export", "--level", "base", "--out", str(path), "--version", "1")
    assert code == 0 and "共 3 项" in out
    assert openpyxl.load_workbook(path).active["E2"].value == "批准逮捕"

    code, out = powers("import", str(path), "--level", "base", "--as", "province_chief")

    assert code == 0 and "第 2 版草稿" in out
    draft = ListVersion.objects.get(number=2)
    assert draft.status == "draft" and draft.source == "导入:base.xlsx"
    assert list(draft.items.values_list("code", "holder")) == list(
        base_list.items.values_list("code", "holder")
    )


def test_an_import_opens_the_list_when_the_province_has_none(world, tmp_path):
    path = tmp_path / "city.csv"
    path.write_text("序号,编号,事项,权力主体,权力类型\n1,C-1,批准逮捕,检察官,决定\n")

    code, _ = powers("import", str(path), "--level", "city", "--as", "province_chief")

    assert code == 0
    assert PowerList.objects.get().title == "甘肃省检察机关检察官权力清单(市州院及分院)"


def test_an_import_with_bad_rows_prints_every_reason_and_writes_nothing(world, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "序号,编号,事项,权力主体,权力类型\n"
        "1,X-1,批准逮捕,处长,决定\n"
        "2,X-2,批准逮捕,检察官,决定\n"
        "3,X-3,批准逮捕,检察官,决定\n"
    )
    acts = Act.objects.count()

    with pytest.raises(CommandError) as refused:
        powers("import", str(path), "--level", "base", "--as", "province_chief")

    message = str(refused.value)
    assert refused.value.returncode == 1
    assert "第 2 行:权力主体“处长”不存在" in message
    path.write_text(path.read_text().replace("处长", "检察长"))
    with pytest.raises(CommandError, match="第 3 行与第 4 行"):
        powers("import", str(path), "--level", "base", "--as", "province_chief")
    assert not PowerList.objects.exists() and not Item.objects.exists()
    assert Act.objects.count() == acts


def test_an_import_by_someone_without_the_power_is_refused_and_recorded(world, base_list, tmp_path):
    path = tmp_path / "base.csv"
    powers("export", "--level", "base", "--out", str(path), "--version", "1")

    with pytest.raises(CommandError, match="须由") as refused:
        powers("import", str(path), "--level", "base", "--as", "alice")

    assert refused.value.returncode == 1
    assert Refusal.objects.get().actor == world.alice
    assert ListVersion.objects.count() == 1


def test_bad_usage_exits_2(world, base_list, tmp_path):
    for args in (
        ("export", "--level", "base", "--format", "xlsx"),
        ("export", "--level", "base", "--version", "9"),
        ("import", str(tmp_path / "list.txt"), "--level", "base", "--as", "province_chief"),
        ("import", str(tmp_path / "gone.csv"), "--level", "base", "--as", "province_chief"),
        ("export", "--level", "base", "--province", "999999"),
    ):
        with pytest.raises(CommandError) as refused:
            powers(*args)
        assert refused.value.returncode == 2, args


# ---- the shipped templates -----------------------------------------------------------------


def test_the_provinces_chief_loads_the_templates(world):
    code, out = powers("load-templates", "--as", "province_chief", "--effective-from", "2099-01-01")

    assert code == 0 and "基层院" in out
    assert ListVersion.objects.filter(status="approved").count() == 3


def test_a_base_chief_may_not_load_the_templates(world):
    with pytest.raises(CommandError, match="须由") as refused:
        powers("load-templates", "--as", "chief")

    assert refused.value.returncode == 1 and not PowerList.objects.exists()


# ---- why can't I? --------------------------------------------------------------------------


def test_check_answers_allowed_with_the_item_and_exits_0(world, base_list):
    code, out = powers("check", "--staff", "alice", "--matter", "approve_arrest", "--on", ON)

    assert code == 0
    assert "允许" in out and "第 1 项" in out and "视为该工作人员承办此案" in out


def test_check_names_who_must_act_instead_and_exits_1(world, base_list):
    code, out = powers(
        "check", "--staff", "alice", "--matter", "批准逮捕", "--flags", "重大", "--on", ON, "--json"
    )

    answer = json.loads(out)
    assert code == 1
    assert answer["allowed"] is False
    assert answer["item"]["number"] == 3 and answer["item"]["code"] == "T-003"
    assert answer["item"]["list"] == "base 清单" and answer["item"]["version"] == 1
    assert [step["label"] for step in answer["path"]] == ["部门负责人审核", "检察长决定"]
    assert answer["sentence"].startswith("“批准逮捕”须经部门负责人审核后,由检察长决定")
    assert answer["facts"]["flags"] == ["major"] and answer["assumed_handler"] is True


def test_check_says_when_a_matter_is_not_on_the_list(world, base_list):
    code, out = powers("check", "--staff", "alice", "--matter", "bail", "--on", ON, "--json")

    answer = json.loads(out)
    assert code == 1 and answer["item"] is None
    assert "未列入权力清单" in answer["sentence"]


def test_check_refuses_unknown_names_and_cases_with_exit_2(world, base_list):
    for args, says in (
        (("--staff", "nobody", "--matter", "bail"), "nobody"),
        (("--staff", "alice", "--matter", "审批逮捕"), "是否是“批准逮捕”"),
        (("--staff", "alice", "--matter", "bail", "--flags", "urgent"), "urgent"),
        (("--staff", "alice", "--matter", "bail", "--line", "刑事"), "业务条线"),
        (("--staff", "alice", "--matter", "bail", "--amount", "很多"), "金额"),
        (("--staff", "alice", "--matter", "bail", "--case", "甘检刑诉受〔2026〕1号"), "案件功能"),
    ):
        with pytest.raises(CommandError, match=says) as refused:
            powers("check", *args)
        assert refused.value.returncode == 2, args


APPROVE_BASE = ("approve", "--level", "base", "--effective-from", "2099-01-01")
APPROVE_BASE += ("--as", "province_chief")


def test_a_draft_is_approved_from_the_command_line_and_takes_effect(world, base_list, tmp_path):
    from procuracy.powers.engine import Context, authorize

    path = tmp_path / "base.csv"
    powers("export", "--level", "base", "--out", str(path))
    # Item 1 moves from the prosecutor to the chief.
    text = path.read_text(encoding="utf-8-sig").replace(",检察官,决定,", ",检察长,决定,", 1)
    path.write_text(text, encoding="utf-8-sig")
    powers("import", str(path), "--level", "base", "--as", "province_chief")
    with pytest.raises(CommandError, match="须经检察委员会审议批准"):
        powers(
            *APPROVE_BASE,
            "--body",
            "chief",
        )
    code, out = powers(
        *APPROVE_BASE,
        "--reference",
        "省院检委会〔2098〕第3次会议",
    )
    assert code == 0 and "自 2099-01-01 起生效" in out
    alice = world.actor(world.alice)
    on = Context(procuratorate=world.base, on=date(2099, 1, 1))
    assert not authorize(alice, "approve_arrest", on).allowed
    assert authorize(
        alice, "approve_arrest", Context(procuratorate=world.base, on=IN_FORCE)
    ).allowed


def test_a_procuratorate_imports_its_additions_where_the_province_allows(world, tmp_path):
    issue(world, "base", [item(1, "approve_arrest", "prosecutor")], allows_additions=True)
    path = tmp_path / "additions.csv"
    path.write_text(
        "序号,编号,业务条线,事项,权力主体,权力类型\n"
        "1,Z-1,控告申诉检察,司法救助决定,检察官,决定\n"
        "2,Z-2,,批准逮捕,检察长,决定\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="第 3 行"):
        powers("import", str(path), "--additions", world.base.code, "--as", "chief")
    assert not PowerList.objects.filter(kind="additions").exists()

    path.write_text(path.read_text(encoding="utf-8").rsplit("2,Z-2", 1)[0], encoding="utf-8")
    code, out = powers("import", str(path), "--additions", world.base.code, "--as", "chief")
    assert code == 0 and "补充清单" in out
    code, out = powers(
        "approve",
        "--additions",
        world.base.code,
        "--effective-from",
        "2099-01-01",
        "--as",
        "chief",
        "--reference",
        "城关区院检委会〔2098〕第1次会议",
    )
    assert code == 0
    additions = PowerList.objects.get(kind="additions", procuratorate=world.base)
    assert additions.versions.get().items.get().matter.code == "judicial_relief"
