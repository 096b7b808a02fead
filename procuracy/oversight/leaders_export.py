"""The leaders' cases report (通报) as a spreadsheet: XLSX with the leaders and the by-year
series on two sheets, or CSV with the leaders only — the numbers the page shows."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def leader_table(report: dict) -> list[list]:
    """The header, a row per leader, and the totals (each case once)."""
    rows: list[list] = [
        [_("检察院"), _("姓名"), _("职务"), _("办理案件"), _("办结"), _("亲自决定")]
    ]
    for row in report["rows"]:
        rows.append(
            [
                row["procuratorate"]["name"],
                row["staff"]["name"],
                row["post_label"],
                row["cases"],
                row["concluded"],
                row["decided"],
            ]
        )
    totals = report["totals"]
    label = _("合计(%(n)s 人,同一案件只计一次)") % {"n": totals["leaders"]}
    rows.append([label, "", "", totals["cases"], totals["concluded"], totals["decided"]])
    return rows


def series_table(report: dict) -> list[list]:
    found = report["series"]
    years = found["years"]
    rows: list[list] = [[_("检察院"), *(_("%(y)s 年") % {"y": y} for y in years), _("合计")]]
    for row in found["rows"]:
        rows.append([row["procuratorate"]["name"], *row["counts"], row["total"]])
    rows.append([_("合计"), *found["total"], found["sum"]])
    return rows


def file_name(report: dict, format: str) -> str:
    place = report["procuratorate"]["name"] if report["procuratorate"] else ""
    return _("领导干部办案通报-%(place)s%(period)s.%(format)s") % {
        "place": place,
        "period": report["period"]["label"].replace(" ", ""),
        "format": format,
    }


def write(report: dict, format: str) -> bytes:
    if format == "xlsx":
        return _xlsx(report)
    if format == "csv":
        return _csv(report)
    raise ValueError(format)


def _csv(report: dict) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(leader_table(report))
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM tells Excel it is UTF-8


def _xlsx(report: dict) -> bytes:
    import openpyxl
    from openpyxl.styles import Font, PatternFill

    book = openpyxl.Workbook()
    leaders = book.active
    leaders.title = _("领导干部办案")
    by_year = book.create_sheet(_("按年度"))
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
    for sheet, rows, widths in (
        (leaders, leader_table(report), [16, 12, 16, 12, 10, 12]),
        (by_year, series_table(report), [16]),
    ):
        for row in rows:
            sheet.append(row)
        for cell in (*sheet[1], *sheet[sheet.max_row]):
            cell.font = bold
        for cell in sheet[1]:
            cell.fill = fill
        for i, width in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + i)].width = width
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
