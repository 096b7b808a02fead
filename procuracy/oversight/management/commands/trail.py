"""`procuracy trail CASE_NO --as LOGIN [--decision ID] [--json]`: the responsibility trail
(责任链条) of every decision of a case, or of one: who proposed, reviewed, deliberated,
decided and carried it out, in which post, under which power-list item or delegation, with
the instructions, objections and votes on the way, each with its ledger entry.

Exit codes: 0 printed; 1 no such case (or decision of it) among those one may read; 2 bad
usage (an unknown login).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.console import Console
from rich.table import Table

from procuracy.cases import selectors
from procuracy.cases.models import Case, Decision
from procuracy.core.management.acts import REFUSED, add_actor_argument
from procuracy.core.management.acts import actor_named as _actor
from procuracy.oversight import trail

SUMMARY = {
    "proposed": gettext_lazy("报请人"),
    "reviewed": gettext_lazy("审核人"),
    "decided": gettext_lazy("决定人"),
    "objected": gettext_lazy("提出异议"),
    "instructed": gettext_lazy("发出指令"),
    "executed": gettext_lazy("执行人"),
}

# What a step's second text is, where it needs saying.
NOTES = {
    "joint_meeting": gettext_lazy("会议记录:"),
    "instruction_complied": gettext_lazy("不同意见:"),
    "report_filed": gettext_lazy("案件情形:"),
}


class Command(BaseCommand):
    help = _(
        "责任链条:案件每一项决定的报请、审核、联席会议、复核、检察委员会表决、决定、异议、"
        "执行和指令,各附账本条目。退出码:0 完成,1 未找到,2 用法错误。"
    )

    def add_arguments(self, parser):
        add_actor_argument(parser)
        parser.add_argument("number", help=_("案号"))
        parser.add_argument("--decision", type=int, help=_("只看这一项决定(决定编号)"))
        parser.add_argument("--json", action="store_true", help=_("以 JSON 输出"))

    def handle(self, *args, number, login, decision, **options):
        actor = _actor(login)
        try:
            case = selectors.case_numbered(actor, number)
        except Case.DoesNotExist:
            raise CommandError(
                _("没有可以查阅的案号为 %(number)s 的案件。") % {"number": number},
                returncode=REFUSED,
            ) from None
        if decision is not None:
            try:
                trails = [trail.decision_trail(actor, case, decision)]
            except Decision.DoesNotExist:
                raise CommandError(
                    _("案件 %(number)s 没有编号为 %(id)s 的决定。")
                    % {"number": number, "id": decision},
                    returncode=REFUSED,
                ) from None
        else:
            trails = trail.case_trails(actor, case)
        if options["json"]:
            data = {
                "case_id": case.pk,
                "case_number": case.number,
                "trails": [trail.as_data(t) for t in trails],
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        if not trails:
            self.stdout.write(_("案件 %(number)s 尚无报请或决定。") % {"number": number})
        for found in trails:
            self.print_trail(found)

    def console(self) -> Console:
        out = getattr(self.stdout, "_out", self.stdout)
        terminal = getattr(out, "isatty", lambda: False)()
        return Console(file=out, highlight=False, width=None if terminal else 200)  # type: ignore[arg-type]

    def print_trail(self, found: trail.Trail) -> None:
        d = found.decision
        if d is not None:
            title = _("%(case)s 决定 #%(id)s“%(matter)s”(%(status)s)") % {
                "case": found.case_number,
                "id": d.id,
                "matter": d.matter_name,
                "status": d.status_label,
            }
        else:
            title = _("%(case)s 案件的指令、报告和议题") % {"case": found.case_number}
        self.stdout.write(title)
        for key, label in SUMMARY.items():
            people = found.summary.get(key) or []
            if people:
                names = "、".join(f"{p.name}({p.role})" for p in people)
                self.stdout.write(f"  {label}:{names}")
        if found.basis is not None:
            self.stdout.write("  " + _("决定依据:%(basis)s") % {"basis": basis_text(found.basis)})
        table = Table(show_lines=True)
        for column in (_("时间"), _("环节"), _("办理人及当日职务"), _("内容"), _("账本")):
            table.add_column(column)
        for step in found.steps:
            who = f"{step.actor.name}\n{step.actor.role}" if step.actor else ""
            if step.body_label:
                who = f"{who}\n{step.body_label}".strip()
            seq = f"#{step.entry.seq}" if step.entry else "—"
            table.add_row(
                timezone.localtime(step.at).strftime("%Y-%m-%d %H:%M"),
                step.label,
                who,
                "\n".join(content(step)),
                seq,
            )
        self.console().print(table)


def basis_text(basis: trail.Basis) -> str:
    if basis.kind == "item":
        return _(
            "%(list)s 第 %(version)s 版 第 %(number)s 项(编号 %(code)s):%(holder)s%(power)s"
        ) % {
            "list": basis.list_title,
            "version": basis.version,
            "number": basis.item_number,
            "code": basis.item_code,
            "holder": basis.holder_label,
            "power": basis.power_label,
        }
    if basis.kind == "delegation":
        return _("授权书 %(doc)s(授权人 %(who)s)") % {
            "doc": basis.document_no,
            "who": basis.delegator,
        }
    return basis.sentence or basis.kind_label


def content(step: trail.Step) -> list[str]:
    """What the step said and decided, as lines."""
    lines = []
    if step.decision is not None:
        lines.append(
            _("事项:%(matter)s(决定 #%(id)s)")
            % {"matter": step.decision.matter_name, "id": step.decision.id}
        )
    if step.instruction is not None:
        i = step.instruction
        route = "" if i.issuer == i.recipient else f":{i.issuer} → {i.recipient}"
        lines.append(f"{i.kind_label} {i.document_no}{route} {i.staff}".strip())
    elif step.outcome_label:
        lines.append(f"[{step.outcome_label}]")
    if step.text:
        lines.append(step.text)
    if step.note:
        lines.append(f"{NOTES.get(step.kind, '')}{step.note}")
    if step.basis is not None:
        lines.append(_("依据:%(basis)s") % {"basis": basis_text(step.basis)})
        if step.basis.sentence and step.basis.kind in ("item", "delegation"):
            lines.append(step.basis.sentence)
    if step.binding:
        lines.append(_("须执行"))
    if step.overrides is not None:
        lines.append(_("未采纳报请“%(matter)s”") % {"matter": step.overrides.matter_name})
    if step.leads_to is not None:
        lines.append(f"→ “{step.leads_to.matter_name}”(#{step.leads_to.id})")
    if step.committee is not None:
        t = step.committee.tally
        lines.append(
            _("出席 %(present)s/%(members)s;同意 %(yes)s,不同意 %(no)s,弃权 %(abstain)s")
            % {
                "present": t.present,
                "members": t.members,
                "yes": t.votes_for,
                "no": t.votes_against,
                "abstain": t.abstentions,
            }
        )
    for o in step.opinions:
        seq = f" #{o.entry.seq}" if o.entry else ""
        lines.append(f"· {o.person.name}({o.person.role})[{o.position_label}]{o.opinion}{seq}")
    return lines
