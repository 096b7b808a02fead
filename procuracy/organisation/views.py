"""The organisation tree and a procuratorate's page."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from procuracy.caseorgs import selectors as caseorgs
from procuracy.core import cache, scope
from procuracy.core.actors import actor_of
from procuracy.core.models import today
from procuracy.organisation import selectors
from procuracy.organisation.forms import DayForm
from procuracy.organisation.models import Level, Procuratorate
from procuracy.people import selectors as people
from procuracy.people.models import Category, Employment

# A tree this small opens fully; a province's starts with only the top level open.
OPEN_ALL_BELOW = 30

# Staff counts as the report counts them: contract clerks apart from regular clerks.
CATEGORY_ROWS = [
    (Category.PROSECUTOR.label, Category.PROSECUTOR, {"category": Category.PROSECUTOR}),
    (Category.ASSISTANT.label, Category.ASSISTANT, {"category": Category.ASSISTANT}),
    (
        Category.CLERK.label,
        Category.CLERK,
        {"category": Category.CLERK, "employment": Employment.REGULAR},
    ),
    (
        gettext_lazy("聘用制书记员"),
        "contract_clerk",
        {"category": Category.CLERK, "employment": Employment.CONTRACT},
    ),
    (
        Category.JUDICIAL_POLICE.label,
        Category.JUDICIAL_POLICE,
        {"category": Category.JUDICIAL_POLICE},
    ),
    (Category.TECHNICIAN.label, Category.TECHNICIAN, {"category": Category.TECHNICIAN}),
    (
        Category.ADMINISTRATIVE.label,
        Category.ADMINISTRATIVE,
        {"category": Category.ADMINISTRATIVE},
    ),
]


def _label(nodes: list[Procuratorate]) -> None:
    """Labels and links for the tree's nodes, worked out once here rather than per node in
    the template: a province's tree has 112 nodes and is a page the benchmark measures."""
    levels = {value: str(label) for value, label in Level.choices}
    pages = reverse("organisation:tree")  # a procuratorate's page is "<pk>/" below it
    counts = _("在职 %(staff)s 人 · 检察官 %(prosecutors)s 人")
    for node in nodes:
        n = len(node.kids)
        node.level_label = levels[node.level]
        node.url = f"{pages}{node.pk}/"
        node.counts = counts % {"staff": node.staff_count, "prosecutors": node.prosecutor_count}
        node.kids_label = ngettext("下级院 %(n)s 个", "下级院 %(n)s 个", n) % {"n": n}


def _nest(nodes: list[Procuratorate]) -> list[Procuratorate]:
    """Hang each procuratorate under its parent; one whose parent is out of sight is a root."""
    by_id = {node.pk: node for node in nodes}
    roots = []
    for node in nodes:
        node.kids = []
    for node in nodes:  # path order: a parent always comes before its children
        parent = by_id.get(node.parent_id)
        (parent.kids if parent else roots).append(node)
        node.open = parent is None or len(nodes) <= OPEN_ALL_BELOW
    _label(nodes)
    return roots


def tree(request):
    def build() -> str:
        nodes = selectors.tree(actor_of(request))
        context = {"roots": _nest(nodes), "total": len(nodes)}
        return render_to_string("organisation/tree.html#body", context, request)

    body = cache.fragment(request, "tree", build)
    return render(request, "organisation/tree.html", {"body": body})


def _category_rows(counts: dict[str, int], procuratorate_id: int) -> list[dict]:
    return [
        {
            "label": label,
            "count": counts.get(key, 0),
            "query": urlencode({"procuratorate": procuratorate_id, **query}),
        }
        for label, key, query in CATEGORY_ROWS
    ]


def _day(form: DayForm) -> datetime.date:
    return (form.is_valid() and form.cleaned_data["on"]) or today()


def _day_form(request) -> DayForm:
    """The date picker, showing today when no day was asked for."""
    return DayForm(request.GET if "on" in request.GET else {"on": today().isoformat()})


def procuratorate(request, pk: int):
    actor = actor_of(request)
    try:
        place = selectors.procuratorate_for(actor, pk)
    except Procuratorate.DoesNotExist:
        raise Http404 from None
    day_form = _day_form(request)
    day = _day(day_form)
    counts = people.category_counts(actor, place.pk)
    context = {
        "procuratorate": place,
        "parent_visible": place.parent is not None and scope.can_see(actor, place.parent),
        "children": selectors.procuratorates(actor).filter(parent=place),
        "day": day,
        "day_form": day_form,
        "baseline": settings.PROCURACY_REFORM_BASELINE,
        "departments": selectors.departments_on(place, day),
        "history": selectors.department_history(place),
        "categories": _category_rows(counts, place.pk),
        "staff_total": sum(counts.values()),
        "orgs": caseorgs.orgs(actor, procuratorate=place.pk),
    }
    return render(request, "organisation/procuratorate.html", context)
