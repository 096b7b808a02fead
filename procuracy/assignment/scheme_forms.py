"""What the assignment-scheme pages read from a request: a version's terms, its approval, the
reason a draft is discarded."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from procuracy.caseorgs.models import CaseHandlingOrg
from procuracy.cases.models import CaseType
from procuracy.core.models import today
from procuracy.organisation.models import Department
from procuracy.powers.models import ApprovalBody

FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
HOURS = [("", _("受理即分案"))] + [(str(h), f"{h:02d}:00") for h in range(24)]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class SchemeForm(forms.Form):
    """A version's terms. The balance is typed in case weights (3 → 300 hundredths) and the
    escape as a fraction ("1/20"); the service checks everything else."""

    department = forms.TypedChoiceField(label=_("内设机构"), coerce=int)
    case_types = forms.MultipleChoiceField(label=_("案件类型"), widget=forms.CheckboxSelectMultiple)
    orgs = forms.TypedMultipleChoiceField(
        label=_("参与分案的办案组织"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选表示本部门全部办案组织"),
    )
    max_distance = forms.DecimalField(
        label=_("最大负荷差距(件)"),
        min_value=Decimal(0),
        max_digits=9,
        decimal_places=2,
        help_text=_("负荷超出最轻者这么多件标准案件的办案组织,除按逃逸概率外不参加分案"),
    )
    escape = forms.CharField(
        label=_("逃逸概率"), max_length=20, help_text=_("分数,如 1/20"), initial="1/20"
    )
    batch_hour = forms.TypedChoiceField(
        label=_("每日集中分案时刻"),
        choices=HOURS,
        coerce=int,
        empty_value=None,
        required=False,
    )
    note = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, procuratorate, department: Department | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        departments = [
            d
            for d in Department.objects.on(today())
            .filter(procuratorate=procuratorate)
            .prefetch_related("business_lines")
            .order_by("id")
            if d.handles_cases and (department is None or d.pk == department.pk)
        ]
        self._choose("department", [(d.pk, d.name) for d in departments])
        lines = {line.pk for d in departments for line in d.business_lines.all()}
        types = CaseType.objects.filter(business_lines__in=lines).distinct().order_by("number")
        self._choose("case_types", [(t.code, t.name) for t in types])
        orgs = (
            CaseHandlingOrg.objects.on(today())
            .filter(department__in=departments)
            .select_related("department")
            .order_by("department_id", "kind", "name", "id")
        )
        self._choose(
            "orgs",
            [(o.pk, o.name if department else f"{o.department.name} · {o.name}") for o in orgs],
        )
        if department is not None:  # the one choice: the version's own department
            self.fields["department"].initial = department.pk

    def _choose(self, name: str, choices: list) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean_escape(self) -> tuple[int, int]:
        found = FRACTION.match(self.cleaned_data["escape"])
        if found is None:
            raise forms.ValidationError(_("请填写分数,如 1/20。"))
        return int(found[1]), int(found[2])

    def terms(self) -> dict:
        """The keyword arguments of draft_scheme / revise_scheme, from the valid fields."""
        data = self.cleaned_data
        numerator, denominator = data["escape"]
        return {
            "case_types": data["case_types"],
            "orgs": data["orgs"],
            "max_distance": int(data["max_distance"] * 100),
            "escape_numerator": numerator,
            "escape_denominator": denominator,
            "batch_hour": data["batch_hour"],
            "note": data["note"],
        }

    @staticmethod
    def initial_from(scheme) -> dict:
        return {
            "department": scheme.department_id,
            "case_types": scheme.case_types,
            "orgs": scheme.orgs,
            "max_distance": Decimal(scheme.max_distance) / 100,
            "escape": f"{scheme.escape_numerator}/{scheme.escape_denominator}",
            "batch_hour": "" if scheme.batch_hour is None else str(scheme.batch_hour),
            "note": scheme.note,
        }


class ApproveSchemeForm(forms.Form):
    effective_from = forms.DateField(label=_("生效日期"), widget=DateInput)
    body = forms.ChoiceField(label=_("批准机构"), choices=ApprovalBody.choices)
    reference = forms.CharField(
        label=_("批准文号或会议纪要"),
        required=False,
        max_length=100,
        help_text=_("经检察委员会批准的必填"),
    )


class DiscardSchemeForm(forms.Form):
    reason = forms.CharField(label=_("废弃理由"), max_length=200)
