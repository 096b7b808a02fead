"""The membership forms on an organisation's page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from procuracy.caseorgs.models import CaseHandlingOrg, OrgKind, Role
from procuracy.core.actors import Actor
from procuracy.core.models import today
from procuracy.people import selectors as people
from procuracy.people.forms import DateInput, QuickSelect
from procuracy.people.models import Category

JOINING_CATEGORIES = [Category.PROSECUTOR, Category.ASSISTANT, Category.CLERK]


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}({obj.get_category_display()})"


class AddMemberForm(forms.Form):
    """Joining roles only: a sole prosecutor or a lead is named by forming or changing lead."""

    staff = StaffChoiceField(
        label=_("人员"), queryset=None, empty_label=_("请选择"), widget=QuickSelect
    )
    role = forms.ChoiceField(label=_("角色"))
    on = forms.DateField(label=_("加入日期"), widget=DateInput, initial=today)

    def __init__(self, *args, org: CaseHandlingOrg, actor: Actor, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        roles = [Role.ASSISTANT, Role.CLERK]
        if org.kind == OrgKind.TEAM:
            roles.insert(0, Role.PROSECUTOR)
        self.fields["role"].choices = [(r.value, r.label) for r in roles]
        self.fields["staff"].queryset = (
            people.staff_list(actor, procuratorate=org.procuratorate_id)
            .filter(category__in=JOINING_CATEGORIES)
            .exclude(pk__in=[m.staff_id for m in members])
        )


class EndMembershipForm(forms.Form):
    on = forms.DateField(label=_("离开日期"), widget=DateInput, initial=today)
