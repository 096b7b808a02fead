"""`procuracy powers …`: power lists as spreadsheets in and out, the shipped templates, and the
engine's answer to "why can't I?".

Exit codes: 0 done (for `check`: allowed); 1 refused, not allowed, or rows with problems
(every one printed, nothing written); 2 bad usage (an unknown login, matter, flag or format).
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from procuracy.core.actors import Actor
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.management.acts import REFUSED, add_actor_argument, date_arg, usage
from procuracy.core.models import today
from procuracy.organisation.models import Level, Procuratorate
from procuracy.powers import selectors, services, shipped, tabular
from procuracy.powers.checks import problems
from procuracy.powers.models import (
    STATE_LABELS,
    ApprovalBody,
    Flag,
    Holder,
    Item,
    ListKind,
    ListLevel,
    ListVersion,
    Power,
    PowerList,
    VersionStatus,
)

NOT_ALLOWED = REFUSED


class Command(BaseCommand):
    help = _(
        "权力清单:导出、导入(XLSX/CSV)、载入内置模板、查询某人能否行使某项权力。"
        "退出码:0 完成或允许,1 拒绝或不允许,2 用法错误。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("export", help=_("导出一份清单(默认现行有效的版本)"))
        which = p.add_mutually_exclusive_group(required=True)
        which.add_argument("--level", choices=ListLevel.values)
        which.add_argument("--additions", metavar="CODE", help=_("某院的本院补充清单(院代码)"))
        p.add_argument("--format", choices=tabular.FORMATS, help=_("默认按 --out 的扩展名"))
        p.add_argument("--out", type=Path, help=_("写入的文件(默认以 CSV 打印)"))
        p.add_argument("--province", help=_("省级检察院代码(只有一个省时可省略)"))
        p.add_argument("--version", dest="number", type=int, help=_("版本号(默认现行版本)"))

        p = sub.add_parser("import", help=_("把 XLSX/CSV 导入为待批准的新草稿"))
        p.add_argument("file", type=Path)
        which = p.add_mutually_exclusive_group(required=True)
        which.add_argument("--level", choices=ListLevel.values)
        which.add_argument("--additions", metavar="CODE", help=_("某院的本院补充清单(院代码)"))
        add_actor_argument(p)
        p.add_argument("--province", help=_("省级检察院代码(只有一个省时可省略)"))
        p.add_argument("--note", default="", help=_("草稿说明"))
        p.add_argument(
            "--allow-additions",
            action="store_true",
            help=_("允许适用本清单的检察院为清单未列的事项制定本院补充清单"),
        )

        p = sub.add_parser("approve", help=_("批准一份清单的草稿,自某日起生效"))
        which = p.add_mutually_exclusive_group(required=True)
        which.add_argument("--level", choices=ListLevel.values)
        which.add_argument("--additions", metavar="CODE", help=_("某院的本院补充清单(院代码)"))
        add_actor_argument(p)
        p.add_argument("--province", help=_("省级检察院代码(只有一个省时可省略)"))
        p.add_argument("--effective-from", type=date_arg, required=True, help=_("生效日期"))
        p.add_argument("--body", choices=ApprovalBody.values, default=ApprovalBody.COMMITTEE)
        p.add_argument("--reference", default="", help=_("检察委员会会议纪要或文号"))

        p = sub.add_parser("check", help=_("某人能否对某事项行使某项权力,以及为什么"))
        p.add_argument("--staff", required=True, help=_("登录账号"))
        p.add_argument("--matter", required=True, help=_("事项代码或名称"))
        p.add_argument("--power", choices=Power.values, default=Power.DECIDE)
        p.add_argument("--flags", default="", help=_("案件情形,如 major,difficult 或 重大、疑难"))
        p.add_argument("--line", default="", help=_("业务条线代码或名称"))
        p.add_argument("--case-type", default="")
        p.add_argument("--amount", help=_("涉案金额(元)"))
        p.add_argument("--on", type=date_arg, help=_("日期(默认今天)"))
        p.add_argument("--case", help=_("案号(案件功能上线后可用)"))
        p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))

        p = sub.add_parser("load-templates", help=_("为本省载入三级内置模板并批准(省院检察长)"))
        add_actor_argument(p)
        p.add_argument("--effective-from", type=date_arg, help=_("生效日期(默认今天)"))
        p.add_argument("--province", help=_("省级检察院代码(只有一个省时可省略)"))
        p.add_argument("--reference", default="", help=_("检察委员会会议纪要或文号"))

    def handle(self, *args, action, **options):
        try:
            getattr(self, "do_" + action.replace("-", "_"))(**options)
        except ActDenied as denied:
            raise CommandError(denied.reason) from None
        except RuleViolation as broken:
            field = f"{broken.field}: " if broken.field else ""
            raise CommandError(field + broken.rule) from None

    def console(self) -> Console:
        out = getattr(self.stdout, "_out", self.stdout)
        terminal = getattr(out, "isatty", lambda: False)()
        width = None if terminal else 200  # piped into a file or a grep, a row stays one line
        return Console(file=out, highlight=False, width=width)  # type: ignore[arg-type]

    # --- export and import ----------------------------------------------------------------

    def do_export(self, level, additions, format, out, province, number, **options):
        try:
            format = format or (tabular.format_of(out) if out else "csv")
        except ValueError as bad:
            raise usage(str(bad)) from None
        if format == "xlsx" and out is None:
            raise usage(_("导出 XLSX 须用 --out 指定文件。"))
        version = _version(_list(province, level, additions), number)
        if out is None:
            tabular.write(version, self.stdout, format)
            return
        count = tabular.write(version, out, format)
        self.stdout.write(
            _("已导出 %(title)s 第 %(n)s 版(%(state)s),共 %(count)s 项:%(out)s")
            % {
                "title": version.power_list.title,
                "n": version.number,
                "state": STATE_LABELS[version.state_on()],
                "count": count,
                "out": out,
            }
        )

    def do_import(self, file, level, additions, login, province, note, **options):
        try:
            format = tabular.format_of(file)
        except ValueError as bad:
            raise usage(str(bad)) from None
        if not file.is_file():
            raise usage(_("没有这个文件:%(file)s") % {"file": file})
        actor = Actor.for_login(login)
        items = tabular.read(file, format)
        source = tabular.source_of(file)
        if additions:
            version = services.draft_additions(
                actor=actor,
                procuratorate=_procuratorate(additions),
                items=items,
                source=source,
                note=note,
            )
            self._imported(version, len(items))
            return
        place = _province(province)
        reasons = problems(items)
        if reasons:
            raise services.ListProblems(reasons)
        power_list = PowerList.objects.filter(
            procuratorate=place, level=level, kind=ListKind.LEVEL
        ).first() or services.create_list(
            actor=actor, procuratorate=place, level=level, title=shipped.title_for(place, level)
        )
        version = services.draft_version(
            actor=actor,
            power_list=power_list,
            items=items,
            source=source,
            note=note,
            allows_additions=options["allow_additions"],
        )
        self._imported(version, len(items))

    def _imported(self, version: ListVersion, count: int) -> None:
        self.stdout.write(
            _("已导入为 %(title)s 第 %(n)s 版草稿,共 %(count)s 项;批准后生效。")
            % {"title": version.power_list.title, "n": version.number, "count": count}
        )

    def do_approve(
        self, level, additions, login, province, effective_from, body, reference, **options
    ):
        power_list = _list(province, level, additions)
        draft = power_list.versions.filter(status=VersionStatus.DRAFT).first()
        if draft is None:
            raise CommandError(_("该清单没有待批准的草稿。"))
        version = services.approve_version(
            actor=Actor.for_login(login),
            version=draft,
            effective_from=effective_from,
            body=body,
            reference=reference,
        )
        self.stdout.write(
            _("已批准 %(title)s 第 %(n)s 版,自 %(day)s 起生效。")
            % {"title": power_list.title, "n": version.number, "day": effective_from}
        )

    # --- the shipped templates ------------------------------------------------------------

    def do_load_templates(self, login, effective_from, province, reference, **options):
        actor = Actor.for_login(login)
        versions = shipped.load_templates(
            actor, _province(province), effective_from or today(), reference=reference
        )
        table = Table(title=_("已载入内置模板"), title_justify="left")
        for header in (_("清单"), _("版本"), _("事项数"), _("生效日期"), _("批准")):
            table.add_column(header)
        for v in versions:
            approval = v.get_approval_body_display()
            if v.approval_reference:
                approval += f"({v.approval_reference})"
            row = (v.power_list.title, str(v.number), str(v.items.count()), str(v.effective_from))
            table.add_row(*row, approval)
        self.console().print(table)

    # --- why can't I? ---------------------------------------------------------------------

    def do_check(self, staff, matter, power, flags, line, case_type, amount, on, case, **options):
        if case:
            raise usage(
                _(
                    "按案号查询要等案件功能(第 5 号议题)上线;"
                    "目前请用 --flags、--line、--case-type、--amount 说明案件的情况。"
                )
            )
        actor, facts = _actor(staff), _facts(matter, flags, line, amount)
        decision = selectors.decide(
            actor,
            matter=facts["matter"].code,
            power=power,
            flags=facts["flags"],
            business_line=facts["line"].code if facts["line"] else "",
            case_type=case_type,
            amount=facts["amount"],
            on=on,
        )
        answer = _answer(actor, decision, on, facts, case_type)
        if options["json"]:
            self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))
        else:
            self.console().print(_answer_table(answer))
        if not decision.allowed:
            sys.exit(NOT_ALLOWED)


def _province(code: str | None) -> Procuratorate:
    provinces = Procuratorate.objects.filter(level=Level.PROVINCE).order_by("code")
    if code:
        found = provinces.filter(code=code).first()
        if found is None:
            raise usage(_("没有代码为 %(code)s 的省级检察院。") % {"code": code})
        return found
    only = list(provinces[:2])
    if len(only) != 1:
        raise usage(_("请用 --province 指明省级检察院。"))
    return only[0]


def _procuratorate(code: str) -> Procuratorate:
    found = Procuratorate.objects.filter(code=code).first()
    if found is None:
        raise usage(_("没有代码为 %(code)s 的检察院。") % {"code": code})
    return found


def _list(province_code: str | None, level: str | None, additions: str | None) -> PowerList:
    """The province's list for a level, or a procuratorate's additions."""
    if additions:
        place = _procuratorate(additions)
        found = PowerList.objects.filter(procuratorate=place, kind=ListKind.ADDITIONS).first()
        if found is None:
            raise CommandError(_("%(name)s尚无本院补充清单。") % {"name": place.name})
        return found
    assert level is not None
    province = _province(province_code)
    found = PowerList.objects.filter(
        procuratorate=province, level=level, kind=ListKind.LEVEL
    ).first()
    if found is None:
        raise CommandError(
            _("%(province)s尚无%(level)s权力清单。")
            % {"province": province.name, "level": ListLevel(level).label}
        )
    return found


def _version(power_list: PowerList, number: int | None) -> ListVersion:
    versions = power_list.versions.all()
    if number is not None:
        found = versions.filter(number=number).first()
        if found is None:
            raise usage(_("该清单没有第 %(n)s 版。") % {"n": number})
        return found
    found = (
        ListVersion.objects.effective_on(today()).filter(power_list=power_list).first()
        or versions.filter(status=VersionStatus.APPROVED).order_by("-number").first()
    )
    if found is None:
        raise CommandError(_("该清单还没有批准的版本;可用 --version 导出草稿。"))
    return found


def _actor(login: str) -> Actor:
    try:
        actor = Actor.for_login(login)
    except ActDenied as denied:
        raise usage(denied.reason) from None
    if actor.staff is None:
        raise usage(_("账号 %(login)s 不对应任何工作人员。") % {"login": login})
    return actor


def _facts(matter: str, flags: str, line: str, amount: str | None) -> dict:
    try:
        return {
            "matter": tabular.find_matter(matter),
            "flags": tabular.parse_flags(flags),
            "line": tabular.find_line(line),
            "amount": tabular.parse_amount(amount) if amount else None,
        }
    except ValueError as bad:
        raise usage(str(bad)) from None


def _answer(actor, decision, on, facts, case_type) -> dict:
    """The engine's answer as plain data: what --json prints and the table shows."""
    item = None
    if decision.rule is not None:
        row = Item.objects.select_related("version__power_list").get(pk=decision.rule.item_id)
        item = {
            "list": row.version.power_list.title,
            "version": row.version.number,
            "number": row.number,
            "code": row.code,
            "holder": row.holder,
            "holder_label": str(Holder(row.holder).label),
            "power": row.power,
            "citation": decision.rule.citation,
        }
    grant = decision.grant
    return {
        "allowed": decision.allowed,
        "staff": {"login": actor.login, "name": actor.staff.name},
        "procuratorate": actor.staff.procuratorate.name,
        "on": (on or today()).isoformat(),
        "matter": {"code": facts["matter"].code, "name": facts["matter"].name},
        "power": decision.power,
        "power_label": str(Power(decision.power).label),
        "facts": {
            "flags": sorted(facts["flags"]),
            "business_line": facts["line"].code if facts["line"] else None,
            "business_line_name": facts["line"].name if facts["line"] else None,
            "case_type": case_type or None,
            "amount": str(facts["amount"]) if facts["amount"] is not None else None,
        },
        "assumed_handler": True,
        "item": item,
        "delegation": grant
        and {
            "document_no": grant.document_no,
            "valid_to": grant.valid_to.isoformat() if grant.valid_to else None,
        },
        "path": [{"holder": s.holder, "power": s.power, "label": s.label} for s in decision.path],
        "sentence": decision.sentence,
    }


def _answer_table(answer: dict) -> Table:
    title = _("%(name)s(%(login)s)在%(place)s能否%(power)s“%(matter)s”?") % {
        "name": answer["staff"]["name"],
        "login": answer["staff"]["login"],
        "place": answer["procuratorate"],
        "power": answer["power_label"],
        "matter": answer["matter"]["name"],
    }
    table = Table(title=title, title_justify="left", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row(_("结论"), _("允许") if answer["allowed"] else _("不允许"))
    if answer["item"]:
        it = answer["item"]
        table.add_row(
            _("清单事项"),
            _("%(list)s 第 %(v)s 版第 %(n)s 项(编号 %(code)s):%(holder)s%(power)s")
            % {
                "list": it["list"],
                "v": it["version"],
                "n": it["number"],
                "code": it["code"],
                "holder": it["holder_label"],
                "power": Power(it["power"]).label,
            },
        )
    elif answer["delegation"]:
        table.add_row(_("授权"), answer["delegation"]["document_no"])
    else:
        table.add_row(_("清单事项"), _("清单未列(适用默认规则)"))
    if answer["path"]:
        table.add_row(_("须由"), " → ".join(step["label"] for step in answer["path"]))
    table.add_row(_("说明"), answer["sentence"])
    table.add_row(_("案件情况"), _facts_text(answer["facts"]))
    table.add_row(_("注"), _("未指定案件:视为该工作人员承办此案。"))
    return table


def _facts_text(facts: dict) -> str:
    parts = [
        _("情形:%(flags)s") % {"flags": "、".join(str(Flag(f).label) for f in facts["flags"])}
        if facts["flags"]
        else _("情形:无"),
        _("业务条线:%(line)s") % {"line": facts["business_line_name"] or _("未指定")},
    ]
    if facts["case_type"]:
        parts.append(_("案件类型:%(type)s") % {"type": facts["case_type"]})
    if facts["amount"]:
        amount = f"{Decimal(facts['amount']):,}"
        parts.append(_("涉案金额:%(amount)s 元") % {"amount": amount})
    return ";".join(parts)
