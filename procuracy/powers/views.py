"""The power-list pages: the lists and their versions, a version's items with the
edit-and-approve flow of a draft, an item's history, the comparison of two versions,
delegations, refused attempts, the public page of the lists in force, and the page that
answers "why can't I?"."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from procuracy.core.actors import Actor, actor_of
from procuracy.core.models import today
from procuracy.core.views import Fact, perform, refused_status
from procuracy.organisation.models import Procuratorate
from procuracy.powers import engine, selectors, services, tabular
from procuracy.powers.forms import (
    ApproveForm,
    CheckForm,
    DelegationForm,
    DiscardForm,
    DraftForm,
    ImportForm,
    ItemFilterForm,
    ItemForm,
    RemoveForm,
    RevokeForm,
)
from procuracy.powers.models import (
    Delegation,
    Item,
    ListKind,
    ListVersion,
    Power,
    PowerList,
    VersionStatus,
)

PAGE_SIZE = 50


def _decision(actor, act: str, procuratorate) -> engine.Decision:
    """Whether to offer an act, and why not: asking records nothing."""
    return engine.authorize(actor, act, engine.Context(procuratorate=procuratorate))


def _perform(form, act, **kwargs):
    """`perform`, with each reason a set of items cannot stand on its own line above the
    fields (a draft is checked as a whole, so the reasons name rows, not fields)."""

    def unfolded(**kw):
        try:
            return act(**kw)
        except services.ListProblems as problems:
            form.add_error(None, [problems.messages[0], *problems.reasons])
            return None

    return perform(form, unfolded, **kwargs)


def _version_or_404(pk: int) -> ListVersion:
    try:
        return selectors.version(pk)
    except ListVersion.DoesNotExist:
        raise Http404 from None


def _item_or_404(pk: int) -> Item:
    try:
        return selectors.item(pk)
    except Item.DoesNotExist:
        raise Http404 from None


def _place_or_404(actor, pk: int) -> Procuratorate:
    try:
        return selectors.procuratorate_for(actor, pk)
    except Procuratorate.DoesNotExist:
        raise Http404 from None


# ---- the lists ---------------------------------------------------------------------------


@require_GET
def index(request):
    return _render_index(request)


def _render_index(request, status=200, additions_form=None):
    actor = actor_of(request)
    place = actor.staff.procuratorate if actor.staff else None
    lists = selectors.lists_for(actor)
    context = {
        "lists": lists,
        "place": place,
        "refusals": place is not None and engine.may(actor, selectors.READ_REFUSALS, place),
    }
    if place is not None and selectors.may_add_to(place, lists):
        draft = _decision(actor, services.DRAFT, place)
        context["additions_decision"] = draft
        if draft.allowed or additions_form is not None:
            context["additions_form"] = additions_form or ImportForm(
                auto_id="add-list-%s", level_list=False
            )
    return render(request, "powers/index.html", context, status=status)


def _version_facts(v: ListVersion) -> list[Fact]:
    power_list = v.power_list
    facts = [
        Fact(_("清单"), power_list.title),
        Fact(_("制定院"), power_list.procuratorate.name),
        Fact(_("适用层级"), power_list.get_level_display()),
        Fact(_("状态"), v.state_label, tone=v.state_tone),
        Fact(_("生效日期"), v.effective_from.isoformat() if v.effective_from else ""),
    ]
    if v.status == VersionStatus.APPROVED:
        approver = v.approved_by.name if v.approved_by else ""
        facts += [
            Fact(_("批准"), f"{v.get_approval_body_display()} {approver}".strip()),
            Fact(_("批准文号或会议纪要"), v.approval_reference),
        ]
    if v.based_on:
        url = reverse("powers:version", args=[v.based_on.pk])
        facts.append(Fact(_("基于版本"), _("第 %(n)s 版") % {"n": v.based_on.number}, url=url))
    facts += [
        Fact(_("允许各院补充"), _("是") if v.allows_additions else _("否")),
        Fact(_("来源"), v.source),
        Fact(_("说明"), v.note),
    ]
    return facts


def _version_controls(actor, v: ListVersion, forms: dict) -> dict:
    """The acts the page offers on a version: a form for each the reader may take, a disabled
    button with the reason for each they may not. `forms` holds bound forms to show again."""
    place = v.power_list.procuratorate
    draft = _decision(actor, services.DRAFT, place)
    controls: dict = {"draft_decision": draft}
    if v.status == VersionStatus.DRAFT:
        approve = _decision(actor, services.APPROVE, place)
        controls["approve_decision"] = approve
        if draft.allowed or "add_form" in forms:
            controls["add_form"] = forms.get("add_form") or ItemForm(auto_id="add-%s")
        if draft.allowed or "discard_form" in forms:
            controls["discard_form"] = forms.get("discard_form") or DiscardForm(auto_id="dis-%s")
        if approve.allowed or "approve_form" in forms:
            controls["approve_form"] = forms.get("approve_form") or ApproveForm(auto_id="app-%s")
    elif v.status == VersionStatus.APPROVED and v == selectors.newest(v.power_list):
        controls["offer_draft"] = True
        level = v.power_list.kind == ListKind.LEVEL
        initial = {"allows_additions": v.allows_additions}
        if draft.allowed or "draft_form" in forms:
            controls["draft_form"] = forms.get("draft_form") or DraftForm(
                auto_id="new-%s", initial=initial, level_list=level
            )
        if draft.allowed or "import_form" in forms:
            controls["import_form"] = forms.get("import_form") or ImportForm(
                auto_id="imp-%s", initial=initial, level_list=level
            )
    return controls


def _render_version(request, v: ListVersion, status=200, **forms):
    actor = actor_of(request)
    filters = ItemFilterForm(request.GET)
    rows = selectors.items_of(v, **filters.filters())
    action = reverse("powers:version", args=[v.pk])
    context = {
        "version": v,
        "rows": rows,
        "linked": True,
        "filters": filters,
        "action": action,
        "others": selectors.with_states(v.power_list.versions.exclude(pk=v.pk).order_by("-number")),
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "powers/version.html#results", context)
    else:
        context["facts"] = _version_facts(v)
        context.update(_version_controls(actor, v, forms))
        response = render(request, "powers/version.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def version_detail(request, pk: int):
    return _render_version(request, _version_or_404(pk))


@require_POST
def add_item(request, pk: int):
    actor = actor_of(request)
    v = _version_or_404(pk)
    form = ItemForm(request.POST, auto_id="add-%s")
    if form.is_valid() and _perform(
        form, services.add_item, actor=actor, version=v, fields=form.item_fields()
    ):
        messages.success(request, _("已增加第 %(n)s 项。") % {"n": form.cleaned_data["number"]})
        return redirect("powers:version", pk=v.pk)
    return _render_version(request, v, status=refused_status(form), add_form=form)


@require_POST
def approve(request, pk: int):
    actor = actor_of(request)
    v = _version_or_404(pk)
    form = ApproveForm(request.POST, auto_id="app-%s")
    if form.is_valid() and _perform(
        form, services.approve_version, actor=actor, version=v, **form.cleaned_data
    ):
        day = form.cleaned_data["effective_from"].isoformat()
        messages.success(request, _("已批准,自 %(day)s 起生效。") % {"day": day})
        return redirect("powers:version", pk=v.pk)
    return _render_version(request, v, status=refused_status(form), approve_form=form)


@require_POST
def discard(request, pk: int):
    actor = actor_of(request)
    v = _version_or_404(pk)
    form = DiscardForm(request.POST, auto_id="dis-%s")
    if form.is_valid() and perform(
        form, services.discard_version, actor=actor, version=v, **form.cleaned_data
    ):
        messages.success(request, _("草稿已废弃。"))
        return redirect("powers:version", pk=v.pk)
    return _render_version(request, v, status=refused_status(form), discard_form=form)


@require_POST
def new_draft(request, pk: int):
    """A new draft of the version's list, copied from its newest version."""
    actor = actor_of(request)
    v = _version_or_404(pk)
    level = v.power_list.kind == ListKind.LEVEL
    form = DraftForm(request.POST, auto_id="new-%s", level_list=level)
    draft = form.is_valid() and perform(
        form, services.draft_version, actor=actor, power_list=v.power_list, **form.cleaned_data
    )
    if draft:
        messages.success(request, _("已起草第 %(n)s 版。") % {"n": draft.number})
        return redirect("powers:version", pk=draft.pk)
    return _render_version(request, v, status=refused_status(form), draft_form=form)


@require_POST
def import_draft(request, pk: int):
    """A new draft of the version's list from a spreadsheet: every row checked, nothing
    written while any is wrong."""
    actor = actor_of(request)
    v = _version_or_404(pk)
    level = v.power_list.kind == ListKind.LEVEL
    form = ImportForm(request.POST, request.FILES, auto_id="imp-%s", level_list=level)
    draft = form.is_valid() and _perform(
        form,
        _from_file(form, services.draft_version),
        actor=actor,
        power_list=v.power_list,
        allows_additions=form.cleaned_data.get("allows_additions"),
    )
    if draft:
        return _imported(request, draft)
    return _render_version(request, v, status=refused_status(form), import_form=form)


def _from_file(form: ImportForm, draft):
    """`draft` (a version of a list, or a procuratorate's additions) with the uploaded file's
    items, named as its source."""
    upload = form.cleaned_data["file"]

    def act(**kwargs):
        items = tabular.read(upload, form.format)
        source = tabular.source_of(upload.name)
        return draft(items=items, source=source, note=form.cleaned_data["note"], **kwargs)

    return act


def _imported(request, draft: ListVersion):
    messages.success(
        request,
        _("已从文件导入第 %(n)s 版草稿,共 %(items)s 项。")
        % {"n": draft.number, "items": draft.items.count()},
    )
    return redirect("powers:version", pk=draft.pk)


@require_POST
def new_additions(request, pk: int):
    """A procuratorate's own additions, drafted from a spreadsheet where the province's list in
    force allows them."""
    actor = actor_of(request)
    place = _place_or_404(actor, pk)
    form = ImportForm(request.POST, request.FILES, auto_id="add-list-%s", level_list=False)
    draft = form.is_valid() and _perform(
        form, _from_file(form, services.draft_additions), actor=actor, procuratorate=place
    )
    if draft:
        return _imported(request, draft)
    return _render_index(request, status=refused_status(form), additions_form=form)


@require_GET
def export(request, pk: int, format: str):
    """A version as a spreadsheet, in the columns an import reads."""
    if format not in tabular.FORMATS:
        raise Http404
    v = _version_or_404(pk)
    buffer = io.BytesIO()
    tabular.write(v, buffer, format)
    name = _("%(title)s(第%(n)s版).%(format)s") % {
        "title": v.power_list.title,
        "n": v.number,
        "format": format,
    }
    response = HttpResponse(buffer.getvalue(), content_type=EXPORT_TYPES[format])
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


# ---- an item -----------------------------------------------------------------------------


def _item_facts(it: Item) -> list[Fact]:
    facts = [
        Fact(_("序号"), it.number),
        Fact(_("编号"), it.code),
        Fact(_("业务条线"), selectors.field_text("business_line", it.business_line)),
        Fact(_("事项"), it.matter.name),
        Fact(_("权力主体"), selectors.field_text("holder", it.holder)),
        Fact(_("权力类型"), selectors.field_text("power", it.power)),
    ]
    facts += [Fact(label, text) for label, text in selectors.conditions(it)] or [
        Fact(_("条件"), _("不限"))
    ]
    return [*facts, Fact(_("依据"), it.legal_basis), Fact(_("备注"), it.note)]


def _render_item(request, it: Item, status=200, change_form=None, remove_form=None):
    actor = actor_of(request)
    v = selectors.with_states([it.version])[0]
    context = {
        "item": it,
        "version": v,
        "history": selectors.history(it),
        "facts": _item_facts(it),
        "change_form": change_form,
        "remove_form": remove_form,
    }
    if v.status == VersionStatus.DRAFT:
        decision = _decision(actor, services.DRAFT, v.power_list.procuratorate)
        context["draft_decision"] = decision
        if decision.allowed:
            context["change_form"] = change_form or ItemForm(item=it, auto_id="chg-%s")
            context["remove_form"] = remove_form or RemoveForm(auto_id="rm-%s")
    return render(request, "powers/item.html", context, status=status)


@require_GET
def item_detail(request, pk: int):
    return _render_item(request, _item_or_404(pk))


@require_POST
def change_item(request, pk: int):
    actor = actor_of(request)
    it = _item_or_404(pk)
    form = ItemForm(request.POST, auto_id="chg-%s")
    if form.is_valid() and _perform(
        form, services.change_item, actor=actor, item=it, fields=form.item_fields()
    ):
        messages.success(request, _("已修改第 %(n)s 项。") % {"n": it.number})
        return redirect("powers:item", pk=it.pk)
    return _render_item(request, it, status=refused_status(form), change_form=form)


def _removed(**kwargs) -> bool:
    services.remove_item(**kwargs)
    return True


@require_POST
def remove_item(request, pk: int):
    actor = actor_of(request)
    it = _item_or_404(pk)
    version_pk, number = it.version_id, it.number
    form = RemoveForm(request.POST, auto_id="rm-%s")
    if form.is_valid() and perform(form, _removed, actor=actor, item=it):
        messages.success(request, _("已删除第 %(n)s 项。") % {"n": number})
        return redirect("powers:version", pk=version_pk)
    return _render_item(request, it, status=refused_status(form), remove_form=form)


# ---- two versions ------------------------------------------------------------------------


@require_GET
def compare(request, pk: int):
    try:
        power_list = PowerList.objects.select_related("procuratorate").get(pk=pk)
    except PowerList.DoesNotExist:
        raise Http404 from None
    versions = selectors.with_states(power_list.versions.order_by("-number"))
    by_pk = {str(v.pk): v for v in versions}
    older, newer = by_pk.get(request.GET.get("a", "")), by_pk.get(request.GET.get("b", ""))
    if (older is None or newer is None) and len(versions) >= 2:
        older, newer = versions[1], versions[0]
    context = {
        "power_list": power_list,
        "versions": versions,
        "comparison": selectors.compare(older, newer) if older and newer else None,
        "pickers": [("a", _("比较"), older), ("b", _("与"), newer)],
    }
    return render(request, "powers/compare.html", context)


# ---- delegations -------------------------------------------------------------------------


def _render_delegations(request, place, status=200, grant_form=None, failed=None):
    """The page; `failed` is a bound RevokeForm that was refused, shown on its row."""
    actor = actor_of(request)
    decision = _decision(actor, services.DELEGATE, place)
    rows = selectors.delegations(place)
    for d in rows["current"]:
        if failed is not None and failed.delegation_id == d.pk:
            d.revoke_form = failed
        elif decision.allowed:
            d.revoke_form = RevokeForm(auto_id=f"rev-{d.pk}-%s")
    if grant_form is None and decision.allowed:
        grant_form = DelegationForm(procuratorate=place, auto_id="del-%s")
    context = {
        "place": place,
        "current": rows["current"],
        "other": rows["other"],
        "decision": decision,
        "grant_form": grant_form,
        "failed": failed,
    }
    return render(request, "powers/delegations.html", context, status=status)


@require_GET
def delegations(request, pk: int):
    return _render_delegations(request, _place_or_404(actor_of(request), pk))


@require_POST
def grant(request, pk: int):
    actor = actor_of(request)
    place = _place_or_404(actor, pk)
    form = DelegationForm(request.POST, procuratorate=place, auto_id="del-%s")
    if form.is_valid() and perform(
        form, services.delegate, actor=actor, procuratorate=place, **form.arguments()
    ):
        messages.success(request, _("已登记书面授权。"))
        return redirect("powers:delegations", pk=place.pk)
    return _render_delegations(request, place, status=refused_status(form), grant_form=form)


@require_POST
def revoke(request, pk: int):
    actor = actor_of(request)
    try:
        d = selectors.delegation_for(actor, pk)
    except Delegation.DoesNotExist:
        raise Http404 from None
    form = RevokeForm(request.POST, auto_id=f"rev-{d.pk}-%s")
    form.delegation_id = d.pk
    if form.is_valid() and perform(
        form, services.revoke_delegation, actor=actor, delegation=d, **form.cleaned_data
    ):
        messages.success(request, _("已撤销授权 %(doc)s。") % {"doc": d.document_no})
        return redirect("powers:delegations", pk=d.procuratorate_id)
    return _render_delegations(request, d.procuratorate, status=refused_status(form), failed=form)


# ---- refused attempts --------------------------------------------------------------------


@require_GET
def refusals(request, pk: int):
    actor = actor_of(request)
    place = _place_or_404(actor, pk)
    decision = engine.authorize(actor, selectors.READ_REFUSALS, engine.Context(procuratorate=place))
    if not decision.allowed:
        return render(request, "powers/denied.html", {"decision": decision}, status=403)
    page = Paginator(selectors.refusals(place), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "powers/refusals.html", {"place": place, "page": page})


# ---- published ---------------------------------------------------------------------------


@login_not_required
@require_GET
def public(request):
    """The lists in force today, for anyone: publishing them is part of openness."""
    return render(
        request, "powers/public.html", {"provinces": selectors.published(), "day": today()}
    )


# ---- why can't I? ------------------------------------------------------------------------


def _answer(*, actor, asked) -> tuple[engine.Decision, Actor]:
    data = asked.cleaned_data
    who = selectors.actor_named(actor, data["staff"])
    return selectors.decide(
        who,
        matter=data["matter"],
        power=data["power"] or Power.DECIDE,
        flags=data["flags"],
        business_line=data["business_line"],
        case_type=data["case_type"],
        amount=data["amount"],
        on=data["on"],
        procuratorate=asked.places.get(data["procuratorate"]),
    ), who


@require_GET
def check(request):
    """Who, which matter, in what case → the engine's answer, as the command line gives it."""
    actor = actor_of(request)
    form = CheckForm(request.GET or None, actor=actor)
    answer = None
    if form.is_bound and form.is_valid():
        answer = perform(form, _answer, actor=actor, asked=form)
    decision, who = answer if answer else (None, None)
    context = {"form": form, "decision": decision, "who": who}
    return render(request, "powers/check.html", context)
