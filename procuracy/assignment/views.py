"""The acts of the case page's 分案 section: the draw and a designation. Each answers by
going back to the case page, with the reason when it was refused."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from procuracy.assignment import selectors, services
from procuracy.assignment.forms import DesignateForm, reassign_form
from procuracy.cases import selectors as cases
from procuracy.cases.models import Case
from procuracy.core.actors import actor_of
from procuracy.core.errors import ActDenied, RuleViolation


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
        lambda drawn: (
            _("随机分案完成:%(org)s(账本第 %(seq)s 条记录了分案输入,任何人都可重算)。")
            % {"org": drawn.assignment.org.name, "seq": drawn.seq}
        ),
    )


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
