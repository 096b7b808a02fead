"""What the oversight section of the case page reads from a request: a review opinion, a
prosecutors' joint meeting with each participant's opinion, the decider's four ways (agree,
order re-examination, decide directly, refer to the committee), the handlers' re-examination,
a written objection and its answer. The forms check only their own fields; every rule is the
acts' to say (procuracy.oversight.review, procuracy.cases.lifecycle)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from procuracy.cases.forms import ActForm, DecisionForm
from procuracy.core.errors import RuleViolation
from procuracy.oversight.models import Position

TEXT = forms.Textarea(attrs={"rows": 3})


def _text(label, max_length=4000, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, widget=TEXT, **kwargs)


def _choices(options, blank) -> list[tuple[str, str]]:
    return [("", blank)] + [(option.code, option.name) for option in options]


class ReviewForm(ActForm):
    """审核意见: agree or not, in writing; the submission goes on to the next step either way."""

    agree = forms.ChoiceField(
        label=_("审核意见"),
        choices=[("", "---------"), ("agree", _("同意")), ("disagree", _("不同意"))],
    )
    opinion = _text(_("意见内容"))

    def __init__(self, data=None, *, auto_id="review-%s", **kwargs):
        super().__init__(data, auto_id=auto_id, **kwargs)

    def arguments(self) -> dict:
        return {
            "agree": self.cleaned_data["agree"] == "agree",
            "opinion": self.cleaned_data["opinion"],
        }


class OpinionForm(ActForm):
    """A leader's written reason: for ordering re-examination, or referring to the committee."""

    opinion = _text(_("理由"))

    def __init__(self, data=None, *, auto_id="opinion-%s", label=None, **kwargs):
        super().__init__(data, auto_id=auto_id, **kwargs)
        if label is not None:
            self.fields["opinion"].label = label


def reexamine_form(data=None) -> OpinionForm:
    return OpinionForm(data, auto_id="reexamine-%s", label=_("要求复核的理由"))


def refer_form(data=None) -> OpinionForm:
    return OpinionForm(data, auto_id="refer-%s", label=_("提请检察委员会讨论的理由"))


class AgreeForm(ActForm):
    """Agreeing with the submission: deciding the matter it proposes (from the URL)."""

    reasoning = _text(_("决定意见"))

    def __init__(self, data=None, *, auto_id="agree-%s"):
        super().__init__(data, auto_id=auto_id)


class DirectForm(DecisionForm):
    """Deciding directly (直接决定): another matter than the one proposed, which binds the
    handlers."""

    def __init__(self, data=None, *, options=(), auto_id="direct-%s"):
        super().__init__(data, options=options, auto_id=auto_id)
        self.fields["matter"].label = _("改为决定")
        self.fields["reasoning"].label = _("直接决定的理由")

    def offer(self, options) -> None:
        self.fields["matter"].widget.choices = _choices(options, "---------")


class ReexaminedForm(ActForm):
    """The handlers' re-examination: keep the proposal (no matter) or propose another."""

    matter = forms.CharField(
        label=_("复核后的意见"), max_length=40, required=False, widget=forms.Select
    )
    opinion = _text(_("复核意见"))

    def __init__(self, data=None, *, options=(), auto_id="reexamined-%s"):
        super().__init__(data, auto_id=auto_id)
        self.offer(options)

    def offer(self, options) -> None:
        self.fields["matter"].widget.choices = _choices(options, _("维持原报请事项"))


class ObjectForm(ActForm):
    text = _text(
        _("异议的内容和理由"), help_text=_("书面异议提出后,由作出决定的人答复;答复前暂不执行。")
    )

    def __init__(self, data=None, *, auto_id="object-%s"):
        super().__init__(data, auto_id=auto_id)


class AnswerObjectionForm(ActForm):
    answer = forms.ChoiceField(
        label=_("答复"),
        choices=[("", "---------"), ("maintain", _("维持原决定")), ("change", _("改变原决定"))],
    )
    matter = forms.CharField(
        label=_("改为决定"), max_length=40, required=False, widget=forms.Select
    )
    text = _text(_("答复意见"))

    def __init__(self, data=None, *, options=(), auto_id="answer-%s"):
        super().__init__(data, auto_id=auto_id)
        self.offer(options)

    def offer(self, options) -> None:
        self.fields["matter"].widget.choices = _choices(options, _("(维持原决定时不选)"))

    def arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "maintain": data["answer"] == "maintain",
            "text": data["text"],
            "matter": data["matter"],
        }


# ---- the prosecutors' joint meeting ------------------------------------------------------


class JointOpinionForm(forms.Form):
    """One participant's opinion; a row left blank is no participant."""

    participant = forms.IntegerField(label=_("参加人"), required=False, widget=forms.Select)
    position = forms.ChoiceField(
        label=_("倾向"), required=False, choices=[("", "---------"), *Position.choices]
    )
    opinion = forms.CharField(
        label=_("发表的意见"),
        max_length=2000,
        required=False,
        widget=forms.TextInput(attrs={"size": 48}),
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].widget.choices = [("", "---------")] + [
            (staff.pk, staff.name) for staff in people
        ]

    def clean(self):
        data = super().clean()
        if data.get("participant") is None and not data.get("opinion", "").strip():
            return data
        if data.get("participant") is None:
            self.add_error("participant", _("请选择参加人。"))
        if not data.get("position"):
            self.add_error("position", _("请选择倾向。"))
        return data

    def row(self) -> tuple | None:
        data = self.cleaned_data
        if data.get("participant") is None:
            return None
        return (data["participant"], data["position"], data["opinion"])


JointOpinionFormSet = forms.formset_factory(JointOpinionForm, extra=5, max_num=30)


class JointMeetingForm(ActForm):
    """检察官联席会议: what was asked, the minutes, and each participant's opinion (the rows
    of `opinions`, among the procuratorate's quota prosecutors `people`)."""

    question = _text(_("讨论事项"), max_length=2000)
    minutes = _text(_("会议记录"))

    def __init__(self, data=None, *, people=(), auto_id="joint-%s"):
        super().__init__(data, auto_id=auto_id)
        self.opinions = JointOpinionFormSet(
            data, prefix="opinions", form_kwargs={"people": list(people)}
        )

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return self.opinions.is_valid() and valid

    def arguments(self) -> dict:
        """The act's arguments; each participant read by id (the act says whether they may
        sit: a quota prosecutor of the procuratorate)."""
        from procuracy.people.models import Staff

        rows = [r for r in (form.row() for form in self.opinions.forms) if r is not None]
        staff = Staff.objects.in_bulk([pk for pk, _p, _o in rows])
        unknown = [pk for pk, _p, _o in rows if pk not in staff]
        if unknown:
            raise RuleViolation(_("没有编号为 %(id)s 的人员。") % {"id": unknown[0]}, "opinions")
        opinions = [(staff[pk], position, text) for pk, position, text in rows]
        return {**self.cleaned_data, "opinions": opinions}
