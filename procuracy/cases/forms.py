"""What the case pages read from a request: the intake form and its parties, the queue's
filters, the forms of the case page's transitions (办理); and for the calendar page the year
shown, a day to mark or unmark, the year to load from the State Council's notice."""

from __future__ import annotations

import re

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from procuracy.cases import deadlines
from procuracy.cases.intake import PartyFields
from procuracy.cases.models import CaseSource, CaseStatus, CaseType, DayKind, PartyRole
from procuracy.core.models import today
from procuracy.organisation.models import BusinessLine
from procuracy.people.forms import DateInput
from procuracy.powers.models import Flag


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=1990, max_value=2100)


class LoadForm(forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=1990, max_value=2100)


class MarkForm(forms.Form):
    day = forms.DateField(label=_("日期"), widget=DateInput)
    kind = forms.ChoiceField(label=_("类别"), choices=DayKind.choices)
    name = forms.CharField(
        label=_("名称"), max_length=32, required=False, help_text=_("如 国庆节;调休上班日可不填")
    )
    note = forms.CharField(
        label=_("说明"), max_length=200, required=False, help_text=_("如 依据的通知文号")
    )


class UnmarkForm(forms.Form):
    day = forms.DateField(label=_("日期"), widget=DateInput)
    reason = forms.CharField(label=_("理由"), max_length=200)


# ---- intake ------------------------------------------------------------------------------

ANY = [("", _("全部"))]
# Case numbers in a list are separated as a clerk writes them: 、 , , ; ; or new lines.
NUMBER_SEPARATORS = re.compile(r"[、,,;;\s]+")


def numbers_in(text: str) -> list[str]:
    return [n for n in NUMBER_SEPARATORS.split(text or "") if n]


class IntakeForm(forms.Form):
    """The facts of a case taken in. The business line offered follows the case type chosen;
    whether they fit is the intake service's to say, so a mismatch is refused with its reason."""

    case_type = forms.ModelChoiceField(
        label=_("案件类型"), queryset=CaseType.objects.all(), to_field_name="code"
    )
    business_line = forms.ModelChoiceField(
        label=_("业务条线"),
        queryset=BusinessLine.objects.filter(case_types__isnull=False).distinct(),
        to_field_name="code",
    )
    title = forms.CharField(label=_("案件名称"), max_length=100, help_text=_("如 张某盗窃案"))
    source = forms.ChoiceField(label=_("案件来源"), choices=CaseSource.choices)
    referred_by = forms.CharField(label=_("移送单位"), max_length=100, required=False)
    received_on = forms.DateField(label=_("受理日期"), widget=DateInput, initial=today)
    custody = forms.BooleanField(label=_("犯罪嫌疑人在押"), required=False)
    amount = forms.DecimalField(
        label=_("涉案金额(元)"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    related = forms.CharField(
        label=_("关联案件"),
        required=False,
        max_length=1000,
        help_text=_("本院已受理案件的案号,多个以“、”或逗号分隔"),
    )
    flags = forms.MultipleChoiceField(
        label=_("案件情形"),
        required=False,
        choices=Flag.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Choosing a type swaps in its business lines (htmx); without JavaScript all are offered.
        self.fields["case_type"].widget.attrs.update(
            {
                "hx-get": reverse("cases:intake_lines"),
                "hx-trigger": "change",
                "hx-target": "#intake-business-line",
                "hx-swap": "outerHTML",
            }
        )
        self.offer_lines(self.data.get("case_type") if self.is_bound else None)

    def offer_lines(self, code: str | None) -> None:
        """Offer only the chosen type's business lines (all of them until a type is chosen);
        the field still accepts any, so the service is the one that refuses."""
        case_type = CaseType.objects.filter(code=code).first() if code else None
        if case_type is None:
            return
        lines = case_type.business_lines.order_by("number")
        self.fields["business_line"].widget.choices = [("", "---------")] + [
            (line.code, line.name) for line in lines
        ]

    def clean_related(self) -> list[str]:
        return numbers_in(self.cleaned_data["related"])

    def arguments(self) -> dict:
        """The keyword arguments for intake.receive_case, besides actor, place and parties."""
        return dict(self.cleaned_data)


class PartyForm(forms.Form):
    """One row of the parties: a row left blank is no party."""

    role = forms.ChoiceField(
        label=_("诉讼地位"), required=False, choices=[("", "---------"), *PartyRole.choices]
    )
    name = forms.CharField(label=_("姓名或名称"), max_length=100, required=False)
    in_custody = forms.BooleanField(label=_("在押"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("name", "").strip() and not data.get("role"):
            self.add_error("role", _("请选择诉讼地位。"))
        return data

    def party(self) -> PartyFields | None:
        data = self.cleaned_data
        if not data.get("role") and not data.get("name", "").strip():
            return None
        return PartyFields(data["role"], data["name"], in_custody=data["in_custody"])


PartyFormSet = forms.formset_factory(PartyForm, extra=3, max_num=50)


def parties_of(formset) -> list[PartyFields]:
    return [p for p in (form.party() for form in formset.forms) if p is not None]


# The queue's deadline filter: the running stage's warning state, from what the case stores.
DUE_CHOICES = [
    ("warned", _("即将届满或已超期")),
    (deadlines.DUE_SOON, _("即将届满")),
    (deadlines.OVERDUE, _("已超期")),
]


class CaseFilterForm(forms.Form):
    """The queue's filters."""

    status = forms.ChoiceField(label=_("状态"), required=False, choices=ANY + CaseStatus.choices)
    case_type = forms.ChoiceField(label=_("案件类型"), required=False)
    business_line = forms.ChoiceField(label=_("业务条线"), required=False)
    received_from = forms.DateField(label=_("受理日期自"), required=False, widget=DateInput)
    received_to = forms.DateField(label=_("至"), required=False, widget=DateInput)
    warned = forms.BooleanField(label=_("仅看有受理提示的"), required=False)
    due = forms.ChoiceField(label=_("期限"), required=False, choices=ANY + DUE_CHOICES)

    def __init__(self, data=None):
        super().__init__(data)
        self.fields["case_type"].choices = ANY + [(t.code, t.name) for t in CaseType.objects.all()]
        lines = BusinessLine.objects.filter(case_types__isnull=False).distinct()
        self.fields["business_line"].choices = ANY + [(b.code, b.name) for b in lines]

    def filters(self) -> dict:
        """The keyword arguments for selectors.cases, from the fields that are valid."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            name: data[name]
            for name in self.fields
            if name not in self.errors and data.get(name) not in (None, "")
        }


# ---- the case page's transitions (办理) ----------------------------------------------------


class ActForm(forms.Form):
    """A transition that needs nothing but the case (start, archive)."""

    def arguments(self) -> dict:
        """The keyword arguments for the lifecycle service, besides actor and case."""
        return dict(self.cleaned_data)


class DecisionForm(ActForm):
    """A decision to make or to submit: the matter (the select offers those the reader may
    decide, or those they must submit; the service answers for any other) and the reasons."""

    matter = forms.CharField(label=_("事项"), max_length=40, widget=forms.Select)
    reasoning = forms.CharField(
        label=_("理由和意见"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, data=None, *, options=(), auto_id="decide-%s"):
        super().__init__(data, auto_id=auto_id)
        self.offer(options)

    def offer(self, options) -> None:
        self.fields["matter"].widget.choices = [("", "---------")] + [
            (option.code, option.label) for option in options
        ]


class ExcludeForm(ActForm):
    start = forms.DateField(label=_("起始日"), widget=DateInput)
    end = forms.DateField(label=_("终止日"), widget=DateInput)
    reason = forms.CharField(label=_("事由"), max_length=200, initial=_("对犯罪嫌疑人作精神病鉴定"))

    def __init__(self, data=None, *, auto_id="exclude-%s"):
        super().__init__(data, auto_id=auto_id)


class VariantForm(ActForm):
    """Which of the lengths the law gives the running stage it is counted under."""

    variant = forms.CharField(
        label=_("适用情形"), max_length=24, required=False, widget=forms.Select
    )
    reason = forms.CharField(label=_("认定理由"), max_length=200)

    def __init__(self, data=None, *, options=(), auto_id="variant-%s"):
        super().__init__(data, auto_id=auto_id)
        self.fields["variant"].widget.choices = list(options)


class ResubmitForm(ActForm):
    received_on = forms.DateField(label=_("重新移送受理日期"), widget=DateInput, initial=today)

    def __init__(self, data=None, *, auto_id="resubmit-%s"):
        super().__init__(data, auto_id=auto_id)


class ConcludeForm(ActForm):
    outcome = forms.CharField(
        label=_("办理结果"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, data=None, *, auto_id="conclude-%s"):
        super().__init__(data, auto_id=auto_id)


TRANSITION_FORMS: dict[str, type[ActForm]] = {
    "start": ActForm,
    "submit": DecisionForm,
    "decide": DecisionForm,
    "exclude": ExcludeForm,
    "variant": VariantForm,
    "resubmit": ResubmitForm,
    "conclude": ConcludeForm,
    "archive": ActForm,
    "execute": ActForm,
}
