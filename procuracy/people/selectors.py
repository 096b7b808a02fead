"""Reads of staff that pages, the API and the figures share; each goes through the scope."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Subquery

from procuracy.core import scope
from procuracy.core.actors import Actor
from procuracy.core.models import today
from procuracy.people.models import Conflict, GradeRecord, QuotaRecord, RankRecord, Staff


def _annotated(queryset):
    day = today()
    grade = GradeRecord.objects.filter(staff=OuterRef("pk"), effective_on__lte=day).order_by(
        "-effective_on"
    )
    rank = RankRecord.objects.filter(staff=OuterRef("pk"), effective_on__lte=day).order_by(
        "-effective_on"
    )
    return queryset.annotate(
        in_quota=Exists(QuotaRecord.objects.on(day).filter(staff=OuterRef("pk"))),
        grade=Subquery(grade.values("grade")[:1]),
        rank=Subquery(rank.values("rank")[:1]),
    )


def staff_list(
    actor: Actor,
    *,
    q: str = "",
    procuratorate: int | None = None,
    department: int | None = None,
    category: str = "",
    employment: str = "",
    quota: bool | None = None,
    include_left: bool = False,
):
    """Staff the actor may see, filtered; search by name, pinyin or pinyin initials.

    Quota, grade and rank are left to `with_status`, for the one page that is shown: worked
    out per row in SQL they would be computed for every match before sorting."""
    qs = scope.restrict(Staff.objects.all(), actor).search(q)
    if not include_left:
        qs = qs.filter(left_on__isnull=True)
    if procuratorate:
        qs = qs.filter(procuratorate_id=procuratorate)
    if department:
        qs = qs.filter(department_id=department)
    if category:
        qs = qs.filter(category=category)
    if employment:
        qs = qs.filter(employment=employment)
    if quota is not None:
        in_quota = QuotaRecord.objects.on(today()).values("staff_id")
        qs = qs.filter(pk__in=in_quota) if quota else qs.exclude(pk__in=in_quota)
    return qs.select_related("procuratorate", "department").order_by(
        "procuratorate__path", "pinyin", "id"
    )


def _latest(model, field: str, ids: list[int], day) -> dict[int, object]:
    rows = model.objects.filter(staff_id__in=ids, effective_on__lte=day).order_by(
        "effective_on", "id"
    )
    return dict(rows.values_list("staff_id", field))  # the latest one wins


def with_status(rows) -> list[Staff]:
    """Sets `in_quota`, `grade` and `rank` on one page of staff: three queries in all."""
    rows = list(rows)
    ids = [s.pk for s in rows]
    day = today()
    quota = set(
        QuotaRecord.objects.on(day).filter(staff_id__in=ids).values_list("staff_id", flat=True)
    )
    grades = _latest(GradeRecord, "grade", ids, day)
    ranks = _latest(RankRecord, "rank", ids, day)
    for s in rows:
        s.in_quota, s.grade, s.rank = s.pk in quota, grades.get(s.pk), ranks.get(s.pk)
    return rows


def staff_for(actor: Actor, pk: int) -> Staff:
    """Raises Staff.DoesNotExist for someone outside the actor's scope, as for no one."""
    qs = scope.restrict(Staff.objects.all(), actor)
    return _annotated(qs).select_related("procuratorate", "department", "user").get(pk=pk)


def staff_history(staff: Staff) -> dict:
    """Everything dated about a person, oldest first within each kind."""
    return {
        "postings": staff.postings.select_related("procuratorate", "department"),
        "positions": staff.positions.select_related("procuratorate", "department"),
        "grades": staff.grades.all(),
        "ranks": staff.ranks.all(),
        "quota": staff.quota_records.all(),
        "absences": staff.absences.all(),
        "memberships": staff.memberships.select_related("org", "org__department"),
    }


def category_counts(actor: Actor, procuratorate_id: int | None = None) -> dict[str, int]:
    qs = scope.restrict(Staff.objects.filter(left_on__isnull=True), actor)
    if procuratorate_id:
        qs = qs.filter(procuratorate_id=procuratorate_id)
    rows = qs.values("category", "employment").annotate(n=Count("id"))
    counts: dict[str, int] = {}
    for row in rows:
        key = row["category"]
        if row["category"] == "clerk" and row["employment"] == "contract":
            key = "contract_clerk"
        counts[key] = counts.get(key, 0) + row["n"]
    return counts


def may_read_conflicts(actor: Actor, staff: Staff) -> bool:
    """A person's declared conflicts are read by the person and by those who read personnel
    files in their reach — the same readers as the personal entries of the ledger."""
    from procuracy.ledger.selectors import PERSONAL_READERS

    if actor.is_system or (actor.staff is not None and actor.staff.pk == staff.pk):
        return True
    path = staff.procuratorate.path
    return any(
        held.kind in PERSONAL_READERS and path.startswith(held.procuratorate_path)
        for held in actor.positions
    )


def conflicts_of(staff: Staff):
    """Every declaration of the person, newest first (callers check may_read_conflicts)."""
    return staff.conflicts.select_related("recorded_by").order_by("-declared_on", "-id")


def conflict_for(actor: Actor, pk: int) -> Conflict:
    """Raises Conflict.DoesNotExist for one the actor may not read, as for none."""
    conflict = Conflict.objects.select_related("staff", "staff__procuratorate").get(pk=pk)
    if not may_read_conflicts(actor, conflict.staff):
        raise Conflict.DoesNotExist
    return conflict
