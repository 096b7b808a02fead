"""`procuracy calendar …`: the working-day calendar (load a year from the State Council's
notice, show it, mark or unmark a day) and the expiry of a statutory time limit, explained.

Exit codes: 0 done; 1 refused (the act is not allowed or breaks a rule; nothing written);
2 bad usage (an unknown login, stage or date).
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from procuracy.cases import deadlines, services
from procuracy.cases.calendar import WorkingCalendar
from procuracy.cases.models import CalendarDay, DayKind
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.management.acts import REFUSED, add_actor_argument, usage
from procuracy.core.management.acts import actor_named as _actor
from procuracy.core.models import today


class Command(BaseCommand):
    help = _(
        "节假日日历与法定期限:载入某年国务院节假日安排、查看、逐日标记或取消标记,"
        "计算某一期限的届满日并说明依据。退出码:0 完成,1 拒绝,2 用法错误。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("load", help=_("按国务院办公厅通知载入某年的节假日和调休上班日"))
        p.add_argument("--year", type=int, required=True)
        add_actor_argument(p)

        p = sub.add_parser("show", help=_("列出某年的节假日和调休上班日"))
        p.add_argument("--year", type=int, default=today().year)

        p = sub.add_parser("mark", help=_("把某日标记为法定节假日或调休上班日"))
        p.add_argument("--day", required=True)
        p.add_argument("--kind", choices=DayKind.values, required=True)
        p.add_argument("--name", default="", help=_("名称,如 国庆节"))
        p.add_argument("--note", default="", help=_("说明,如 依据的通知文号"))
        add_actor_argument(p)

        p = sub.add_parser("unmark", help=_("取消某日的标记"))
        p.add_argument("--day", required=True)
        p.add_argument("--reason", required=True)
        add_actor_argument(p)

        p = sub.add_parser("deadline", help=_("计算某一法定期限的届满日"))
        p.add_argument("--stage", required=True, choices=sorted(deadlines.LIMITS))
        p.add_argument("--from", dest="start", required=True, help=_("起算日"))
        p.add_argument("--custody", action="store_true", help=_("犯罪嫌疑人在押"))
        p.add_argument("--variant", help=_("情形,如 major、over_one_year、ruling"))

    def handle(self, *args, action, **options):
        try:
            getattr(self, "do_" + action)(**options)
        except ActDenied as denied:
            raise CommandError(denied.reason, returncode=REFUSED) from None
        except RuleViolation as broken:
            raise CommandError(broken.rule, returncode=REFUSED) from None

    def console(self) -> Console:
        out = getattr(self.stdout, "_out", self.stdout)
        terminal = getattr(out, "isatty", lambda: False)()
        return Console(file=out, highlight=False, width=None if terminal else 200)  # type: ignore[arg-type]

    def do_load(self, year, login, **options):
        rows = services.load_official_year(actor=_actor(login), year=year)
        holidays = sum(r.kind == DayKind.HOLIDAY for r in rows)
        self.stdout.write(
            _("已载入 %(year)s 年:法定节假日 %(h)s 天,调休上班日 %(w)s 天。")
            % {"year": year, "h": holidays, "w": len(rows) - holidays}
        )

    def do_show(self, year, **options):
        rows = CalendarDay.objects.filter(day__year=year)
        if not rows:
            self.stdout.write(_("%(year)s 年没有标记的日期。") % {"year": year})
            return
        table = Table(title=_("%(year)s 年节假日和调休上班日") % {"year": year})
        for column in (_("日期"), _("星期"), _("类别"), _("名称"), _("来源"), _("说明")):
            table.add_column(column)
        for row in rows:
            table.add_row(
                row.day.isoformat(),
                WEEKDAYS[row.day.weekday()],
                row.get_kind_display(),
                row.name,
                row.get_source_display(),
                row.note,
            )
        self.console().print(table)

    def do_mark(self, day, kind, name, note, login, **options):
        row = services.mark_day(
            actor=_actor(login), day=_date(day), kind=kind, name=name, note=note
        )
        self.stdout.write(_("已标记:%(row)s") % {"row": row})

    def do_unmark(self, day, reason, login, **options):
        services.unmark_day(actor=_actor(login), day=_date(day), reason=reason)
        self.stdout.write(_("已取消 %(day)s 的标记。") % {"day": day})

    def do_deadline(self, stage, start, custody, variant, **options):
        start = _date(start)
        try:
            deadline = deadlines.expiry(
                stage,
                start,
                calendar=WorkingCalendar.between(start, start + datetime.timedelta(days=400)),
                custody=custody,
                variant=variant,
            )
        except RuleViolation as bad:
            raise usage(bad.rule) from None
        self.stdout.write(_("届满日:%(day)s") % {"day": deadline.day.isoformat()})
        for line in deadline.explanation:
            self.stdout.write("  " + line)


WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise usage(_("日期格式应为 YYYY-MM-DD:%(text)s") % {"text": text}) from None
