from django import forms
from django.utils.translation import gettext_lazy as _

from procuracy.assignment.models import (
    DESIGNATION_REASONS,
    REASSIGNMENT_REASONS,
    AssignmentReason,
)


class DesignateForm(forms.Form):
    """指定分案 (or, with REASSIGNMENT_REASONS, 改派): an organisation, one of the reasons the
    rules allow, and written reasoning."""

    org = forms.TypedChoiceField(label=_("办案组织"), coerce=int)
    reason = forms.ChoiceField(label=_("理由"))
    reasoning = forms.CharField(
        label=_("理由说明"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )

    def __init__(self, *args, orgs, reasons=DESIGNATION_REASONS, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [(r, AssignmentReason(r).label) for r in reasons]
        self.orgs = {org.pk: org for org in orgs}
        self.fields["org"].choices = [
            (org.pk, f"{org.department.name} · {org.name}") for org in self.orgs.values()
        ]


def reassign_form(*args, orgs, **kwargs) -> DesignateForm:
    return DesignateForm(*args, orgs=orgs, reasons=REASSIGNMENT_REASONS, **kwargs)
