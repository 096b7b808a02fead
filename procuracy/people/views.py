"""The staff list (filters, live search by pinyin), a staff member's page with their history,
and the acts posted from it: an absence, and declaring or withdrawing a conflict of interest
(the person's own, or personnel's on their behalf)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from procuracy.core import cache
from procuracy.core.actors import actor_of
from procuracy.core.models import today
from procuracy.core.selectors import acts_about
from procuracy.core.views import Fact, perform, refused_status
from procuracy.ledger import selectors as ledger
from procuracy.people import selectors, services
from procuracy.people.forms import (
    AbsenceForm,
    ConflictForm,
    StaffFilterForm,
    WithdrawConflictForm,
)
from procuracy.people.models import Category, Conflict, Grade, Rank, Staff
from procuracy.powers.engine import may

PAGE_SIZE = 50


def _procuratorate_changed(request) -> bool:
    """A new procuratorate brings its own departments into the filter (swapped out of band);
    otherwise the department select stays put, so keyboard focus on it is not lost."""
    before = parse_qs(urlsplit(request.htmx.current_url or "").query).get("procuratorate", [""])
    return before[0] != request.GET.get("procuratorate", "")


def _listing(request, actor) -> dict[str, str]:
    """Everything on the list that follows from the query and the records, rendered: the
    filters, the table with its pagination, the count, and the department filter alone (what
    a live update swaps in when the procuratorate changed). Kept by `cache.kept`."""
    form = StaffFilterForm(request.GET, actor=actor)
    staff = selectors.staff_list(actor, **form.filters())
    page = Paginator(staff, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_status(page.object_list)
    people_url = reverse("people:list")
    context = {"page": page, "people_url": people_url}
    filters = {"form": form, "action": people_url, "target": "staff-results"}
    department = {"field": form["department"], "oob": True}
    return {
        "results": render_to_string("people/staff_list.html#results", context, request),
        "count": render_to_string("people/staff_list.html#count", context, request),
        "filters": render_to_string("components/filter_bar.html", filters, request),
        "department": render_to_string("components/filter_field.html", department, request),
    }


def staff_list(request):
    actor = actor_of(request)
    name = f"staff-list:{request.GET.urlencode()}"
    parts = cache.kept(request, name, lambda: _listing(request, actor))
    # Rendered by our own templates, so already escaped.
    context = {key: mark_safe(html) for key, html in parts.items()}
    if request.htmx and not request.htmx.history_restore_request:
        context["oob_department"] = _procuratorate_changed(request)
        response = render(request, "people/staff_list.html#fragment", context)
    else:
        response = render(request, "people/staff_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _staff_or_404(actor, pk: int) -> Staff:
    try:
        return selectors.staff_for(actor, pk)
    except Staff.DoesNotExist:
        raise Http404 from None


def _facts(staff: Staff, positions: list) -> list[Fact]:
    place = staff.procuratorate
    facts = [
        Fact(_("人员类别"), staff.get_category_display(), tone="navy"),
        Fact(_("用工方式"), staff.get_employment_display()),
        Fact(_("检察院"), place.name, url=reverse("organisation:procuratorate", args=[place.pk])),
        Fact(_("内设机构"), staff.department.name if staff.department else ""),
        Fact(_("现任职务"), "、".join(str(p.get_kind_display()) for p in positions)),
    ]
    if staff.category == Category.PROSECUTOR:
        quota = pgettext("quota status", "员额检察官") if staff.in_quota else _("未入额")
        facts += [
            Fact(_("检察官等级"), Grade(staff.grade).label if staff.grade else ""),
            Fact(_("员额"), quota, tone="red" if staff.in_quota else "slate"),
        ]
    facts += [
        Fact(_("职级"), Rank(staff.rank).label if staff.rank else ""),
        Fact(_("入职日期"), staff.joined_on.isoformat()),
    ]
    if staff.left_on:
        facts.append(Fact(_("离职日期"), staff.left_on.isoformat()))
    return facts


def _may_declare(actor, staff: Staff) -> bool:
    """Whether to offer the conflict forms: to the person, or to personnel in reach."""
    own = actor.staff is not None and actor.staff.pk == staff.pk
    return own or may(actor, services.CONFLICTS, staff.procuratorate)


def _conflicts(actor, staff: Staff, conflict_form=None, failed=None) -> dict:
    """The conflicts section, for its readers only: the declarations, each open one with its
    withdrawal form (`failed` a bound one to show again), and the form to declare one."""
    if not selectors.may_read_conflicts(actor, staff):
        return {}
    rows = list(selectors.conflicts_of(staff))
    day = today()
    offer = _may_declare(actor, staff)
    for row in rows:
        row.in_force = row.holds_on(day)
        if offer and row.withdrawn_on is None and row.in_force:
            if failed is not None and failed.conflict_id == row.pk:
                row.withdraw_form = failed
            else:
                row.withdraw_form = WithdrawConflictForm(auto_id=f"wd-{row.pk}-%s")
    form = conflict_form or (ConflictForm(auto_id="cf-%s") if offer else None)
    return {"conflicts": rows, "conflict_form": form}


def _render_staff(
    request, staff: Staff, absence_form=None, status=200, conflict_form=None, withdraw_form=None
):
    actor = actor_of(request)
    history = selectors.staff_history(staff)
    day = today()
    positions = [p for p in history["positions"] if p.holds_on(day)]
    if absence_form is None and may(actor, services.MANAGE, staff.procuratorate):
        absence_form = AbsenceForm()
    acts = list(acts_about(staff, visible=ledger.visibility_q(actor)))
    context = {
        "staff": staff,
        "facts": _facts(staff, positions),
        "history": history,
        "acts": acts,
        "readable": {act.seq for act in acts},
        "absence_form": absence_form,
        **_conflicts(actor, staff, conflict_form, withdraw_form),
    }
    return render(request, "people/staff_detail.html", context, status=status)


def staff_detail(request, pk: int):
    return _render_staff(request, _staff_or_404(actor_of(request), pk))


@require_POST
def record_absence(request, pk: int):
    actor = actor_of(request)
    staff = _staff_or_404(actor, pk)
    form = AbsenceForm(request.POST)
    if form.is_valid() and perform(
        form, services.record_absence, actor=actor, staff=staff, **form.cleaned_data
    ):
        messages.success(request, _("已登记离岗。"))
        return redirect("people:detail", pk=staff.pk)
    return _render_staff(request, staff, absence_form=form, status=refused_status(form))


@require_POST
def declare_conflict(request, pk: int):
    """Anyone may try (a refusal is ledgered); the section, and so the form with its errors,
    shows only to the readers of the person's conflicts, so a refusal is also a message."""
    actor = actor_of(request)
    staff = _staff_or_404(actor, pk)
    form = ConflictForm(request.POST, auto_id="cf-%s")
    if form.is_valid() and perform(
        form, services.declare_conflict, actor=actor, staff=staff, **form.cleaned_data
    ):
        messages.success(request, _("已登记利益冲突申报。"))
        return redirect("people:detail", pk=staff.pk)
    if getattr(form, "denied", False) and not selectors.may_read_conflicts(actor, staff):
        for error in form.non_field_errors():
            messages.error(request, error)
    return _render_staff(request, staff, conflict_form=form, status=refused_status(form))


@require_POST
def withdraw_conflict(request, pk: int):
    actor = actor_of(request)
    try:
        conflict = selectors.conflict_for(actor, pk)
    except Conflict.DoesNotExist:
        raise Http404 from None
    form = WithdrawConflictForm(request.POST, auto_id=f"wd-{conflict.pk}-%s")
    form.conflict_id = conflict.pk
    if form.is_valid() and perform(
        form, services.withdraw_conflict, actor=actor, conflict=conflict, **form.cleaned_data
    ):
        messages.success(request, _("已撤回该利益冲突申报。"))
        return redirect("people:detail", pk=conflict.staff_id)
    staff = _staff_or_404(actor, conflict.staff_id)
    return _render_staff(request, staff, withdraw_form=form, status=refused_status(form))
