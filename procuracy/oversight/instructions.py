"""Written instructions (指令) and the flagged case's report to the chief (向检察长报告): the
acts, and the reads that pages, API, command line and desk share.

An instruction exists only in writing, with its document number (组织法 Art 24; 规则 Arts
9–10). A leader of the case's own procuratorate, or of one above it, may instruct (指示) on a
case; only a higher procuratorate may order a decision corrected (指令纠正), revoke or change it
(撤销、变更), designate jurisdiction (指定管辖) or call up a member of staff (调用检察人员). The
receiving side reports how it carried the instruction out, and may report its disagreement
while doing so (组织法 Art 25): there is no refusing.

A revoked or changed decision no longer stands (DecisionStatus.REVOKED). The case it had
moved on goes back to its handlers, so that they can carry out what the instruction says: a
case the decision closed or transferred is open again (not once archived: the file is the
case office's; the compliance report says what was done), and one waiting to carry out that
decision (执行决定) is handled again. No time limit restarts: the law read sets none for the
work after a higher procuratorate's revocation.

A case flagged major, difficult, complex or of social impact owes the chief a report (规则
Art 4 para 5): opened at intake, filed by a handler, read by the chief (阅示).
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procuracy.cases import lifecycle
from procuracy.cases.models import Case, CaseStatus, Decision, DecisionStatus
from procuracy.cases.selectors import handled_q, readable_q
from procuracy.core import scope
from procuracy.core.actors import Actor
from procuracy.core.errors import RuleViolation
from procuracy.core.models import Ledgered, day_of, lock_afresh, today
from procuracy.core.permissions import BELOW, HANDLER, role_rule
from procuracy.core.spine import record, service
from procuracy.organisation.models import Procuratorate
from procuracy.oversight.models import Instruction, InstructionKind, Report
from procuracy.people.models import Staff
from procuracy.powers.engine import Context
from procuracy.powers.models import Flag

LEADER_POSTS = frozenset({"chief", "acting_chief", "deputy_chief"})
CHIEF_POSTS = frozenset({"chief", "acting_chief"})

INSTRUCT = role_rule(
    "oversight.instruct",
    gettext_lazy("发出书面指令"),
    LEADER_POSTS,
    reach=BELOW,
)
COMPLY = role_rule(
    "oversight.comply",
    gettext_lazy("报告指令执行情况"),
    {HANDLER, *LEADER_POSTS},
)
FILE_REPORT = role_rule("oversight.file_report", gettext_lazy("向检察长报告案件"), {HANDLER})
READ_REPORT = role_rule("oversight.read_report", gettext_lazy("阅示案件报告"), CHIEF_POSTS)

# The kinds only a procuratorate above the recipient may issue (组织法 Art 24).
HIGHER_ONLY = frozenset(
    {
        InstructionKind.CORRECT,
        InstructionKind.REVOKE,
        InstructionKind.CHANGE,
        InstructionKind.DESIGNATE,
        InstructionKind.CALL_UP,
    }
)
# The kinds that act on a decision of the lower procuratorate, and those that undo it.
ON_DECISION = frozenset({InstructionKind.CORRECT, InstructionKind.REVOKE, InstructionKind.CHANGE})
UNDOING = frozenset({InstructionKind.REVOKE, InstructionKind.CHANGE})
# The case-page form offers these; a call-up has its own form.
CASE_KINDS = (
    InstructionKind.INSTRUCT,
    InstructionKind.CORRECT,
    InstructionKind.REVOKE,
    InstructionKind.CHANGE,
    InstructionKind.DESIGNATE,
)
ART_24 = gettext_lazy("《人民检察院组织法》第二十四条")

# 规则 Art 4 para 5: the flags that make a case owe the chief a report.
REPORTED_FLAGS = (Flag.MAJOR, Flag.DIFFICULT, Flag.COMPLEX, Flag.SOCIAL_IMPACT)

# What a revoked decision's case becomes (the act's body says which).
REOPENED, HANDLED_AGAIN, KEPT = "reopened", "handled_again", "kept"


def _text(value: str, field: str, message: str) -> str:
    if not value or not value.strip():
        raise RuleViolation(message, field)
    return value.strip()


# ---- issuing an instruction --------------------------------------------------------------


def issuer_of(actor: Actor, recipient: Procuratorate, higher: bool) -> int | None:
    """The procuratorate the actor instructs `recipient` from: the nearest one at or above it
    (strictly above when `higher`) where the actor is the chief or a deputy."""
    found = [
        held
        for held in actor.positions
        if held.kind in LEADER_POSTS
        and recipient.path.startswith(held.procuratorate_path)
        and not (higher and held.procuratorate_id == recipient.pk)
    ]
    if not found:
        return None
    return max(found, key=lambda held: len(held.procuratorate_path)).procuratorate_id


def _kind_label(kind: str) -> str:
    return str(InstructionKind(kind).label)


def _check_kind(kind: str) -> None:
    if kind not in InstructionKind.values:
        raise RuleViolation(_("没有“%(kind)s”这类指令。") % {"kind": kind}, "kind")


def _check_decision(kind: str, decision: Decision | None, case: Case | None, recipient) -> Case:
    """The decision an instruction on a decision names: one the recipient made and that
    stands. Returns its case."""
    label = _kind_label(kind)
    if decision is None:
        raise RuleViolation(_("“%(kind)s”须指明所针对的决定。") % {"kind": label}, "decision")
    lock_afresh(decision)
    if case is not None and decision.case_id != case.pk:
        raise RuleViolation(_("所指决定不属于该案件。"), "decision")
    found = decision.case
    if found.procuratorate_id != recipient.pk:
        raise RuleViolation(
            _("所指决定不是%(place)s作出的决定。") % {"place": recipient.name}, "decision"
        )
    if decision.status != DecisionStatus.MADE:
        raise RuleViolation(
            _("该决定的状态是“%(status)s”,只能对已经作出的决定发出“%(kind)s”。")
            % {"status": decision.get_status_display(), "kind": label},
            "decision",
        )
    return found


def _check_case(kind: str, case: Case | None, recipient) -> Case:
    if case is None:
        raise RuleViolation(_("“%(kind)s”须针对一件案件。") % {"kind": _kind_label(kind)}, "case")
    if case.procuratorate_id != recipient.pk:
        raise RuleViolation(
            _("针对案件的指令只能发给受理该案的检察院(%(place)s)。")
            % {"place": case.procuratorate.name},
            "recipient",
        )
    return case


def _check_staff(staff: Staff | None, recipient) -> Staff:
    if staff is None:
        raise RuleViolation(_("调用检察人员须指明被调用的人员。"), "staff")
    if staff.procuratorate_id != recipient.pk or staff.left_on is not None:
        raise RuleViolation(
            _("%(name)s 不是%(place)s的在职人员。") % {"name": staff.name, "place": recipient.name},
            "staff",
        )
    return staff


def _target(kind: str, recipient, case, decision, staff) -> tuple[Case | None, Staff | None]:
    """What the instruction is on, checked for its kind: (case, staff)."""
    if kind == InstructionKind.CALL_UP:
        if case is not None or decision is not None:
            raise RuleViolation(_("调用检察人员不针对案件或决定。"), "case")
        return None, _check_staff(staff, recipient)
    if staff is not None:
        raise RuleViolation(_("只有调用检察人员的指令指明人员。"), "staff")
    if kind in ON_DECISION:
        case = _check_decision(kind, decision, case, recipient)
    elif decision is not None and kind != InstructionKind.INSTRUCT:
        raise RuleViolation(
            _("“%(kind)s”不针对某项决定。") % {"kind": _kind_label(kind)}, "decision"
        )
    case = _check_case(kind, case, recipient)
    if decision is not None and decision.case_id != case.pk:
        raise RuleViolation(_("所指决定不属于该案件。"), "decision")
    return case, None


def _issuer(actor: Actor, kind: str, recipient) -> tuple[Procuratorate, Staff]:
    """The procuratorate the instruction goes out from, and who signs it."""
    if actor.staff is None:
        raise RuleViolation(_("指令须由检察长或副检察长签发。"), "kind")
    higher = kind in HIGHER_ONLY
    found = issuer_of(actor, recipient, higher)
    if found is None:
        raise RuleViolation(
            _("“%(kind)s”须由上级人民检察院作出(%(basis)s),不能对本院发出。")
            % {"kind": _kind_label(kind), "basis": ART_24},
            "kind",
        )
    return Procuratorate.objects.get(pk=found), actor.staff


def _undo(decision: Decision, case: Case) -> tuple[str, list[Ledgered]]:
    """The revoked decision no longer stands; the case it moved on goes back to its handlers
    (see the module's note). Returns what became of the case and the rows written."""
    decision.status = DecisionStatus.REVOKED
    decision.save(update_fields=["status"])
    lock_afresh(case)
    later = case.decisions.filter(status=DecisionStatus.MADE, decided_at__gt=decision.decided_at)
    effect = lifecycle.EFFECTS.get(decision.matter.code, lifecycle.NOTE)
    moved = effect in (lifecycle.CLOSE, lifecycle.TRANSFER) and not later.exists()
    if case.status in (CaseStatus.CLOSED, CaseStatus.TRANSFERRED) and moved:
        case.status = CaseStatus.HANDLING
        case.closed_on = None
        case.save(update_fields=["status", "closed_on"])
        return REOPENED, [decision, case]
    if case.status == CaseStatus.EXECUTING and decision.binding and decision.executed_at is None:
        case.status = CaseStatus.HANDLING
        case.save(update_fields=["status"])
        return HANDLED_AGAIN, [decision, case]
    return KEPT, [decision]


@service(INSTRUCT, where=lambda kw: kw["recipient"])
def issue_instruction(
    *,
    actor: Actor,
    kind: str,
    recipient: Procuratorate,
    text: str,
    document_no: str,
    case: Case | None = None,
    decision: Decision | None = None,
    staff: Staff | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Instruction:
    """A chief or deputy issues a written instruction to their own procuratorate or one below
    it. The kinds of 组织法 Art 24 only from above; one on a case goes to the case's
    procuratorate; a revocation or change marks the decision revoked (see the module's note).
    """
    _check_kind(kind)
    written = _text(text, "text", _("指令须以书面形式作出,不能发出没有内容的指令。"))
    number = _text(document_no, "document_no", _("请填写指令的文号。"))
    if len(number) > 64:
        raise RuleViolation(_("文号最多 64 个字符。"), "document_no")
    issuer, signer = _issuer(actor, kind, recipient)
    case, staff = _target(kind, recipient, case, decision, staff)
    now = occurred_at or timezone.now()
    instruction = Instruction.objects.create(
        kind=kind,
        issuer=issuer,
        recipient=recipient,
        case=case,
        decision=decision,
        staff=staff,
        document_no=number,
        text=written,
        issued_by=signer,
        issued_at=now,
    )
    effect = ""
    rows: list[Ledgered] = []
    if kind in UNDOING:
        assert decision is not None and case is not None
        effect, rows = _undo(decision, case)
    record(
        actor=actor,
        kind="oversight.instruction_issued",
        subject=instruction,
        procuratorate=recipient,
        body={
            "kind": kind,
            "issuer": issuer.pk,
            "recipient": recipient.pk,
            "document_no": number,
            "case_id": case.pk if case else None,
            "case": case.number if case else None,
            "decision_id": decision.pk if decision else None,
            "staff": staff.pk if staff else None,
            "case_effect": effect,
        },
        occurred_at=now,
        rows=[instruction, *rows],
    )
    return instruction


# ---- complying with it -------------------------------------------------------------------


def _comply_context(kw: dict) -> Context:
    instruction = kw["instruction"]
    if instruction.case is not None:
        return lifecycle.context_of(instruction.case, day_of(kw.get("occurred_at")))
    return Context(procuratorate=instruction.recipient, on=day_of(kw.get("occurred_at")))


@service(COMPLY, where=lambda kw: kw["instruction"].recipient, context=_comply_context)
def comply_with_instruction(
    *,
    actor: Actor,
    instruction: Instruction,
    compliance: str,
    disagreement: str = "",
    occurred_at: datetime.datetime | None = None,
) -> Instruction:
    """The receiving side — the case's handlers, or the recipient's chief or a deputy —
    reports in writing how the instruction was carried out, once; a disagreement is reported
    with it, never instead of it (组织法 Art 25)."""
    lock_afresh(instruction)
    if instruction.complied_at is not None:
        raise RuleViolation(_("该指令的执行情况已经报告。"), "instruction")
    written = _text(compliance, "compliance", _("请写明指令的执行情况。"))
    now = occurred_at or timezone.now()
    instruction.compliance = written
    instruction.disagreement = (disagreement or "").strip()
    instruction.complied_by = actor.staff
    instruction.complied_at = now
    instruction.save(update_fields=["compliance", "disagreement", "complied_by", "complied_at"])
    record(
        actor=actor,
        kind="oversight.instruction_complied",
        subject=instruction,
        procuratorate=instruction.recipient,
        body={
            "kind": instruction.kind,
            "document_no": instruction.document_no,
            "case_id": instruction.case_id,
            "decision_id": instruction.decision_id,
            "staff": instruction.staff_id,
            "disagreement": bool(instruction.disagreement),
        },
        occurred_at=now,
    )
    return instruction


# ---- the report to the chief -------------------------------------------------------------


def reported_flags(flags) -> list[str]:
    """The case's flags that make it owe the chief a report, in their order."""
    return [flag for flag in REPORTED_FLAGS if flag in flags]


def open_report_if_flagged(case: Case, occurred_at: datetime.datetime | None) -> Report | None:
    """Inside the act that found the case flagged (intake): the report it owes the chief,
    created and returned for the act's rows; None for a case with no such flag."""
    flags = reported_flags(case.flags)
    if not flags:
        return None
    return Report.objects.create(case=case, flags=flags, opened_at=occurred_at or timezone.now())


def _report_case(kw: dict) -> Case:
    return kw["report"].case


@service(
    FILE_REPORT,
    where=lambda kw: _report_case(kw).procuratorate,
    context=lambda kw: lifecycle.context_of(_report_case(kw), day_of(kw.get("occurred_at"))),
)
def file_report(
    *,
    actor: Actor,
    report: Report,
    text: str,
    occurred_at: datetime.datetime | None = None,
) -> Report:
    """A handler reports the flagged case to the chief, in writing, once."""
    lock_afresh(report)
    if report.filed_at is not None:
        raise RuleViolation(_("该案已经向检察长报告。"), "report")
    written = _text(text, "text", _("请写明向检察长报告的内容。"))
    now = occurred_at or timezone.now()
    report.text = written
    report.filed_by = actor.staff
    report.filed_at = now
    report.save(update_fields=["text", "filed_by", "filed_at"])
    case = report.case
    record(
        actor=actor,
        kind="oversight.report_filed",
        subject=report,
        procuratorate=case.procuratorate,
        body={"case_id": case.pk, "case": case.number, "flags": report.flags},
        occurred_at=now,
    )
    return report


@service(READ_REPORT, where=lambda kw: _report_case(kw).procuratorate)
def read_report(
    *,
    actor: Actor,
    report: Report,
    comment: str,
    occurred_at: datetime.datetime | None = None,
) -> Report:
    """The chief of the case's procuratorate reads the filed report and writes their comment
    on it (阅示), once."""
    lock_afresh(report)
    if report.filed_at is None:
        raise RuleViolation(_("承办检察官尚未报告,暂不能阅示。"), "report")
    if report.read_at is not None:
        raise RuleViolation(_("该报告已经阅示。"), "report")
    written = _text(comment, "comment", _("请写明阅示意见。"))
    now = occurred_at or timezone.now()
    report.comment = written
    report.read_by = actor.staff
    report.read_at = now
    report.save(update_fields=["comment", "read_by", "read_at"])
    case = report.case
    record(
        actor=actor,
        kind="oversight.report_read",
        subject=report,
        procuratorate=case.procuratorate,
        body={"case_id": case.pk, "case": case.number},
        occurred_at=now,
    )
    return report


# ---- reads -------------------------------------------------------------------------------

_INSTRUCTION_RELATED = (
    "issuer",
    "recipient",
    "case",
    "case__procuratorate",
    "decision",
    "decision__matter",
    "staff",
    "issued_by",
    "complied_by",
)
_REPORT_RELATED = ("case", "case__procuratorate", "filed_by", "read_by")


def instructions_for(case: Case) -> list[Instruction]:
    """The instructions in a case's file, oldest first (the case page shows them)."""
    return list(
        Instruction.objects.filter(case=case)
        .select_related(*_INSTRUCTION_RELATED)
        .order_by("issued_at", "id")
    )


def visible_instructions(actor: Actor) -> QuerySet[Instruction]:
    """The instructions `actor` may read: those they signed; one on a case, if they may read
    the case; one on no case (a call-up), if its issuer or recipient is in their scope."""
    rows = Instruction.objects.select_related(*_INSTRUCTION_RELATED)
    if actor.is_system:
        return rows
    if actor.staff is None or actor.staff.left_on is not None:
        return rows.none()
    readable = Case.objects.filter(readable_q(actor)).values("pk")
    seen = scope.procuratorate_q(actor, "issuer") | scope.procuratorate_q(actor, "recipient")
    return rows.filter(
        Q(issued_by=actor.staff) | Q(case__in=readable) | (Q(case__isnull=True) & seen)
    )


def instruction_for(actor: Actor, pk: int) -> Instruction:
    """Instruction.DoesNotExist for one the actor may not read, as for none."""
    return visible_instructions(actor).get(pk=pk)


def instructions(
    actor: Actor,
    *,
    procuratorate: int | None = None,
    direction: str = "",
    kind: str = "",
    case: int | None = None,
    waiting: bool = False,
) -> QuerySet[Instruction]:
    """The instructions `actor` may read, newest first: issued by or received by
    `procuratorate` (`direction` "issued" or "received"; either when empty), of a `kind`, on
    a `case`, or still `waiting` for the compliance report."""
    rows = visible_instructions(actor)
    if procuratorate:
        if direction == "issued":
            rows = rows.filter(issuer_id=procuratorate)
        elif direction == "received":
            rows = rows.filter(recipient_id=procuratorate)
        else:
            rows = rows.filter(Q(issuer_id=procuratorate) | Q(recipient_id=procuratorate))
    if kind:
        rows = rows.filter(kind=kind)
    if case:
        rows = rows.filter(case_id=case)
    if waiting:
        rows = rows.filter(complied_at__isnull=True)
    return rows.order_by("-issued_at", "-id")


def _posts(actor: Actor, kinds: frozenset[str]) -> list[int]:
    return [held.procuratorate_id for held in actor.positions if held.kind in kinds]


def instructions_to_comply(actor: Actor) -> QuerySet[Instruction]:
    """The instructions waiting on `actor` to report their compliance, oldest first: those
    received by a procuratorate where they are the chief or a deputy, and those on the cases
    they handle."""
    if actor.staff is None:
        return Instruction.objects.none()
    handled = Case.objects.filter(handled_q(actor, today())).values("pk")
    return (
        Instruction.objects.filter(complied_at__isnull=True)
        .filter(Q(recipient_id__in=_posts(actor, LEADER_POSTS)) | Q(case__in=handled))
        .select_related(*_INSTRUCTION_RELATED)
        .order_by("issued_at", "id")
    )


def reports_for(case: Case) -> list[Report]:
    return list(
        Report.objects.filter(case=case).select_related(*_REPORT_RELATED).order_by("opened_at")
    )


def visible_reports(actor: Actor) -> QuerySet[Report]:
    """The reports of the cases `actor` may read."""
    return Report.objects.filter(case__in=Case.objects.filter(readable_q(actor)).values("pk"))


def report_for(actor: Actor, pk: int) -> Report:
    """Report.DoesNotExist for one the actor may not read, as for none."""
    return visible_reports(actor).select_related(*_REPORT_RELATED).get(pk=pk)


def reports(
    actor: Actor, *, state: str = "", case: int | None = None, procuratorate: int | None = None
) -> QuerySet[Report]:
    """The reports `actor` may read, newest first; `state` to_file (not yet filed), to_read
    (filed, not yet read) or read."""
    rows = visible_reports(actor).select_related(*_REPORT_RELATED)
    if state == "to_file":
        rows = rows.filter(filed_at__isnull=True)
    elif state == "to_read":
        rows = rows.filter(filed_at__isnull=False, read_at__isnull=True)
    elif state == "read":
        rows = rows.filter(read_at__isnull=False)
    if case:
        rows = rows.filter(case_id=case)
    if procuratorate:
        rows = rows.filter(case__procuratorate_id=procuratorate)
    return rows.order_by("-opened_at", "-id")


def reports_to_file(actor: Actor) -> QuerySet[Report]:
    """The reports the cases `actor` handles still owe the chief, oldest first."""
    if actor.staff is None:
        return Report.objects.none()
    handled = Case.objects.filter(handled_q(actor, today())).values("pk")
    return (
        Report.objects.filter(filed_at__isnull=True, case__in=handled)
        .select_related(*_REPORT_RELATED)
        .order_by("opened_at", "id")
    )


def reports_to_read(actor: Actor) -> QuerySet[Report]:
    """The filed reports waiting for `actor`'s comment as the chief (or acting chief) of the
    case's procuratorate, oldest first."""
    return (
        Report.objects.filter(
            filed_at__isnull=False,
            read_at__isnull=True,
            case__procuratorate_id__in=_posts(actor, CHIEF_POSTS),
        )
        .select_related(*_REPORT_RELATED)
        .order_by("filed_at", "id")
    )


# ---- what the reader may do --------------------------------------------------------------


def may_comply(actor: Actor, instruction: Instruction) -> bool:
    from procuracy.powers import engine

    if instruction.complied_at is not None:
        return False
    ctx = _comply_context({"instruction": instruction})
    return engine.authorize(actor, COMPLY, ctx).allowed


def may_file(actor: Actor, report: Report) -> bool:
    from procuracy.powers import engine

    if report.filed_at is not None:
        return False
    return engine.authorize(actor, FILE_REPORT, lifecycle.context_of(report.case)).allowed


def may_read(actor: Actor, report: Report) -> bool:
    from procuracy.powers import engine

    if report.filed_at is None or report.read_at is not None:
        return False
    ctx = Context(procuratorate=report.case.procuratorate)
    return engine.authorize(actor, READ_REPORT, ctx).allowed


def recipients_below(actor: Actor) -> QuerySet[Procuratorate]:
    """The procuratorates strictly below one where `actor` is the chief or a deputy: those a
    call-up may go to."""
    q = Q(pk__in=[])
    for held in actor.positions:
        if held.kind in LEADER_POSTS:
            q |= Q(path__startswith=held.procuratorate_path) & ~Q(pk=held.procuratorate_id)
    return Procuratorate.objects.filter(q).order_by("path")
