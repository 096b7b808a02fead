"""`procuracy assign …`: draw a case's organisation, designate it, reassign it, complete the
draws waiting for their beacon round, and recompute any draw from the ledger alone.

Exit codes: 0 done (for `verify`: every draw recomputed matches, or waits for its beacon; for
`complete --all`: whatever is still waiting); 1 refused (nothing written) or, for `verify`, a
draw that does not match; 2 bad usage (an unknown case, login or org).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from procuracy.assignment import handover, services, verify
from procuracy.assignment.models import Assignment, AssignmentReason
from procuracy.caseorgs.models import CaseHandlingOrg
from procuracy.cases.models import Case
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.management.acts import REFUSED, add_actor_argument, date_arg, usage
from procuracy.core.management.acts import actor_named as _actor
from procuracy.core.models import today
from procuracy.organisation.models import Procuratorate
from procuracy.powers import engine
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

        p = sub.add_parser("complete", help=_("取得信标值,完成等待信标的随机分案"))
        which = p.add_mutually_exclusive_group(required=True)
        which.add_argument("case", metavar="CASE_NO", nargs="?")
        which.add_argument(
            "--all", dest="every", action="store_true", help=_("完成信标值已可取得的全部随机分案")
        )
        add_actor_argument(p)

        p = sub.add_parser("verify", help=_("依账本重算随机分案,与记录比对"))
        which = p.add_mutually_exclusive_group(required=True)
        which.add_argument("case", metavar="CASE_NO", nargs="?")
        which.add_argument("--all", dest="every", action="store_true", help=_("重算全部随机分案"))
        p.add_argument(
            "--beacon-check",
            action="store_true",
            help=_("另从配置的随机信标取得各轮的值,与账本记录的值核对"),
        )

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
        names = {pk: org.name for pk, org in (drawn.pool.orgs if drawn.pool else {}).items()}
        if isinstance(drawn, services.Awaiting):
            self._show_draw(drawn.inputs, None, names)
            self.stdout.write(_awaiting_sentence(drawn))
            return
        self._show_draw(drawn.inputs, drawn.outcome, names)
        self.stdout.write(
            _("已随机分案:%(case)s → %(org)s(分案输入为账本第 %(seq)s 条)。")
            % {"case": drawn.inputs.case, "org": drawn.assignment.org.name, "seq": drawn.seq}
        )

    def do_complete(self, case, every, login, **options):
        actor = _actor(login)
        if not every:
            self._completed(services.complete_draw(actor=actor, case=_case(case)), shown=True)
            return
        waiting = sorted(services.awaiting_beacon().values(), key=lambda w: w.seq)
        cases = Case.objects.select_related("procuratorate", "case_type").in_bulk(
            [w.case_id for w in waiting]
        )
        done, left, now = 0, 0, timezone.now()
        for w in waiting:
            found = cases[w.case_id]
            place = engine.Context(procuratorate=found.procuratorate)
            if not engine.authorize(actor, services.DRAW, place).allowed:
                continue  # another procuratorate's draw: its own office completes it
            if w.due is not None and w.due > now:
                left += 1  # not out yet: no need to ask the beacon
                continue
            try:
                self._completed(services.complete_draw(actor=actor, case=found), shown=False)
                done += 1
            except RuleViolation as still:
                self.stdout.write(f"{found.number}\t{still.rule}")
                left += 1
        self.stdout.write(
            _("完成随机分案 %(done)s 件,仍在等待信标 %(left)s 件。") % {"done": done, "left": left}
        )

    def _completed(self, drawn: services.Drawn, *, shown: bool) -> None:
        assert drawn.inputs.beacon is not None and drawn.beacon is not None
        if shown:
            names = {pk: org.name for pk, org in drawn.pool.orgs.items()}
            self._show_draw(drawn.inputs, drawn.outcome, names)
        self.stdout.write(
            _(
                "已随机分案:%(case)s → %(org)s(分案输入为账本第 %(seq)s 条,信标第 %(round)s 轮"
                "的值 %(value)s)。"
            )
            % {
                "case": drawn.inputs.case,
                "org": drawn.assignment.org.name,
                "seq": drawn.seq,
                "round": drawn.inputs.beacon.round,
                "value": drawn.beacon.hex(),
            }
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

    def do_verify(self, case, every, beacon_check, **options):
        if every:
            checks = verify.verify_all(beacon_check=beacon_check)
        else:
            found = _case(case)
            checks = verify.verify_case(found, beacon_check=beacon_check)
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
                if check.beacon is not None and check.inputs.beacon is not None:
                    self.stdout.write(
                        _("信标 %(source)s 第 %(round)s 轮的值(账本所载):%(value)s")
                        % {
                            "source": check.inputs.beacon.source,
                            "round": check.inputs.beacon.round,
                            "value": check.beacon.hex(),
                        }
                    )
            self.stdout.write(check.sentence)
        bad = [c for c in checks if not c.matches and not c.pending]
        pending = len(checks) - len(bad) - sum(c.matches for c in checks)
        self.stdout.write(
            _("共重算 %(n)s 次随机分案,不一致 %(bad)s 次。")
            % {"n": len(checks) - pending, "bad": len(bad)}
        )
        if pending:
            self.stdout.write(_("另有 %(n)s 次随机分案正在等待信标。") % {"n": pending})
        if bad:
            raise CommandError(_("有随机分案重算不一致。"), returncode=MISMATCH)

    def _show_draw(self, inputs, outcome, names: dict[int, str]) -> None:
        """The pool and, once drawn (`outcome`), the choice and how it was reached."""
        excluded = {e.org: e for e in inputs.exclusions}
        heavy = {h.org: h for h in outcome.heavy} if outcome else {}
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
            if outcome and member.org == outcome.chosen:
                state += " " + _("← 选中")
            table.add_row(
                str(member.org), names.get(member.org, ""), f"{member.load / 100:.2f}", state
            )
        self.console().print(table)
        if outcome is None:
            return
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


def _awaiting_sentence(waiting: services.Awaiting) -> str:
    due = waiting.due
    values = {"case": waiting.inputs.case, "seq": waiting.seq, "round": waiting.round}
    if due is None:
        return (
            _(
                "已将 %(case)s 的分案输入记入账本第 %(seq)s 条,等待信标第 %(round)s 轮;"
                "之后运行 procuracy assign complete 完成分案。"
            )
            % values
        )
    return _(
        "已将 %(case)s 的分案输入记入账本第 %(seq)s 条,等待信标第 %(round)s 轮(约 %(time)s "
        "发布);之后运行 procuracy assign complete 完成分案。"
    ) % {**values, "time": timezone.localtime(due).strftime("%H:%M:%S")}


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
