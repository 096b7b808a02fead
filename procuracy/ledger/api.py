"""API reads of the ledger: the entries one may read (with their canonical bytes), signed
checkpoints, and proofs in the RFC 9162 form (lists of sibling hashes, hex).

An entry's contents follow its visibility (an entry one may not read answers 404, as one
that does not exist); proofs and checkpoints hold only hashes, so anyone signed in may read
them. Nothing here signs: checkpoints are made by the worker and the command line.
"""

import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate

from procuracy.core.actors import actor_of
from procuracy.core.errors import RuleViolation
from procuracy.core.models import Act, Visibility
from procuracy.core.templatetags.ui import act_label
from procuracy.ledger import checkpoints, merkle, selectors, store
from procuracy.ledger.models import Checkpoint
from procuracy.organisation.api import INVALID, NOT_FOUND, SIGNED_IN, ProcuratorateRef
from procuracy.people.api import Pagination

router = Router(tags=["ledger"])


class ActorRef(Schema):
    id: int
    name: str


class SubjectRef(Schema):
    type: str
    id: int | None


class EntryOut(Schema):
    seq: int
    kind: str
    kind_label: str
    occurred_at: datetime.datetime
    recorded_at: datetime.datetime
    actor: ActorRef | None
    actor_label: str
    procuratorate: ProcuratorateRef | None
    subject: SubjectRef
    visibility: Visibility
    visibility_label: str
    body: dict

    @staticmethod
    def resolve_kind_label(obj: Act) -> str:
        return str(act_label(obj.kind))

    @staticmethod
    def resolve_subject(obj: Act) -> dict:
        return {"type": obj.subject_type, "id": obj.subject_id}

    @staticmethod
    def resolve_visibility_label(obj: Act) -> str:
        return obj.get_visibility_display()


class EntryDetail(EntryOut):
    canonical: str
    leaf_hash: str

    @staticmethod
    def resolve_canonical(obj: Act) -> str:
        """The RFC 8785 bytes as stored (UTF-8): the Merkle leaf."""
        return bytes(obj.canonical).decode()

    @staticmethod
    def resolve_leaf_hash(obj: Act) -> str:
        return merkle.leaf_hash(bytes(obj.canonical)).hex()


class InclusionOut(Schema):
    index: int
    leaf_hash: str
    tree_size: int
    root: str
    proof: list[str]


class ConsistencyOut(Schema):
    size1: int
    size2: int
    root1: str
    root2: str
    proof: list[str]


class CheckpointOut(Schema):
    size: int
    root: str
    made_at: datetime.datetime
    note: str


@router.get("/entries", response={200: list[EntryOut], **SIGNED_IN, **INVALID})
@paginate(Pagination)
def list_entries(
    request,
    kind: str = "",
    actor: int | None = None,
    actor_name: str = "",
    procuratorate: int | None = None,
    subject_type: str = "",
    subject_id: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
):
    """The entries the signed-in person may read, newest first. `actor` is a staff id,
    `actor_name` a name, its pinyin or initials; `subject_type` a record type
    ("people.staff") with `subject_id` also finds the acts on a person's or an
    organisation's parts; the dates (Asia/Shanghai days, both included) bound `occurred_at`."""
    return selectors.filter_acts(
        selectors.visible_acts(actor_of(request)),
        kind=kind,
        actor=actor,
        who=actor_name,
        procuratorate=procuratorate,
        subject_type=subject_type,
        subject_id=subject_id,
        date_from=date_from,
        date_to=date_to,
    )


@router.get("/entries/{seq}", response={200: EntryDetail, **SIGNED_IN, **NOT_FOUND})
def get_entry(request, seq: int):
    """One entry with its canonical bytes and leaf hash, SHA-256(0x00 ‖ bytes), in hex."""
    return selectors.entry_for(actor_of(request), seq)


def _latest_size() -> int:
    latest = checkpoints.latest()
    if latest is None:
        raise RuleViolation(_("账本尚无检查点,请用 size 指明树大小。"), "size")
    return latest.size


@router.get(
    "/entries/{seq}/proof",
    response={200: InclusionOut, **SIGNED_IN, **NOT_FOUND, **INVALID},
)
def get_inclusion_proof(request, seq: int, size: int | None = None):
    """The entry's inclusion proof (RFC 9162) in the tree of `size` entries, by default the
    latest checkpoint's; check it with the entry's leaf hash against that tree's root."""
    act = selectors.entry_for(actor_of(request), seq)
    size = _latest_size() if size is None else size
    held = store.size()
    if not act.seq < size <= held:
        message = _("树大小须大于条目序号 %(seq)s,且不超过账本的条目数 %(held)s。")
        raise RuleViolation(message % {"seq": act.seq, "held": held}, "size")
    return {
        "index": act.seq,
        "leaf_hash": merkle.leaf_hash(bytes(act.canonical)).hex(),
        "tree_size": size,
        "root": store.root(size).hex(),
        "proof": [h.hex() for h in store.inclusion_proof(act.seq, size)],
    }


@router.get("/checkpoints", response={200: list[CheckpointOut], **SIGNED_IN, **INVALID})
@paginate(Pagination)
def list_checkpoints(request):
    """The signed checkpoints (C2SP tlog-checkpoint notes), newest first."""
    return Checkpoint.objects.order_by("-id")


@router.get("/checkpoints/latest", response={200: CheckpointOut, **SIGNED_IN, **NOT_FOUND})
def latest_checkpoint(request):
    """The latest signed checkpoint; 404 while the log has none."""
    latest = checkpoints.latest()
    if latest is None:
        raise Checkpoint.DoesNotExist
    return latest


@router.get("/consistency", response={200: ConsistencyOut, **SIGNED_IN, **INVALID})
def get_consistency_proof(request, size1: int, size2: int):
    """The consistency proof (RFC 9162) that the tree of `size2` entries extends the tree of
    `size1`, with both roots."""
    held = store.size()
    if not 1 <= size1 <= size2:
        raise RuleViolation(_("须满足 1 ≤ size1 ≤ size2。"), "size1")
    if size2 > held:
        message = _("账本现有 %(held)s 条,树大小不能超过此数。")
        raise RuleViolation(message % {"held": held}, "size2")
    return {
        "size1": size1,
        "size2": size2,
        "root1": store.root(size1).hex(),
        "root2": store.root(size2).hex(),
        "proof": [h.hex() for h in store.consistency_proof(size1, size2)],
    }
