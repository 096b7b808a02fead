"""Recomputing a draw from the ledger alone: the committed inputs read back out of their entry
(checked against the tree), the root of the tree whose last entry they are, the draw run again
and compared with the assignment and with the entry that recorded the choice.

`procuracy assign verify CASE_NO` and `--all` print what this finds; anyone holding the ledger
can do the same with their own code from docs/assignment.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from procuracy.assignment import draw
from procuracy.assignment.models import Assignment, AssignmentKind
from procuracy.cases.models import Case
from procuracy.core.models import Act
from procuracy.ledger import merkle, store

COMMITTED = "assignment.draw_committed"
DRAWN = "assignment.drawn"


@dataclass
class DrawCheck:
    """One draw recomputed: the inputs as the ledger holds them, the recomputed outcome, the
    org the assignment records, and every disagreement found, in words."""

    case: str
    seq: int
    inputs: draw.DrawInputs | None = None
    outcome: draw.Outcome | None = None
    recorded: int | None = None
    root: bytes = b""  # of the tree of size seq + 1, whose last entry is the commitment
    problems: list[str] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return not self.problems

    @property
    def sentence(self) -> str:
        if self.matches and self.outcome is not None:
            return _(
                "案件 %(case)s 的随机分案(账本第 %(seq)s 条)重算一致:选中办案组织 %(org)s。"
            ) % {"case": self.case, "seq": self.seq, "org": self.outcome.chosen}
        return _("案件 %(case)s 的随机分案(账本第 %(seq)s 条)重算不一致:%(why)s") % {
            "case": self.case,
            "seq": self.seq,
            "why": "；".join(self.problems),
        }


def _entry(act: Act, check: DrawCheck) -> dict | None:
    """The act's ledger entry, if its bytes are the tree's leaf and its readable copy agrees."""
    raw = store.entry_bytes(act.seq)
    if raw is None or merkle.leaf_hash(raw) != store.leaf_hash(act.seq):
        check.problems.append(_("账本第 %(seq)s 条的内容与默克尔树不符") % {"seq": act.seq})
        return None
    entry = json.loads(raw)
    if entry["kind"] != act.kind or entry["body"] != act.body:
        check.problems.append(
            _("账本第 %(seq)s 条的可读副本与账本条目不符(已被改动)") % {"seq": act.seq}
        )
    return entry


def check_commitment(act: Act) -> DrawCheck:
    number = act.body.get("case", "")
    if act.subject_id is not None:
        found = Case.objects.filter(pk=act.subject_id).values_list("number", flat=True).first()
        number = found or number
    check = DrawCheck(case=str(number), seq=act.seq)
    entry = _entry(act, check)
    if entry is None:
        return check
    try:
        check.inputs = draw.DrawInputs.from_json(entry["body"])
    except (KeyError, TypeError, ValueError) as bad:
        check.problems.append(_("分案输入无法读取:%(error)s") % {"error": bad})
        return check
    if check.inputs.beacon is not None:
        check.problems.append(_("本系统尚未配置随机信标,无法取得信标值"))
        return check
    check.root = store.root(act.seq + 1)
    check.outcome = draw.draw(check.inputs, check.root)
    chosen = check.outcome.chosen
    _compare_assignment(check, act, chosen)
    _compare_drawn(check, act, check.outcome)
    return check


def _compare_assignment(check: DrawCheck, act: Act, chosen: int) -> None:
    assignment = Assignment.objects.filter(kind=AssignmentKind.DRAW, draw_seq=act.seq).first()
    if assignment is None:
        check.problems.append(_("没有依据这次随机分案的分案记录"))
        return
    check.recorded = assignment.org_id
    if assignment.case_id != act.subject_id:
        check.problems.append(_("分案记录的案件与分案输入所载案件不同"))
    if assignment.org_id != chosen:
        check.problems.append(
            _("分案记录的办案组织是 %(recorded)s,重算结果是 %(chosen)s")
            % {"recorded": assignment.org_id, "chosen": chosen}
        )


def _compare_drawn(check: DrawCheck, act: Act, outcome: draw.Outcome) -> None:
    drawn = Act.objects.filter(kind=DRAWN, body__commitment=act.seq).first()
    if drawn is None:
        check.problems.append(_("账本中没有记录这次随机分案结果的条目"))
        return
    entry = _entry(drawn, check)
    body = drawn.body if entry is None else entry["body"]
    if body.get("org") != outcome.chosen or body.get("outcome") != outcome.as_json():
        check.problems.append(
            _("账本第 %(seq)s 条记录的分案结果与重算结果不同") % {"seq": drawn.seq}
        )


def verify_case(case: Case) -> list[DrawCheck]:
    """Every draw of the case (ordinarily one), recomputed."""
    acts = Act.objects.filter(
        kind=COMMITTED, subject_type=Case._meta.label_lower, subject_id=case.pk
    ).order_by("seq")
    return [check_commitment(act) for act in acts]


def verify_all() -> list[DrawCheck]:
    return [check_commitment(act) for act in Act.objects.filter(kind=COMMITTED).order_by("seq")]
