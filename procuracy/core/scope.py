"""What a signed-in person may see: one function every query goes through.

Everyone sees their own procuratorate; leaders and the oversight offices also see the
procuratorates below theirs. Records that later issues seal follow narrower rules of their own.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from procuracy.core.actors import Actor

# Positions whose holders see the procuratorates below their own.
REACH_BELOW = frozenset(
    {
        "chief",
        "acting_chief",
        "deputy_chief",
        "committee_member",
        "personnel",
        "inspection",
        "discipline",
    }
)


def procuratorate_q(actor: Actor, field: str = "procuratorate") -> Q:
    """A filter on `field` (a path to a Procuratorate) for what the actor may see."""
    if actor.is_system or actor.is_admin:
        return Q()
    if actor.staff is None or actor.staff.left_on is not None:
        return Q(pk__in=[])
    prefix = f"{field}__" if field else ""
    q = Q(**{f"{prefix}pk": actor.staff.procuratorate_id})
    for held in actor.positions:
        if held.kind in REACH_BELOW:
            q |= Q(**{f"{prefix}path__startswith": held.procuratorate_path})
        else:
            q |= Q(**{f"{prefix}pk": held.procuratorate_id})
    return q


def restrict(queryset: QuerySet, actor: Actor, field: str = "procuratorate") -> QuerySet:
    return queryset.filter(procuratorate_q(actor, field))


def can_see(actor: Actor, procuratorate) -> bool:
    from procuracy.organisation.models import Procuratorate

    return restrict(Procuratorate.objects.filter(pk=procuratorate.pk), actor, "").exists()
