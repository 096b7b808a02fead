"""`procuracy figures`: the report's figures computed from the records, as tables or JSON."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from rich import box
from rich.console import Console
from rich.table import Table

from procuracy.core.actors import Actor
from procuracy.core.errors import ActDenied
from procuracy.core.management.acts import date_arg
from procuracy.figures.selectors import report_figures

AGREES = {True: "✓", False: "✗", None: ""}


def _table(section: dict) -> Table:
    table = Table(title=section["title"], title_justify="left")
    table.add_column(_("指标"))
    levels = section.get("levels", [])
    for level in levels:
        table.add_column(level["label"], justify="right")
    table.add_column(_("计算值"), justify="right")
    table.add_column(_("报告值"), justify="right")
    table.add_column(_("一致"), justify="center")
    for row in section["items"]:
        by_level = [f"{row['by_level'][lv['key']]:,}" for lv in levels]
        value = f"{row['value']:,}" if isinstance(row["value"], int) else f"{row['value']}"
        table.add_row(
            row["label"], *by_level, value, row["report_text"] or "—", AGREES[row["agrees"]]
        )
    if section.get("note"):
        table.caption = section["note"]
    return table


def _by_line(section: dict) -> Table:
    """Lines by status; statuses no case is in are left out, so that it fits a terminal."""
    table = Table(
        title=_("案件(按业务条线和状态)"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
    )
    table.add_column(_("业务条线"), no_wrap=True)
    total = section["by_line"][-1]["counts"]
    shown = [i for i, n in enumerate(total) if n]
    for i in shown:
        table.add_column(section["statuses"][i]["label"], justify="right", overflow="fold")
    table.add_column(_("合计"), justify="right")
    for row in section["by_line"]:
        counts = [f"{row['counts'][i]:,}" for i in shown]
        table.add_row(row["label"], *counts, f"{row['total']:,}")
    return table


def _by_place(section: dict) -> Table:
    table = Table(title=_("临近期限和超期的院"), title_justify="left")
    table.add_column(_("检察院"))
    for header in (_("未结案件"), _("临近期限"), _("已超期限")):
        table.add_column(header, justify="right")
    for row in section["by_procuratorate"]:
        if row["due_soon"] or row["overdue"]:
            numbers = (f"{row[k]:,}" for k in ("open", "due_soon", "overdue"))
            table.add_row(row["procuratorate"], *numbers)
    if not table.rows:
        table.caption = _("各院都没有临近期限或超期的案件。")
    return table


def _by_year(section: dict) -> Table:
    """A section's measures by year (leaders' own cases, referrals, overrides)."""
    table = Table(title=_("按年度"), title_justify="left")
    table.add_column(_("指标"))
    for year in section["years"]:
        table.add_column(_("%(y)s 年") % {"y": year}, justify="right")
    table.add_column(_("合计"), justify="right")
    for row in section["by_year"]:
        total = "—" if row["total"] is None else f"{row['total']:,}"
        table.add_row(row["label"], *(f"{n:,}" for n in row["counts"]), total)
    if not section["years"]:
        table.caption = _("尚无记录。")
    return table


def _by_place_and_year(section: dict) -> Table:
    table = Table(
        title=_("按检察院和年度"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    table.add_column(_("检察院"), no_wrap=True)
    table.add_column(_("指标"))
    for year in section["years"]:
        table.add_column(_("%(y)s 年") % {"y": year}, justify="right")
    table.add_column(_("合计"), justify="right")
    for row in section["by_procuratorate"]:
        numbers = (f"{n:,}" for n in row["counts"])
        table.add_row(row["procuratorate"], row["label"], *numbers, f"{row['total']:,}")
    return table


class Command(BaseCommand):
    help = _(
        "计算 2020 年报告中的各项数据(检察院、内设机构、人员、员额、办案组织),与报告值对照;"
        "以及分案和案件办理的数据(按业务条线和状态、临近期限和超期、退回补充侦查和延长期限),"
        "领导干部办案、提请检察委员会和检察长改变承办意见的逐年数据(按检察院)。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
        parser.add_argument(
            "--before", type=date_arg, help=_("改革前的日期(默认 PROCURACY_REFORM_BASELINE)")
        )
        parser.add_argument("--after", type=date_arg, help=_("改革后的日期(默认今天)"))
        parser.add_argument(
            "--as",
            dest="login",
            default="system",
            help=_("以哪个登录账号的可见范围计算(默认 system:全部)"),
        )

    def handle(self, *args, **options):
        try:
            actor = Actor.for_login(options["login"])
        except ActDenied as denied:
            raise CommandError(denied.reason) from None
        figures = report_figures(actor, before=options["before"], after=options["after"])
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
            return
        console = Console(file=getattr(self.stdout, "_out", self.stdout), highlight=False)
        for key, section in figures["sections"].items():
            console.print(_table(section))
            if key == "cases":
                console.print(_by_line(section))
                console.print(_by_place(section))
            if "by_year" in section:
                console.print(_by_year(section))
                if section["by_procuratorate"]:
                    console.print(_by_place_and_year(section))
        console.print(_("来源:%(source)s") % {"source": figures["source"]})
