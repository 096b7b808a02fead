"""Reads of the ledger that its pages and API share: which entries a person may read (one
filter, `visible_acts`), the list's filters, and an entry's inclusion proof, checked here.

An entry is as visible as the record it describes (its `visibility`): open to all staff,
procuratorate to the scope of its procuratorate, personal to the offices that keep personnel
files and to the person it is about, sealed to the chief and the discipline group. Proofs and
checkpoints hold only hashes; anyone signed in may read them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from procuracy.core import scope
from procuracy.core.actors import Actor
from procuracy.core.models import Act, Visibility, ledgered_models
from procuracy.core.selectors import BODY_KEYS
from procuracy.ledger import checkpoints, keys, merkle, store
from procuracy.ledger.checkpoint import Checkpoint as Body
from procuracy.ledger.checkpoint import CheckpointError
from procuracy.ledger.models import Checkpoint
from procuracy.ledger.note import NoteError, open_note

# Positions whose holders read personal entries (personnel files: absences, grades, ranks)
# within their reach, and sealed ones (interference records). All reach below their own
# procuratorate. An IT administrator is in neither.
PERSONAL_READERS = frozenset(
    {"personnel", "chief", "acting_chief", "deputy_chief", "inspection", "discipline"}
)
SEALED_READERS = frozenset({"discipline", "chief", "acting_chief"})

NOTHING = Q(pk__in=[])


def _reach(actor: Actor, kinds: frozenset[str]) -> Q:
    """Entries of the procuratorates where the actor holds one of `kinds`, and those below."""
    q = NOTHING
    for held in actor.positions:
        if held.kind in kinds:
            q |= Q(procuratorate__path__startswith=held.procuratorate_path)
    return q


def visibility_q(actor: Actor) -> Q:
    """The filter on Act for the entries `actor` may read."""
    if actor.is_system:
        return Q()
    person = actor.staff if actor.staff is not None and actor.staff.left_on is None else None
    if person is None and not actor.is_admin:
        return NOTHING
    unplaced = Q(visibility=Visibility.PROCURATORATE, procuratorate__isnull=True)
    q = Q(visibility=Visibility.OPEN) | unplaced
    q |= Q(visibility=Visibility.PROCURATORATE) & scope.procuratorate_q(actor, "procuratorate")
    if person is not None:
        own = Q(body__staff=person.pk)
        q |= Q(visibility=Visibility.PERSONAL) & (_reach(actor, PERSONAL_READERS) | own)
        q |= Q(visibility=Visibility.SEALED) & _reach(actor, SEALED_READERS)
    return q


def visible_acts(actor: Actor) -> QuerySet[Act]:
    """Every entry `actor` may read, newest first."""
    return (
        Act.objects.filter(visibility_q(actor))
        .select_related("procuratorate", "actor")
        .order_by("-seq")
    )


def entry_for(actor: Actor, seq: int) -> Act:
    """Raises Act.DoesNotExist for an entry the actor may not read, as for none."""
    return visible_acts(actor).get(seq=seq)


# Filters ---------------------------------------------------------------------------------


def subject_types() -> list[tuple[str, str]]:
    """The kinds of record an act writes (every ledgered model), with their names."""
    return [(m._meta.label_lower, str(m._meta.verbose_name)) for m in ledgered_models()]


def day_start(day: datetime.date) -> datetime.datetime:
    """The first instant of `day` in the installation's time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def about_q(subject_type: str, subject_id: int | None) -> Q:
    """Acts on a record, and for a person or an organisation, on its parts (as timelines)."""
    q = Q(subject_type=subject_type)
    if subject_id is None:
        return q
    q &= Q(subject_id=subject_id)
    if subject_type in BODY_KEYS:
        q |= Q(**{f"body__{BODY_KEYS[subject_type]}": subject_id})
    return q


def filter_acts(
    acts: QuerySet[Act],
    *,
    kind: str = "",
    actor: int | None = None,
    who: str = "",
    procuratorate: int | None = None,
    subject_type: str = "",
    subject_id: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Act]:
    """Narrow a list of entries. `who` finds the actor by name, pinyin or initials, or by the
    label the entry records ("system"); `date_to` includes its whole day."""
    from procuracy.people.models import Staff

    if kind:
        acts = acts.filter(kind=kind)
    if actor is not None:
        acts = acts.filter(actor_id=actor)
    if who.strip():
        found = Staff.objects.search(who).values("pk")
        acts = acts.filter(Q(actor__in=found) | Q(actor_label__icontains=who.strip()))
    if procuratorate is not None:
        acts = acts.filter(procuratorate_id=procuratorate)
    if subject_type:
        acts = acts.filter(about_q(subject_type, subject_id))
    elif subject_id is not None:
        acts = acts.filter(subject_id=subject_id)
    if date_from is not None:
        acts = acts.filter(occurred_at__gte=day_start(date_from))
    if date_to is not None:
        acts = acts.filter(occurred_at__lt=day_start(date_to + datetime.timedelta(days=1)))
    return acts


# The log, its checkpoints and proofs -----------------------------------------------------


def covering_checkpoint(seq: int) -> Checkpoint | None:
    """The latest checkpoint, when it covers entry `seq` (later ones are only larger)."""
    latest = checkpoints.latest()
    return latest if latest is not None and latest.size > seq else None


@dataclass
class Inclusion:
    """An entry's inclusion proof against a checkpoint, and what checking it found:
    `problem` is empty when the entry's own bytes lead to the root the checkpoint signs."""

    seq: int
    leaf_hash: bytes
    checkpoint: Checkpoint | None = None
    proof: list[bytes] = field(default_factory=list)
    problem: str = ""
    detail: str = ""

    @property
    def verified(self) -> bool:
        return self.checkpoint is not None and not self.problem

    @property
    def proof_hex(self) -> list[str]:
        return [h.hex() for h in self.proof]


def _signed_root(checkpoint: Checkpoint) -> bytes:
    """The root the checkpoint's note signs; raises NoteError or CheckpointError."""
    text, _signers = open_note(checkpoint.note, keys.verifiers())
    body = Body.parse(text)
    if body.size != checkpoint.size or body.root.hex() != checkpoint.root:
        raise CheckpointError("the stored size or root differs from the signed note")
    return body.root


def inclusion(act: Act) -> Inclusion:
    """Prove `act` is in the latest checkpoint's tree, and check the proof: the leaf hashed
    from the entry's stored bytes, the path up to the checkpoint's root, and the signature
    on that root by a key of this installation."""
    found = Inclusion(act.seq, merkle.leaf_hash(bytes(act.canonical)))
    found.checkpoint = covering_checkpoint(act.seq)
    if found.checkpoint is None:
        return found
    size = found.checkpoint.size
    try:
        found.proof = store.inclusion_proof(act.seq, size)
        merkle.verify_inclusion(
            act.seq, size, found.leaf_hash, found.proof, bytes.fromhex(found.checkpoint.root)
        )
    except (merkle.ProofError, ValueError) as failure:
        found.problem = _("包含证明未通过验证:条目的叶哈希推不出检查点的根哈希。")
        found.detail = str(failure)
        return found
    try:
        _signed_root(found.checkpoint)
    except (NoteError, CheckpointError) as failure:
        found.problem = _("检查点的签名未能用本系统的验证公钥验证。")
        found.detail = str(failure)
    return found
