"""The leaders' cases report (领导干部办案通报): a row per leader for a year, quarter or month,
the totals and the by-year series; each leader's cases on their own page; the report as XLSX
or CSV. For the leaders, the personnel office and the case management office of a
procuratorate and those below (403 with who may, for anyone else)."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from procuracy.core.actors import actor_of
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.models import today
from procuracy.oversight import leaders, leaders_export
from procuracy.people.models import Staff

ANY = [("", gettext_lazy("全部"))]
BELOW, OWN = "below", "own"


class LeadersFilterForm(forms.Form):
    """The report's filters: a procuratorate the reader may read (with or without those
    below), the year, and a quarter or month of it."""

    procuratorate = forms.TypedChoiceField(
        label=gettext_lazy("检察院"), required=False, coerce=int, empty_value=None
    )
    reach = forms.ChoiceField(
        label=gettext_lazy("范围"),
        required=False,
        choices=[(BELOW, gettext_lazy("本院及下级院")), (OWN, gettext_lazy("仅本院"))],
    )
    year = forms.IntegerField(label=gettext_lazy("年度"), required=False, min_value=1950)
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("季度"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=ANY + [(q, gettext_lazy("第 %(q)s 季度") % {"q": q}) for q in range(1, 5)],
    )
    month = forms.TypedChoiceField(
        label=gettext_lazy("月份"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=ANY + [(m, gettext_lazy("%(m)s 月") % {"m": m}) for m in range(1, 13)],
    )

    def __init__(self, data, *, actor):
        super().__init__(data)
        self.offered = {p.pk: p for p in leaders.places(actor)}
        self.fields["procuratorate"].choices = ANY + [
            (p.pk, p.short_name) for p in self.offered.values()
        ]
        self.fields["year"].widget.attrs["placeholder"] = str(today().year)

    def clean(self):
        data = super().clean()
        try:
            self.period = leaders.Period.of(
                data.get("year"), data.get("quarter"), data.get("month")
            )
        except RuleViolation as refused:
            self.add_error(refused.field, refused.rule)
        return data

    def filters(self) -> dict:
        """The keyword arguments for the selectors, from the fields that are valid (the
        current year where the period is not)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        period = getattr(self, "period", None)
        if period is None or any(f in self.errors for f in ("year", "quarter", "month")):
            period = leaders.Period.of()
        chosen = None if "procuratorate" in self.errors else data.get("procuratorate")
        return {
            "period": period,
            "procuratorate": self.offered.get(chosen) if chosen else None,
            "below": data.get("reach") != OWN,
        }


def _denied(request, denied: ActDenied):
    context = {"reason": denied.reason}
    return render(request, "oversight/leaders_denied.html", context, status=403)


@require_GET
def report(request):
    actor = actor_of(request)
    try:
        form = LeadersFilterForm(request.GET or None, actor=actor)
    except ActDenied as denied:
        return _denied(request, denied)
    found = leaders.report(actor, **form.filters())
    query = request.GET.urlencode()
    context = {
        "form": form,
        "report": found,
        "series": found["series"],
        "query": query,
        "action": reverse("oversight:leaders_report"),
    }
    return render(request, "oversight/leaders_report.html", context)


@require_GET
def cases(request, staff_id: int):
    actor = actor_of(request)
    try:
        form = LeadersFilterForm(request.GET or None, actor=actor)
    except ActDenied as denied:
        return _denied(request, denied)
    try:
        found = leaders.leader_cases(actor, staff_id, **form.filters())
    except Staff.DoesNotExist:
        raise Http404 from None
    context = {"found": found, "query": request.GET.urlencode()}
    return render(request, "oversight/leaders_cases.html", context)


@require_GET
def export(request, format: str):
    if format not in leaders_export.FORMATS:
        raise Http404
    actor = actor_of(request)
    try:
        form = LeadersFilterForm(request.GET or None, actor=actor)
    except ActDenied as denied:
        return _denied(request, denied)
    found = leaders.report(actor, **form.filters())
    body = leaders_export.write(found, format)
    response = HttpResponse(body, content_type=leaders_export.FORMATS[format])
    response["Content-Disposition"] = content_disposition_header(
        True, leaders_export.file_name(found, format)
    )
    return response


urlpatterns = [
    path("leaders/", report, name="leaders_report"),
    path("leaders/export.<str:format>", export, name="leaders_export"),
    path("leaders/<int:staff_id>/", cases, name="leaders_cases"),
]
