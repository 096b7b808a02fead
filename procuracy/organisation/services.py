"""The acts that shape the organisation: procuratorates and their departments."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procuracy.core.actors import Actor
from procuracy.core.errors import RuleViolation
from procuracy.core.models import Visibility
from procuracy.core.permissions import BELOW, role_rule
from procuracy.core.spine import record, service
from procuracy.organisation.models import (
    BusinessLine,
    Department,
    DepartmentKind,
    Level,
    Procuratorate,
)

MANAGE = role_rule(
    "organisation.manage",
    gettext_lazy("设置检察院和内设机构"),
    {"chief", "acting_chief", "personnel"},
    BELOW,
    admin=True,
)

# Which level a procuratorate's parent must have.
PARENT_LEVEL = {
    Level.PROVINCE: None,
    Level.CITY: {Level.PROVINCE},
    Level.BRANCH: {Level.PROVINCE},
    Level.BASE: {Level.CITY, Level.BRANCH},
}


def _check_parent(level: str, parent: Procuratorate | None) -> None:
    allowed = PARENT_LEVEL[Level(level)]
    if allowed is None and parent is not None:
        raise RuleViolation(_("省院没有上级院。"), "parent")
    if allowed is not None and (parent is None or parent.level not in allowed):
        names = "、".join(str(Level(lv).label) for lv in sorted(allowed))
        raise RuleViolation(
            _("%(level)s的上级院必须是%(parents)s。")
            % {"level": Level(level).label, "parents": names},
            "parent",
        )


@service(MANAGE, where=lambda kw: kw.get("parent"))
def create_procuratorate(
    *,
    actor: Actor,
    code: str,
    name: str,
    short_name: str,
    level: str,
    parent: Procuratorate | None,
    occurred_at: datetime.datetime | None = None,
) -> Procuratorate:
    _check_parent(level, parent)
    if Procuratorate.objects.filter(code=code).exists():
        raise RuleViolation(_("院代码 %(code)s 已被使用。") % {"code": code}, "code")
    path = f"{parent.path if parent else ''}{code}/"
    p = Procuratorate.objects.create(
        code=code, name=name, short_name=short_name, level=level, parent=parent, path=path
    )
    record(
        actor=actor,
        kind="org.procuratorate_created",
        visibility=Visibility.OPEN,
        subject=p,
        procuratorate=p,
        body={
            "code": code,
            "name": name,
            "level": level,
            "parent": parent.code if parent else None,
        },
        occurred_at=occurred_at,
    )
    return p


def _check_lines(procuratorate: Procuratorate, kind: str, lines: list[BusinessLine]) -> None:
    if kind == DepartmentKind.BUSINESS and not lines:
        raise RuleViolation(_("业务机构至少对应一个业务条线。"), "business_lines")
    if kind == DepartmentKind.COMBINED:
        if len(lines) < 2:
            raise RuleViolation(_("综合业务机构至少对应两个业务条线。"), "business_lines")
        if procuratorate.level == Level.PROVINCE:
            raise RuleViolation(
                _("只有市级院和基层院可以设立综合业务机构(人民检察院组织法第十八条)。"), "kind"
            )
    if kind not in (DepartmentKind.BUSINESS, DepartmentKind.COMBINED) and lines:
        raise RuleViolation(_("非业务机构不对应业务条线。"), "business_lines")


@service(MANAGE, where=lambda kw: kw["procuratorate"])
def open_department(
    *,
    actor: Actor,
    procuratorate: Procuratorate,
    name: str,
    kind: str,
    business_lines: Iterable[BusinessLine] = (),
    valid_from: datetime.date,
    occurred_at: datetime.datetime | None = None,
) -> Department:
    lines = list(business_lines)
    _check_lines(procuratorate, kind, lines)
    clash = Department.objects.on(valid_from).filter(procuratorate=procuratorate, name=name)
    if clash.exists():
        raise RuleViolation(_("本院已有同名的内设机构。"), "name")
    department = Department.objects.create(
        procuratorate=procuratorate, name=name, kind=kind, valid_from=valid_from
    )
    if lines:
        department.business_lines.add(*lines)
    record(
        actor=actor,
        kind="org.department_opened",
        visibility=Visibility.OPEN,
        subject=department,
        procuratorate=procuratorate,
        body={
            "name": name,
            "kind": kind,
            "business_lines": sorted(line.code for line in lines),
            "valid_from": valid_from.isoformat(),
        },
        occurred_at=occurred_at,
    )
    return department


@service(MANAGE, where=lambda kw: kw["department"].procuratorate)
def close_department(
    *,
    actor: Actor,
    department: Department,
    on: datetime.date,
    occurred_at: datetime.datetime | None = None,
) -> Department:
    if department.valid_to is not None:
        raise RuleViolation(_("该内设机构已撤销。"))
    if on <= department.valid_from:
        raise RuleViolation(_("撤销日期须晚于设立日期。"), "on")
    if department.postings.on(on).exists():
        raise RuleViolation(_("该机构仍有在编人员,请先调整人员。"))
    if department.case_handling_orgs.on(on).exists():
        raise RuleViolation(_("该机构仍有办案组织,请先撤销或调整办案组织。"))
    department.valid_to = on
    department.save(update_fields=["valid_to"])
    record(
        actor=actor,
        kind="org.department_closed",
        visibility=Visibility.OPEN,
        subject=department,
        procuratorate=department.procuratorate,
        body={"valid_to": on.isoformat()},
        occurred_at=occurred_at,
    )
    return department
