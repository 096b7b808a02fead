"""What the calendar page reads from a request: the year shown, a day to mark or unmark, the
year to load from the State Council's notice."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from procuracy.cases.models import DayKind
from procuracy.people.forms import DateInput


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
