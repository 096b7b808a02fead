"""The figures page: the report's numbers, computed from the records, beside the report's."""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from procuracy.core.actors import actor_of
from procuracy.core.models import today
from procuracy.figures.forms import PeriodForm
from procuracy.figures.selectors import baseline, report_figures


def _value(section: dict, key: str):
    return next(item["value"] for item in section["items"] if item["key"] == key)


def _for_page(figures: dict) -> dict:
    """What the template cannot look up itself: the headline numbers and each category's
    counts in the order of the level columns."""
    sections = figures["sections"]
    people = sections["people"]
    for item in people["items"]:
        item["level_counts"] = [item["by_level"][level["key"]] for level in people["levels"]]
    cases = sections["cases"]
    cases["flagged"] = [r for r in cases["by_procuratorate"] if r["due_soon"] or r["overdue"]]
    return {
        "procuratorates": _value(sections["procuratorates"], "total"),
        "before": _value(sections["base_departments"], "before"),
        "after": _value(sections["base_departments"], "after"),
        "quota": _value(sections["quota"], "total"),
        "orgs": _value(sections["case_handling_orgs"], "total"),
    }


@require_GET
def index(request):
    initial = {"before": baseline(), "after": today()}
    form = PeriodForm(request.GET or None, initial=initial)
    figures = report_figures(actor_of(request), **form.days())
    context = {
        "form": form,
        "figures": figures,
        "sections": figures["sections"],
        "headline": _for_page(figures),
        "json_query": request.GET.urlencode(),
        "leaders_url": _leaders_url(request),
    }
    return render(request, "figures/index.html", context)


def _leaders_url(request) -> str:
    """The leaders' cases report, for those who may read it."""
    from procuracy.oversight import leaders

    if leaders.report_places(actor_of(request)) is None:
        return ""
    return reverse("oversight:leaders_report")


@require_GET
def download(request):
    """The same figures as a JSON file (invalid dates fall back to the defaults)."""
    figures = report_figures(actor_of(request), **PeriodForm(request.GET).days())
    body = json.dumps(figures, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = f"figures-{figures['before']}-{figures['after']}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
