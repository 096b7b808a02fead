"""The ledger's pages: the list of entries one may read, an entry with its canonical bytes
and its inclusion proof (checked here, against the latest signed checkpoint), and the proof
bundle a third party verifies offline."""

from __future__ import annotations

import json

from django.apps import apps
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from procuracy.core import scope
from procuracy.core.actors import actor_of
from procuracy.core.models import Act
from procuracy.core.templatetags.ui import act_label
from procuracy.core.views import Fact
from procuracy.ledger import checkpoints, selectors, store
from procuracy.ledger.bundle import Bundle
from procuracy.ledger.forms import EntryFilterForm
from procuracy.ledger.templatetags.ledger import visibility_tone

PAGE_SIZE = 50

# The page of a record an act may be about, by its subject's type.
RECORD_PAGES = {
    "people.staff": "people:detail",
    "caseorgs.casehandlingorg": "caseorgs:detail",
    "organisation.procuratorate": "organisation:procuratorate",
    "cases.decision": "oversight:trail",
    "oversight.meeting": "oversight:committee_meeting",
    "oversight.instruction": "oversight:instruction_detail",
    "oversight.report": "oversight:report_detail",
}


@require_GET
def entry_list(request):
    actor = actor_of(request)
    form = EntryFilterForm(request.GET, actor=actor)
    acts = selectors.filter_acts(selectors.visible_acts(actor), **form.filters())
    page = Paginator(acts, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "log_size": store.size(),
        "checkpoint": checkpoints.latest(),
    }
    template = "ledger/entry_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _entry_or_404(actor, seq: int) -> Act:
    try:
        return selectors.entry_for(actor, seq)
    except Act.DoesNotExist:
        raise Http404 from None


def record_url(act: Act) -> str:
    """The page of the record the act is about, or of the person or organisation it is
    part of (an absence, a membership); "" when there is none."""
    if act.subject_type in RECORD_PAGES and act.subject_id is not None:
        return reverse(RECORD_PAGES[act.subject_type], args=[act.subject_id])
    body = act.body if isinstance(act.body, dict) else {}
    for key, name in (("org", "caseorgs:detail"), ("staff", "people:detail")):
        if isinstance(body.get(key), int):
            return reverse(name, args=[body[key]])
    if act.subject_type == "organisation.department" and act.procuratorate_id:
        return reverse("organisation:procuratorate", args=[act.procuratorate_id])
    return ""


def subject_label(act: Act) -> str:
    try:
        name = str(apps.get_model(act.subject_type)._meta.verbose_name)
    except (LookupError, ValueError):
        name = act.subject_type
    return name if act.subject_id is None else f"{name} #{act.subject_id}"


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def _links(actor, act: Act) -> dict[str, str]:
    """Links to the actor's, the procuratorate's and the record's pages, each only when the
    reader may open that page (an open entry may name a procuratorate out of their scope)."""
    from procuracy.people.models import Staff

    place = act.procuratorate
    place_seen = place is not None and scope.can_see(actor, place)
    actor_seen = (
        act.actor_id is not None
        and scope.restrict(Staff.objects.filter(pk=act.actor_id), actor).exists()
    )
    record = record_url(act)
    if act.subject_type.startswith("organisation.") and not place_seen:
        record = ""
    return {
        "actor": reverse("people:detail", args=[act.actor_id]) if actor_seen else "",
        "place": reverse("organisation:procuratorate", args=[place.pk]) if place_seen else "",
        "record": record,
    }


def _facts(actor, act: Act) -> list[Fact]:
    links = _links(actor, act)
    return [
        Fact(_("序号"), f"#{act.seq}"),
        Fact(_("类型"), f"{act_label(act.kind)}({act.kind})"),
        Fact(_("行为人"), act.actor_label, url=links["actor"]),
        Fact(
            _("检察院"),
            act.procuratorate.name if act.procuratorate else "",
            url=links["place"],
        ),
        Fact(_("所涉记录"), subject_label(act), url=links["record"]),
        Fact(_("发生时间"), _when(act.occurred_at)),
        Fact(_("记录时间"), _when(act.recorded_at)),
        Fact(_("可见范围"), act.get_visibility_display(), tone=visibility_tone(act.visibility)),
    ]


def pretty(canonical: bytes) -> str:
    """The canonical bytes laid out for reading (the leaf hash is of the bytes as stored)."""
    try:
        return json.dumps(json.loads(canonical), ensure_ascii=False, indent=2)
    except ValueError:
        return canonical.decode("utf-8", "replace")


@require_GET
def entry_detail(request, seq: int):
    actor = actor_of(request)
    act = _entry_or_404(actor, seq)
    canonical = bytes(act.canonical)
    context = {
        "act": act,
        "facts": _facts(actor, act),
        "canonical": pretty(canonical),
        "canonical_size": len(canonical),
        "proof": selectors.inclusion(act),
        "tone": visibility_tone(act.visibility),
    }
    return render(request, "ledger/entry_detail.html", context)


@require_GET
def entry_bundle(request, seq: int):
    """The entry, its inclusion proof and the signed checkpoint in one C2SP tlog-proof file."""
    act = _entry_or_404(actor_of(request), seq)
    proof = selectors.inclusion(act)
    if proof.checkpoint is None:
        raise Http404
    bundle = Bundle(bytes(act.canonical), act.seq, proof.proof, proof.checkpoint.note)
    response = HttpResponse(bundle.text(), content_type="text/plain; charset=utf-8")
    filename = f"procuracy-ledger-{act.seq}.tlog-proof"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
