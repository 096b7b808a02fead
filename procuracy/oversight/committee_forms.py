"""What the committee's pages read from a request: the membership, a meeting to schedule, an
agenda item, the attendance, the members' votes, an item's result, the minutes, and the
answer to a referral. Each form's `arguments()` are the service's keyword arguments; whether
they hold is the service's to say."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procuracy.cases import lifecycle
from procuracy.cases.models import Decision
from procuracy.core.models import today
from procuracy.oversight import committee
from procuracy.oversight.models import ItemKind, Position, ReferralTo
from procuracy.people.forms import DateInput
from procuracy.people.models import Category, Staff
from procuracy.powers.models import Matter

TEXT = {"rows": 3}


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class StaffChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


def prosecutors_of(procuratorate):
    """The quota prosecutors employed at the procuratorate today: who may be members."""
    day = today()
    return (
        Staff.objects.employed_on(day)
        .in_quota_on(day)
        .filter(procuratorate=procuratorate, category=Category.PROSECUTOR)
        .order_by("pinyin", "id")
    )


class MembersForm(forms.Form):
    members = StaffChoices(
        label=_("委员"),
        queryset=Staff.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("检察长、副检察长和资深检察官,人数须为单数,并包括检察长"),
    )
    valid_from = forms.DateField(label=_("任职起始日期"), widget=DateInput, initial=today)
    reference = forms.CharField(
        label=_("任免文号或依据"), max_length=200, help_text=_("如 ××区人大常委会任免〔2026〕3号")
    )

    def __init__(self, *args, procuratorate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = prosecutors_of(procuratorate)
        if not self.is_bound:
            self.fields["members"].initial = [
                m.staff.pk for m in committee.members_on(procuratorate)
            ]

    def arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "members": list(data["members"]),
            "valid_from": data["valid_from"],
            "reference": data["reference"],
        }


class ScheduleForm(forms.Form):
    scheduled_for = forms.DateTimeField(label=_("会议时间"), widget=DateTimeInput)
    chair = StaffChoice(label=_("主持人"), queryset=Staff.objects.none())
    entrustment = forms.CharField(
        label=_("检察长委托"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXT),
        help_text=_("由副检察长主持时,写明检察长的书面委托;检察长主持时不填"),
    )

    def __init__(self, *args, procuratorate, **kwargs):
        super().__init__(*args, **kwargs)
        # The chief and the deputies on the committee; whether one may chair is the service's.
        leaders = [m.staff.pk for m in committee.members_on(procuratorate) if m.roles]
        self.fields["chair"].queryset = Staff.objects.filter(pk__in=leaders).order_by("pinyin")
        if not self.is_bound:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.fields["scheduled_for"].initial = now
            chief = committee.chief_on(procuratorate, today())
            self.fields["chair"].initial = chief.pk if chief else None

    def arguments(self) -> dict:
        return dict(self.cleaned_data)


class AgendaForm(forms.Form):
    """A case referred to the committee (its matter as proposed unless another is chosen), or
    another major matter with its title."""

    submission = forms.ModelChoiceField(
        label=_("提请讨论的案件"),
        queryset=None,
        required=False,
        help_text=_("讨论其他重大事项时不选"),
    )
    matter = forms.ModelChoiceField(
        label=_("拟决定事项"),
        queryset=Matter.objects.order_by("number"),
        to_field_name="code",
        required=False,
        help_text=_("不选即为报请的事项"),
    )
    title = forms.CharField(
        label=_("议题"),
        required=False,
        max_length=200,
        help_text=_("其他重大事项须填写;案件议题自动取案号和案件名称"),
    )
    presenter = StaffChoice(label=_("汇报人"), queryset=Staff.objects.none())
    report = forms.CharField(
        label=_("汇报内容"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        referred = committee.referred_submissions(meeting.procuratorate)
        field = self.fields["submission"]
        field.queryset = Decision.objects.filter(pk__in=[d.pk for d in referred]).select_related(
            "case", "matter"
        )
        field.label_from_instance = lambda d: f"{d.case.number} {d.case.title}({d.matter.name})"
        codes = {code for d in referred for code in lifecycle.matters_for(d.case)}
        self.fields["matter"].queryset = Matter.objects.filter(code__in=codes).order_by("number")
        self.fields["presenter"].queryset = prosecutors_of(meeting.procuratorate)

    def arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "submission": data["submission"],
            "matter": data["matter"].code if data["matter"] else "",
            "title": data["title"],
            "presenter": data["presenter"],
            "report": data["report"],
        }


class OpenForm(forms.Form):
    """The attendance: a box for each member present; a reason for each one absent."""

    present = StaffChoices(
        label=_("出席委员"), queryset=Staff.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        ids = [m.staff.pk for m in members]
        self.fields["present"].queryset = Staff.objects.filter(pk__in=ids)
        # In the members' order (the chief first), as the absence fields below.
        self.fields["present"].widget.choices = [(m.staff.pk, m.staff.name) for m in members]
        self.fields["present"].initial = ids
        for m in members:
            self.fields[f"note_{m.staff.pk}"] = forms.CharField(
                label=_("%(name)s 缺席事由") % {"name": m.staff.name},
                required=False,
                max_length=100,
            )

    def arguments(self) -> dict:
        present = list(self.cleaned_data["present"])
        here = {s.pk for s in present}
        notes = {
            m.staff: self.cleaned_data.get(f"note_{m.staff.pk}", "")
            for m in self.members
            if m.staff.pk not in here and self.cleaned_data.get(f"note_{m.staff.pk}")
        }
        return {"present": present, "absent_notes": notes}


CHOICES = [("", _("(未表决)")), *Position.choices]


class VotesForm(forms.Form):
    """A choice and an opinion for each member present who has not voted on the item; the
    members left blank vote later."""

    def __init__(self, *args, voters, **kwargs):
        super().__init__(*args, **kwargs)
        self.voters = voters
        for staff in voters:
            self.fields[f"choice_{staff.pk}"] = forms.ChoiceField(
                label=_("%(name)s 表决") % {"name": staff.name}, choices=CHOICES, required=False
            )
            self.fields[f"opinion_{staff.pk}"] = forms.CharField(
                label=_("%(name)s 意见") % {"name": staff.name},
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self) -> list[tuple]:
        """(member, choice field, opinion field) for the page's table, one row per member."""
        return [(s, self[f"choice_{s.pk}"], self[f"opinion_{s.pk}"]) for s in self.voters]

    def arguments(self) -> dict:
        data = self.cleaned_data
        votes = [
            (staff, data[f"choice_{staff.pk}"], data.get(f"opinion_{staff.pk}", ""))
            for staff in self.voters
            if data.get(f"choice_{staff.pk}")
        ]
        return {"votes": votes}


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("决定内容"),
        max_length=4000,
        widget=forms.Textarea(attrs=TEXT),
        help_text=_("多数委员的意见;未获全体委员过半数同意的,议题未通过"),
    )
    chief_disagrees = forms.BooleanField(
        label=_("检察长不同意多数意见"),
        required=False,
        help_text=_("不作决定,报请上一级人民检察院(或人大常委会)决定"),
    )
    referral_to = forms.ChoiceField(
        label=_("报请对象"),
        required=False,
        choices=[("", "---------"), *ReferralTo.choices],
        help_text=_("案件只能报请上一级人民检察院决定"),
    )
    reasoning = forms.CharField(
        label=_("检察长的理由"), required=False, max_length=4000, widget=forms.Textarea(attrs=TEXT)
    )

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        if item is not None and item.kind == ItemKind.CASE:
            self.fields["referral_to"].choices = [("", "---------"), ReferralTo.choices[0]]

    def arguments(self) -> dict:
        return dict(self.cleaned_data)


class CloseForm(forms.Form):
    minutes = forms.CharField(
        label=_("会议纪要"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )

    def arguments(self) -> dict:
        return dict(self.cleaned_data)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("答复(决定)内容"), max_length=4000, widget=forms.Textarea(attrs=TEXT)
    )
    matter = forms.ModelChoiceField(
        label=_("决定事项"),
        queryset=Matter.objects.order_by("number"),
        to_field_name="code",
        required=False,
        help_text=_("案件须选择上一级人民检察院决定的事项"),
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is None:
            del self.fields["matter"]  # a major matter: the answer alone
        else:
            codes = lifecycle.matters_for(case)
            self.fields["matter"].queryset = Matter.objects.filter(code__in=codes).order_by(
                "number"
            )

    def arguments(self) -> dict:
        matter = self.cleaned_data.get("matter")
        return {"answer": self.cleaned_data["answer"], "matter": matter.code if matter else ""}
