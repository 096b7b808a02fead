"""`procuracy staff …`: personnel acts from the command line, each naming its actor."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from procuracy.core.management.acts import ActCommand, date_arg
from procuracy.organisation.models import Department
from procuracy.people import services
from procuracy.people.models import AbsenceKind, PositionKind, Staff


def _staff(pk: int) -> Staff:
    try:
        return Staff.objects.select_related("procuratorate").get(pk=pk)
    except Staff.DoesNotExist:
        raise CommandError(_("没有编号为 %(pk)s 的工作人员。") % {"pk": pk}) from None


def _department(pk: int | None) -> Department | None:
    if pk is None:
        return None
    try:
        return Department.objects.get(pk=pk)
    except Department.DoesNotExist:
        raise CommandError(_("没有编号为 %(pk)s 的内设机构。") % {"pk": pk}) from None


class Command(ActCommand):
    help = _("人员事项:登记离岗、任职、离职、退出员额。")

    def add_act_arguments(self):
        absence = self.subcommand("absence", help=_("登记离岗(休假、培训、借调)"))
        absence.add_argument("staff", type=int)
        absence.add_argument("--kind", choices=AbsenceKind.values, required=True)
        absence.add_argument("--from", dest="starts_on", type=date_arg, required=True)
        absence.add_argument("--to", dest="ends_on", type=date_arg, required=True)
        absence.add_argument("--note", default="")
        appoint = self.subcommand("appoint", help=_("任命职务"))
        appoint.add_argument("staff", type=int)
        appoint.add_argument("--position", choices=PositionKind.values, required=True)
        appoint.add_argument("--from", dest="valid_from", type=date_arg, required=True)
        appoint.add_argument("--department", type=int)
        leave = self.subcommand("leave", help=_("离开本院(退休、辞职、调出系统)"))
        leave.add_argument("staff", type=int)
        leave.add_argument("--on", type=date_arg, required=True)
        leave.add_argument("--reason", required=True)
        exit_ = self.subcommand("quota-exit", help=_("退出员额"))
        exit_.add_argument("staff", type=int)
        exit_.add_argument("--on", type=date_arg, required=True)
        exit_.add_argument("--reason", required=True)

    def act(self, actor, options) -> str:
        staff = _staff(options["staff"])
        action = options["action"]
        if action == "absence":
            services.record_absence(
                actor=actor,
                staff=staff,
                kind=options["kind"],
                starts_on=options["starts_on"],
                ends_on=options["ends_on"],
                note=options["note"],
            )
            return _("已登记 %(name)s 的离岗。") % {"name": staff.name}
        if action == "appoint":
            services.appoint(
                actor=actor,
                staff=staff,
                kind=options["position"],
                department=_department(options["department"]),
                valid_from=options["valid_from"],
            )
            return _("已任命 %(name)s。") % {"name": staff.name}
        if action == "leave":
            services.staff_leaves(
                actor=actor, staff=staff, on=options["on"], reason=options["reason"]
            )
            return _("已登记 %(name)s 离职。") % {"name": staff.name}
        services.exit_quota(actor=actor, staff=staff, on=options["on"], reason=options["reason"])
        return _("%(name)s 已退出员额。") % {"name": staff.name}
