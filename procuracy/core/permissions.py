"""Role rules: the permissions of acts that are not case matters, declared beside their service
functions (`MANAGE = role_rule(...)` at the top of an app's services.py).

Case matters (decide, review, handle, sign) are answered by the power list; both kinds are
answered in one place, `procuracy.powers.engine.authorize`. A role rule names the positions
that may perform the act, held at the procuratorate concerned or (where `reach` is "below")
above it. Among them may be `HANDLER`: not a position but the case's own handlers (the members
of the organisation it is assigned to), which the engine reads from the act's Context; and
`SELF`, the person the act is about (Context.person), for what each person does for themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise

from procuracy.core.actors import Actor

OWN = "own"
BELOW = "below"
HANDLER = "handler"  # the handlers of the case the act is on (Context.handlers)
SELF = "self"  # the person the act is about (Context.person): a declaration of one's own


@dataclass(frozen=True)
class RoleRule:
    name: str
    label: str | Promise
    holders: frozenset[str]
    reach: str
    admin: bool


ROLE_RULES: dict[str, RoleRule] = {}


def role_rule(
    name: str,
    label: str | Promise,
    holders: Iterable[str],
    reach: str = OWN,
    *,
    admin: bool = False,
) -> str:
    """Declare the rule an act needs; returns its name, which `@service` takes."""
    rule = RoleRule(name, label, frozenset(holders), reach, admin)
    if ROLE_RULES.get(name, rule) != rule:
        raise ValueError(f"role rule {name!r} declared twice, differently")
    ROLE_RULES[name] = rule
    return name


def holds(actor: Actor, rule: RoleRule, procuratorate) -> bool:
    """Whether the actor holds one of the rule's positions where the act happens."""
    if actor.is_system or (actor.is_admin and rule.admin):
        return True
    if procuratorate is None:
        return False
    for held in actor.positions:
        if held.kind not in rule.holders:
            continue
        if held.procuratorate_id == procuratorate.pk:
            return True
        if rule.reach == BELOW and procuratorate.path.startswith(held.procuratorate_path):
            return True
    return False
