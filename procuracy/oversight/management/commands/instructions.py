"""`procuracy instructions issue|comply|list|show`: issue a written instruction (指令) to one's
own procuratorate or one below, report how one received was carried out (with any
disagreement), list and show those one may read. A text argument of "-" is read from stdin.

Exit codes: 0 done; 1 refused (the act is not allowed or breaks a rule; nothing written), or
no such instruction or case among those one may read; 2 bad usage (an unknown login, code,
procuratorate, decision or member of staff).
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.console import Console
from rich.table import Table

from procuracy.cases import selectors as cases
from procuracy.cases.models import Case, Decision, DecisionStatus
from procuracy.core.actors import Actor
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.management.acts import REFUSED, actor_named, add_actor_argument, dumps, usage
from procuracy.core.management.acts import readable_case as case_numbered
from procuracy.organisation.models import Procuratorate
from procuracy.oversight import instructions
from procuracy.oversight.models import Instruction, InstructionKind
from procuracy.people.models import Staff


def text_arg(value: str) -> str:
    """The text as given, or stdin's for "-"."""
    return sys.stdin.read() if value == "-" else value


def when(moment) -> str | None:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else None


class OversightCommand(BaseCommand):
    """What both oversight commands share: the acts' refusals as exit code 1, and a console
    that fits the terminal (or 200 columns when written to a file)."""

    def handle(self, *args, action, **options):
        try:
            actor = actor_named(options.pop("login"))
            getattr(self, "do_" + action)(actor, **options)
        except ActDenied as denied:
            raise CommandError(denied.reason, returncode=REFUSED) from None
        except RuleViolation as broken:
            raise CommandError(broken.rule, returncode=REFUSED) from None

    def console(self) -> Console:
        out = getattr(self.stdout, "_out", self.stdout)
        terminal = getattr(out, "isatty", lambda: False)()
        return Console(file=out, highlight=False, width=None if terminal else 200)  # type: ignore[arg-type]


class Command(OversightCommand):
    help = _(
        "指令:发出书面指令(指示、指令纠正、撤销决定、变更决定、指定管辖、调用检察人员),"
        "报告执行情况(可以一并提出不同意见),列出和查看指令。"
        "退出码:0 完成,1 拒绝或未找到,2 用法错误。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("issue", help=_("发出书面指令(检察长、副检察长)"))
        add_actor_argument(p)
        p.add_argument("--kind", required=True, choices=InstructionKind.values)
        p.add_argument("--case", help=_("案号(指示、指定管辖;针对决定的指令可省略)"))
        p.add_argument(
            "--decision", help=_("所针对的决定:编号,或本案最近作出的该事项决定的事项代码")
        )
        p.add_argument("--to", help=_("接受院的院代码(默认受理该案的检察院;调用检察人员必填)"))
        p.add_argument("--staff", help=_("被调用人员的编号或姓名(调用检察人员)"))
        p.add_argument("--document-no", required=True, help=_("文号"))
        p.add_argument(
            "--text", required=True, type=text_arg, help=_("指令内容;- 表示从标准输入读取")
        )
        p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))

        p = sub.add_parser("comply", help=_("报告指令的执行情况(接受院)"))
        add_actor_argument(p)
        p.add_argument("id", type=int, help=_("指令编号"))
        p.add_argument("--compliance", required=True, type=text_arg, help=_("执行情况"))
        p.add_argument("--disagreement", default="", type=text_arg, help=_("不同意见(可选)"))

        p = sub.add_parser("list", help=_("列出可以查阅的指令"))
        add_actor_argument(p)
        p.add_argument("--procuratorate", help=_("院代码:该院发出或收到的指令"))
        p.add_argument("--direction", choices=["issued", "received"])
        p.add_argument("--kind", choices=InstructionKind.values)
        p.add_argument("--case", help=_("案号"))
        p.add_argument("--waiting", action="store_true", help=_("仅列出待报告执行情况的指令"))
        p.add_argument("--mine", action="store_true", help=_("仅列出待本人报告执行情况的指令"))
        p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))

        p = sub.add_parser("show", help=_("查看一件指令"))
        add_actor_argument(p)
        p.add_argument("id", type=int, help=_("指令编号"))
        p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))

    def do_issue(self, actor, kind, case, decision, to, staff, document_no, text, **options):
        found = case_numbered(actor, case) if case else None
        chosen = _decision(actor, found, decision) if decision else None
        recipient = _procuratorate(to) if to else None
        if recipient is None:
            target = found or (chosen.case if chosen is not None else None)
            if target is None:
                raise usage(_("请用 --to 指明接受指令的检察院。"))
            recipient = target.procuratorate
        done = instructions.issue_instruction(
            actor=actor,
            kind=kind,
            recipient=recipient,
            text=text,
            document_no=document_no,
            case=found,
            decision=chosen,
            staff=_staff(staff, recipient) if staff else None,
        )
        if options["json"]:
            self.stdout.write(dumps(instruction_data(done)))
            return
        self.stdout.write(
            _("已发出%(kind)s(%(no)s,编号 %(id)s),等待%(place)s报告执行情况。")
            % {
                "kind": done.get_kind_display(),
                "no": done.document_no,
                "id": done.pk,
                "place": recipient.name,
            }
        )
        if chosen is not None:
            chosen.refresh_from_db()
            chosen.case.refresh_from_db()
            self.stdout.write(
                _("所涉决定:%(matter)s(%(status)s);案件状态:%(case)s。")
                % {
                    "matter": chosen.matter.name,
                    "status": chosen.get_status_display(),
                    "case": chosen.case.get_status_display(),
                }
            )

    def do_comply(self, actor, id, compliance, disagreement, **options):
        instruction = _instruction(actor, id)
        instructions.comply_with_instruction(
            actor=actor,
            instruction=instruction,
            compliance=compliance,
            disagreement=disagreement,
        )
        message = _("已报告指令 %(no)s 的执行情况。") % {"no": instruction.document_no}
        if instruction.disagreement:
            message += _("不同意见已一并记录。")
        self.stdout.write(message)

    def do_list(self, actor, procuratorate, direction, kind, case, waiting, mine, **options):
        if mine:
            rows = list(instructions.instructions_to_comply(actor))
        else:
            rows = list(
                instructions.instructions(
                    actor,
                    procuratorate=_procuratorate(procuratorate).pk if procuratorate else None,
                    direction=direction or "",
                    kind=kind or "",
                    case=case_numbered(actor, case).pk if case else None,
                    waiting=waiting,
                )
            )
        if options["json"]:
            self.stdout.write(dumps([instruction_data(i) for i in rows]))
            return
        if not rows:
            self.stdout.write(_("没有符合条件的指令。"))
            return
        table = Table(title=_("指令"))
        table.add_column(_("编号"), justify="right")
        for column in (_("签发时间"), _("文号"), _("类别"), _("发出院"), _("接受院")):
            table.add_column(column)
        for column in (_("案件或人员"), _("执行情况")):
            table.add_column(column)
        for i in rows:
            table.add_row(
                str(i.pk),
                when(i.issued_at),
                i.document_no,
                i.get_kind_display(),
                i.issuer.short_name,
                i.recipient.short_name,
                i.case.number if i.case else (i.staff.name if i.staff else ""),
                _state(i),
            )
        self.console().print(table)

    def do_show(self, actor, id, **options):
        instruction = _instruction(actor, id)
        data = instruction_data(instruction)
        if options["json"]:
            self.stdout.write(dumps(data))
            return
        table = Table(title=f"{data['kind_label']} {data['document_no']}", show_header=False)
        table.add_column()
        table.add_column()
        for label, key in SHOWN:
            value = data[key]
            if value not in (None, ""):
                table.add_row(label, str(value))
        table.add_row(_("执行情况"), _state(instruction))
        self.console().print(table)
        self.stdout.write(_("指令内容:") + data["text"])
        if data["complied_at"]:
            self.stdout.write(
                _("%(who)s 于 %(when)s 报告执行情况:%(text)s")
                % {
                    "who": data["complied_by"],
                    "when": data["complied_at"],
                    "text": data["compliance"],
                }
            )
            if data["disagreement"]:
                self.stdout.write(_("不同意见:") + data["disagreement"])


SHOWN = [
    (gettext_lazy("编号"), "id"),
    (gettext_lazy("类别"), "kind_label"),
    (gettext_lazy("文号"), "document_no"),
    (gettext_lazy("发出院"), "issuer"),
    (gettext_lazy("签发人"), "issued_by"),
    (gettext_lazy("签发时间"), "issued_at"),
    (gettext_lazy("接受院"), "recipient"),
    (gettext_lazy("案件"), "case"),
    (gettext_lazy("所涉决定"), "decision_label"),
    (gettext_lazy("调用人员"), "staff"),
]


def _state(instruction: Instruction) -> str:
    if instruction.complied_at is None:
        return _("待报告")
    return _("已报告(有不同意见)") if instruction.disagreement else _("已报告")


def instruction_data(i: Instruction) -> dict:
    """The instruction as plain data: what --json prints and the table shows."""
    decision = i.decision
    return {
        "id": i.pk,
        "kind": i.kind,
        "kind_label": i.get_kind_display(),
        "document_no": i.document_no,
        "issuer": i.issuer.name,
        "recipient": i.recipient.name,
        "case": i.case.number if i.case else None,
        "decision": decision.pk if decision else None,
        "decision_label": (
            f"{decision.matter.name}({decision.get_status_display()})" if decision else None
        ),
        "staff": i.staff.name if i.staff else None,
        "text": i.text,
        "issued_by": i.issued_by.name,
        "issued_at": when(i.issued_at),
        "complied_by": i.complied_by.name if i.complied_by else None,
        "complied_at": when(i.complied_at),
        "compliance": i.compliance,
        "disagreement": i.disagreement,
        "ledger_seq": i.ledger_seq,
    }


def _instruction(actor: Actor, pk: int) -> Instruction:
    try:
        return instructions.instruction_for(actor, pk)
    except Instruction.DoesNotExist:
        raise CommandError(
            _("没有可以查阅的编号为 %(id)s 的指令。") % {"id": pk}, returncode=REFUSED
        ) from None


def _procuratorate(code: str) -> Procuratorate:
    found = Procuratorate.objects.filter(code=code).first()
    if found is None:
        raise usage(_("没有院代码为 %(code)s 的检察院。") % {"code": code})
    return found


def _decision(actor: Actor, case: Case | None, given: str) -> Decision:
    """By id (among the cases one may read), or by matter code: the case's latest decision
    made on that matter."""
    readable = cases.visible_cases(actor)
    if given.isdigit():
        found = Decision.objects.filter(pk=int(given), case__in=readable).first()
    elif case is not None:
        found = (
            case.decisions.filter(matter__code=given, status=DecisionStatus.MADE)
            .order_by("-decided_at", "-id")
            .first()
        )
    else:
        raise usage(_("以事项代码指明决定时,须同时用 --case 指明案件。"))
    if found is None:
        raise usage(_("没有可以查阅的决定 %(decision)s。") % {"decision": given})
    return found


def _staff(given: str, recipient: Procuratorate) -> Staff:
    """By id, or by name among the recipient's staff."""
    if given.isdigit():
        found = Staff.objects.filter(pk=int(given)).first()
    else:
        named = list(Staff.objects.filter(procuratorate=recipient, name=given)[:2])
        if len(named) > 1:
            raise usage(
                _("%(place)s有不止一名 %(name)s,请用编号。")
                % {"place": recipient.name, "name": given}
            )
        found = named[0] if named else None
    if found is None:
        raise usage(_("没有这名工作人员:%(staff)s。") % {"staff": given})
    return found
