"""What the case page shows of a case's assignment: the open assignment, each draw recomputed
from the ledger as the page is drawn, and the acts the reader may take, or why not."""

from __future__ import annotations

from django.db.models import Q

from procuracy.assignment import handover, services, verify
from procuracy.assignment.models import Assignment
from procuracy.caseorgs.models import CaseHandlingOrg
from procuracy.cases.models import Case, CaseStatus
from procuracy.core.actors import Actor
from procuracy.core.models import today
from procuracy.powers import engine


def current(case: Case) -> Assignment | None:
    return (
        case.assignments.filter(ended_at__isnull=True)
        .select_related("org", "approved_by")
        .order_by("-valid_from", "-id")
        .first()
    )


def history(case: Case) -> list[Assignment]:
    return list(case.assignments.select_related("org", "approved_by").order_by("valid_from", "id"))


def orgs_for(case: Case):
    """The organisations a designation may name: those in force at the case's procuratorate."""
    return (
        CaseHandlingOrg.objects.on(today())
        .filter(procuratorate=case.procuratorate)
        .select_related("department")
        .order_by("department_id", "kind", "name", "id")
    )


def case_section(actor: Actor, case: Case) -> dict:
    """The case page's 分案 section: what happened, recomputed, and what the reader may do."""
    place = engine.Context(procuratorate=case.procuratorate)
    section: dict = {
        "current": current(case),
        "history": history(case),
        "checks": verify.verify_case(case),
    }
    if case.status == CaseStatus.RECEIVED:
        section["draw_decision"] = engine.authorize(actor, services.DRAW, place)
        section["designate_decision"] = engine.authorize(
            actor, "designate_assignment", services.case_context({"case": case})
        )
    elif case.status in services.REASSIGNABLE and section["current"] is not None:
        section["reassign_decision"] = engine.authorize(
            actor, "reassign", services.case_context({"case": case})
        )
        found = handover.awaiting(Q(pk=case.pk), today())
        section["handover"] = found[0].reasons if found else []
    return section
