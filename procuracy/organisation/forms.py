"""What the organisation pages read from a request."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DayForm(forms.Form):
    """The day whose departments a procuratorate's page shows (`?on=YYYY-MM-DD`)."""

    on = forms.DateField(
        label=_("查看日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
