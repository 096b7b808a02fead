"""The acts of the case page's 分案 section: the draw and a designation. Each answers by
going back to the case page, with the reason when it was refused. And the assignment audit
page (分案审计): every assignment in the reader's scope, each draw recomputed from the ledger."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from procuracy.assignment import selectors, services
from procuracy.assignment.forms import DesignateForm, reassign_form
from procuracy.assignment.models import AssignmentKind
from procuracy.cases import selectors as cases
from procuracy.cases.models import Case
from procuracy.core.actors import actor_of
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.organisation.models import Department, Procuratorate


def _case_or_404(actor, pk: int) -> Case:
    try:
        return cases.case_for(actor, pk)
    except Case.DoesNotExist:
        raise Http404 from None


def _perform(request, case: Case, act, success):
    """Perform the act and go back to the case page: 403 with the engine's reason when the act
    is refused, the broken rule as a message, or `success(result)` as one."""
    try:
        result = act()
    except ActDenied as denied:
        return render(request, "powers/denied.html", {"decision": denied.decision}, status=403)
    except RuleViolation as refused:
        messages.error(request, refused.rule)
    else:
        messages.success(request, success(result))
    return redirect("cases:detail", pk=case.pk)


@require_POST
def draw(request, pk: int):
    actor = actor_of(request)
    case = _case_or_404(actor, pk)
    return _perform(
        request,
        case,
        lambda: services.draw_case(actor=actor, case=case),
        _drawn,
    )


def _drawn(result) -> str:
    if isinstance(result, services.Awaiting):
        due = result.due
        return _(
            "分案输入已记入账本第 %(seq)s 条,等待信标第 %(round)s 轮(约 %(time)s 发布)"
            "后即可完成随机分案。"
        ) % {
            "seq": result.seq,
            "round": result.round,
            "time": timezone.localtime(due).strftime("%H:%M:%S") if due else "—",
        }
    return _("随机分案完成:%(org)s(账本第 %(seq)s 条记录了分案输入,任何人都可重算)。") % {
        "org": result.assignment.org.name,
        "seq": result.seq,
    }


@require_POST
def complete(request, pk: int):
    """Complete a draw that waited for its beacon round."""
    actor = actor_of(request)
    case = _case_or_404(actor, pk)
    return _perform(request, case, lambda: services.complete_draw(actor=actor, case=case), _drawn)


def _choose(request, pk: int, make_form, act, done: str):
    """A designation or a reassignment: an organisation, a reason and written reasoning."""
    actor = actor_of(request)
    case = _case_or_404(actor, pk)
    form = make_form(request.POST, orgs=selectors.orgs_for(case))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("cases:detail", pk=case.pk)
    return _perform(
        request,
        case,
        lambda: act(
            actor=actor,
            case=case,
            org=form.orgs[form.cleaned_data["org"]],
            reason=form.cleaned_data["reason"],
            reasoning=form.cleaned_data["reasoning"],
        ),
        lambda assignment: done % {"org": assignment.org.name},
    )


@require_POST
def reassign(request, pk: int):
    return _choose(request, pk, reassign_form, services.reassign_case, _("已改派由 %(org)s 办理。"))


@require_POST
def designate(request, pk: int):
    return _choose(
        request, pk, DesignateForm, services.designate_case, _("已指定由 %(org)s 办理。")
    )


# ---- the audit page ----------------------------------------------------------------------

ANY = [("", gettext_lazy("全部"))]
STATUS_TONES = {
    selectors.MATCHES: "green",
    selectors.DIFFERS: "red",
    selectors.UNVERIFIABLE: "amber",
}


def _month_field(label):
    widget = forms.DateInput(format="%Y-%m", attrs={"type": "month"})
    return forms.DateField(label=label, required=False, input_formats=["%Y-%m"], widget=widget)


class AuditFilterForm(forms.Form):
    """The audit page's filters: the procuratorates offered are those the reader may audit,
    the departments those of the procuratorate chosen (or of the only one)."""

    procuratorate = forms.TypedChoiceField(
        label=gettext_lazy("检察院"), required=False, coerce=int, empty_value=None
    )
    department = forms.TypedChoiceField(
        label=gettext_lazy("部门"), required=False, coerce=int, empty_value=None
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("分案方式"), required=False, choices=ANY + AssignmentKind.choices
    )
    month_from = _month_field(gettext_lazy("月份自"))
    month_to = _month_field(gettext_lazy("至"))

    def __init__(self, data, *, places):
        super().__init__(data)
        offered = list(Procuratorate.objects.filter(places).order_by("path"))
        self.fields["procuratorate"].choices = ANY + [(p.pk, p.name) for p in offered]
        chosen = str(data.get("procuratorate", "")) if data else ""
        place = next((p for p in offered if str(p.pk) == chosen), None)
        if place is None and len(offered) == 1:
            place = offered[0]
        units = (
            Department.objects.filter(procuratorate=place, case_handling_orgs__isnull=False)
            .distinct()
            .order_by("name", "pk")
            if place
            else []
        )
        self.fields["department"].choices = ANY + [(d.pk, d.name) for d in units]

    def filters(self) -> dict:
        """The keyword arguments for selectors.audit, from the fields that are valid."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            name: data[name]
            for name in self.fields
            if name not in self.errors and data.get(name) not in (None, "")
        }


@require_GET
def audit(request):
    """The assignment audit page: 403 with who may read it for anyone else."""
    actor = actor_of(request)
    try:
        places = selectors.audit_scope(actor, "")
    except ActDenied as denied:
        context = {"reason": denied.reason}
        return render(request, "assignment/audit_denied.html", context, status=403)
    form = AuditFilterForm(request.GET or None, places=places)
    filters = form.filters()
    found = selectors.audit(actor, page=request.GET.get("page"), **filters)
    for row in found.rows:
        row.tone = STATUS_TONES.get(row.status, "")
    context = {
        "form": form,
        "audit": found,
        "page": found.page,
        "summary": found.summary,
        "fairness": selectors.fairness(actor, **filters),
        "action": reverse("assignment:audit"),
        "kinds": AssignmentKind,
    }
    return render(request, "assignment/audit.html", context)
