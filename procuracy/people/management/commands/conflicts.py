"""`procuracy conflicts …`: a person's declared conflicts of interest (利益冲突申报) — declare
one (one's own, or personnel on someone's behalf), withdraw one, list them (for those who may
read them: the person and the personnel offices)."""

from __future__ import annotations

import re

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from procuracy.core.management.acts import ActCommand, date_arg
from procuracy.people import selectors, services
from procuracy.people.models import Conflict, ConflictKind, Staff


def _staff(pk: int) -> Staff:
    try:
        return Staff.objects.select_related("procuratorate").get(pk=pk)
    except Staff.DoesNotExist:
        raise CommandError(_("没有编号为 %(pk)s 的工作人员。") % {"pk": pk}) from None


def _conflict(pk: int) -> Conflict:
    try:
        return Conflict.objects.select_related("staff", "staff__procuratorate").get(pk=pk)
    except Conflict.DoesNotExist:
        raise CommandError(_("没有编号为 %(pk)s 的利益冲突申报。") % {"pk": pk}) from None


class Command(ActCommand):
    help = _("利益冲突申报:申报、撤回、查看。")

    def add_act_arguments(self):
        declare = self.subcommand("declare", help=_("申报利益冲突(本人,或政治部代为登记)"))
        declare.add_argument("staff", type=int, help=_("申报人的编号"))
        declare.add_argument("--kind", choices=ConflictKind.values, required=True)
        declare.add_argument(
            "--name", dest="names", action="append", required=True, help=_("所涉人员或单位,可重复")
        )
        declare.add_argument("--firm", dest="law_firm", default="", help=_("律师事务所"))
        declare.add_argument("--on", dest="declared_on", type=date_arg, help=_("申报日期"))
        declare.add_argument("--until", dest="valid_until", type=date_arg, help=_("有效期至"))
        declare.add_argument("--note", default="")
        withdraw = self.subcommand("withdraw", help=_("撤回一项申报"))
        withdraw.add_argument("conflict", type=int, help=_("申报的编号"))
        withdraw.add_argument("--reason", required=True)
        withdraw.add_argument("--on", type=date_arg, help=_("自该日起撤回(默认今天)"))
        listing = self.subcommand("list", help=_("查看一个人的全部申报"))
        listing.add_argument("staff", type=int)

    def act(self, actor, options) -> str:
        action = options["action"]
        if action == "declare":
            staff = _staff(options["staff"])
            conflict = services.declare_conflict(
                actor=actor,
                staff=staff,
                kind=options["kind"],
                names=[n for name in options["names"] for n in re.split(r"[、,，]", name)],
                law_firm=options["law_firm"],
                declared_on=options["declared_on"],
                valid_until=options["valid_until"],
                note=options["note"],
            )
            return _("已登记 %(name)s 的利益冲突申报(编号 %(id)s)。") % {
                "name": staff.name,
                "id": conflict.pk,
            }
        if action == "withdraw":
            conflict = _conflict(options["conflict"])
            if not selectors.may_read_conflicts(actor, conflict.staff):
                raise CommandError(_("没有编号为 %(pk)s 的利益冲突申报。") % {"pk": conflict.pk})
            services.withdraw_conflict(
                actor=actor, conflict=conflict, reason=options["reason"], on=options["on"]
            )
            return _("已撤回编号 %(id)s 的申报,自 %(day)s 起不再适用。") % {
                "id": conflict.pk,
                "day": conflict.withdrawn_on,
            }
        staff = _staff(options["staff"])
        if not selectors.may_read_conflicts(actor, staff):
            raise CommandError(_("只有本人和政治部等人事部门可以查看利益冲突申报。"))
        rows = list(selectors.conflicts_of(staff))
        if not rows:
            return _("%(name)s 没有利益冲突申报。") % {"name": staff.name}
        return "\n".join(_line(c) for c in rows)


def _line(c: Conflict) -> str:
    if c.withdrawn_on:
        state = _("自 %(day)s 起撤回") % {"day": c.withdrawn_on}
    elif c.valid_until:
        state = _("有效期至 %(day)s") % {"day": c.valid_until}
    else:
        state = _("长期有效")
    firm = f"({c.law_firm})" if c.law_firm else ""
    return f"#{c.pk}\t{c.get_kind_display()}\t{'、'.join(c.names)}{firm}\t{c.declared_on}\t{state}"
