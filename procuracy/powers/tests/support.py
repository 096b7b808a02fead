"""Building lists in tests through the services, as a province would."""

from __future__ import annotations

import datetime

from procuracy.core.actors import Actor
from procuracy.organisation.models import BusinessLine
from procuracy.powers import services
from procuracy.powers.checks import ItemFields
from procuracy.powers.models import ListKind, Matter

SYSTEM = Actor.system()
IN_FORCE = datetime.date(2026, 1, 1)


def item(number, matter, holder, power="decide", line=None, **extra) -> ItemFields:
    return ItemFields(
        number=number,
        code=extra.pop("code", f"T-{number:03d}"),
        matter=Matter.objects.get(code=matter),
        holder=holder,
        power=power,
        business_line=BusinessLine.objects.get(code=line) if line else None,
        **extra,
    )


def issue(
    world,
    level,
    items,
    effective_from=IN_FORCE,
    approver=None,
    kind=ListKind.LEVEL,
    procuratorate=None,
    allows_additions=False,
):
    """A list for `level` with these items, approved by the province's chief (or `approver`)
    and in force from `effective_from`."""
    from procuracy.powers.models import PowerList

    owner = procuratorate or world.province
    power_list = PowerList.objects.filter(procuratorate=owner, level=level, kind=kind).first()
    if power_list is None:
        power_list = services.create_list(
            actor=SYSTEM, procuratorate=owner, level=level, kind=kind, title=f"{level} 清单"
        )
    version = services.draft_version(
        actor=SYSTEM, power_list=power_list, items=items, allows_additions=allows_additions
    )
    approver = approver or world.actor(
        world.province_chief if owner == world.province else world.chief
    )
    when = datetime.datetime.combine(
        min(effective_from, datetime.date.today()), datetime.time(9), tzinfo=datetime.UTC
    )
    return services.approve_version(
        actor=approver,
        version=version,
        effective_from=effective_from,
        body="committee",
        reference="检委会〔2026〕第1次会议",
        occurred_at=when,
    )
