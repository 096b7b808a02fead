"""`procuracy cases …`: take a case in at one's case management office, show a case (with
every stage's time limit and its decisions), list the cases one may read; move a case along
its lifecycle (start, submit, decide, execute, exclude, variant, resubmit, conclude, archive),
each an act through the power list; print one's desk (待办) with the reviewer's queue.

Exit codes: 0 done; 1 refused (the act is not allowed or breaks a rule; nothing written), or
no such case among those one may read; 2 bad usage (an unknown login, type, line or date).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from procuracy.cases import deadlines, intake, lifecycle, selectors
from procuracy.cases import desk as desks
from procuracy.cases.forms import numbers_in
from procuracy.cases.models import Case, CaseStatus, CaseType, PartyRole
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.management.acts import REFUSED, add_actor_argument, usage
from procuracy.core.management.acts import actor_named as _actor
from procuracy.core.management.acts import dumps as _dumps
from procuracy.core.management.acts import readable_case as _case
from procuracy.core.models import today
from procuracy.organisation.models import BusinessLine
from procuracy.powers import engine
from procuracy.powers.models import Flag, Matter


class Command(BaseCommand):
    help = _(
        "案件:受理案件、查看案件(含各阶段办案期限和决定)、列出可以查阅的案件;"
        "开始办理、报请、决定、执行决定、不计入期限的期间、重新移送、结案、归档;查看待办。"
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

        self.add_lifecycle_arguments(sub)

    def add_lifecycle_arguments(self, sub):
        def case_act(name, help):
            p = sub.add_parser(name, help=help)
            add_actor_argument(p)
            p.add_argument("number", help=_("案号"))
            return p

        case_act("start", help=_("开始办理(承办检察官)"))
        submit = case_act("submit", help=_("报请决定(承办检察官)"))
        decide = case_act("decide", help=_("作出决定"))
        for p in (submit, decide):
            p.add_argument("--matter", required=True, help=_("事项代码,如 approve_arrest"))
            p.add_argument("--reasoning", required=True, help=_("理由和意见"))
        p = case_act("exclude", help=_("记录不计入期限的期间(承办检察官)"))
        p.add_argument("--start", required=True, help=_("起始日 YYYY-MM-DD"))
        p.add_argument("--end", required=True, help=_("终止日 YYYY-MM-DD"))
        p.add_argument("--reason", required=True, help=_("事由,如 对犯罪嫌疑人作精神病鉴定"))
        p = case_act("variant", help=_("认定期限适用的情形(承办检察官)"))
        p.add_argument("--variant", required=True, help=_("情形代码,如 over_one_year;空为一般情形"))
        p.add_argument("--reason", required=True, help=_("认定理由"))
        p = case_act("resubmit", help=_("受理重新移送(案件管理部门)"))
        p.add_argument("--received-on", help=_("重新移送受理日期(默认今天)"))
        p = case_act("conclude", help=_("结案(承办检察官;须作出决定的案件除外)"))
        p.add_argument("--outcome", required=True, help=_("办理结果"))
        case_act("archive", help=_("归档(案件管理部门)"))
        case_act("execute", help=_("执行决定(承办检察官;书面异议答复后)"))

        p = sub.add_parser("desk", help=_("查看待办"))
        add_actor_argument(p)
        p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))

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
        for stage in facts["stages"]:
            self.stdout.write(_stage_line(stage))
            for line in stage["explanation"]:
                self.stdout.write("  " + line)
        for decision in facts["decisions"]:
            self.stdout.write(_decision_line(decision))
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

    # ---- the lifecycle -------------------------------------------------------------------

    def _done(self, case: Case, message: str) -> None:
        case.refresh_from_db()
        status = case.get_status_display()
        self.stdout.write(message + _("案件状态:%(status)s。") % {"status": status})
        if case.due_on:
            self.stdout.write(
                _("%(stage)s期限届满日:%(day)s")
                % {"stage": deadlines.limit(case.stage).name, "day": case.due_on}
            )

    def do_start(self, actor, number, **options):
        case = _case(actor, number)
        lifecycle.start_handling(actor=actor, case=case)
        self._done(case, _("已开始办理。"))

    def do_submit(self, actor, number, matter, reasoning, **options):
        case = _case(actor, number)
        decision = lifecycle.submit_decision(
            actor=actor, case=case, matter=_matter(case, matter), reasoning=reasoning
        )
        path = "、".join(engine.step_label(s["holder"], s["power"]) for s in decision.path)
        self._done(
            case,
            _("已报请“%(matter)s”,等待%(path)s。") % {"matter": decision.matter.name, "path": path},
        )

    def do_decide(self, actor, number, matter, reasoning, **options):
        case = _case(actor, number)
        decision = lifecycle.decide(
            actor=actor,
            case=case,
            matter=_matter(case, matter),
            reasoning=reasoning,
        )
        self._done(
            case,
            _("已作出决定:“%(matter)s”(%(basis)s)")
            % {"matter": decision.matter.name, "basis": decision.basis},
        )

    def do_exclude(self, actor, number, start, end, reason, **options):
        case = _case(actor, number)
        lifecycle.exclude_period(
            actor=actor, case=case, start=_date(start), end=_date(end), reason=reason
        )
        self._done(
            case, _("已记录不计入期限的期间 %(start)s 至 %(end)s。") % {"start": start, "end": end}
        )

    def do_variant(self, actor, number, variant, reason, **options):
        case = _case(actor, number)
        stage = lifecycle.set_stage_variant(actor=actor, case=case, variant=variant, reason=reason)
        day = stage.expires_on.isoformat() if stage.expires_on else "—"
        self._done(case, _("期限改按所认定的情形计算,届满日 %(day)s。") % {"day": day})

    def do_resubmit(self, actor, number, received_on, **options):
        case = _case(actor, number)
        day = _date(received_on) if received_on else today()
        lifecycle.resubmit(actor=actor, case=case, received_on=day)
        self._done(case, _("已受理重新移送,审查期限自 %(day)s 重新计算。") % {"day": day})

    def do_conclude(self, actor, number, outcome, **options):
        case = _case(actor, number)
        lifecycle.conclude(actor=actor, case=case, outcome=outcome)
        self._done(case, _("已结案。"))

    def do_archive(self, actor, number, **options):
        case = _case(actor, number)
        lifecycle.archive(actor=actor, case=case)
        self._done(case, _("已归档。"))

    def do_execute(self, actor, number, **options):
        case = _case(actor, number)
        decision = lifecycle.execute(actor=actor, case=case)
        self._done(case, _("已执行%(decision)s。") % {"decision": lifecycle.describe(decision)})

    # ---- the desk ------------------------------------------------------------------------

    def do_desk(self, actor, **options):
        found = desks.desk(actor)
        if options["json"]:
            self.stdout.write(_dumps(_desk_data(found)))
            return
        self.stdout.write(
            _("待办事项 %(n)s 件;承办中的案件 %(handling)s 件。")
            % {"n": found.waiting, "handling": found.counts.get("handling", 0)}
        )
        if found.to_decide:
            table = Table(title=_("待您决定"))
            for column in (_("案号"), _("案件名称"), _("报请事项"), _("报请人"), _("期限届满日")):
                table.add_column(column)
            for d in found.to_decide:
                table.add_row(
                    d.case.number,
                    d.case.title,
                    d.matter.name,
                    d.proposed_by.name if d.proposed_by else "",
                    _due_text(d.case),
                )
            self.console().print(table)
        for key, title in OVERSIGHT_LISTS:
            rows = getattr(found, key)
            if rows:
                table = Table(title=title)
                for column in (_("案号"), _("案件名称"), _("事项"), _("说明")):
                    table.add_column(column)
                for row in rows:
                    table.add_row(*_task_row(key, row))
                self.console().print(table)
        for key, title in DESK_LISTS:
            rows = getattr(found, key)
            if rows:
                self.console().print(_case_table(title, rows))
        if not found.waiting and not found.handling and not found.warned:
            self.stdout.write(_("没有待办事项。"))


DESK_LISTS = [
    ("to_start", _("已分案,待开始办理")),
    ("to_draw", _("已受理,待分案")),
    ("returned", _("退回补充侦查,待重新移送")),
    ("to_archive", _("已结案或移送管辖,待归档")),
    ("warned", _("即将届满或已超期的案件")),
    ("handling", _("承办中的案件")),
]
DUE_LABELS = {"ok": _("期限内"), "due_soon": _("即将届满"), "overdue": _("已超期")}
# The reviewer's queue and the other oversight tasks, in the desk page's order.
OVERSIGHT_LISTS = [
    ("to_review", _("待您审核")),
    ("objections", _("待您答复的书面异议")),
    ("to_agenda", _("已提请检察委员会,待列入会议议题")),
    ("reports_to_read", _("待您阅示的报告")),
    ("to_reexamine", _("待您复核")),
    ("to_execute", _("待您执行的决定")),
    ("objected", _("已提出书面异议,待答复")),
    ("to_sign", _("待您签名的联席会议意见")),
    ("reports_to_file", _("待向检察长报告")),
    ("to_comply", _("待报告执行情况的指令")),
    ("under_review", _("审核中、审核后由您决定")),
]


def _task_case(key: str, row):
    """The case an oversight task is on (None for an instruction on no case)."""
    if key == "objections":
        return row.decision.case
    if key == "to_sign":
        return row.meeting.decision.case
    return row.case


def _task_row(key: str, row) -> tuple[str, str, str, str]:
    """(case number, title, matter or document, what it waits on) for the desk's tables."""
    case = _task_case(key, row)
    number, title = (case.number, case.title) if case is not None else ("—", "")
    if key == "to_comply":
        return number, title, row.document_no, row.get_kind_display()
    if key in ("reports_to_file", "reports_to_read"):
        return number, title, _("向检察长报告"), row.flag_text
    if key == "objections":
        return number, title, row.decision.matter.name, row.filed_by.name
    if key == "to_sign":
        return number, title, row.meeting.decision.matter.name, row.get_position_display()
    if key in ("to_execute", "objected"):
        who = (
            row.get_body_display() if row.body else (row.decided_by.name if row.decided_by else "")
        )
        return number, title, row.matter.name, who
    return number, title, row.matter.name, getattr(row, "waiting_at", "")


def _due_text(case: Case) -> str:
    if case.due_on is None:
        return ""
    state = DUE_LABELS.get(selectors.due_state(case), "")
    return f"{case.due_on.isoformat()} {state}".strip()


def _case_table(title: str, rows: list[Case]) -> Table:
    table = Table(title=title)
    for column in (_("案号"), _("案件名称"), _("状态"), _("期限届满日")):
        table.add_column(column)
    table.add_column(_("剩余天数"), justify="right")
    for case in rows:
        left = (case.due_on - today()).days if case.due_on else None
        table.add_row(
            case.number,
            case.title,
            case.get_status_display(),
            _due_text(case),
            "" if left is None else str(left),
        )
    return table


def _desk_case(case: Case) -> dict:
    return {
        "number": case.number,
        "title": case.title,
        "status": case.status,
        "status_label": case.get_status_display(),
        "due_on": case.due_on and case.due_on.isoformat(),
        "due_state": selectors.due_state(case),
    }


def _desk_data(found: desks.Desk) -> dict:
    data: dict = {"waiting": found.waiting, "counts": found.counts}
    data["to_decide"] = [
        {
            "case": _desk_case(d.case),
            "matter": d.matter.code,
            "matter_name": d.matter.name,
            "proposed_by": d.proposed_by.name if d.proposed_by else None,
        }
        for d in found.to_decide
    ]
    for key, _title in OVERSIGHT_LISTS:
        data[key] = []
        for row in getattr(found, key):
            case = _task_case(key, row)
            *_case, what, note = _task_row(key, row)
            data[key].append(
                {"id": row.pk, "case": case and _desk_case(case), "what": what, "note": note}
            )
    for key, _title in DESK_LISTS:
        data[key] = [_desk_case(c) for c in getattr(found, key)]
    return data


def _stage_line(stage: dict) -> str:
    if stage["ended_on"]:
        return _("%(stage)s期限(%(start)s 起算,届满日 %(day)s)已于 %(end)s 结束:%(why)s") % {
            "stage": stage["name"],
            "start": stage["started_on"],
            "day": stage["expires_on"] or "—",
            "end": stage["ended_on"],
            "why": stage["end_label"],
        }
    if not stage["expires_on"]:
        return _("%(stage)s期限停止计算(案件中止审查)。") % {"stage": stage["name"]}
    state = DUE_LABELS.get(stage["state"], "")
    return _("%(stage)s期限届满日:%(day)s(%(state)s)") % {
        "stage": stage["name"],
        "day": stage["expires_on"],
        "state": state,
    }


def _decision_line(d: dict) -> str:
    if d["status"] == "pending":
        return _("待决定:%(matter)s,%(who)s 报请,须由%(path)s。") % {
            "matter": d["matter_name"],
            "who": d["proposed_by"],
            "path": "、".join(d["path"]),
        }
    return _("%(status)s:%(matter)s,%(who)s 于 %(when)s;%(basis)s") % {
        "status": d["status_label"],
        "matter": d["matter_name"],
        "who": d["decided_by"] or "—",
        "when": d["decided_at"] or "—",
        "basis": d["basis"],
    }


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
    limits = selectors.time_limits(case)
    limit = selectors.current_limit(limits)
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
        "time_limit": limit and _stage(limit),
        "stages": [_stage(t) for t in limits],
        "decisions": [_decision(d) for d in desks.decisions(case)],
        "sealed": case.sealed,
    }


def _stage(limit: selectors.TimeLimit) -> dict:
    stage = limit.stage
    return {
        "stage": stage.code,
        "name": limit.name,
        "started_on": stage.started_on.isoformat(),
        "expires_on": limit.expires_on and limit.expires_on.isoformat(),
        "state": limit.state,
        "days_left": limit.days_left,
        "ended_on": stage.ended_on and stage.ended_on.isoformat(),
        "end": stage.end,
        "end_label": stage.get_end_display() if stage.end else "",
        "explanation": limit.explanation,
    }


def _decision(d) -> dict:
    return {
        "matter": d.matter.code,
        "matter_name": d.matter.name,
        "status": d.status,
        "status_label": d.get_status_display(),
        "reasoning": d.reasoning,
        "proposed_by": d.proposed_by.name if d.proposed_by else None,
        "path": [engine.step_label(s["holder"], s["power"]) for s in d.path],
        "decided_by": d.decided_by.name if d.decided_by else None,
        "decided_at": d.decided_at and d.decided_at.isoformat(timespec="minutes"),
        "item": d.item.code if d.item else None,
        "basis": d.basis,
    }


def _matter(case: Case, code: str) -> str:
    """A matter's code as given; an unknown code is bad usage (one the case's type or state
    does not allow is the service's to refuse)."""
    if not Matter.objects.filter(code=code).exists():
        known = "、".join(lifecycle.matters_for(case))
        raise usage(
            _("没有代码为 %(code)s 的事项(本案可以决定:%(known)s)。")
            % {"code": code, "known": known}
        )
    return code


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
