"""`procuracy assign …`: draw a case's organisation, designate it, reassign it, and recompute
any draw from the ledger alone.

Exit codes: 0 done (for `verify`: every draw recomputed matches); 1 refused (nothing written)
or, for `verify`, a draw that does not match; 2 bad usage (an unknown case, login or org).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from procuracy.assignment import handover, services, verify
from procuracy.assignment.models import Assignment, AssignmentReason
from procuracy.caseorgs.models import CaseHandlingOrg
from procuracy.cases.models import Case
from procuracy.core.actors import Actor
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.management.acts import REFUSED, add_actor_argument, date_arg, usage
from procuracy.core.models import today
from procuracy.organisation.models import Procuratorate
from procuracy.powers.engine import joined

MISMATCH = REFUSED  # a draw that does not recompute


class Command(BaseCommand):
    help = _(
        "分案:随机分案、指定分案、改派,并依账本重算随机分案。"
        "退出码:0 完成或全部一致,1 拒绝或有不一致,2 用法错误。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("draw", help=_("对一件待分案的案件随机分案"))
        p.add_argument("case", metavar="CASE_NO")
        add_actor_argument(p)

        reasons = [r.value for r in AssignmentReason]
        for name, text in (("designate", _("指定分案")), ("reassign", _("改派"))):
            p = sub.add_parser(name, help=text)
            p.add_argument("case", metavar="CASE_NO")
            p.add_argument("--org", type=int, required=True, help=_("办案组织编号"))
            p.add_argument("--reason", choices=reasons, required=True)
            p.add_argument("--reasoning", required=True, help=_("理由说明"))
            add_actor_argument(p)

        p = sub.add_parser("verify", help=_("依账本重算随机分案,与记录比对"))
        which = p.add_mutually_exclusive_group(required=True)
        which.add_argument("case", metavar="CASE_NO", nargs="?")
        which.add_argument("--all", dest="every", action="store_true", help=_("重算全部随机分案"))

        p = sub.add_parser("handover", help=_("列出因人员变动待改派的案件"))
        p.add_argument("--procuratorate", metavar="CODE", help=_("检察院代码(默认全部)"))
        p.add_argument("--on", type=date_arg, help=_("日期(默认今天)"))

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

    def do_draw(self, case, login, **options):
        drawn = services.draw_case(actor=_actor(login), case=_case(case))
        names = {pk: org.name for pk, org in drawn.pool.orgs.items()}
        self._show_draw(drawn.inputs, drawn.outcome, names)
        self.stdout.write(
            _("已随机分案:%(case)s → %(org)s(分案输入为账本第 %(seq)s 条)。")
            % {"case": drawn.inputs.case, "org": drawn.assignment.org.name, "seq": drawn.seq}
        )

    def do_designate(self, case, org, reason, reasoning, login, **options):
        assignment = services.designate_case(
            actor=_actor(login), case=_case(case), org=_org(org), reason=reason, reasoning=reasoning
        )
        self.stdout.write(_("已指定分案:%(a)s。") % {"a": assignment})

    def do_reassign(self, case, org, reason, reasoning, login, **options):
        assignment = services.reassign_case(
            actor=_actor(login), case=_case(case), org=_org(org), reason=reason, reasoning=reasoning
        )
        self.stdout.write(_("已改派:%(a)s。") % {"a": assignment})

    def do_handover(self, procuratorate, on, **options):
        where = Q()
        if procuratorate:
            place = Procuratorate.objects.filter(code=procuratorate).first()
            if place is None:
                raise usage(_("没有代码为 %(code)s 的检察院。") % {"code": procuratorate})
            where = Q(procuratorate=place)
        found = handover.awaiting(where, on or today())
        if not found:
            self.stdout.write(_("没有因人员变动待改派的案件。"))
            return
        for h in found:
            self.stdout.write(f"{h.case.number}\t{h.assignment.org.name}\t{' '.join(h.reasons)}")

    def do_verify(self, case, every, **options):
        if every:
            checks = verify.verify_all()
        else:
            found = _case(case)
            checks = verify.verify_case(found)
            if not checks:
                kinds = joined(a.get_kind_display() for a in Assignment.objects.filter(case=found))
                if kinds:
                    message = _("案件 %(case)s 没有随机分案(分案方式:%(kinds)s)。")
                else:
                    message = _("案件 %(case)s 没有随机分案。")
                self.stdout.write(message % {"case": found.number, "kinds": kinds})
                return
        names = dict(CaseHandlingOrg.objects.values_list("pk", "name"))
        for check in checks:
            if check.inputs is not None and check.outcome is not None and not every:
                self._show_draw(check.inputs, check.outcome, names)
                self.stdout.write(
                    _("账本大小 %(size)s 的树根:%(root)s")
                    % {"size": check.seq + 1, "root": check.root.hex()}
                )
            self.stdout.write(check.sentence)
        bad = [c for c in checks if not c.matches]
        self.stdout.write(
            _("共重算 %(n)s 次随机分案,不一致 %(bad)s 次。") % {"n": len(checks), "bad": len(bad)}
        )
        if bad:
            raise CommandError(_("有随机分案重算不一致。"), returncode=MISMATCH)

    def _show_draw(self, inputs, outcome, names: dict[int, str]) -> None:
        excluded = {e.org: e for e in inputs.exclusions}
        heavy = {h.org: h for h in outcome.heavy}
        table = Table(title=_("分案池:%(case)s") % {"case": inputs.case})
        for column in (_("编号"), _("办案组织"), _("负荷"), _("情况")):
            table.add_column(column)
        for member in inputs.pool:
            if member.org in excluded:
                state = _("排除:%(text)s") % {"text": excluded[member.org].text}
            elif member.org in heavy:
                state = _("超出上限,逃逸入选") if heavy[member.org].escaped else _("超出上限")
            else:
                state = _("可参与")
            if member.org == outcome.chosen:
                state += " " + _("← 选中")
            table.add_row(
                str(member.org), names.get(member.org, ""), f"{member.load / 100:.2f}", state
            )
        self.console().print(table)
        self.stdout.write(
            _(
                "最轻负荷 %(lightest)s,上限 %(ceiling)s(最大差距 %(distance)s,逃逸概率 "
                "%(escape)s);可参与:%(eligible)s;种子 %(seed)s;"
                "选中可参与名单第 %(place)s 位(index %(index)s):%(chosen)s。"
            )
            % {
                "lightest": f"{outcome.lightest / 100:.2f}",
                "ceiling": f"{outcome.ceiling / 100:.2f}",
                "distance": f"{inputs.max_distance / 100:.2f}",
                "escape": inputs.escape,
                "eligible": ", ".join(str(o) for o in outcome.eligible),
                "seed": outcome.seed.hex(),
                "place": outcome.index + 1,
                "index": outcome.index,
                "chosen": outcome.chosen,
            }
        )


def _actor(login: str) -> Actor:
    try:
        return Actor.for_login(login)
    except ActDenied as unknown:
        raise usage(unknown.reason) from None


def _case(number: str) -> Case:
    case = Case.objects.select_related("procuratorate", "business_line", "case_type").filter(
        number=number
    )
    found = case.first()
    if found is None:
        raise usage(_("没有案号为 %(number)s 的案件。") % {"number": number})
    return found


def _org(pk: int) -> CaseHandlingOrg:
    org = CaseHandlingOrg.objects.filter(pk=pk).first()
    if org is None:
        raise usage(_("没有编号为 %(pk)s 的办案组织。") % {"pk": pk})
    return org
