"""What the people pages read from a request: the staff list's filters, the absence form and
the forms of declared conflicts."""

from __future__ import annotations

import re

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from procuracy.core.actors import Actor
from procuracy.organisation import selectors as organisation
from procuracy.people.models import AbsenceKind, Category, ConflictKind, Employment

ANY = [("", _("全部"))]
QUOTA_CHOICES = {"yes": True, "no": False}


class QuickSelect(forms.Select):
    """A select whose options are written in Python. Django renders every option through a
    template; for a province's 112 procuratorates that costs more than the rest of the
    staff list page together."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((v, " selected" if str(v) == chosen else "", label) for v, label in self.choices),
        )
        return format_html("<select{}>{}</select>", flatatt(attrs), options)


class StaffFilterForm(forms.Form):
    """The staff list's filters. A department that is not one of the chosen procuratorate's
    is dropped quietly: it is what remains after the procuratorate changed."""

    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=40,
        widget=forms.SearchInput(
            attrs={"placeholder": _("姓名、全拼或拼音首字母"), "autocomplete": "off"}
        ),
    )
    procuratorate = forms.TypedChoiceField(
        label=_("检察院"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    department = forms.TypedChoiceField(
        label=_("内设机构"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    category = forms.ChoiceField(
        label=_("人员类别"), required=False, choices=ANY + list(Category.choices)
    )
    employment = forms.ChoiceField(
        label=_("用工方式"), required=False, choices=ANY + list(Employment.choices)
    )
    quota = forms.ChoiceField(
        label=_("员额"),
        required=False,
        choices=[*ANY, ("yes", _("员额内")), ("no", _("员额外"))],
    )

    def __init__(self, data, *, actor: Actor):
        super().__init__(data)
        places = list(organisation.procuratorates(actor).only("pk", "short_name", "path"))
        self.fields["procuratorate"].choices = ANY + [
            (p.pk, "\u3000" * p.depth + p.short_name) for p in places
        ]
        chosen = next((p for p in places if str(p.pk) == str(data.get("procuratorate"))), None)
        departments = organisation.departments_on(chosen) if chosen else []
        self.fields["department"].choices = ANY + [(d.pk, d.name) for d in departments]
        self.fields["department"].disabled = chosen is None

    def clean(self):
        if "department" in self.errors:
            del self.errors["department"]
        return super().clean()

    def filters(self) -> dict:
        """The keyword arguments for people.selectors.staff_list, from the valid fields."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "procuratorate": data.get("procuratorate"),
            "department": data.get("department"),
            "category": data.get("category") or "",
            "employment": data.get("employment") or "",
            "quota": QUOTA_CHOICES.get(data.get("quota") or ""),
        }


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class AbsenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("离岗类别"), choices=AbsenceKind.choices)
    starts_on = forms.DateField(label=_("开始日期"), widget=DateInput)
    ends_on = forms.DateField(label=_("结束日期"), widget=DateInput)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)


NAME_SEPARATORS = re.compile(r"[、,，;；\n]+")


class ConflictForm(forms.Form):
    """A declared conflict: its kind, whom it concerns, and for how long."""

    kind = forms.ChoiceField(label=_("类别"), choices=ConflictKind.choices)
    names = forms.CharField(
        label=_("涉及的人员或单位"),
        max_length=500,
        help_text=_("当律师的亲属或相识的当事人的姓名、单位名称;多个用顿号或逗号分隔"),
    )
    law_firm = forms.CharField(
        label=_("律师事务所"),
        required=False,
        max_length=100,
        help_text=_("亲属是律师的,填写其执业的律师事务所"),
    )
    declared_on = forms.DateField(
        label=_("申报日期"), required=False, widget=DateInput, help_text=_("空白表示今天")
    )
    valid_until = forms.DateField(
        label=_("有效期至"), required=False, widget=DateInput, help_text=_("空白表示长期有效")
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def clean_names(self) -> list[str]:
        return [n for n in NAME_SEPARATORS.split(self.cleaned_data["names"]) if n.strip()]


class WithdrawConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回理由"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("撤回理由")}),
    )
