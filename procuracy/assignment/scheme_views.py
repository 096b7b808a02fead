"""The assignment-scheme pages (分案方案): a procuratorate's schemes by department with the
form to draft one, and a version's page with its terms, its state and the acts on it —
revise, discard or approve a draft, draft the next version from the newest approved one."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from procuracy.assignment import schemes
from procuracy.assignment.models import AssignmentScheme, SchemeStatus
from procuracy.assignment.scheme_forms import ApproveSchemeForm, DiscardSchemeForm, SchemeForm
from procuracy.caseorgs.models import CaseHandlingOrg
from procuracy.core import scope
from procuracy.core.actors import actor_of
from procuracy.core.views import Fact, perform, refused_status
from procuracy.organisation.models import Department, Procuratorate
from procuracy.powers import engine


def _decision(actor, act: str, procuratorate) -> engine.Decision:
    """Whether to offer an act, and why not: asking records nothing."""
    return engine.authorize(actor, act, engine.Context(procuratorate=procuratorate))


def _scheme_or_404(actor, pk: int) -> AssignmentScheme:
    try:
        return schemes.scheme_for(actor, pk)
    except AssignmentScheme.DoesNotExist:
        raise Http404 from None


def _place(request, actor) -> Procuratorate | None:
    """The procuratorate asked for (?procuratorate=ID, within the reader's scope), or the
    reader's own."""
    asked = request.GET.get("procuratorate") or request.POST.get("procuratorate")
    places = scope.restrict(Procuratorate.objects.all(), actor, "")
    if asked and asked.isdigit():
        found = places.filter(pk=int(asked)).first()
        if found is None:
            raise Http404
        return found
    return actor.staff.procuratorate if actor.staff is not None else None


def _balance(s: AssignmentScheme) -> str:
    return _("%(d)s 件 / %(p)s/%(q)s") % {
        "d": f"{s.max_distance / 100:.2f}",
        "p": s.escape_numerator,
        "q": s.escape_denominator,
    }


# ---- the list ----------------------------------------------------------------------------


@require_GET
def scheme_list(request):
    actor = actor_of(request)
    return _render_list(request, actor, _place(request, actor))


def _render_list(request, actor, place, status=200, draft_form=None):
    context: dict = {"place": place, "groups": []}
    if place is not None:
        rows = schemes.with_states(
            schemes.schemes_for(actor)
            .filter(procuratorate=place)
            .order_by("department_id", "-number")
        )
        groups: dict[int, dict] = {}
        for s in rows:
            group = groups.setdefault(s.department_id, {"department": s.department, "rows": []})
            s.type_names = schemes.case_type_names(s.case_types)  # type: ignore[attr-defined]
            s.balance_label = _balance(s)  # type: ignore[attr-defined]
            group["rows"].append(s)
        context["groups"] = list(groups.values())
        draft = _decision(actor, schemes.DRAFT_SCHEME, place)
        context["draft_decision"] = draft
        context["draft_action"] = reverse("assignment:scheme_draft") + f"?procuratorate={place.pk}"
        if draft.allowed or draft_form is not None:
            context["draft_form"] = draft_form or SchemeForm(auto_id="new-%s", procuratorate=place)
    return render(request, "assignment/scheme_list.html", context, status=status)


@require_POST
def draft(request):
    """A new draft: from the list's form (any department) or from a version's page (the next
    version of its department)."""
    actor = actor_of(request)
    place = _place(request, actor)
    if place is None:
        raise Http404
    form = SchemeForm(request.POST, auto_id="new-%s", procuratorate=place)
    department = None
    if form.is_valid():
        department = Department.objects.filter(pk=form.cleaned_data["department"]).first()
    scheme = department is not None and perform(
        form, schemes.draft_scheme, actor=actor, department=department, **form.terms()
    )
    if scheme:
        messages.success(request, _("已起草第 %(n)s 版。") % {"n": scheme.number})
        return redirect("assignment:scheme", pk=scheme.pk)
    return _render_list(request, actor, place, status=refused_status(form), draft_form=form)


# ---- a version ---------------------------------------------------------------------------


def _facts(s: AssignmentScheme) -> list[Fact]:
    orgs = dict(CaseHandlingOrg.objects.filter(pk__in=s.orgs).values_list("pk", "name"))
    facts = [
        Fact(_("检察院"), s.procuratorate.name),
        Fact(_("内设机构"), s.department.name),
        Fact(_("状态"), s.state_label, tone=s.state_tone),  # type: ignore[attr-defined]
        Fact(_("案件类型"), "、".join(schemes.case_type_names(s.case_types))),
        Fact(
            _("参与分案的办案组织"),
            "、".join(orgs.get(pk, str(pk)) for pk in s.orgs) or _("本部门全部办案组织"),
        ),
        Fact(_("负荷差距 / 逃逸概率"), _balance(s)),
        Fact(
            _("每日集中分案时刻"),
            _("受理即分案") if s.batch_hour is None else f"{s.batch_hour:02d}:00",
        ),
        Fact(_("起草"), f"{s.drafted_by.name if s.drafted_by else ''} {s.drafted_at:%Y-%m-%d}"),
    ]
    if s.status == SchemeStatus.APPROVED:
        approver = s.approved_by.name if s.approved_by else ""
        facts += [
            Fact(_("生效日期"), s.effective_from.isoformat() if s.effective_from else ""),
            Fact(_("批准"), f"{s.get_approval_body_display()} {approver}".strip()),
            Fact(_("批准文号或会议纪要"), s.approval_reference),
        ]
    if s.discard_reason:
        facts.append(Fact(_("废弃理由"), s.discard_reason))
    facts.append(Fact(_("说明"), s.note))
    return facts


def _controls(actor, s: AssignmentScheme, forms: dict) -> dict:
    """A form for each act the reader may take, a disabled button with the reason for each
    they may not; `forms` holds bound forms to show again."""
    draft = _decision(actor, schemes.DRAFT_SCHEME, s.procuratorate)
    controls: dict = {"draft_decision": draft}
    if s.status == SchemeStatus.DRAFT:
        approve = _decision(actor, schemes.APPROVE_SCHEME, s.procuratorate)
        controls["approve_decision"] = approve
        if draft.allowed or "revise_form" in forms:
            controls["revise_form"] = forms.get("revise_form") or SchemeForm(
                auto_id="rev-%s",
                procuratorate=s.procuratorate,
                department=s.department,
                initial=SchemeForm.initial_from(s),
            )
        if draft.allowed or "discard_form" in forms:
            controls["discard_form"] = forms.get("discard_form") or DiscardSchemeForm(
                auto_id="dis-%s"
            )
        if approve.allowed or "approve_form" in forms:
            controls["approve_form"] = forms.get("approve_form") or ApproveSchemeForm(
                auto_id="app-%s", initial={"body": schemes.approval_required()}
            )
    elif (
        s.status == SchemeStatus.APPROVED
        and not s.department.assignment_schemes.filter(number__gt=s.number)
        .exclude(status=SchemeStatus.DISCARDED)
        .exists()
    ):
        controls["offer_draft"] = True
        if draft.allowed:
            controls["next_form"] = SchemeForm(
                auto_id="next-%s",
                procuratorate=s.procuratorate,
                department=s.department,
                initial=SchemeForm.initial_from(s),
            )
    return controls


def _render_scheme(request, s: AssignmentScheme, status=200, **forms):
    actor = actor_of(request)
    others = s.department.assignment_schemes.exclude(pk=s.pk).order_by("-number")
    context = {
        "scheme": s,
        "facts": _facts(s),
        "others": schemes.with_states(others),
        "list_url": reverse("assignment:schemes") + f"?procuratorate={s.procuratorate_id}",
        "next_action": reverse("assignment:scheme_draft") + f"?procuratorate={s.procuratorate_id}",
        **_controls(actor, s, forms),
    }
    return render(request, "assignment/scheme_detail.html", context, status=status)


@require_GET
def scheme_detail(request, pk: int):
    return _render_scheme(request, _scheme_or_404(actor_of(request), pk))


@require_POST
def revise(request, pk: int):
    actor = actor_of(request)
    s = _scheme_or_404(actor, pk)
    form = SchemeForm(
        request.POST, auto_id="rev-%s", procuratorate=s.procuratorate, department=s.department
    )
    if form.is_valid() and perform(
        form, schemes.revise_scheme, actor=actor, scheme=s, **form.terms()
    ):
        messages.success(request, _("草稿已修改。"))
        return redirect("assignment:scheme", pk=s.pk)
    return _render_scheme(request, s, status=refused_status(form), revise_form=form)


@require_POST
def approve(request, pk: int):
    actor = actor_of(request)
    s = _scheme_or_404(actor, pk)
    form = ApproveSchemeForm(request.POST, auto_id="app-%s")
    if form.is_valid() and perform(
        form, schemes.approve_scheme, actor=actor, scheme=s, **form.cleaned_data
    ):
        day = form.cleaned_data["effective_from"].isoformat()
        messages.success(request, _("已批准,自 %(day)s 起生效。") % {"day": day})
        return redirect("assignment:scheme", pk=s.pk)
    return _render_scheme(request, s, status=refused_status(form), approve_form=form)


@require_POST
def discard(request, pk: int):
    actor = actor_of(request)
    s = _scheme_or_404(actor, pk)
    form = DiscardSchemeForm(request.POST, auto_id="dis-%s")
    if form.is_valid() and perform(
        form, schemes.discard_scheme, actor=actor, scheme=s, **form.cleaned_data
    ):
        messages.success(request, _("草稿已废弃。"))
        return redirect("assignment:scheme", pk=s.pk)
    return _render_scheme(request, s, status=refused_status(form), discard_form=form)
