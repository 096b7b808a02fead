"""An organisation's page (type, members, history) and the membership acts posted from it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from procuracy.caseorgs import selectors, services
from procuracy.caseorgs.forms import AddMemberForm, EndMembershipForm
from procuracy.caseorgs.models import CaseHandlingOrg, Membership, Role
from procuracy.core.actors import actor_of
from procuracy.core.selectors import acts_about
from procuracy.core.views import Fact, perform, refused_status
from procuracy.ledger import selectors as ledger
from procuracy.powers.engine import may

# The roles that leave by another act (dissolving the organisation, changing the lead).
STAYING_ROLES = (Role.SOLE, Role.LEAD)


def _org_or_404(actor, pk: int) -> CaseHandlingOrg:
    try:
        return selectors.org_for(actor, pk)
    except CaseHandlingOrg.DoesNotExist:
        raise Http404 from None


def _facts(org: CaseHandlingOrg, members: list) -> list[Fact]:
    place = org.procuratorate
    facts = [
        Fact(_("类型"), org.type_label, tone="blue" if org.kind == "sole" else "green"),
        Fact(_("检察院"), place.name, url=reverse("organisation:procuratorate", args=[place.pk])),
        Fact(_("内设机构"), org.department.name),
        Fact(_("组建日期"), org.valid_from.isoformat()),
        Fact(_("当前成员"), len(members)),
    ]
    if org.valid_to:
        facts.append(Fact(_("撤销日期"), org.valid_to.isoformat()))
    return facts


def _render_org(request, org, *, add_form=None, failed=None, status=200):
    """The page; `failed` is a bound EndMembershipForm that was refused, shown on its row."""
    actor = actor_of(request)
    members = list(selectors.current_members(org))
    manage = may(actor, services.MANAGE, org.procuratorate)
    for member in members:
        member.can_end = manage and member.role not in STAYING_ROLES
        if failed is not None and failed.membership_id == member.pk:
            member.end_form = failed
        else:
            member.end_form = EndMembershipForm(auto_id=f"end-{member.pk}-%s")
    if add_form is None and manage:
        add_form = AddMemberForm(org=org, actor=actor, members=members)
    acts = list(acts_about(org, visible=ledger.visibility_q(actor)))
    context = {
        "org": org,
        "facts": _facts(org, members),
        "members": members,
        "history": selectors.membership_history(org),
        "acts": acts,
        "readable": {act.seq for act in acts},
        "add_form": add_form,
        "failed": failed,
    }
    return render(request, "caseorgs/org_detail.html", context, status=status)


def org_detail(request, pk: int):
    return _render_org(request, _org_or_404(actor_of(request), pk))


@require_POST
def add_member(request, pk: int):
    actor = actor_of(request)
    org = _org_or_404(actor, pk)
    members = list(selectors.current_members(org))
    form = AddMemberForm(request.POST, org=org, actor=actor, members=members)
    if form.is_valid() and perform(
        form, services.add_member, actor=actor, org=org, **form.cleaned_data
    ):
        messages.success(request, _("已增补成员。"))
        return redirect("caseorgs:detail", pk=org.pk)
    return _render_org(request, org, add_form=form, status=refused_status(form))


@require_POST
def end_membership(request, pk: int, membership: int):
    actor = actor_of(request)
    org = _org_or_404(actor, pk)
    try:
        row = selectors.membership_history(org).get(pk=membership)
    except Membership.DoesNotExist:
        raise Http404 from None
    form = EndMembershipForm(request.POST, auto_id=f"end-{row.pk}-%s")
    form.membership_id = row.pk
    if form.is_valid() and perform(
        form, services.end_membership, actor=actor, membership=row, **form.cleaned_data
    ):
        messages.success(request, _("%(name)s 已离开本办案组织。") % {"name": row.staff.name})
        return redirect("caseorgs:detail", pk=org.pk)
    return _render_org(request, org, failed=form, status=refused_status(form))
