"""What the ledger list reads from a request: its filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from procuracy.core.actors import Actor
from procuracy.core.templatetags.ui import ACT_LABELS
from procuracy.ledger import selectors
from procuracy.organisation import selectors as organisation
from procuracy.people.forms import ANY, DateInput, QuickSelect


class EntryFilterForm(forms.Form):
    """The ledger list's filters; a field that does not parse is left out, not refused."""

    kind = forms.ChoiceField(label=_("类型"), required=False, widget=QuickSelect)
    actor = forms.CharField(
        label=_("行为人"),
        required=False,
        max_length=40,
        widget=forms.SearchInput(
            attrs={
                "placeholder": _("姓名或拼音"),
                "title": _("姓名、全拼、拼音首字母或人员编号"),
                "autocomplete": "off",
            }
        ),
    )
    procuratorate = forms.TypedChoiceField(
        label=_("检察院"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    subject_type = forms.ChoiceField(label=_("记录类型"), required=False)
    subject_id = forms.IntegerField(
        label=_("记录编号"), required=False, min_value=1, max_value=2**62
    )
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DateInput)

    def __init__(self, data, *, actor: Actor):
        super().__init__(data)
        self.fields["kind"].choices = ANY + [(k, v) for k, v in ACT_LABELS.items()]
        places = organisation.procuratorates(actor).only("pk", "short_name", "path")
        self.fields["procuratorate"].choices = ANY + [
            (p.pk, "\u3000" * p.depth + p.short_name) for p in places
        ]
        self.fields["subject_type"].choices = ANY + selectors.subject_types()

    def filters(self) -> dict:
        """The keyword arguments for selectors.filter_acts, from the fields that are valid."""
        self.is_valid()
        data = self.cleaned_data
        who = (data.get("actor") or "").strip()
        number = who.isdecimal() and len(who) <= 12  # a staff number, not a name
        return {
            "kind": data.get("kind") or "",
            "actor": int(who) if number else None,
            "who": "" if number else who,
            "procuratorate": data.get("procuratorate"),
            "subject_type": data.get("subject_type") or "",
            "subject_id": data.get("subject_id"),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }
