"""What the power-list pages read from a request: the item filters, an item, the approval
and discard of a draft, a new draft, a delegation and its revocation, and a decision to check."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from procuracy.core.actors import Actor
from procuracy.core.models import today
from procuracy.organisation import selectors as organisation
from procuracy.organisation.models import BusinessLine
from procuracy.people.forms import ANY, DateInput, QuickSelect
from procuracy.powers import tabular
from procuracy.powers.checks import ItemFields
from procuracy.powers.models import ApprovalBody, Flag, Holder, Item, Matter, Power

ALL_LINES = _("全部业务条线")
MAX_UPLOAD = 5 * 1024 * 1024  # a list of a few hundred items is some tens of kilobytes


def _lines() -> list[tuple[str, str]]:
    return [(line.code, line.name) for line in BusinessLine.objects.order_by("number")]


def _matters() -> list:
    """Matters grouped by their category, as an optgroup each."""
    groups: dict[str, list] = {}
    for matter in Matter.objects.order_by("number"):
        groups.setdefault(matter.group, []).append((matter.code, matter.name))
    return list(groups.items())


class ItemFilterForm(forms.Form):
    """A version's filters; a field that does not parse is left out, not refused."""

    matter = forms.CharField(
        label=_("事项"),
        required=False,
        max_length=40,
        widget=forms.SearchInput(attrs={"placeholder": _("事项名称"), "autocomplete": "off"}),
    )
    business_line = forms.ChoiceField(label=_("业务条线"), required=False)
    holder = forms.ChoiceField(label=_("权力主体"), required=False, choices=ANY + Holder.choices)
    power = forms.ChoiceField(label=_("权力类型"), required=False, choices=ANY + Power.choices)
    flag = forms.ChoiceField(label=_("情形"), required=False, choices=ANY + Flag.choices)

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["business_line"].choices = ANY + _lines()

    def filters(self) -> dict:
        """The keyword arguments for selectors.items_of, from the fields that are valid."""
        self.is_valid()
        data = self.cleaned_data
        return {name: data.get(name) or "" for name in self.fields}


class CommaList(forms.CharField):
    """Several short codes in one box, separated by commas (either width) or 、."""

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        for mark in ",,、;;":
            text = text.replace(mark, ",")
        return [part.strip() for part in text.split(",") if part.strip()]

    def prepare_value(self, value):
        return "、".join(value) if isinstance(value, list | tuple) else value


class ItemForm(forms.Form):
    """An item of a draft, as added or changed."""

    number = forms.IntegerField(label=_("序号"), min_value=1, max_value=99999)
    code = forms.CharField(label=_("编号"), max_length=24)
    matter = forms.ChoiceField(label=_("事项"))
    holder = forms.ChoiceField(label=_("权力主体"), choices=Holder.choices)
    power = forms.ChoiceField(label=_("权力类型"), choices=Power.choices)
    business_line = forms.ChoiceField(label=_("业务条线"), required=False)
    case_types = CommaList(
        label=_("案件类型"),
        required=False,
        max_length=200,
        help_text=_("空白表示全部案件类型;多个以逗号分隔"),
    )
    when_any = forms.MultipleChoiceField(
        label=_("适用情形(任一)"),
        required=False,
        choices=Flag.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选表示不论情形"),
    )
    unless = forms.MultipleChoiceField(
        label=_("除外情形"),
        required=False,
        choices=Flag.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    min_amount = forms.DecimalField(
        label=_("涉案金额下限(元)"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    max_amount = forms.DecimalField(
        label=_("涉案金额上限(元,不含)"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
    )
    legal_basis = forms.CharField(label=_("依据"), required=False, max_length=200)
    note = forms.CharField(label=_("备注"), required=False, max_length=300)

    def __init__(self, *args, item: Item | None = None, **kwargs):
        if item is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = self.initial_of(item)
        super().__init__(*args, **kwargs)
        self.fields["matter"].choices = [("", _("请选择")), *_matters()]
        self.fields["business_line"].choices = [("", ALL_LINES), *_lines()]

    @staticmethod
    def initial_of(item: Item) -> dict:
        fields = ItemFields.of(item).as_fields()
        fields["matter"] = item.matter.code
        fields["business_line"] = item.business_line.code if item.business_line else ""
        return fields

    def item_fields(self) -> ItemFields:
        """The cleaned form as the services take an item."""
        data = dict(self.cleaned_data)
        data["matter"] = Matter.objects.get(code=data["matter"])
        line = data.pop("business_line")
        data["business_line"] = BusinessLine.objects.get(code=line) if line else None
        return ItemFields(**data)


def _approval_body() -> str:
    return settings.PROCURACY_POWER_LIST_APPROVAL


class ApproveForm(forms.Form):
    """The approval of a draft; the body the province's rules name comes first."""

    effective_from = forms.DateField(label=_("生效日期"), widget=DateInput, initial=today)
    body = forms.ChoiceField(
        label=_("批准主体"), choices=ApprovalBody.choices, initial=_approval_body
    )
    reference = forms.CharField(
        label=_("批准文号或会议纪要"),
        required=False,
        max_length=100,
        help_text=_("经检察委员会批准的必须填写"),
    )


class DiscardForm(forms.Form):
    reason = forms.CharField(label=_("废弃理由"), max_length=200)


class RemoveForm(forms.Form):
    """Nothing to fill in: posting it is the act."""


ALLOWS_ADDITIONS = forms.BooleanField(
    label=_("允许各院补充"),
    required=False,
    help_text=_("允许适用本清单的检察院为清单未列的事项制定本院补充清单"),
)


class DraftForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, max_length=200)
    allows_additions = ALLOWS_ADDITIONS

    def __init__(self, *args, level_list: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not level_list:  # only the province's lists say whether others may add
            del self.fields["allows_additions"]


class ImportForm(forms.Form):
    """A spreadsheet (XLSX or CSV, the columns of docs/powers.md) that becomes a new draft."""

    file = forms.FileField(
        label=_("清单文件"),
        help_text=_("Excel(.xlsx)或 CSV 文件,列名与导出的文件相同"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=200)
    allows_additions = ALLOWS_ADDITIONS

    def __init__(self, *args, level_list: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not level_list:
            del self.fields["allows_additions"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("文件超过 5 MB,请检查是否选错了文件。"))
        try:
            self.format = tabular.format_of(upload.name)
        except ValueError as bad:
            raise forms.ValidationError(str(bad)) from None
        return upload


class DelegationForm(forms.Form):
    """A chief's written instruction: the prosecutors of the procuratorate to choose from."""

    delegate = forms.TypedChoiceField(label=_("受托人"), coerce=int, widget=QuickSelect)
    matter = forms.ChoiceField(label=_("事项"))
    power = forms.ChoiceField(label=_("权力类型"), choices=Power.choices, initial=Power.DECIDE)
    business_line = forms.ChoiceField(label=_("业务条线"), required=False)
    document_no = forms.CharField(label=_("授权书文号"), max_length=64)
    valid_from = forms.DateField(label=_("起始日期"), widget=DateInput, initial=today)
    valid_to = forms.DateField(
        label=_("终止日期"), required=False, widget=DateInput, help_text=_("空白表示长期有效")
    )
    instruction = forms.CharField(
        label=_("书面指令"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, procuratorate, **kwargs):
        super().__init__(*args, **kwargs)
        from procuracy.people.models import Category, Staff

        staff = Staff.objects.filter(
            procuratorate=procuratorate, category=Category.PROSECUTOR, left_on__isnull=True
        ).order_by("pinyin", "id")
        self.fields["delegate"].choices = [("", _("请选择"))] + [(s.pk, s.name) for s in staff]
        self.fields["matter"].choices = [("", _("请选择")), *_matters()]
        self.fields["business_line"].choices = [("", ALL_LINES), *_lines()]

    def arguments(self) -> dict:
        """The cleaned form as services.delegate takes it."""
        from procuracy.people.models import Staff

        data = dict(self.cleaned_data)
        data["delegate"] = Staff.objects.get(pk=data["delegate"])
        data["matter"] = Matter.objects.get(code=data["matter"])
        line = data.pop("business_line")
        data["business_line"] = BusinessLine.objects.get(code=line) if line else None
        return data


class RevokeForm(forms.Form):
    on = forms.DateField(label=_("撤销日期"), widget=DateInput, initial=today)
    reason = forms.CharField(label=_("撤销理由"), max_length=200)


class CheckForm(forms.Form):
    """Who, which matter, in what case: the engine's answer, as an administrator asks it."""

    staff = forms.CharField(
        label=_("人员"),
        required=False,
        max_length=40,
        help_text=_("登录名或人员编号;空白表示本人"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    matter = forms.ChoiceField(label=_("事项"))
    power = forms.ChoiceField(
        label=_("权力类型"), choices=Power.choices, initial=Power.DECIDE, required=False
    )
    procuratorate = forms.TypedChoiceField(
        label=_("检察院"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=QuickSelect,
        help_text=_("空白表示该人员所在院"),
    )
    business_line = forms.ChoiceField(label=_("业务条线"), required=False)
    case_type = forms.CharField(label=_("案件类型"), required=False, max_length=40)
    amount = forms.DecimalField(
        label=_("涉案金额(元)"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    on = forms.DateField(label=_("日期"), required=False, widget=DateInput)
    flags = forms.MultipleChoiceField(
        label=_("情形"), required=False, choices=Flag.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, data, *, actor: Actor):
        super().__init__(data)
        self.fields["matter"].choices = [("", _("请选择")), *_matters()]
        self.fields["business_line"].choices = [("", ALL_LINES), *_lines()]
        places = organisation.procuratorates(actor).only("pk", "short_name", "path")
        self.places = {p.pk: p for p in places}
        self.fields["procuratorate"].choices = [("", "—")] + [
            (p.pk, "\u3000" * p.depth + p.short_name) for p in self.places.values()
        ]
