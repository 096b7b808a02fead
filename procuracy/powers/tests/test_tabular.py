"""Power lists as spreadsheets: what is written reads back the same, what people type is
understood, and every bad cell, overlap or loop is refused with its row, writing nothing."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from procuracy.core.models import Act
from procuracy.powers import services, tabular
from procuracy.powers.checks import ItemFields
from procuracy.powers.models import Item, ListVersion, PowerList
from procuracy.powers.services import ListProblems
from procuracy.powers.tests.support import SYSTEM, issue, item

HEADER = "序号,编号,业务条线,案件类型,事项,权力主体,权力类型,适用情形(任一),除外情形,依据"


def every_column():
    return [
        item(1, "approve_arrest", "prosecutor", unless=["major", "difficult"], note="一般案件"),
        item(2, "approve_arrest", "department_head", "review", when_any=["major", "difficult"]),
        item(
            3, "approve_arrest", "chief", when_any=["major", "difficult"], legal_basis="规则第四条"
        ),
        item(
            4,
            "prosecute",
            "prosecutor",
            line="economic_crime",
            case_types=["审查起诉案件", "认罪认罚案件"],
            max_amount=Decimal("5000000"),
        ),
        item(5, "prosecute", "chief", line="economic_crime", min_amount=Decimal("5000000")),
        item(6, "judicial_relief", "prosecutor", max_amount=Decimal("10000.50")),
        item(7, "sign_document", "prosecutor", "sign", code="签-01"),
    ]


@pytest.fixture
def version(world):
    return issue(world, "base", every_column())


def fields(items: list[ItemFields]) -> list[dict]:
    return [it.as_fields() for it in sorted(items, key=lambda it: it.number)]


def of(version) -> list[dict]:
    return fields([ItemFields.of(i) for i in version.items.select_related("matter")])


def csv_file(*rows: str) -> io.BytesIO:
    return io.BytesIO("\r\n".join(rows).encode("utf-8-sig"))


def problems_of(data: io.BytesIO, format="csv") -> list[str]:
    with pytest.raises(ListProblems) as refused:
        tabular.read(data, format)
    return refused.value.reasons


# ---- round trips ---------------------------------------------------------------------------


def test_xlsx_to_a_draft_and_back_to_xlsx_gives_the_same_rows(world, version, tmp_path):
    first = tmp_path / "list.xlsx"
    tabular.write(version, first)

    items = tabular.read(first)
    assert fields(items) == of(version)
    assert [it.row for it in items] == list(range(2, 9))
    draft = services.draft_version(actor=SYSTEM, power_list=version.power_list, items=items)
    again = tmp_path / "again.xlsx"
    tabular.write(draft, again)

    def rows(path):
        return list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))

    assert rows(again) == rows(first)


def test_csv_to_a_draft_and_back_is_the_same_file(world, version):
    first = io.BytesIO()
    tabular.write(version, first, "csv")

    first.seek(0)
    draft = services.draft_version(
        actor=SYSTEM, power_list=version.power_list, items=tabular.read(first, "csv")
    )
    again = io.BytesIO()
    tabular.write(draft, again, "csv")

    assert again.getvalue() == first.getvalue()
    assert first.getvalue().startswith("\ufeff序号,编号,业务条线".encode())


def test_the_xlsx_header_is_bold_frozen_and_wide_enough(world, version, tmp_path):
    path = tmp_path / "list.xlsx"
    tabular.write(version, path)

    sheet = openpyxl.load_workbook(path).active
    assert [c.value for c in sheet[1]] == [c.header for c in tabular.COLUMNS]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["L"].width == 50  # 依据


# ---- what people type ----------------------------------------------------------------------


def test_cells_may_hold_labels_codes_other_words_and_any_separator(world):
    data = csv_file(
        HEADER + ",涉案金额下限(元),备注",
        '1,A-1,普通犯罪检察,,批准逮捕,独任检察官,决定,,"重大,疑难；复杂 有社会影响",,,',
        "2,A-2,ordinary_crime,,approve_arrest,department_head,review,重大疑难复杂案件,,,",
        "3,A-3,全部,,提起公诉,检察长,决定,,,,500万,",
        "",
        "5,A-5,,,提起公诉,检委会,决定,无,无,,1，000，000元,",
    )

    items = tabular.read(data, "csv")

    assert [it.row for it in items] == [2, 3, 4, 6]
    first, second, third, fifth = items
    assert (first.business_line.code, first.holder) == ("ordinary_crime", "prosecutor")
    assert first.unless == ["major", "difficult", "complex", "social_impact"]
    assert (second.holder, second.power) == ("department_head", "review")
    assert second.when_any == ["major", "difficult", "complex"]
    assert third.business_line is None and third.min_amount == Decimal("5000000")
    assert fifth.holder == "committee" and fifth.when_any == []
    assert fifth.min_amount == Decimal("1000000")


def test_a_title_row_and_merged_cells_as_excel_lists_have_them_are_read(world, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["某省检察机关检察官权力清单"])
    sheet.append(["序号", "编号", "事项", "权力主体", "权力类型"])
    sheet.append([1, "X-1", "批准逮捕", "检察官", "决定"])
    sheet.append([2, "X-2", None, "部门负责人", "审核"])
    sheet.merge_cells("C3:C4")
    path = tmp_path / "list.xlsx"
    book.save(path)

    items = tabular.read(path)

    assert [(it.row, it.matter.code) for it in items] == [
        (3, "approve_arrest"),
        (4, "approve_arrest"),
    ]


def test_a_csv_saved_by_excel_on_chinese_windows_is_read(world):
    data = io.BytesIO(
        "序号,编号,事项,权力主体,权力类型\r\n1,G-1,批准逮捕,检察官,决定\r\n".encode("gb18030")
    )

    assert tabular.read(data, "csv")[0].matter.name == "批准逮捕"


# ---- bad input -----------------------------------------------------------------------------


def test_every_bad_cell_is_reported_with_its_row_at_once(world):
    reasons = problems_of(
        csv_file(
            HEADER + ",涉案金额下限(元)",
            "1,B-1,,,批准逮捕,处长,决定,,,,",
            "2,B-2,,,审批逮捕,检察官,决定,,,,",
            "3,B-3,刑事检察,,批准逮捕,检察官,决定,,,,",
            "4,B-4,,,批准逮捕,检察官,审批,紧急,,,",
            "x,,,,批准逮捕,检察官,决定,,,,一百",
        )
    )

    assert reasons[0] == (
        "第 2 行:权力主体“处长”不存在,"
        "应为检察官、主办检察官、部门负责人、副检察长、检察长、检察委员会之一。"
    )
    assert "第 3 行:事项“审批逮捕”不在事项目录中" in reasons[1]
    assert "是否是“批准逮捕”" in reasons[1]
    assert reasons[2].startswith("第 4 行:业务条线“刑事检察”不存在,应为普通犯罪检察、")
    assert any(r.startswith("第 5 行:权力类型“审批”不存在") for r in reasons)
    assert any(r.startswith("第 5 行:适用情形“紧急”无法识别") for r in reasons)
    assert "第 6 行:序号“x”应为正整数。" in reasons
    assert "第 6 行:“编号”不能为空。" in reasons
    assert "第 6 行:涉案金额下限“一百”不是有效的金额。" in reasons
    assert len(reasons) == 8


def test_a_missing_a_repeated_or_an_unknown_column_is_reported(world):
    reasons = problems_of(
        csv_file("序号,编号,事项,事项,权力类型,适用情况", "1,C-1,批准逮捕,,决定,")
    )

    assert reasons == [
        "第 1 行:列“事项”出现两次(第 C 列和第 D 列)。",
        "第 1 行:不认识的列“适用情况”(第 F 列)。",
        "缺少“权力主体”列。",
    ]


def test_a_file_without_a_header_or_not_a_workbook_is_refused(world):
    assert problems_of(csv_file("1,2,3"))[0].startswith("找不到表头行")
    assert problems_of(io.BytesIO(b"not a zip"), "xlsx")[0].startswith("无法读取 XLSX 文件")


def test_overlapping_deciders_and_a_loop_are_refused_by_row_and_nothing_is_written(world):
    version = issue(world, "base", [item(1, "bail", "chief")])
    counts = (ListVersion.objects.count(), Item.objects.count(), Act.objects.count())
    items = tabular.read(
        csv_file(
            HEADER,
            "1,D-1,,,批准逮捕,检察官,决定,,重大,",
            "2,D-2,,,批准逮捕,检察官,决定,疑难,,",
            "3,D-3,,,取保候审,检察长,审核,,,",
            "4,D-4,,,取保候审,部门负责人,决定,,,",
        ),
        "csv",
    )

    with pytest.raises(ListProblems) as refused:
        services.draft_version(actor=SYSTEM, power_list=version.power_list, items=items)

    reasons = refused.value.reasons
    assert any("第 2 行与第 3 行" in r and "适用条件重叠" in r for r in reasons)
    assert any("第 4 行与第 5 行" in r and "循环" in r for r in reasons)
    assert (ListVersion.objects.count(), Item.objects.count(), Act.objects.count()) == counts


def test_bad_cells_are_refused_before_any_list_is_touched(world):
    acts = Act.objects.count()

    with pytest.raises(ListProblems):
        tabular.read(csv_file(HEADER, "1,E-1,,,批准逮捕,处长,决定,,,"), "csv")

    assert not PowerList.objects.exists() and Act.objects.count() == acts
