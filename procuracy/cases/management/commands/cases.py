"""`procuracy cases …`: take a case in at one's case management office, show a case (with the
time limit of its first stage), list the cases one may read.

Exit codes: 0 done; 1 refused (the act is not allowed or breaks a rule; nothing written), or
no such case among those one may read; 2 bad usage (an unknown login, type, line or date).
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from procuracy.cases import intake, selectors
from procuracy.cases.forms import numbers_in
from procuracy.cases.models import Case, CaseStatus, CaseType, PartyRole
from procuracy.core.actors import Actor
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.management.acts import REFUSED, add_actor_argument, usage
from procuracy.core.models import today
from procuracy.organisation.models import BusinessLine
from procuracy.powers.models import Flag


class Command(BaseCommand):
    help = _(
        "案件:受理案件、查看案件(含首个办案期限)、列出可以查阅的案件。"
        "退出码:0 完成,1 拒绝或未找到,2 用法错误。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("intake", help=_("受理一件案件(案件管理部门)"))
        add_actor_argument(p)
        p.add_argument("--type", dest="case_type", required=True, help=_("案件类型代码"))
        p.add_argument("--line", required=True, help=_("业务条线代码"))
        p.add_argument("--title", required=True, help=_("案件名称"))
        p.add_argument("--source", required=True, help=_("案件来源代码,如 police"))
        p.add_argument("--referred-by", default="", help=_("移送单位"))
        p.add_argument("--received", help=_("受理日期(默认今天)"))
        p.add_argument("--custody", action="store_true", help=_("犯罪嫌疑人在押"))
        p.add_argument("--flags", default="", help=_("案件情形,如 major,plea"))
        p.add_argument("--amount", help=_("涉案金额(元)"))
        p.add_argument("--related", default="", help=_("关联案件案号,以“、”或逗号分隔"))
        p.add_argument(
            "--party",
            action="append",
            default=[],
            metavar="ROLE:NAME[:custody]",
            help=_("当事人,可重复;如 suspect:张某:custody"),
        )

        p = sub.add_parser("show", help=_("查看一件案件"))
        add_actor_argument(p)
        p.add_argument("number", help=_("案号"))
        p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))

        p = sub.add_parser("list", help=_("列出可以查阅的案件"))
        add_actor_argument(p)
        p.add_argument("--status", choices=CaseStatus.values)
        p.add_argument("--type", dest="case_type", default="", help=_("案件类型代码"))
        p.add_argument("--line", default="", help=_("业务条线代码"))
        p.add_argument("--warned", action="store_true", help=_("仅列出有受理提示的案件"))

    def handle(self, *args, action, **options):
        try:
            actor = _actor(options.pop("login"))
            getattr(self, "do_" + action)(actor, **options)
        except ActDenied as denied:
            raise CommandError(denied.reason, returncode=REFUSED) from None
        except RuleViolation as broken:
            raise CommandError(broken.rule, returncode=REFUSED) from None

    def console(self) -> Console:
        out = getattr(self.stdout, "_out", self.stdout)
        terminal = getattr(out, "isatty", lambda: False)()
        return Console(file=out, highlight=False, width=None if terminal else 200)  # type: ignore[arg-type]

    def do_intake(self, actor, case_type, line, received, flags, amount, related, party, **opts):
        case = intake.receive_case(
            actor=actor,
            procuratorate=selectors.intake_place(actor),
            case_type=_case_type(case_type),
            business_line=_line(line),
            title=opts["title"],
            source=opts["source"],
            referred_by=opts["referred_by"],
            received_on=_date(received) if received else today(),
            custody=opts["custody"],
            flags=_flags(flags),
            amount=_amount(amount),
            related=numbers_in(related),
            parties=[_party(text) for text in party],
        )
        self.stdout.write(_("已受理,案号 %(number)s。") % {"number": case.number})
        for warning in case.warnings:
            self.stdout.write(_("受理提示:%(warning)s") % {"warning": warning})

    def do_show(self, actor, number, **options):
        case = _case(actor, number)
        facts = _facts(case)
        if options["json"]:
            self.stdout.write(_dumps(facts))
            return
        table = Table(title=case.number, show_header=False)
        table.add_column()
        table.add_column()
        for label, key in SHOWN:
            value = facts[key]
            if isinstance(value, list):
                value = "、".join(str(v) for v in value)
            table.add_row(label, "" if value is None else str(value))
        for p in facts["parties"]:
            custody = _("(在押)") if p["in_custody"] else ""
            table.add_row(_("当事人"), f"{p['role_label']} {p['name']}{custody}")
        self.console().print(table)
        limit = facts["time_limit"]
        if limit:
            self.stdout.write(
                _("%(stage)s期限届满日:%(day)s")
                % {"stage": limit["name"], "day": limit["expires_on"]}
            )
            for line in limit["explanation"]:
                self.stdout.write("  " + line)
        for warning in case.warnings:
            self.stdout.write(_("受理提示:%(warning)s") % {"warning": warning})

    def do_list(self, actor, status, case_type, line, warned, **options):
        rows = selectors.cases(
            actor, status=status or "", case_type=case_type, business_line=line, warned=warned
        )
        if not rows:
            self.stdout.write(_("没有符合条件的案件。"))
            return
        table = Table(title=_("案件"))
        for column in (_("案号"), _("案件名称"), _("案件类型"), _("受理日期"), _("状态")):
            table.add_column(column)
        table.add_column(_("受理提示"), justify="right")
        for case in rows:
            table.add_row(
                case.number,
                case.title,
                case.case_type.name,
                case.received_on.isoformat(),
                case.get_status_display(),
                str(len(case.warnings)),
            )
        self.console().print(table)


SHOWN = [
    (_("案号"), "number"),
    (_("受理院"), "procuratorate"),
    (_("案件类型"), "case_type"),
    (_("业务条线"), "business_line"),
    (_("案件名称"), "title"),
    (_("案件来源"), "source_label"),
    (_("移送单位"), "referred_by"),
    (_("受理日期"), "received_on"),
    (_("犯罪嫌疑人在押"), "custody"),
    (_("案件情形"), "flag_labels"),
    (_("涉案金额(元)"), "amount"),
    (_("关联案件"), "related"),
    (_("权重"), "weight"),
    (_("状态"), "status_label"),
]


def _facts(case: Case) -> dict:
    """The case as plain data: what --json prints and the table shows."""
    limit = selectors.time_limit(case)
    return {
        "number": case.number,
        "procuratorate": case.procuratorate.name,
        "case_type": case.case_type.name,
        "business_line": case.business_line.name,
        "title": case.title,
        "source": case.source,
        "source_label": case.get_source_display(),
        "referred_by": case.referred_by,
        "received_on": case.received_on.isoformat(),
        "custody": case.custody,
        "flags": case.flags,
        "flag_labels": selectors.flag_labels(case.flags),
        "amount": str(case.amount) if case.amount is not None else None,
        "related": case.related,
        "weight": str(case.weight),
        "status": case.status,
        "status_label": case.get_status_display(),
        "warnings": case.warnings,
        "parties": [
            {
                "role": p.role,
                "role_label": p.get_role_display(),
                "name": p.name,
                "in_custody": p.in_custody,
            }
            for p in case.parties.all()
        ],
        "time_limit": limit
        and {
            "stage": limit.deadline.stage,
            "name": limit.name,
            "expires_on": limit.deadline.day.isoformat(),
            "state": limit.state,
            "explanation": limit.deadline.explanation,
        },
    }


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def _actor(login: str) -> Actor:
    try:
        return Actor.for_login(login)
    except ActDenied as unknown:
        raise usage(unknown.reason) from None


def _case(actor: Actor, number: str) -> Case:
    try:
        return selectors.case_numbered(actor, number)
    except Case.DoesNotExist:
        raise CommandError(
            _("没有可以查阅的案号为 %(number)s 的案件。") % {"number": number}, returncode=REFUSED
        ) from None


def _case_type(code: str) -> CaseType:
    found = CaseType.objects.filter(code=code).first()
    if found is None:
        known = "、".join(CaseType.objects.values_list("code", flat=True))
        raise usage(
            _("没有代码为 %(code)s 的案件类型(可选:%(known)s)。") % {"code": code, "known": known}
        )
    return found


def _line(code: str) -> BusinessLine:
    found = BusinessLine.objects.filter(code=code).first()
    if found is None:
        raise usage(_("没有代码为 %(code)s 的业务条线。") % {"code": code})
    return found


def _flags(text: str) -> list[str]:
    """Codes or Chinese names, separated by commas or 、."""
    names = {str(label): value for value, label in Flag.choices}
    flags = []
    for word in numbers_in(text):
        flag = word if word in Flag.values else names.get(word)
        if flag is None:
            raise usage(_("没有这个案件情形:%(flag)s。") % {"flag": word})
        flags.append(flag)
    return flags


def _amount(text: str | None) -> Decimal | None:
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise usage(_("涉案金额应为数字:%(text)s") % {"text": text}) from None


def _party(text: str) -> intake.PartyFields:
    """ROLE:NAME[:custody] — the role's code (suspect, victim …) or its Chinese name."""
    parts = text.split(":")
    if len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] != "custody"):
        raise usage(_("当事人的写法应为 ROLE:NAME[:custody]:%(text)s") % {"text": text})
    names = {str(label): value for value, label in PartyRole.choices}
    role = parts[0] if parts[0] in PartyRole.values else names.get(parts[0], parts[0])
    return intake.PartyFields(role, parts[1], in_custody=len(parts) == 3)


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise usage(_("日期格式应为 YYYY-MM-DD:%(text)s") % {"text": text}) from None
