"""`procuracy scheme …`: a department's assignment scheme (分案方案) — draft a version, approve
it, discard a draft, show the versions.

Exit codes: 0 done; 1 refused (nothing written); 2 bad usage (an unknown login, department,
version or date).
"""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from procuracy.assignment import schemes
from procuracy.assignment.models import AssignmentScheme
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.management.acts import REFUSED, add_actor_argument, date_arg, usage
from procuracy.core.management.acts import actor_named as _actor
from procuracy.organisation.models import Department
from procuracy.powers.models import ApprovalBody

FRACTION = re.compile(r"^(\d+)/(\d+)$")


def _fraction(text: str) -> tuple[int, int]:
    found = FRACTION.match(text.strip())
    if found is None:
        raise usage(_("逃逸概率应写成分数,如 1/20:%(text)s") % {"text": text})
    return int(found[1]), int(found[2])


def _list(text: str) -> list[str]:
    return [part for part in re.split(r"[,，、\s]+", text) if part]


def _ids(text: str) -> list[int]:
    try:
        return [int(part) for part in _list(text)]
    except ValueError:
        raise usage(_("办案组织编号应为整数,以逗号分隔:%(text)s") % {"text": text}) from None


class Command(BaseCommand):
    help = _("分案方案:起草、批准、废弃草稿,查看各版本。退出码:0 完成,1 拒绝,2 用法错误。")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("draft", help=_("起草一个部门的分案方案新版本"))
        p.add_argument("--department", type=int, required=True, help=_("内设机构编号"))
        p.add_argument("--case-types", required=True, help=_("案件类型代码,以逗号分隔"))
        p.add_argument("--orgs", default="", help=_("参与的办案组织编号,以逗号分隔;默认全部"))
        p.add_argument(
            "--max-distance",
            type=int,
            required=True,
            help=_("最大负荷差距,以案件权重的百分之一计(300 即 3 件)"),
        )
        p.add_argument("--escape", required=True, help=_("逃逸概率,如 1/20"))
        p.add_argument("--batch-hour", type=int, help=_("每日集中分案时刻(0–23)"))
        p.add_argument("--note", default="")
        add_actor_argument(p)

        p = sub.add_parser("approve", help=_("批准草稿(检察长,或记录检察委员会的批准)"))
        p.add_argument("scheme", type=int, metavar="ID")
        p.add_argument("--from", dest="effective_from", type=date_arg, required=True)
        p.add_argument("--body", choices=ApprovalBody.values, default=ApprovalBody.CHIEF)
        p.add_argument("--reference", default="", help=_("批准文号或会议纪要"))
        add_actor_argument(p)

        p = sub.add_parser("discard", help=_("废弃草稿"))
        p.add_argument("scheme", type=int, metavar="ID")
        p.add_argument("--reason", required=True)
        add_actor_argument(p)

        p = sub.add_parser("show", help=_("查看一个版本,或一个部门的全部版本"))
        which = p.add_mutually_exclusive_group(required=True)
        which.add_argument("scheme", type=int, metavar="ID", nargs="?")
        which.add_argument("--department", type=int, help=_("内设机构编号"))
        p.add_argument("--on", type=date_arg, help=_("按该日的状态(默认今天)"))

    def handle(self, *args, action, **options):
        try:
            getattr(self, "do_" + action)(**options)
        except ActDenied as denied:
            raise CommandError(denied.reason, returncode=REFUSED) from None
        except RuleViolation as broken:
            field = f"{broken.field}: " if broken.field else ""
            raise CommandError(field + broken.rule, returncode=REFUSED) from None

    def do_draft(self, department, case_types, orgs, max_distance, escape, login, **options):
        numerator, denominator = _fraction(escape)
        scheme = schemes.draft_scheme(
            actor=_actor(login),
            department=_department(department),
            case_types=_list(case_types),
            orgs=_ids(orgs),
            max_distance=max_distance,
            escape_numerator=numerator,
            escape_denominator=denominator,
            batch_hour=options.get("batch_hour"),
            note=options.get("note", ""),
        )
        self.stdout.write(_("已起草:%(s)s(编号 %(id)s)。") % {"s": scheme, "id": scheme.pk})

    def do_approve(self, scheme, effective_from, body, reference, login, **options):
        found = schemes.approve_scheme(
            actor=_actor(login),
            scheme=_scheme(scheme),
            effective_from=effective_from,
            body=body,
            reference=reference,
        )
        self.stdout.write(
            _("已批准:%(s)s,自 %(day)s 起生效。") % {"s": found, "day": effective_from.isoformat()}
        )

    def do_discard(self, scheme, reason, login, **options):
        found = schemes.discard_scheme(actor=_actor(login), scheme=_scheme(scheme), reason=reason)
        self.stdout.write(_("已废弃:%(s)s。") % {"s": found})

    def do_show(self, scheme, department, on, **options):
        if scheme is not None:
            rows = [_scheme(scheme)]
        else:
            rows = list(
                AssignmentScheme.objects.filter(department=_department(department))
                .select_related("department")
                .order_by("-number")
            )
            if not rows:
                self.stdout.write(_("该部门尚未制定分案方案。"))
                return
        for s in schemes.with_states(rows, on):
            self._show(s)

    def _show(self, s: AssignmentScheme) -> None:
        lines = [
            f"{s}  [{s.state_label}]  #{s.pk}",  # type: ignore[attr-defined]
            _("  案件类型:%(types)s") % {"types": "、".join(schemes.case_type_names(s.case_types))},
            _("  办案组织:%(orgs)s")
            % {"orgs": ", ".join(str(o) for o in s.orgs) or _("本部门全部")},
            _("  最大负荷差距 %(d)s(%(w)s 件),逃逸概率 %(p)s/%(q)s")
            % {
                "d": s.max_distance,
                "w": f"{s.max_distance / 100:.2f}",
                "p": s.escape_numerator,
                "q": s.escape_denominator,
            },
        ]
        if s.batch_hour is not None:
            lines.append(_("  每日集中分案时刻 %(h)02d:00") % {"h": s.batch_hour})
        if s.effective_from:
            lines.append(
                _("  生效日期 %(day)s,%(body)s批准 %(ref)s")
                % {
                    "day": s.effective_from.isoformat(),
                    "body": s.get_approval_body_display(),
                    "ref": s.approval_reference,
                }
            )
        self.stdout.write("\n".join(line.rstrip() for line in lines))


def _department(pk: int) -> Department:
    found = Department.objects.select_related("procuratorate").filter(pk=pk).first()
    if found is None:
        raise usage(_("没有编号为 %(pk)s 的内设机构。") % {"pk": pk})
    return found


def _scheme(pk: int) -> AssignmentScheme:
    found = (
        AssignmentScheme.objects.select_related("procuratorate", "department").filter(pk=pk).first()
    )
    if found is None:
        raise usage(_("没有编号为 %(pk)s 的分案方案。") % {"pk": pk})
    return found
