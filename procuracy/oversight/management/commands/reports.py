"""`procuracy reports file|read|list|show`: a flagged case's report to the chief (规则 Art 4
para 5) — a handler files it, the chief of the case's procuratorate reads it and comments
(阅示); list and show those one may read. REPORT is a report's number or a case number (that
case's latest report). A text argument of "-" is read from stdin.

Exit codes: 0 done; 1 refused (not allowed, or breaks a rule; nothing written), or no such
report among those one may read; 2 bad usage.
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.table import Table

from procuracy.cases.selectors import flag_labels
from procuracy.core.actors import Actor
from procuracy.core.management.acts import REFUSED, add_actor_argument
from procuracy.oversight import instructions
from procuracy.oversight.management.commands.instructions import (
    OversightCommand,
    dumps,
    text_arg,
    when,
)
from procuracy.oversight.models import Report

STATES = {
    "to_file": gettext_lazy("待报告"),
    "to_read": gettext_lazy("待阅示"),
    "read": gettext_lazy("已阅示"),
}


class Command(OversightCommand):
    help = _(
        "向检察长报告:承办检察官报告重大、疑难、复杂或有社会影响的案件,检察长阅示;"
        "列出和查看报告。退出码:0 完成,1 拒绝或未找到,2 用法错误。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("file", help=_("向检察长报告(承办检察官)"))
        add_actor_argument(p)
        p.add_argument("report", help=_("报告编号或案号"))
        p.add_argument(
            "--text", required=True, type=text_arg, help=_("报告内容;- 表示从标准输入读取")
        )

        p = sub.add_parser("read", help=_("阅示(检察长)"))
        add_actor_argument(p)
        p.add_argument("report", help=_("报告编号或案号"))
        p.add_argument("--comment", required=True, type=text_arg, help=_("阅示意见"))

        p = sub.add_parser("list", help=_("列出可以查阅的报告"))
        add_actor_argument(p)
        p.add_argument("--state", choices=list(STATES))
        p.add_argument("--mine", action="store_true", help=_("仅列出待本人报告或阅示的"))
        p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))

        p = sub.add_parser("show", help=_("查看一件报告"))
        add_actor_argument(p)
        p.add_argument("report", help=_("报告编号或案号"))
        p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))

    def do_file(self, actor, report, text, **options):
        found = instructions.file_report(actor=actor, report=_report(actor, report), text=text)
        self.stdout.write(_("已就 %(case)s 向检察长报告。") % {"case": found.case.number})

    def do_read(self, actor, report, comment, **options):
        found = instructions.read_report(
            actor=actor, report=_report(actor, report), comment=comment
        )
        self.stdout.write(_("已阅示 %(case)s 的报告。") % {"case": found.case.number})

    def do_list(self, actor, state, mine, **options):
        if mine:
            rows = [*instructions.reports_to_file(actor), *instructions.reports_to_read(actor)]
        else:
            rows = list(instructions.reports(actor, state=state or ""))
        if options["json"]:
            self.stdout.write(dumps([report_data(r) for r in rows]))
            return
        if not rows:
            self.stdout.write(_("没有符合条件的报告。"))
            return
        table = Table(title=_("向检察长报告"))
        table.add_column(_("编号"), justify="right")
        for column in (_("案号"), _("案件名称"), _("报告原因"), _("生成时间"), _("状态")):
            table.add_column(column)
        for r in rows:
            data = report_data(r)
            table.add_row(
                str(r.pk),
                data["case"],
                data["title"],
                data["flag_labels"],
                data["opened_at"],
                data["state_label"],
            )
        self.console().print(table)

    def do_show(self, actor, report, **options):
        data = report_data(_report(actor, report))
        if options["json"]:
            self.stdout.write(dumps(data))
            return
        self.stdout.write(
            _("%(case)s %(title)s:%(flags)s,%(state)s。")
            % {
                "case": data["case"],
                "title": data["title"],
                "flags": data["flag_labels"],
                "state": data["state_label"],
            }
        )
        if data["filed_at"]:
            self.stdout.write(
                _("%(who)s 于 %(when)s 报告:%(text)s")
                % {"who": data["filed_by"], "when": data["filed_at"], "text": data["text"]}
            )
        if data["read_at"]:
            self.stdout.write(
                _("%(who)s 于 %(when)s 阅示:%(text)s")
                % {"who": data["read_by"], "when": data["read_at"], "text": data["comment"]}
            )


def state_of(report: Report) -> str:
    if report.read_at:
        return "read"
    return "to_read" if report.filed_at else "to_file"


def report_data(r: Report) -> dict:
    state = state_of(r)
    return {
        "id": r.pk,
        "case": r.case.number,
        "title": r.case.title,
        "flags": r.flags,
        "flag_labels": flag_labels(r.flags),
        "state": state,
        "state_label": str(STATES[state]),
        "opened_at": when(r.opened_at),
        "text": r.text,
        "filed_by": r.filed_by.name if r.filed_by else None,
        "filed_at": when(r.filed_at),
        "comment": r.comment,
        "read_by": r.read_by.name if r.read_by else None,
        "read_at": when(r.read_at),
        "ledger_seq": r.ledger_seq,
    }


def _report(actor: Actor, given: str) -> Report:
    found = None
    if given.isdigit():
        found = instructions.visible_reports(actor).filter(pk=int(given)).first()
    if found is None:
        found = (
            instructions.visible_reports(actor)
            .filter(case__number=given)
            .order_by("-opened_at", "-id")
            .first()
        )
    if found is None:
        raise CommandError(
            _("没有可以查阅的报告 %(report)s。") % {"report": given}, returncode=REFUSED
        )
    return instructions.report_for(actor, found.pk)
