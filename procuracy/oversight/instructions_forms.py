"""What the instruction and report pages read from a request. Text fields are not required
here: an empty one reaches the service, which refuses it with the rule's own words."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from procuracy.cases.models import Decision, DecisionStatus
from procuracy.oversight.instructions import CASE_KINDS
from procuracy.oversight.models import InstructionKind
from procuracy.people.models import Staff


def _textarea(rows: int = 5) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class InstructionFields(forms.Form):
    document_no = forms.CharField(
        label=_("文号"), max_length=64, required=False, help_text=_("如 兰检指〔2026〕3号")
    )
    text = forms.CharField(
        label=_("指令内容"), max_length=8000, required=False, widget=_textarea(6)
    )


class CaseInstructionForm(InstructionFields):
    """An instruction on a case (and, for correct/revoke/change, on one of its decisions)."""

    kind = forms.ChoiceField(
        label=_("类别"), choices=[(k.value, k.label) for k in CASE_KINDS], initial="instruct"
    )
    decision = forms.IntegerField(
        label=_("所涉决定"),
        required=False,
        widget=forms.Select,
        help_text=_("指令纠正、撤销决定、变更决定须选择所针对的决定"),
    )
    field_order = ["kind", "decision", "document_no", "text"]

    def __init__(self, data=None, *, case=None):
        super().__init__(data)
        self.case = case
        made = []
        if case is not None:
            made = list(
                case.decisions.filter(status=DecisionStatus.MADE)
                .select_related("matter", "decided_by")
                .order_by("decided_at", "id")
            )
        self.fields["decision"].widget.choices = [("", "---------")] + [
            (d.pk, _decision_label(d)) for d in made
        ]

    def clean_decision(self) -> Decision | None:
        pk = self.cleaned_data["decision"]
        if pk is None:
            return None
        found = Decision.objects.filter(case=self.case, pk=pk).select_related("case").first()
        if found is None:
            raise forms.ValidationError(_("本案没有这项决定。"))
        return found


def _decision_label(decision: Decision) -> str:
    who = decision.get_body_display() or (decision.decided_by.name if decision.decided_by else "")
    when = decision.decided_at.date().isoformat() if decision.decided_at else ""
    return f"{decision.matter.name}({who} {when})"


class CallUpForm(InstructionFields):
    """A higher procuratorate calls up a member of a lower one's staff (调用检察人员). Choosing
    the procuratorate swaps in its staff (htmx); without JavaScript, the page reloaded with
    ?recipient= offers them."""

    recipient = forms.ModelChoiceField(label=_("接受院"), queryset=None)
    staff = forms.IntegerField(label=_("调用人员"), required=False, widget=forms.Select)
    field_order = ["recipient", "staff", "document_no", "text"]

    def __init__(self, data=None, *, recipients, chosen=None):
        super().__init__(data)
        self.fields["recipient"].queryset = recipients
        self.fields["recipient"].widget.attrs.update(
            {
                "hx-get": reverse("oversight:instruction_staff_field"),
                "hx-trigger": "change",
                "hx-target": "#call-up-staff",
                "hx-swap": "outerHTML",
            }
        )
        if data is not None:
            chosen = recipients.filter(pk=data.get("recipient") or 0).first()
        self.offer_staff(chosen)

    def offer_staff(self, recipient) -> None:
        rows = (
            Staff.objects.filter(procuratorate=recipient, left_on__isnull=True).order_by("pinyin")
            if recipient is not None
            else Staff.objects.none()
        )
        self.fields["staff"].widget.choices = [("", "---------")] + [
            (s.pk, f"{s.name}({s.get_category_display()})") for s in rows
        ]

    def clean_staff(self) -> Staff | None:
        pk = self.cleaned_data["staff"]
        return Staff.objects.filter(pk=pk).first() if pk is not None else None


class ComplyForm(forms.Form):
    compliance = forms.CharField(
        label=_("执行情况"), max_length=8000, required=False, widget=_textarea()
    )
    disagreement = forms.CharField(
        label=_("不同意见"),
        max_length=8000,
        required=False,
        widget=_textarea(3),
        help_text=_(
            "有不同意见的,可以在执行的同时提出(《人民检察院组织法》第二十五条);"
            "不能以不同意见代替执行。"
        ),
    )


class FileReportForm(forms.Form):
    text = forms.CharField(
        label=_("报告内容"), max_length=8000, required=False, widget=_textarea(6)
    )


class ReadReportForm(forms.Form):
    comment = forms.CharField(
        label=_("阅示意见"), max_length=4000, required=False, widget=_textarea(3)
    )


ANY = [("", _("全部"))]


class InstructionFilterForm(forms.Form):
    procuratorate = forms.TypedChoiceField(
        label=_("检察院"), coerce=int, required=False, empty_value=None
    )
    direction = forms.ChoiceField(
        label=_("方向"),
        required=False,
        choices=[("", _("发出和收到")), ("issued", _("本院发出")), ("received", _("本院收到"))],
    )
    kind = forms.ChoiceField(
        label=_("类别"), required=False, choices=ANY + list(InstructionKind.choices)
    )
    waiting = forms.BooleanField(label=_("仅待报告执行情况"), required=False)

    def __init__(self, data=None, *, places=()):
        super().__init__(data)
        self.fields["procuratorate"].choices = [(p.pk, p.name) for p in places]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}


class ReportFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[*ANY, ("to_file", _("待报告")), ("to_read", _("待阅示")), ("read", _("已阅示"))],
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
