"""The working-day calendar page: a year's holidays and make-up working days, and — for those
the role rule allows — the forms to load the official year and to mark or unmark a day."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from procuracy.cases import services
from procuracy.cases.calendar import periods
from procuracy.cases.forms import LoadForm, MarkForm, UnmarkForm, YearForm
from procuracy.cases.models import CalendarDay, DayKind, DaySource
from procuracy.core.actors import actor_of
from procuracy.core.models import today
from procuracy.core.views import perform, refused_status
from procuracy.powers import engine

WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]


def _year(data) -> int:
    form = YearForm(data)
    return form.cleaned_data["year"] if form.is_valid() else today().year


def _render(request, year: int, status=200, **forms):
    actor = actor_of(request)
    place = services.province()
    decision = engine.authorize(actor, services.CALENDAR, engine.Context(procuratorate=place))
    rows = list(CalendarDay.objects.filter(day__year=year))
    for row in rows:
        row.weekday = _("星期") + WEEKDAYS[row.day.weekday()]
    loaded = any(r.source == DaySource.OFFICIAL for r in rows)
    context = {
        "year": year,
        "years": (year - 1, year + 1),
        "rows": rows,
        "periods": periods(rows),
        "holidays": sum(r.kind == DayKind.HOLIDAY for r in rows),
        "workdays": sum(r.kind == DayKind.WORKDAY for r in rows),
        "loaded": loaded,
        "loadable": year in services.official_years() and not loaded,
        "decision": decision,
    }
    # A form for each act the reader may take; a bound form stays to show its errors.
    if decision.allowed or "load_form" in forms:
        context["load_form"] = forms.get("load_form") or LoadForm(initial={"year": year})
    if decision.allowed or "mark_form" in forms:
        context["mark_form"] = forms.get("mark_form") or MarkForm(auto_id="mark-%s")
    if decision.allowed or "unmark_form" in forms:
        context["unmark_form"] = forms.get("unmark_form") or UnmarkForm(auto_id="unmark-%s")
    return render(request, "cases/calendar.html", context, status=status)


def _back(year: int):
    return redirect(reverse("cases:calendar") + f"?year={year}")


@require_GET
def calendar(request):
    return _render(request, _year(request.GET))


@require_POST
def load(request):
    form = LoadForm(request.POST)
    year = _year(request.POST)
    if form.is_valid() and perform(
        form, services.load_official_year, actor=actor_of(request), year=year
    ):
        messages.success(request, _("已载入 %(year)s 年的节假日安排。") % {"year": year})
        return _back(year)
    return _render(request, year, status=refused_status(form), load_form=form)


@require_POST
def mark(request):
    form = MarkForm(request.POST, auto_id="mark-%s")
    year = form.data.get("day", "")[:4]
    if form.is_valid():
        year = form.cleaned_data["day"].year
        if perform(form, services.mark_day, actor=actor_of(request), **form.cleaned_data):
            messages.success(request, _("已标记 %(day)s。") % {"day": form.cleaned_data["day"]})
            return _back(year)
    return _render(request, _year({"year": year}), status=refused_status(form), mark_form=form)


@require_POST
def unmark(request):
    form = UnmarkForm(request.POST, auto_id="unmark-%s")
    year = form.data.get("day", "")[:4]
    if form.is_valid():
        year = form.cleaned_data["day"].year
        if perform(form, _unmarked, actor=actor_of(request), **form.cleaned_data):
            messages.success(
                request, _("已取消 %(day)s 的标记。") % {"day": form.cleaned_data["day"]}
            )
            return _back(year)
    return _render(request, _year({"year": year}), status=refused_status(form), unmark_form=form)


def _unmarked(**kwargs) -> bool:
    services.unmark_day(**kwargs)
    return True
