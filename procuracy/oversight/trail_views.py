"""The responsibility trail's pages: one decision's (with the decisions of its lineage) and
every decision's of a case. Whoever may read the case may read its trails; anyone else is
answered 404, as for a case that is not there."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from procuracy.cases import selectors as cases
from procuracy.cases.models import Case, CaseStatus, Decision
from procuracy.cases.views import STATUS_TONES
from procuracy.core.actors import actor_of
from procuracy.oversight import trail

# The tone of a decision's status badge.
DECISION_TONES = {
    "pending": "amber",
    "made": "green",
    "superseded": "slate",
    "reexamining": "amber",
    "referred": "navy",
    "revoked": "red",
}


@require_GET
def decision_trail(request, pk: int):
    actor = actor_of(request)
    try:
        case = trail.case_of_decision(actor, pk)
        found = trail.decision_trail(actor, case, pk)
    except (Case.DoesNotExist, Decision.DoesNotExist):
        raise Http404 from None
    return _render(request, case, [found], focus=pk)


@require_GET
def case_trail(request, pk: int):
    actor = actor_of(request)
    try:
        case = cases.case_for(actor, pk)
    except Case.DoesNotExist:
        raise Http404 from None
    return _render(request, case, trail.case_trails(actor, case))


def _render(request, case: Case, trails: list[trail.Trail], focus: int | None = None):
    shown = [
        {"trail": t, "tone": DECISION_TONES.get(t.decision.status, "") if t.decision else ""}
        for t in trails
    ]
    context = {
        "case": case,
        "trails": shown,
        "focus": focus,
        "status_tone": STATUS_TONES.get(CaseStatus(case.status), ""),
    }
    return render(request, "oversight/trail.html", context)


urlpatterns = [
    path("decisions/<int:pk>/trail/", decision_trail, name="trail"),
    path("cases/<int:pk>/trail/", case_trail, name="case_trail"),
]
