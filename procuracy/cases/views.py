"""The case pages: the intake form, the case office's queue (with its deadline warnings), a
case's page (facts, parties, every stage's time limit, the 办理 section with the transitions
its state allows and the decisions made or waiting, history), the transitions posted from it,
and the prosecutor's desk (待办); and the working-day calendar (a year's holidays and make-up
working days, and — for those the role rule allows — the forms to load the official year and
to mark or unmark a day)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from procuracy.cases import desk as desks
from procuracy.cases import intake, lifecycle, selectors, services
from procuracy.cases.calendar import periods
from procuracy.cases.forms import (
    TRANSITION_FORMS,
    CaseFilterForm,
    DecisionForm,
    IntakeForm,
    LoadForm,
    MarkForm,
    PartyFormSet,
    UnmarkForm,
    VariantForm,
    YearForm,
    parties_of,
)
from procuracy.cases.models import CalendarDay, Case, CaseStatus, DayKind, DaySource
from procuracy.core.actors import actor_of
from procuracy.core.models import today
from procuracy.core.selectors import acts_about
from procuracy.core.views import Fact, perform, refused_status
from procuracy.ledger import selectors as ledger
from procuracy.powers import engine

PAGE_SIZE = 50
STATUS_TONES = {
    CaseStatus.RECEIVED: "amber",
    CaseStatus.ASSIGNED: "blue",
    CaseStatus.HANDLING: "green",
    CaseStatus.DECIDING: "navy",
    CaseStatus.EXECUTING: "red",
    CaseStatus.RETURNED: "amber",
    CaseStatus.SUSPENDED: "slate",
    CaseStatus.CLOSED: "slate",
    CaseStatus.TRANSFERRED: "slate",
    CaseStatus.ARCHIVED: "slate",
}
LIMIT_TONES = {"ok": "green", "due_soon": "amber", "overdue": "red"}

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


# ---- intake ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def intake_form(request):
    """The case office takes a case in; anyone else sees the form with the reason they may not."""
    actor = actor_of(request)
    place = selectors.intake_place(actor)
    if request.method == "GET":
        return _render_intake(request, place, IntakeForm(), PartyFormSet(prefix="parties"))
    form = IntakeForm(request.POST)
    parties = PartyFormSet(request.POST, prefix="parties")
    case = None
    if form.is_valid() and parties.is_valid():
        case = perform(
            form,
            intake.receive_case,
            actor=actor,
            procuratorate=place,
            parties=parties_of(parties),
            **form.arguments(),
        )
    if case is None:
        return _render_intake(request, place, form, parties, status=refused_status(form))
    messages.success(request, _("已受理,案号 %(number)s。") % {"number": case.number})
    for warning in case.warnings:
        messages.warning(request, _("受理提示:%(warning)s") % {"warning": warning})
    return redirect("cases:detail", pk=case.pk)


def _render_intake(request, place, form, parties, status=200):
    decision = engine.authorize(
        actor_of(request), intake.INTAKE, engine.Context(procuratorate=place)
    )
    context = {"form": form, "parties": parties, "place": place, "decision": decision}
    return render(request, "cases/intake.html", context, status=status)


@require_GET
def intake_lines(request):
    """The business-line field offering the chosen case type's lines (swapped in by htmx)."""
    form = IntakeForm()
    form.offer_lines(request.GET.get("case_type"))
    return render(request, "cases/intake.html#business-line", {"field": form["business_line"]})


# ---- the queue ---------------------------------------------------------------------------


@require_GET
def case_list(request):
    actor = actor_of(request)
    filters = CaseFilterForm(request.GET)
    chosen = filters.filters()
    due = chosen.pop("due", "")
    rows = desks.due_filter(selectors.cases(actor, **chosen), due)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    day = today()
    allowed = desks.allowed_actions(actor, page.object_list, day)
    for row in page.object_list:
        row.allowed = allowed[row.pk]
        row.flag_text = selectors.flag_labels(row.flags)
        row.status_tone = STATUS_TONES.get(row.status, "")
        row.due_state = selectors.due_state(row, day)
        row.due_tone = LIMIT_TONES.get(row.due_state, "")
    place = selectors.intake_place(actor)
    context = {
        "page": page,
        "filters": filters,
        "action": reverse("cases:list"),
        "may_take_in": engine.may(actor, intake.INTAKE, place) if place else False,
        "status_tones": STATUS_TONES,
    }
    if not request.htmx:
        # Cases whose organisation can no longer carry them (the assignment app's list).
        from procuracy.assignment import handover

        context["handovers"] = handover.awaiting(selectors.readable_q(actor), today())
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "cases/case_list.html#results", context)
    else:
        response = render(request, "cases/case_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# ---- a case ------------------------------------------------------------------------------


def _case_or_404(actor, pk: int) -> Case:
    try:
        return selectors.case_for(actor, pk)
    except Case.DoesNotExist:
        raise Http404 from None


def _facts(case: Case) -> list[Fact]:
    place = case.procuratorate
    return [
        Fact(_("案号"), case.number),
        Fact(_("受理院"), place.name, url=reverse("organisation:procuratorate", args=[place.pk])),
        Fact(_("案件类型"), case.case_type.name),
        Fact(_("业务条线"), case.business_line.name),
        Fact(_("案件来源"), case.get_source_display()),
        Fact(_("移送单位"), case.referred_by),
        Fact(_("受理日期"), case.received_on.isoformat()),
        Fact(_("犯罪嫌疑人在押"), _("是") if case.custody else _("否")),
        Fact(_("案件情形"), selectors.flag_labels(case.flags)),
        Fact(_("涉案金额(元)"), f"{case.amount:,.2f}" if case.amount is not None else ""),
        Fact(_("权重"), case.weight),
        Fact(_("状态"), case.get_status_display(), tone=STATUS_TONES.get(case.status, "")),
        Fact(_("受理人"), case.received_by.name if case.received_by else ""),
    ]


def _related(actor, case: Case) -> list[tuple[str, int | None]]:
    """The related case numbers, each with the pk of the case when the reader may open it."""
    found = dict(
        selectors.visible_cases(actor).filter(number__in=case.related).values_list("number", "pk")
    )
    return [(number, found.get(number)) for number in case.related]


@require_GET
def case_detail(request, pk: int):
    actor = actor_of(request)
    return render_case(request, actor, _case_or_404(actor, pk))


def render_case(request, actor, case: Case, status=200, failed=None, oversight_failed=None):
    """The case page; `failed` is the (transition, bound form) a refused post left, shown
    with its reason in the 办理 section; `oversight_failed` the same for an act of the
    监督制约 section (procuracy.oversight.review_views)."""
    acts = list(acts_about(case, visible=ledger.visibility_q(actor)))
    limits = selectors.time_limits(case)
    limit = selectors.current_limit(limits)
    stages = [
        {"limit": t, "tone": LIMIT_TONES.get(t.state, ""), "late_by": -(t.days_left or 0)}
        for t in limits
    ]
    context = {
        "case": case,
        "facts": _facts(case),
        "related": _related(actor, case),
        "parties": list(case.parties.all()),
        "limit": limit,
        "stages": stages,
        "limit_tone": LIMIT_TONES.get(limit.state, "") if limit else "",
        "acts": acts,
        "readable": {act.seq for act in acts},
        "status_tone": STATUS_TONES.get(case.status, ""),
        **_lifecycle(actor, case, failed),
    }
    # The 监督制约 section belongs to the oversight app, which stands on cases.
    from procuracy.oversight import review_views

    context.update(review_views.section(actor, case, oversight_failed))
    # The 分案 section belongs to the assignment app, which stands on cases.
    from procuracy.assignment import selectors as assignment
    from procuracy.assignment.forms import DesignateForm, reassign_form

    context["assignment"] = assignment.case_section(actor, case)
    context["designate_form"] = DesignateForm(orgs=assignment.orgs_for(case))
    reasons = context["assignment"].get("handover")
    context["reassign_form"] = reassign_form(
        orgs=assignment.orgs_for(case), initial={"reason": "staff_change"} if reasons else None
    )
    return render(request, "cases/case_detail.html", context, status=status)


def _lifecycle(actor, case: Case, failed) -> dict:
    """The 办理 section: the transitions the state allows with the reader's answer for each,
    a form for each one allowed (the refused post's own, bound, to show its errors), the
    decision waiting and those made."""
    found = desks.actions(actor, case)
    forms = {}
    for name, decision in found.offers.items():
        if decision.allowed and not (name == "decide" and found.decide_in_oversight):
            forms[name] = _form(name, found)
    waiting = found.pending
    if "decide" in forms and waiting and any(o.code == waiting.matter.code for o in found.direct):
        forms["decide"].initial["matter"] = waiting.matter.code  # the submission, preselected
    errors: list[str] = []
    if failed is not None:
        name, form = failed
        if name in forms:
            if isinstance(form, DecisionForm):
                form.offer(found.direct if name == "decide" else found.upward)
            forms[name] = form
        else:
            errors = [e for field_errors in form.errors.values() for e in field_errors]
    return {
        "lifecycle": found,
        "offers": [
            (name, found.labels[name], decision, forms.get(name))
            for name, decision in found.offers.items()
        ],
        "lifecycle_errors": errors,
        "decisions": desks.decisions(case),
        "sealed_label": case.get_sealed_display() if case.sealed else "",
    }


def _form(name: str, found: desks.Actions | None, data=None):
    """The transition's form; the decision forms offer the matters of `found` (a posted form
    needs none: the service answers for any matter)."""
    if name == "decide":
        return DecisionForm(data, options=found.direct if found else (), auto_id="decide-%s")
    if name == "submit":
        return DecisionForm(data, options=found.upward if found else (), auto_id="submit-%s")
    if name == "variant":
        return VariantForm(data, options=found.variants if found else ())
    return TRANSITION_FORMS[name](data)


# ---- the transitions posted from the case page -------------------------------------------

SERVICES = {
    "start": lifecycle.start_handling,
    "submit": lifecycle.submit_decision,
    "decide": lifecycle.decide,
    "exclude": lifecycle.exclude_period,
    "variant": lifecycle.set_stage_variant,
    "resubmit": lifecycle.resubmit,
    "conclude": lifecycle.conclude,
    "archive": lifecycle.archive,
    "execute": lifecycle.execute,
}


def _done(name: str, case: Case, result) -> str:
    if name in ("submit", "decide"):
        matter = result.matter.name
        if name == "submit":
            path = "、".join(engine.step_label(s["holder"], s["power"]) for s in result.path)
            return _("已报请“%(matter)s”,等待%(path)s。") % {"matter": matter, "path": path}
        return _("已作出决定:“%(matter)s”。案件状态:%(status)s。") % {
            "matter": matter,
            "status": case.get_status_display(),
        }
    if name == "exclude":
        return _("已记录不计入期限的期间 %(start)s 至 %(end)s;期限届满日:%(day)s。") % {
            "start": result.start.isoformat(),
            "end": result.end.isoformat(),
            "day": case.due_on.isoformat() if case.due_on else "—",
        }
    if name == "variant":
        return _("期限改按所认定的情形计算,届满日:%(day)s。") % {
            "day": case.due_on.isoformat() if case.due_on else "—"
        }
    if name == "resubmit":
        return _("已受理重新移送,审查期限自 %(day)s 重新计算,届满日:%(expires)s。") % {
            "day": result.started_on.isoformat(),
            "expires": result.expires_on.isoformat() if result.expires_on else "—",
        }
    return _("已%(act)s。案件状态:%(status)s。") % {
        "act": lifecycle.TRANSITION_LABELS[name],
        "status": case.get_status_display(),
    }


@require_POST
def transition(request, pk: int, name: str):
    """Perform one transition and go back to the case page; a refusal (the power list's, 403)
    or a broken rule re-renders the page with the reason, nothing written."""
    actor = actor_of(request)
    case = _case_or_404(actor, pk)
    form = _form(name, None, request.POST)
    if form.is_valid():
        done = perform(form, SERVICES[name], actor=actor, case=case, **form.arguments())
        if done is not None:
            case.refresh_from_db()
            messages.success(request, _done(name, case, done))
            return redirect("cases:detail", pk=case.pk)
    case.refresh_from_db()  # what the refused act may have changed in memory, not in the database
    return render_case(request, actor, case, status=refused_status(form), failed=(name, form))


# ---- the desk (待办) ----------------------------------------------------------------------


@require_GET
def desk(request):
    found = desks.desk(actor_of(request))
    for case in found.cases():
        case.status_tone = STATUS_TONES.get(case.status, "")
        case.due_tone = LIMIT_TONES.get(case.due_state, "")
    return render(request, "cases/desk.html", {"desk": found})
