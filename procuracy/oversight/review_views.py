"""Pages of review and decision: the case page's oversight section (监督制约) — the record in
time order and a form for each act the reader may perform now, the disabled button with the
reason for the others — the acts posted from it, and a joint meeting's opinion for its
participant to read and sign. A posted act goes back to the case page; a refused one
re-renders it with the reason (403 when the power list refused, 200 for bad input or a broken
rule), nothing written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from procuracy.cases import lifecycle
from procuracy.cases.forms import ActForm
from procuracy.cases.models import Case, Decision, DecisionStatus
from procuracy.core.actors import actor_of
from procuracy.core.views import perform, refused_status
from procuracy.oversight import instructions, review, selectors
from procuracy.oversight.models import JointOpinion, Objection, ReviewKind
from procuracy.oversight.review_forms import (
    AgreeForm,
    AnswerObjectionForm,
    DirectForm,
    JointMeetingForm,
    ObjectForm,
    ReexaminedForm,
    ReviewForm,
    reexamine_form,
    refer_form,
)
from procuracy.powers import engine

LABELS = {
    "review": gettext_lazy("审核"),
    "joint_meeting": gettext_lazy("记录检察官联席会议"),
    "agree": gettext_lazy("同意报请"),
    "reexamine": gettext_lazy("要求复核"),
    "direct": gettext_lazy("直接决定"),
    "refer": gettext_lazy("提请检察委员会讨论"),
    "sign": gettext_lazy("签名确认"),
    "reexamined": gettext_lazy("提出复核意见"),
    "object": gettext_lazy("提出书面异议"),
    "answer_objection": gettext_lazy("答复异议"),
}
ANCHOR = "#oversight-title"


# ---- the case page's section ---------------------------------------------------------------


def section(actor, case: Case, failed=None) -> dict:
    """The oversight section's context: the record, what the reader may do (the four ways at
    the decider's step grouped apart), a form for each act allowed — the refused post's own,
    bound, to show its errors."""
    record = selectors.case_record(case)
    acts = selectors.acts(actor, case, record)
    forms = {name: _form(name, acts, case) for name, a in acts.answers.items() if a.allowed}
    errors: list[str] = []
    if failed is not None:
        name, form = failed
        if name in forms:
            _offer(name, form, acts)
            forms[name] = form
        else:
            errors = [e for field_errors in form.errors.values() for e in field_errors]
            errors += [e for f in getattr(form, "opinions", ()) for e in _all_errors(f)]
    rows = [
        Offer(
            name,
            str(LABELS[name]),
            answer,
            forms.get(name),
            _action(name, acts),
            _title(name, acts),
        )
        for name, answer in acts.answers.items()
    ]
    return {
        "oversight": record,
        "oversight_acts": acts,
        "oversight_ways": [r for r in rows if r.name in selectors.LEADER_WAYS],
        "oversight_offers": [r for r in rows if r.name not in selectors.LEADER_WAYS],
        "oversight_errors": errors,
        "oversight_may_instruct": engine.authorize(
            actor, instructions.INSTRUCT, engine.Context(procuratorate=case.procuratorate)
        ).allowed,
    }


@dataclass(frozen=True)
class Offer:
    """One act of the section as the page shows it."""

    name: str
    label: str
    answer: object
    form: object
    action: str
    title: str


def _title(name: str, acts: selectors.Acts) -> str:
    if name == "agree" and acts.submission is not None:
        return _("同意报请的“%(matter)s”") % {"matter": acts.submission.matter.name}
    return str(LABELS[name])


def _all_errors(form) -> list[str]:
    return [e for field_errors in form.errors.values() for e in field_errors]


def _form(name: str, acts: selectors.Acts, case: Case, data=None):
    if name == "joint_meeting":
        return JointMeetingForm(data, people=list(selectors.quota_prosecutors(case)))
    form = FORMS[name](data)
    _offer(name, form, acts)
    return form


def _offer(name: str, form, acts: selectors.Acts) -> None:
    options = {"direct": acts.direct, "reexamined": acts.others, "answer_objection": acts.changes}
    if name in options:
        form.offer(options[name])


def _action(name: str, acts: selectors.Acts) -> str:
    if name == "sign":
        return reverse("oversight:review_sign", args=[acts.opinion.pk]) if acts.opinion else ""
    if name == "object":
        return reverse("oversight:review_object", args=[acts.binding.pk]) if acts.binding else ""
    if name == "answer_objection":
        target = acts.objection
        return reverse("oversight:review_answer_objection", args=[target.pk]) if target else ""
    submission = acts.submission
    return reverse(f"oversight:review_{name}", args=[submission.pk]) if submission else ""


FORMS: dict[str, Callable] = {
    "review": ReviewForm,
    "agree": AgreeForm,
    "reexamine": reexamine_form,
    "direct": DirectForm,
    "refer": refer_form,
    "reexamined": ReexaminedForm,
    "object": ObjectForm,
    "answer_objection": AnswerObjectionForm,
    "sign": ActForm,
}


# ---- the acts posted from the section ------------------------------------------------------


@dataclass(frozen=True)
class Posted:
    """An act of the section: the row it is on (read within the reader's scope), its case,
    and what the act does with the valid form's arguments, and says when done."""

    load: Callable
    case: Callable
    call: Callable
    done: Callable


def _submission(actor, pk: int) -> Decision:
    return selectors.submission_for(actor, pk)


def _objection(actor, pk: int) -> Objection:
    return selectors.objection_for(actor, pk)


def _decided(result: Decision, case: Case) -> str:
    return _("已作出决定:“%(matter)s”。案件状态:%(status)s。") % {
        "matter": result.matter.name,
        "status": case.get_status_display(),
    }


def _reviewed(result, case: Case) -> str:
    decision = result.decision
    decision.refresh_from_db()
    if decision.status == DecisionStatus.REFERRED:
        return _("已提出审核意见,报请送检察委员会讨论。")
    step = review.step_of(decision)
    return _("已提出审核意见,报请送%(step)s。") % {
        "step": engine.step_label(**step) if step else "—"
    }


def _reexamined(result: Decision, case: Case) -> str:
    if result.reviews.filter(kind=ReviewKind.REEXAMINED).exists():  # the proposal kept
        step = review.step_of(result)
        return _("已提出复核意见,报请回到%(step)s环节。") % {
            "step": engine.step_label(**step) if step else "—"
        }
    return _("已提出复核意见,报请“%(matter)s”。") % {"matter": result.matter.name}


def _answered(result: Objection, case: Case) -> str:
    if result.replaced_by_id:
        return _("已答复异议:改变原决定为“%(matter)s”。案件状态:%(status)s。") % {
            "matter": result.replaced_by.matter.name,
            "status": case.get_status_display(),
        }
    return _("已答复异议:维持原决定,承办检察官应当执行。")


POSTED = {
    "review": Posted(
        _submission,
        lambda d: d.case,
        lambda actor, d, args: review.review(actor=actor, decision=d, **args),
        _reviewed,
    ),
    "joint_meeting": Posted(
        _submission,
        lambda d: d.case,
        lambda actor, d, args: review.hold_joint_meeting(actor=actor, decision=d, **args),
        lambda m, case: (
            _("已记录检察官联席会议,%(n)s 名检察官的意见待本人签名。") % {"n": m.opinions.count()}
        ),
    ),
    "agree": Posted(
        _submission,
        lambda d: d.case,
        lambda actor, d, args: lifecycle.decide(
            actor=actor, case=d.case, matter=d.matter.code, **args
        ),
        _decided,
    ),
    "direct": Posted(
        _submission,
        lambda d: d.case,
        lambda actor, d, args: lifecycle.decide(actor=actor, case=d.case, **args),
        _decided,
    ),
    "reexamine": Posted(
        _submission,
        lambda d: d.case,
        lambda actor, d, args: review.order_reexamination(actor=actor, decision=d, **args),
        lambda r, case: _("已要求承办检察官复核,复核意见回到您的环节。"),
    ),
    "refer": Posted(
        _submission,
        lambda d: d.case,
        lambda actor, d, args: review.refer_to_committee(actor=actor, decision=d, **args),
        lambda r, case: _("已提请检察委员会讨论,等待列入会议议题。"),
    ),
    "reexamined": Posted(
        _submission,
        lambda d: d.case,
        lambda actor, d, args: review.answer_reexamination(actor=actor, decision=d, **args),
        _reexamined,
    ),
    "object": Posted(
        _submission,
        lambda d: d.case,
        lambda actor, d, args: review.object_to(actor=actor, decision=d, **args),
        lambda o, case: (
            _("已提出书面异议,等待%(who)s答复;答复前暂不执行。")
            % {"who": o.decision.decided_by.name if o.decision.decided_by else _("决定人")}
        ),
    ),
    "answer_objection": Posted(
        _objection,
        lambda o: o.decision.case,
        lambda actor, o, args: review.answer_objection(actor=actor, objection=o, **args),
        _answered,
    ),
}


def _post(request, name: str, pk: int):
    """Perform the act on its row and go back to the case page; refused, the page again with
    the reason on the act's form."""
    from procuracy.cases.views import render_case

    actor = actor_of(request)
    posted = POSTED[name]
    try:
        row = posted.load(actor, pk)
    except (Decision.DoesNotExist, Objection.DoesNotExist):
        raise Http404 from None
    case = posted.case(row)
    form = (
        JointMeetingForm(request.POST, people=list(selectors.quota_prosecutors(case)))
        if name == "joint_meeting"
        else FORMS[name](request.POST)
    )
    if form.is_valid():
        done = perform(form, lambda: posted.call(actor, row, form.arguments()))
        if done is not None:
            case.refresh_from_db()
            messages.success(request, posted.done(done, case))
            return redirect(reverse("cases:detail", args=[case.pk]) + ANCHOR)
    case.refresh_from_db()  # what the refused act may have changed in memory only
    status = refused_status(form)
    return render_case(request, actor, case, status=status, oversight_failed=(name, form))


def _poster(name: str):
    @require_POST
    def view(request, pk: int):
        return _post(request, name, pk)

    view.__name__ = view.__qualname__ = f"review_{name}"
    return view


# ---- a joint meeting's opinion, for its participant ----------------------------------------


def _opinion_or_404(actor, pk: int) -> JointOpinion:
    try:
        return selectors.joint_opinion_for(actor, pk)
    except JointOpinion.DoesNotExist:
        raise Http404 from None


@require_GET
def joint_opinion(request, pk: int):
    actor = actor_of(request)
    return _render_opinion(request, actor, _opinion_or_404(actor, pk))


def _render_opinion(request, actor, opinion: JointOpinion, status=200, form=None):
    meeting = opinion.meeting
    case = meeting.decision.case
    person = engine.Context(procuratorate=case.procuratorate, person=opinion.participant_id)
    answer = engine.authorize(actor, review.SIGN, person)
    context = {
        "opinion": opinion,
        "meeting": meeting,
        "case": case,
        "opinions": list(meeting.opinions.select_related("participant").order_by("id")),
        "answer": answer,
        "form": form or ActForm(),
        "case_readable": selectors.case_readable(actor, case),
    }
    return render(request, "oversight/review_joint_opinion.html", context, status=status)


@require_POST
def sign(request, pk: int):
    """A participant signs their own opinion: back to the case page where they may read it,
    else to the opinion's page."""
    actor = actor_of(request)
    opinion = _opinion_or_404(actor, pk)
    form = ActForm(request.POST)
    form.is_valid()
    if perform(form, review.sign_joint_opinion, actor=actor, opinion=opinion) is not None:
        messages.success(request, _("已在检察官联席会议意见上签名。"))
        case = opinion.meeting.decision.case
        if selectors.case_readable(actor, case):
            return redirect(reverse("cases:detail", args=[case.pk]) + ANCHOR)
        return redirect("oversight:review_joint_opinion", pk=opinion.pk)
    opinion.refresh_from_db()
    return _render_opinion(request, actor, opinion, status=refused_status(form), form=form)


urlpatterns = [
    path("submissions/<int:pk>/review/", _poster("review"), name="review_review"),
    path(
        "submissions/<int:pk>/joint-meeting/",
        _poster("joint_meeting"),
        name="review_joint_meeting",
    ),
    path("submissions/<int:pk>/agree/", _poster("agree"), name="review_agree"),
    path("submissions/<int:pk>/reexamine/", _poster("reexamine"), name="review_reexamine"),
    path("submissions/<int:pk>/decide/", _poster("direct"), name="review_direct"),
    path("submissions/<int:pk>/refer/", _poster("refer"), name="review_refer"),
    path("submissions/<int:pk>/reexamined/", _poster("reexamined"), name="review_reexamined"),
    path("decisions/<int:pk>/object/", _poster("object"), name="review_object"),
    path(
        "objections/<int:pk>/answer/",
        _poster("answer_objection"),
        name="review_answer_objection",
    ),
    path("joint-opinions/<int:pk>/", joint_opinion, name="review_joint_opinion"),
    path("joint-opinions/<int:pk>/sign/", sign, name="review_sign"),
]
