"""Recomputing a draw from the ledger alone: the committed inputs read back out of their entry
(checked against the tree), the root of the tree whose last entry they are, the draw run again
and compared with the assignment and with the entry that recorded the choice.

`procuracy assign verify CASE_NO` and `--all`, the case page and the assignment audit page show
what this finds; anyone holding the ledger can do the same with their own code from
docs/assignment.md. Draws are checked many at once: the entries, the Merkle subtrees, the
assignments and the acts recording the choices are read for a whole batch in a fixed number of
queries, however many draws it holds.

A draw whose inputs name a beacon round is recomputed with the value the act recording its
choice carries; with `beacon_check` that value is also compared with the configured beacon's.
A draw still waiting for its round is `pending`: neither a match nor a mismatch.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from procuracy.assignment import beacon, draw
from procuracy.assignment.models import Assignment, AssignmentKind
from procuracy.cases.models import Case
from procuracy.core.models import Act
from procuracy.ledger import merkle, store, tree
from procuracy.ledger.models import Node, node_key

COMMITTED = "assignment.draw_committed"
DRAWN = "assignment.drawn"
BATCH = 500  # draws verify_all checks at once: what one batch reads is let go before the next
CASE = Case._meta.label_lower


@dataclass
class DrawCheck:
    """One draw recomputed: the inputs as the ledger holds them, the recomputed outcome, the
    org the assignment records, and every disagreement found, in words. `unverifiable` when the
    draw could not be run again at all (no inputs to read, no beacon value, the tree lacking),
    as against run and found to disagree; `pending` when it waits for its beacon round (no
    choice recorded yet, nothing wrong)."""

    case: str
    seq: int  # of the entry holding the inputs; -1 when an assignment names none
    inputs: draw.DrawInputs | None = None
    outcome: draw.Outcome | None = None
    recorded: int | None = None
    root: bytes = b""  # of the tree of size seq + 1, whose last entry is the commitment
    problems: list[str] = field(default_factory=list)
    unverifiable: bool = False
    pending: bool = False
    beacon: bytes | None = None  # the beacon value the seed took, as the ledger records it

    @property
    def matches(self) -> bool:
        return not self.problems

    @property
    def sentence(self) -> str:
        if self.pending:
            return _("案件 %(case)s 的随机分案(账本第 %(seq)s 条):%(why)s") % {
                "case": self.case,
                "seq": self.seq,
                "why": "；".join(self.problems),
            }
        if self.matches and self.outcome is not None and self.inputs and self.inputs.beacon:
            return _(
                "案件 %(case)s 的随机分案(账本第 %(seq)s 条,信标第 %(round)s 轮)重算一致:"
                "选中办案组织 %(org)s。"
            ) % {
                "case": self.case,
                "seq": self.seq,
                "round": self.inputs.beacon.round,
                "org": self.outcome.chosen,
            }
        if self.matches and self.outcome is not None:
            return _(
                "案件 %(case)s 的随机分案(账本第 %(seq)s 条)重算一致:选中办案组织 %(org)s。"
            ) % {"case": self.case, "seq": self.seq, "org": self.outcome.chosen}
        return _("案件 %(case)s 的随机分案(账本第 %(seq)s 条)重算不一致:%(why)s") % {
            "case": self.case,
            "seq": self.seq,
            "why": "；".join(self.problems),
        }

    def cannot(self, why: str) -> DrawCheck:
        self.problems.append(why)
        self.unverifiable = True
        return self


@dataclass
class _Read:
    """What the checks of a batch of commitments need from the database, read at once."""

    held: int  # the log's size
    nodes: dict[int, bytes]  # the leaves of the batch's entries, the subtrees of their roots
    drawn: dict[int, Act]  # by commitment seq: the first act that recorded its choice
    numbers: dict[int, str]  # case numbers by pk

    def root(self, size: int) -> bytes:
        """The root of the tree of `size` entries; KeyError when the log does not hold it."""
        if size > self.held:
            raise KeyError(size)
        return tree.root(size, lambda level, index: self.nodes[node_key(level, index)])


def _read(acts: list[Act], numbers: dict[int, str]) -> _Read:
    """`numbers`: the case numbers already at hand; the others are read."""
    seqs = [act.seq for act in acts]
    drawn: dict[int, Act] = {}
    for act in Act.objects.filter(kind=DRAWN, body__commitment__in=seqs).order_by("seq"):
        drawn.setdefault(act.body.get("commitment"), act)
    wanted = {node_key(0, act.seq) for act in [*acts, *drawn.values()]}
    for seq in seqs:  # the complete subtrees the root of size seq + 1 is made of
        wanted.update(node_key(level, index) for level, index in tree.parts(0, seq + 1))
    nodes = Node.objects.filter(key__in=wanted).values_list("key", "hash")
    cases = {act.subject_id for act in acts if act.subject_type == CASE} - numbers.keys()
    return _Read(
        held=store.size(),
        nodes={key: bytes(h) for key, h in nodes},
        drawn=drawn,
        numbers={**numbers, **dict(Case.objects.filter(pk__in=cases).values_list("pk", "number"))},
    )


def check_commitments(
    acts: Iterable[Act], *, case: Case | None = None, beacon_check: bool = False
) -> list[DrawCheck]:
    """Each `assignment.draw_committed` act's draw recomputed and compared with the draw
    assignment naming its entry, in five queries however many acts (four given their `case`);
    with `beacon_check`, each beacon value also fetched from the configured beacon."""
    acts = list(acts)
    if not acts:
        return []
    recorded: dict[int, Assignment] = {}
    draws = Assignment.objects.filter(kind=AssignmentKind.DRAW, draw_seq__in=[a.seq for a in acts])
    for assignment in draws.order_by("valid_from", "id"):
        recorded.setdefault(assignment.draw_seq, assignment)
    read = _read(acts, {} if case is None else {case.pk: case.number})
    checks = [_check(act, recorded.get(act.seq), read) for act in acts]
    if beacon_check:
        for act, check in zip(acts, checks, strict=True):
            _check_beacon(act, check)
    return checks


def check_commitment(act: Act) -> DrawCheck:
    [check] = check_commitments([act])
    return check


def check_assignments(assignments: Sequence[Assignment]) -> list[DrawCheck]:
    """Each draw assignment's own draw recomputed and compared with that assignment (the audit's
    question: it starts from the assignment, which may name no entry or the wrong one), in a
    fixed number of queries however many (one fewer when their cases are loaded with them)."""
    if not assignments:
        return []
    acts = Act.objects.in_bulk({a.draw_seq for a in assignments} - {None}, field_name="seq")
    cases = {a.case_id: a.case.number for a in assignments if Assignment.case.is_cached(a)}
    read = _read([act for act in acts.values() if act.kind == COMMITTED], cases)
    return [_check_assignment(a, acts.get(a.draw_seq), read) for a in assignments]


def _check_assignment(a: Assignment, act: Act | None, read: _Read) -> DrawCheck:
    if act is not None and act.kind == COMMITTED:
        return _check(act, a, read)
    check = DrawCheck(case=a.case.number, seq=-1 if a.draw_seq is None else a.draw_seq)
    if a.draw_seq is None:
        return check.cannot(_("分案记录没有载明分案输入的账本条目"))
    if act is None:
        return check.cannot(_("账本中没有第 %(seq)s 条") % {"seq": a.draw_seq})
    check.problems.append(_("账本第 %(seq)s 条不是随机分案输入") % {"seq": act.seq})
    return check


def _check(act: Act, assignment: Assignment | None, read: _Read) -> DrawCheck:
    subject = act.subject_id if act.subject_type == CASE else None
    number = None if subject is None else read.numbers.get(subject)
    check = DrawCheck(case=str(number or act.body.get("case", "")), seq=act.seq)
    entry = _entry(act, read, check.problems)
    if entry is None:
        return check
    try:
        check.inputs = draw.DrawInputs.from_json(entry["body"])
    except (KeyError, TypeError, ValueError) as bad:
        return check.cannot(_("分案输入无法读取:%(error)s") % {"error": bad})
    drawn = read.drawn.get(act.seq)
    later: list[str] = []  # what the entry recording the choice shows, reported last
    chosen = None if drawn is None else _entry(drawn, read, later)
    body = None if drawn is None else (drawn.body if chosen is None else chosen["body"])
    if check.inputs.beacon is not None:
        if drawn is None or body is None:
            return _no_choice(check, check.inputs.beacon, assignment)
        try:
            check.beacon = _recorded_value(body, check.inputs.beacon)
        except (KeyError, TypeError, ValueError):
            check.problems += later
            return check.cannot(
                _("账本第 %(seq)s 条没有载明可读的信标值,无法重算") % {"seq": drawn.seq}
            )
    try:
        check.root = read.root(act.seq + 1)
        check.outcome = draw.draw(check.inputs, check.root, check.beacon)
    except (KeyError, draw.EmptyPool):
        return check.cannot(_("账本第 %(seq)s 条无法据以重算") % {"seq": act.seq})
    _compare_assignment(check, act, assignment, check.outcome.chosen)
    check.problems += later
    _compare_drawn(check, drawn, body, check.outcome)
    return check


def _no_choice(check: DrawCheck, ref: draw.BeaconRef, assignment: Assignment | None) -> DrawCheck:
    """A beacon draw whose choice no act records: waiting for its round, unless an assignment
    says it was made (then the value it took is nowhere to be read)."""
    if assignment is None:
        check.pending = True
        return check.cannot(_("等待信标第 %(round)s 轮,尚未完成") % {"round": ref.round})
    return check.cannot(_("账本中没有记录这次随机分案结果的条目,无法取得信标值"))


def _recorded_value(body: dict, ref: draw.BeaconRef) -> bytes:
    """The beacon value the act recording the choice carries, for the round the inputs name."""
    used = body["beacon"]
    if used["source"] != ref.source or used["round"] != ref.round:
        raise ValueError("the recorded beacon is not the round the inputs name")
    return bytes.fromhex(used["value"])


def _check_beacon(act: Act, check: DrawCheck) -> None:
    """The recorded value compared with the configured beacon's, and the round's time with the
    commitment's: it must have come out after the inputs were written."""
    ref = None if check.inputs is None else check.inputs.beacon
    if ref is None or check.beacon is None:
        return
    src = beacon.source()
    if src is None or src.name != ref.source:
        check.cannot(_("本系统没有配置信标“%(source)s”,无法核对信标值") % {"source": ref.source})
        return
    if beacon.published_at(ref.round, src) <= _recorded_at(act):
        check.problems.append(
            _("信标第 %(round)s 轮在分案输入记入账本之前已发布") % {"round": ref.round}
        )
    fetched = beacon.value(ref.round, src)
    if fetched is None:
        check.cannot(_("无法从信标取得第 %(round)s 轮的值,未能核对") % {"round": ref.round})
    elif fetched != check.beacon:
        check.problems.append(
            _("账本记录的信标第 %(round)s 轮的值与信标发布的值不同") % {"round": ref.round}
        )


def _recorded_at(act: Act) -> datetime.datetime:
    """When the commitment was written, as its entry says."""
    stamp = json.loads(bytes(act.canonical))["recorded_at"]
    return datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.UTC)


def _entry(act: Act, read: _Read, problems: list[str]) -> dict | None:
    """The act's ledger entry, if its bytes are the tree's leaf, noting in `problems` any
    disagreement (and whether its readable copy agrees)."""
    raw = bytes(act.canonical)
    if merkle.leaf_hash(raw) != read.nodes.get(node_key(0, act.seq)):
        problems.append(_("账本第 %(seq)s 条的内容与默克尔树不符") % {"seq": act.seq})
        return None
    entry = json.loads(raw)
    if entry["kind"] != act.kind or entry["body"] != act.body:
        problems.append(_("账本第 %(seq)s 条的可读副本与账本条目不符(已被改动)") % {"seq": act.seq})
    return entry


def _compare_assignment(
    check: DrawCheck, act: Act, assignment: Assignment | None, chosen: int
) -> None:
    if assignment is None:
        check.problems.append(_("没有依据这次随机分案的分案记录"))
        return
    check.recorded = assignment.org_id
    if act.subject_type != CASE or assignment.case_id != act.subject_id:
        check.problems.append(_("分案记录的案件与分案输入所载案件不同"))
    if assignment.org_id != chosen:
        check.problems.append(
            _("分案记录的办案组织是 %(recorded)s,重算结果是 %(chosen)s")
            % {"recorded": assignment.org_id, "chosen": chosen}
        )


def _compare_drawn(
    check: DrawCheck, drawn: Act | None, body: dict | None, outcome: draw.Outcome
) -> None:
    if drawn is None or body is None:
        check.problems.append(_("账本中没有记录这次随机分案结果的条目"))
        return
    if body.get("org") != outcome.chosen or body.get("outcome") != outcome.as_json():
        check.problems.append(
            _("账本第 %(seq)s 条记录的分案结果与重算结果不同") % {"seq": drawn.seq}
        )


def verify_case(case: Case, *, beacon_check: bool = False) -> list[DrawCheck]:
    """Every draw of the case (ordinarily one), recomputed."""
    acts = Act.objects.filter(kind=COMMITTED, subject_type=CASE, subject_id=case.pk)
    return check_commitments(acts.order_by("seq"), case=case, beacon_check=beacon_check)


def verify_all(batch: int = BATCH, *, beacon_check: bool = False) -> list[DrawCheck]:
    """Every draw in the ledger, recomputed `batch` at a time (six queries a batch)."""
    checks: list[DrawCheck] = []
    after = -1
    while True:
        acts = list(Act.objects.filter(kind=COMMITTED, seq__gt=after).order_by("seq")[:batch])
        checks += check_commitments(acts, beacon_check=beacon_check)
        if len(acts) < batch:
            return checks
        after = acts[-1].seq
