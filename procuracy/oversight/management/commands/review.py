"""`procuracy review …`: the acts between a handler's submission (报请) and the decision, and
after a binding one, on a case named by its number — review (审核), record a prosecutors'
joint meeting, sign one's own opinion in it, order re-examination (复核), answer it, refer to
the committee, object in writing to a binding decision and answer the objection; and `show`,
the case's oversight record. Agreeing and deciding directly are `procuracy cases decide`;
carrying out a binding decision, `procuracy cases execute`. A text of "-" is read from stdin.

Exit codes: 0 done; 1 refused (the act is not allowed or breaks a rule; nothing written), or
no such case (or nothing of the kind waiting on it) among those one may read; 2 bad usage (an
unknown login, participant or position).
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from procuracy.cases import selectors as cases
from procuracy.cases.models import Case
from procuracy.core.actors import Actor
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.management.acts import REFUSED, add_actor_argument, usage
from procuracy.core.management.acts import dumps as _dumps
from procuracy.core.management.acts import readable_case as _case
from procuracy.oversight import review, selectors
from procuracy.oversight.models import JointOpinion, Position
from procuracy.people.models import Staff
from procuracy.powers import engine


def _text(value: str) -> str:
    return sys.stdin.read() if value == "-" else value


def _when(moment) -> str | None:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else None


class Command(BaseCommand):
    help = _(
        "审核与决定:审核报请、记录检察官联席会议、在联席会议意见上签名、要求复核、提出复核意见、"
        "提请检察委员会讨论、对决定提出书面异议、答复异议;查看案件的监督制约记录。"
        "退出码:0 完成,1 拒绝或未找到,2 用法错误。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)

        def act(name, help):
            p = sub.add_parser(name, help=help)
            add_actor_argument(p)
            p.add_argument("number", help=_("案号"))
            return p

        p = act("show", help=_("查看案件的监督制约记录"))
        p.add_argument("--json", dest="as_json", action="store_true", help=_("以 JSON 输出"))
        p = act("review", help=_("审核报请(审核环节的部门负责人、检察长等)"))
        choice = p.add_mutually_exclusive_group(required=True)
        choice.add_argument("--agree", action="store_true", help=_("同意"))
        choice.add_argument("--disagree", action="store_true", help=_("不同意"))
        p.add_argument("--opinion", required=True, help=_("审核意见;- 从标准输入读取"))
        p = act("joint-meeting", help=_("记录检察官联席会议(审核环节的部门负责人)"))
        p.add_argument("--question", required=True, help=_("讨论事项"))
        p.add_argument("--minutes", required=True, help=_("会议记录;- 从标准输入读取"))
        p.add_argument(
            "--opinion",
            dest="opinions",
            action="append",
            default=[],
            metavar="WHO:POSITION:TEXT",
            help=_("参加人的意见,可重复;WHO 为登录账号或姓名,POSITION 为 for、against 或 abstain"),
        )
        act("sign", help=_("在本人的联席会议意见上签名"))
        p = act("reexamine", help=_("要求承办检察官复核(检察长、副检察长)"))
        p.add_argument("--opinion", required=True, help=_("要求复核的理由"))
        p = act("reexamined", help=_("提出复核意见(承办检察官)"))
        p.add_argument("--opinion", required=True, help=_("复核意见;- 从标准输入读取"))
        p.add_argument("--matter", default="", help=_("改为报请的事项代码;不填则维持原报请"))
        p = act("refer", help=_("提请检察委员会讨论(检察长)"))
        p.add_argument("--opinion", required=True, help=_("提请理由"))
        p = act("object", help=_("对待执行的决定提出书面异议(承办检察官)"))
        p.add_argument("--text", required=True, help=_("异议的内容和理由;- 从标准输入读取"))
        p = act("answer-objection", help=_("答复书面异议(作出决定的人)"))
        answer = p.add_mutually_exclusive_group(required=True)
        answer.add_argument("--maintain", action="store_true", help=_("维持原决定"))
        answer.add_argument("--change", metavar="MATTER", help=_("改为决定的事项代码"))
        p.add_argument("--text", required=True, help=_("答复意见;- 从标准输入读取"))

    def handle(self, *args, action, **options):
        try:
            actor = Actor.for_login(options.pop("login"))
        except ActDenied as unknown:
            raise usage(unknown.reason) from None
        number = options.pop("number")
        case = _signing(actor, number) if action == "sign" else _case(actor, number)
        try:
            message = getattr(self, "do_" + action.replace("-", "_"))(actor, case, **options)
        except ActDenied as denied:
            raise CommandError(denied.reason, returncode=REFUSED) from None
        except RuleViolation as broken:
            raise CommandError(broken.rule, returncode=REFUSED) from None
        if message:
            self.stdout.write(message)

    # ---- the acts --------------------------------------------------------------------

    def do_review(self, actor, case, agree, disagree, opinion, **options):
        decision = _open(case)
        review.review(actor=actor, decision=decision, agree=agree, opinion=_text(opinion))
        decision.refresh_from_db()
        step = review.step_of(decision)
        if decision.status == "referred" or step is None:
            return _("已提出审核意见,报请送检察委员会讨论。")
        return _("已提出审核意见,报请送%(step)s。") % {"step": engine.step_label(**step)}

    def do_joint_meeting(self, actor, case, question, minutes, opinions, **options):
        decision = _open(case)
        rows = [_participant(case, text) for text in opinions]
        meeting = review.hold_joint_meeting(
            actor=actor,
            decision=decision,
            question=question,
            minutes=_text(minutes),
            opinions=rows,
        )
        return _("已记录检察官联席会议,%(n)s 名检察官的意见待本人签名。") % {
            "n": meeting.opinions.count()
        }

    def do_sign(self, actor, case, **options):
        mine = _unsigned(actor, case.number).select_related("meeting__decision__case").last()
        if mine is None:
            raise CommandError(
                _("案件 %(case)s 没有待您签名的联席会议意见。") % {"case": case.number},
                returncode=REFUSED,
            )
        review.sign_joint_opinion(actor=actor, opinion=mine)
        return _("已在检察官联席会议意见上签名。")

    def do_reexamine(self, actor, case, opinion, **options):
        review.order_reexamination(actor=actor, decision=_open(case), opinion=_text(opinion))
        return _("已要求承办检察官复核,复核意见回到您的环节。")

    def do_reexamined(self, actor, case, opinion, matter, **options):
        decision = _open(case)
        waiting = review.answer_reexamination(
            actor=actor, decision=decision, opinion=_text(opinion), matter=matter
        )
        if waiting.pk == decision.pk:
            step = review.step_of(waiting)
            return _("已提出复核意见,报请回到%(step)s环节。") % {
                "step": engine.step_label(**step) if step else "—"
            }
        return _("已提出复核意见,报请“%(matter)s”。") % {"matter": waiting.matter.name}

    def do_refer(self, actor, case, opinion, **options):
        review.refer_to_committee(actor=actor, decision=_open(case), opinion=_text(opinion))
        return _("已提请检察委员会讨论,等待列入会议议题。")

    def do_object(self, actor, case, text, **options):
        binding = selectors.case_record(case).binding
        if binding is None:
            raise CommandError(
                _("案件 %(case)s 没有待执行的决定。") % {"case": case.number}, returncode=REFUSED
            )
        review.object_to(actor=actor, decision=binding, text=_text(text))
        return _("已提出书面异议,等待%(who)s答复;答复前暂不执行。") % {
            "who": binding.decided_by.name if binding.decided_by else _("决定人")
        }

    def do_answer_objection(self, actor, case, maintain, change, text, **options):
        record = selectors.case_record(case)
        waiting = [o for o in record.objections if o.answered_at is None]
        if not waiting:
            raise CommandError(
                _("案件 %(case)s 没有待答复的书面异议。") % {"case": case.number},
                returncode=REFUSED,
            )
        objection = waiting[-1]
        review.answer_objection(
            actor=actor,
            objection=objection,
            maintain=bool(maintain),
            text=_text(text),
            matter=change or "",
        )
        if objection.replaced_by_id:
            return _("已答复异议:改变原决定为“%(matter)s”。") % {
                "matter": objection.replaced_by.matter.name
            }
        return _("已答复异议:维持原决定,承办检察官应当执行。")

    # ---- the record ----------------------------------------------------------------------

    def do_show(self, actor, case, as_json: bool = False, **options):
        record = selectors.case_record(case)
        if as_json:
            return _dumps(record_data(record))
        lines = [_("%(case)s 监督制约记录") % {"case": case.number}]
        for submission in record.submissions:
            d = submission.decision
            steps = " → ".join(f"{s.label}({STATES[s.state]})" for s in submission.steps)
            lines.append(
                _("报请“%(matter)s”(%(status)s):%(steps)s")
                % {"matter": d.matter.name, "status": d.get_status_display(), "steps": steps}
            )
        binding = record.binding
        if binding is not None:
            lines.append(_("待执行的决定:%(label)s") % {"label": selectors.decision_label(binding)})
        for entry in record.entries:
            who = entry.who.name if entry.who else "—"
            lines.append(f"{_when(entry.at)}  {entry.label}  {who}")
            for text in entry.text.splitlines():
                lines.append("    " + text)
            if entry.kind == "joint_meeting":
                for o in entry.row.opinions.all():
                    signed = _("已签名") if o.signed_at else _("待签名")
                    lines.append(
                        f"    {o.participant.name}({o.get_position_display()},{signed}):{o.opinion}"
                    )
        if not record.entries:
            lines.append(_("本案尚无报请、审核、指令或报告记录。"))
        return "\n".join(lines)


STATES = {
    "done": _("已办"),
    "current": _("当前环节"),
    "returned": _("退回复核"),
    "referred": _("等待检察委员会会议"),
    "waiting": _("未到"),
}


def record_data(record: selectors.Record) -> dict:
    """The record as plain data: what --json prints."""
    binding = record.binding
    return {
        "case": record.case.number,
        "status": record.case.status,
        "submissions": [
            {
                "id": s.decision.pk,
                "matter": s.decision.matter.code,
                "status": s.decision.status,
                "proposed_by": s.decision.proposed_by.name if s.decision.proposed_by else None,
                "path": [{"label": x.label, "state": x.state} for x in s.steps],
            }
            for s in record.submissions
        ],
        "binding": binding
        and {
            "id": binding.pk,
            "matter": binding.matter.code,
            "label": selectors.decision_label(binding),
        },
        "timeline": [
            {
                "at": _when(e.at),
                "kind": e.kind,
                "label": e.label,
                "who": e.who.name if e.who else None,
                "text": e.text,
                "ledger_seq": getattr(e.row, "ledger_seq", None),
            }
            for e in record.entries
        ],
    }


def _unsigned(actor: Actor, number: str):
    return JointOpinion.objects.filter(
        participant=actor.staff, signed_at__isnull=True, meeting__decision__case__number=number
    ).order_by("meeting__held_at", "id")


def _signing(actor: Actor, number: str) -> Case:
    """The case a participant signs their opinion on: one they may read, or one whose joint
    meeting they sat in (they were asked for their opinion, not given the case)."""
    try:
        return cases.case_numbered(actor, number)
    except Case.DoesNotExist:
        mine = _unsigned(actor, number).select_related("meeting__decision__case").first()
        if mine is None:
            raise CommandError(
                _("没有可以查阅的案号为 %(number)s 的案件。") % {"number": number},
                returncode=REFUSED,
            ) from None
        return mine.meeting.decision.case


def _open(case: Case):
    found = selectors.case_record(case).open
    if found is None:
        raise CommandError(
            _("案件 %(case)s 没有审核、决定中的报请。") % {"case": case.number}, returncode=REFUSED
        )
    return found


POSITIONS = {
    **{str(label): value for value, label in Position.choices},
    **{v: v for v in Position.values},
}


def _participant(case: Case, text: str) -> tuple:
    """WHO:POSITION:TEXT — a login or a name of the case's procuratorate; for, against or
    abstain (or 同意, 不同意, 弃权)."""
    parts = text.split(":", 2)
    if len(parts) != 3:
        raise usage(_("参加人意见的写法应为 WHO:POSITION:TEXT:%(text)s") % {"text": text})
    who, position, opinion = parts
    if position not in POSITIONS:
        raise usage(_("意见倾向应为 for、against 或 abstain:%(text)s") % {"text": position})
    found = list(
        Staff.objects.filter(Q(user__username=who) | Q(name=who, procuratorate=case.procuratorate))[
            :2
        ]
    )
    if len(found) != 1:
        raise usage(_("没有唯一的账号或姓名为 %(who)s 的人员。") % {"who": who})
    return (found[0], POSITIONS[position], opinion)
