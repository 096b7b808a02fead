"""What the figures page reads from a request: the two days the before/after figures compare."""

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    before = forms.DateField(label=_("改革前日期"), required=False, widget=DATE_INPUT)
    after = forms.DateField(label=_("改革后日期"), required=False, widget=DATE_INPUT)

    def clean(self):
        data = super().clean()
        before, after = data.get("before"), data.get("after")
        if before and after and before > after:
            self.add_error("after", _("改革后日期不能早于改革前日期。"))
        return data

    def days(self) -> dict:
        """The valid days given, for report_figures; an invalid form gives the defaults."""
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
