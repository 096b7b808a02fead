"""The permissions that administrative acts declare, answered in one place.

Case matters (decide, review, sign) are answered by the power list in a later issue; the acts
of this foundation — setting up procuratorates, staff and case-handling organisations — belong
to named positions, held at the procuratorate concerned or (where `reach` is "below") above it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procuracy.core.actors import Actor
from procuracy.core.errors import ActDenied

OWN = "own"
BELOW = "below"


@dataclass(frozen=True)
class Permission:
    name: str
    label: object
    holders: frozenset[str]
    reach: str
    admin: bool


def _p(name, label, holders, reach, admin):
    return Permission(name, label, frozenset(holders), reach, admin)


PERMISSIONS = {
    p.name: p
    for p in [
        _p(
            "organisation.manage",
            gettext_lazy("设置检察院和内设机构"),
            {"chief", "acting_chief", "personnel"},
            BELOW,
            admin=True,
        ),
        _p(
            "people.manage",
            gettext_lazy("管理人员、职务、等级和员额"),
            {"chief", "acting_chief", "personnel"},
            BELOW,
            admin=True,
        ),
        _p(
            "people.accounts",
            gettext_lazy("开设和停用登录账号"),
            {"personnel"},
            BELOW,
            admin=True,
        ),
        _p(
            "caseorgs.manage",
            gettext_lazy("组建和调整办案组织"),
            {"chief", "acting_chief", "deputy_chief"},
            OWN,
            admin=False,
        ),
    ]
}


def _position_label(kind: str) -> str:
    from procuracy.people.models import PositionKind

    return str(PositionKind(kind).label)


def allowed(actor: Actor, name: str, procuratorate) -> bool:
    permission = PERMISSIONS[name]
    if actor.is_system or (actor.is_admin and permission.admin):
        return True
    if procuratorate is None:
        return False
    for held in actor.positions:
        if held.kind not in permission.holders:
            continue
        if held.procuratorate_id == procuratorate.pk:
            return True
        if permission.reach == BELOW and procuratorate.path.startswith(held.procuratorate_path):
            return True
    return False


def require(actor: Actor, name: str, procuratorate) -> None:
    if allowed(actor, name, procuratorate):
        return
    permission = PERMISSIONS[name]
    holders = "、".join(sorted(_position_label(k) for k in permission.holders))
    where = _("本院或上级院") if permission.reach == BELOW else _("本院")
    raise ActDenied(
        _("“%(act)s”须由%(where)s的%(holders)s办理,您没有该职务。")
        % {"act": permission.label, "where": where, "holders": holders}
    )
