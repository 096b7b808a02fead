"""Reads of the organisation that pages, the API and the figures share; each goes through
the actor's scope."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q

from procuracy.core import scope
from procuracy.core.actors import Actor
from procuracy.core.models import today
from procuracy.organisation.models import Department, Procuratorate


def procuratorates(actor: Actor):
    return scope.restrict(Procuratorate.objects.all(), actor, "")


def tree(actor: Actor) -> list[Procuratorate]:
    """The visible procuratorates in tree order, each with its current staff counts."""
    current = Q(staff__left_on__isnull=True)
    # Explicitly: a query with aggregates ignores Meta.ordering, and PostgreSQL then returns
    # rows in whatever order they lie on disk (which rewrites, such as ledger stamps, change).
    return list(
        procuratorates(actor)
        .annotate(
            staff_count=Count("staff", filter=current),
            prosecutor_count=Count("staff", filter=current & Q(staff__category="prosecutor")),
        )
        .order_by("path")
    )


def procuratorate_for(actor: Actor, pk: int) -> Procuratorate:
    """Raises Procuratorate.DoesNotExist for one outside the actor's scope, as for none."""
    return procuratorates(actor).select_related("parent").get(pk=pk)


def departments_on(procuratorate: Procuratorate, day: datetime.date | None = None):
    return (
        Department.objects.on(day or today())
        .filter(procuratorate=procuratorate)
        .prefetch_related("business_lines")
        .order_by("id")
    )


def department_history(procuratorate: Procuratorate):
    """Every department the procuratorate has had, the closed ones too."""
    return (
        Department.objects.filter(procuratorate=procuratorate)
        .prefetch_related("business_lines")
        .order_by("valid_from", "id")
    )
