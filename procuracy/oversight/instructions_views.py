"""Pages of written instructions and of the reports to the chief: the instruction form on a
case (and the call-up form), an instruction with its compliance form, the instructions a
procuratorate issued and received; a report with the forms to file and to read it, and the
reports in the reader's scope. A refused act re-renders its page with the reason (403 when
the power list refused, 200 for bad input), nothing written."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from procuracy.cases import selectors as cases
from procuracy.cases.models import Case
from procuracy.cases.selectors import flag_labels
from procuracy.core.actors import actor_of
from procuracy.core.models import Act
from procuracy.core.selectors import acts_about
from procuracy.core.views import Fact, perform, refused_status
from procuracy.ledger import selectors as ledger
from procuracy.organisation import selectors as organisation
from procuracy.oversight import instructions
from procuracy.oversight.instructions_forms import (
    CallUpForm,
    CaseInstructionForm,
    ComplyForm,
    FileReportForm,
    InstructionFilterForm,
    ReadReportForm,
    ReportFilterForm,
)
from procuracy.oversight.models import Instruction, Report
from procuracy.powers import engine

PAGE_SIZE = 50


def _case_or_404(actor, pk: int) -> Case:
    try:
        return cases.case_for(actor, pk)
    except Case.DoesNotExist:
        raise Http404 from None


def _instruction_or_404(actor, pk: int) -> Instruction:
    try:
        return instructions.instruction_for(actor, pk)
    except Instruction.DoesNotExist:
        raise Http404 from None


def _report_or_404(actor, pk: int) -> Report:
    try:
        return instructions.report_for(actor, pk)
    except Report.DoesNotExist:
        raise Http404 from None


# ---- issuing -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def instruction_new(request, case_id: int):
    """The instruction form on a case: to the case's procuratorate, from the reader's own or
    one above it."""
    actor = actor_of(request)
    case = _case_or_404(actor, case_id)
    if request.method == "GET":
        return _render_new(request, actor, case, CaseInstructionForm(case=case))
    form = CaseInstructionForm(request.POST, case=case)
    done = None
    if form.is_valid():
        done = perform(
            form,
            instructions.issue_instruction,
            actor=actor,
            recipient=case.procuratorate,
            case=case,
            **form.cleaned_data,
        )
    if done is None:
        return _render_new(request, actor, case, form, status=refused_status(form))
    messages.success(request, _issued(done))
    return redirect("oversight:instruction_detail", pk=done.pk)


def _issued(instruction: Instruction) -> str:
    return _("已发出%(kind)s(%(no)s),等待%(place)s报告执行情况。") % {
        "kind": instruction.get_kind_display(),
        "no": instruction.document_no,
        "place": instruction.recipient.name,
    }


def _render_new(request, actor, case: Case, form, status=200):
    context = {
        "case": case,
        "form": form,
        "decision": engine.authorize(
            actor, instructions.INSTRUCT, engine.Context(procuratorate=case.procuratorate)
        ),
        "earlier": instructions.instructions_for(case),
    }
    return render(request, "oversight/instruction_new.html", context, status=status)


@require_http_methods(["GET", "POST"])
def instruction_call_up(request):
    """A higher procuratorate calls up a member of a lower one's staff (调用检察人员)."""
    actor = actor_of(request)
    recipients = instructions.recipients_below(actor)
    if request.method == "GET":
        chosen = recipients.filter(pk=_int(request.GET.get("recipient"))).first()
        form = CallUpForm(recipients=recipients, chosen=chosen)
        if chosen is not None:
            form.initial["recipient"] = chosen.pk
        return _render_call_up(request, actor, form)
    form = CallUpForm(request.POST, recipients=recipients)
    done = None
    if form.is_valid():
        done = perform(
            form,
            instructions.issue_instruction,
            actor=actor,
            kind="call_up",
            **form.cleaned_data,
        )
    if done is None:
        return _render_call_up(request, actor, form, status=refused_status(form))
    messages.success(request, _issued(done))
    return redirect("oversight:instruction_detail", pk=done.pk)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _render_call_up(request, actor, form, status=200):
    place = actor.staff.procuratorate if actor.staff else None
    context = {
        "form": form,
        "decision": engine.authorize(
            actor, instructions.INSTRUCT, engine.Context(procuratorate=place)
        ),
        "has_below": form.fields["recipient"].queryset.exists(),
    }
    return render(request, "oversight/instruction_call_up.html", context, status=status)


@require_GET
def staff_field(request):
    """The call-up form's staff field offering the chosen procuratorate's staff (htmx)."""
    actor = actor_of(request)
    recipients = instructions.recipients_below(actor)
    chosen = recipients.filter(pk=_int(request.GET.get("recipient"))).first()
    form = CallUpForm(recipients=recipients, chosen=chosen)
    return render(
        request, "oversight/instruction_call_up.html#staff-field", {"field": form["staff"]}
    )


# ---- an instruction and its compliance ---------------------------------------------------


def _instruction_facts(instruction: Instruction) -> list[Fact]:
    case, decision, staff = instruction.case, instruction.decision, instruction.staff
    facts = [
        Fact(_("类别"), instruction.get_kind_display()),
        Fact(_("文号"), instruction.document_no),
        Fact(_("发出院"), instruction.issuer.name),
        Fact(_("签发人"), instruction.issued_by.name),
        Fact(_("签发时间"), _when(instruction.issued_at)),
        Fact(_("接受院"), instruction.recipient.name),
    ]
    if case is not None:
        facts.append(Fact(_("案件"), case.number, url=_case_url(case)))
    if decision is not None:
        facts.append(
            Fact(
                _("所涉决定"),
                f"{decision.matter.name}({decision.get_status_display()})",
            )
        )
    if staff is not None:
        facts.append(Fact(_("调用人员"), staff.name))
    if instruction.complied_at:
        facts.append(Fact(_("执行情况"), _("已报告"), tone="green"))
    else:
        facts.append(Fact(_("执行情况"), _("待报告"), tone="amber"))
    return facts


def _case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@require_GET
def instruction_detail(request, pk: int):
    actor = actor_of(request)
    return _render_instruction(request, actor, _instruction_or_404(actor, pk))


def _render_instruction(request, actor, instruction: Instruction, form=None, status=200):
    may = instructions.may_comply(actor, instruction)
    done = instruction.complied_at is not None
    context = {
        "instruction": instruction,
        "state_label": _("已报告执行情况") if done else _("待报告执行情况"),
        "state_tone": "green" if done else "amber",
        "route": f"{instruction.issuer.name} → {instruction.recipient.name}",
        "facts": _instruction_facts(instruction),
        "acts": list(acts_about(instruction, visible=ledger.visibility_q(actor))),
        "form": form or (ComplyForm() if may else None),
    }
    return render(request, "oversight/instruction_detail.html", context, status=status)


@require_POST
def instruction_comply(request, pk: int):
    actor = actor_of(request)
    instruction = _instruction_or_404(actor, pk)
    form = ComplyForm(request.POST)
    if form.is_valid() and perform(
        form,
        instructions.comply_with_instruction,
        actor=actor,
        instruction=instruction,
        **form.cleaned_data,
    ):
        messages.success(request, _("已报告执行情况。"))
        return redirect("oversight:instruction_detail", pk=instruction.pk)
    instruction.refresh_from_db()
    return _render_instruction(request, actor, instruction, form, status=refused_status(form))


@require_GET
def instruction_list(request):
    """The instructions a procuratorate issued and received (the reader's own by default),
    those the reader may read."""
    actor = actor_of(request)
    places = list(organisation.procuratorates(actor).order_by("path"))
    data = request.GET.copy()
    if not data.get("procuratorate") and actor.staff is not None:
        data["procuratorate"] = str(actor.staff.procuratorate_id)
    filters = InstructionFilterForm(data, places=places)
    rows = instructions.instructions(actor, **filters.filters())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "may_call_up": instructions.recipients_below(actor).exists(),
        "to_comply": instructions.instructions_to_comply(actor).count(),
    }
    return render(request, "oversight/instruction_list.html", context)


# ---- reports -----------------------------------------------------------------------------


def _report_facts(report: Report) -> list[Fact]:
    case = report.case
    label, tone = report_state(report)
    return [
        Fact(_("案件"), case.number, url=_case_url(case)),
        Fact(_("案件名称"), case.title),
        Fact(_("报告原因"), flag_labels(report.flags)),
        Fact(_("生成时间"), _when(report.opened_at)),
        Fact(_("报告人"), report.filed_by.name if report.filed_by else ""),
        Fact(_("报告时间"), _when(report.filed_at)),
        Fact(_("阅示人"), report.read_by.name if report.read_by else ""),
        Fact(_("阅示时间"), _when(report.read_at)),
        Fact(_("状态"), label, tone=tone),
    ]


def report_state(report: Report) -> tuple[str, str]:
    """(label, tone) of where a report stands."""
    if report.read_at:
        return _("已阅示"), "green"
    if report.filed_at:
        return _("待阅示"), "navy"
    return _("待报告"), "amber"


@require_GET
def report_detail(request, pk: int):
    actor = actor_of(request)
    return _render_report(request, actor, _report_or_404(actor, pk))


def _render_report(request, actor, report: Report, failed=None, status=200):
    """`failed` is the (name, bound form) a refused post left."""
    forms = {}
    if instructions.may_file(actor, report):
        forms["file"] = FileReportForm()
    if instructions.may_read(actor, report):
        forms["read"] = ReadReportForm(initial={"comment": ""})
    if failed is not None:
        forms[failed[0]] = failed[1]
    context = {
        "report": report,
        "facts": _report_facts(report),
        "acts": _report_acts(actor, report),
        "file_form": forms.get("file"),
        "read_form": forms.get("read"),
    }
    return render(request, "oversight/report_detail.html", context, status=status)


def _report_acts(actor, report: Report) -> list[Act]:
    """The acts on the report, newest first, after the intake that opened it."""
    visible = ledger.visibility_q(actor)
    opened = Act.objects.filter(
        visible, kind="cases.received", subject_type="cases.case", subject_id=report.case_id
    )
    return [*acts_about(report, visible=visible), *opened]


@require_POST
def report_file(request, pk: int):
    actor = actor_of(request)
    report = _report_or_404(actor, pk)
    form = FileReportForm(request.POST)
    if form.is_valid() and perform(
        form, instructions.file_report, actor=actor, report=report, **form.cleaned_data
    ):
        messages.success(request, _("已向检察长报告。"))
        return redirect("oversight:report_detail", pk=report.pk)
    report.refresh_from_db()
    return _render_report(request, actor, report, ("file", form), refused_status(form))


@require_POST
def report_read(request, pk: int):
    actor = actor_of(request)
    report = _report_or_404(actor, pk)
    form = ReadReportForm(request.POST)
    if form.is_valid() and perform(
        form, instructions.read_report, actor=actor, report=report, **form.cleaned_data
    ):
        messages.success(request, _("已阅示。"))
        return redirect("oversight:report_detail", pk=report.pk)
    report.refresh_from_db()
    return _render_report(request, actor, report, ("read", form), refused_status(form))


@require_GET
def report_list(request):
    """The reports of the cases the reader may read; those waiting on them first."""
    actor = actor_of(request)
    filters = ReportFilterForm(request.GET)
    page = Paginator(instructions.reports(actor, **filters.filters()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = list(page.object_list)
    for report in page.object_list:
        report.state_label, report.state_tone = report_state(report)
        report.flag_text = flag_labels(report.flags)
    context = {
        "filters": filters,
        "page": page,
        "to_file": list(instructions.reports_to_file(actor)[:20]),
        "to_read": list(instructions.reports_to_read(actor)[:20]),
    }
    return render(request, "oversight/report_list.html", context)


urlpatterns = [
    path("cases/<int:case_id>/instructions/new/", instruction_new, name="instruction_new"),
    path("instructions/", instruction_list, name="instruction_list"),
    path("instructions/call-up/", instruction_call_up, name="instruction_call_up"),
    path("instructions/call-up/staff/", staff_field, name="instruction_staff_field"),
    path("instructions/<int:pk>/", instruction_detail, name="instruction_detail"),
    path("instructions/<int:pk>/comply/", instruction_comply, name="instruction_comply"),
    path("reports/", report_list, name="report_list"),
    path("reports/<int:pk>/", report_detail, name="report_detail"),
    path("reports/<int:pk>/file/", report_file, name="report_file"),
    path("reports/<int:pk>/read/", report_read, name="report_read"),
]
