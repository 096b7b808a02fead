"""API reads of the power lists (lists, versions with their states, items with filters),
the delegations one may see, and the engine's answer for integrations: POST /check says
whether a person may exercise a power over a matter in a case, which item or delegation
answers it, who must act instead, and the sentence a person can read. Checking records
nothing; only an attempted act that is refused is recorded."""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from procuracy.core.actors import actor_of
from procuracy.core.errors import RuleViolation
from procuracy.organisation.api import INVALID, NOT_FOUND, SIGNED_IN, ProcuratorateRef
from procuracy.organisation.models import Procuratorate
from procuracy.people.api import Pagination
from procuracy.powers import selectors
from procuracy.powers.models import (
    ApprovalBody,
    Flag,
    Holder,
    ListKind,
    ListLevel,
    ListVersion,
    Power,
    PowerList,
    VersionStatus,
)

router = Router(tags=["powers"])


class MatterRef(Schema):
    code: str
    name: str


class LineRef(Schema):
    """A business line: null where an item or a delegation covers every line."""

    code: str
    name: str


class StaffRef(Schema):
    id: int
    name: str


class VersionOut(Schema):
    id: int
    list_id: int = Field(alias="power_list_id")
    number: int
    status: VersionStatus
    state: str = Field(
        description="draft, approved (not yet in force), effective, superseded or discarded, today"
    )
    state_label: str
    effective_from: datetime.date | None
    approval_body: ApprovalBody | None
    approval_reference: str
    approved_at: datetime.datetime | None
    allows_additions: bool
    based_on: int | None = Field(description="the number of the version it was drafted from")
    source: str
    note: str
    item_count: int

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.state_label)

    @staticmethod
    def resolve_approval_body(obj) -> str | None:
        return obj.approval_body or None

    @staticmethod
    def resolve_based_on(obj) -> int | None:
        return obj.based_on.number if obj.based_on_id else None


class ListOut(Schema):
    id: int
    title: str
    level: ListLevel
    level_label: str
    kind: ListKind
    kind_label: str
    procuratorate: ProcuratorateRef
    in_force: int | None = Field(description="the id of the version in force today")
    versions: list[VersionOut] = Field(description="newest first")

    @staticmethod
    def resolve_level_label(obj) -> str:
        return obj.get_level_display()

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_in_force(obj) -> int | None:
        return obj.in_force.pk if obj.in_force else None

    @staticmethod
    def resolve_versions(obj) -> list:
        return obj.version_rows


class ItemOut(Schema):
    id: int
    number: int
    code: str
    business_line: LineRef | None = Field(description="null: every business line")
    case_types: list[str]
    matter: MatterRef
    holder: Holder
    holder_label: str
    power: Power
    power_label: str
    when_any: list[str] = Field(description="applies when the case has any of these flags")
    unless: list[str] = Field(description="does not apply when the case has any of these")
    min_amount: Decimal | None
    max_amount: Decimal | None = Field(description="exclusive")
    legal_basis: str
    note: str

    @staticmethod
    def resolve_matter(obj) -> dict:
        return {"code": obj.matter.code, "name": obj.matter.name}

    @staticmethod
    def resolve_business_line(obj) -> dict | None:
        line = obj.business_line
        return {"code": line.code, "name": line.name} if line else None

    @staticmethod
    def resolve_holder_label(obj) -> str:
        return obj.get_holder_display()

    @staticmethod
    def resolve_power_label(obj) -> str:
        return obj.get_power_display()


class DelegationOut(Schema):
    id: int
    document_no: str
    procuratorate: ProcuratorateRef
    delegator: StaffRef
    delegate: StaffRef
    matter: MatterRef
    business_line: LineRef | None
    power: Power
    instruction: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    revoked_reason: str

    @staticmethod
    def resolve_matter(obj) -> dict:
        return {"code": obj.matter.code, "name": obj.matter.name}

    @staticmethod
    def resolve_business_line(obj) -> dict | None:
        line = obj.business_line
        return {"code": line.code, "name": line.name} if line else None


def _lists(**filters) -> list[PowerList]:
    return selectors.with_versions(
        PowerList.objects.filter(**filters).select_related("procuratorate")
    )


@router.get("/lists", response={200: list[ListOut], **SIGNED_IN, **INVALID})
def list_lists(
    request,
    province: str = "",
    level: ListLevel | None = None,
    kind: ListKind | None = None,
):
    """Every power list (they are open), with its versions and their states today.
    `province` is a province's code: its own lists and those of the procuratorates in it."""
    filters = {}
    if province:
        filters["procuratorate__path__startswith"] = f"{province}/"
    if level:
        filters["level"] = level
    if kind:
        filters["kind"] = kind
    return _lists(**filters)


@router.get("/lists/{list_id}", response={200: ListOut, **SIGNED_IN, **NOT_FOUND})
def get_list(request, list_id: int):
    found = _lists(pk=list_id)
    if not found:
        raise PowerList.DoesNotExist
    return found[0]


def _version(version_id: int) -> ListVersion:
    version = selectors.version(version_id)
    version.item_count = version.items.count()
    return version


@router.get("/versions/{version_id}", response={200: VersionOut, **SIGNED_IN, **NOT_FOUND})
def get_version(request, version_id: int):
    """A version with its state today."""
    return _version(version_id)


@router.get(
    "/versions/{version_id}/items",
    response={200: list[ItemOut], **SIGNED_IN, **NOT_FOUND, **INVALID},
)
@paginate(Pagination)
def list_items(
    request,
    version_id: int,
    business_line: str = "",
    holder: Holder | None = None,
    matter: str = "",
    flag: Flag | None = None,
    power: Power | None = None,
):
    """A version's items in order. `business_line` (a code) matches its own items and those
    for every line; `matter` a piece of the matter's name, or its code; `flag` the items
    whose conditions name it."""
    version = selectors.version(version_id)
    return selectors.items_of(
        version,
        business_line=business_line,
        holder=holder or "",
        matter=matter,
        flag=flag or "",
        power=power or "",
    )


@router.get(
    "/delegations",
    response={200: list[DelegationOut], **SIGNED_IN, **NOT_FOUND, **INVALID},
)
@paginate(Pagination)
def list_delegations(request, procuratorate: int, current: bool | None = None):
    """The written delegations at a procuratorate one may see, newest first; `current`
    true for those in force today only, false for the others only."""
    place = selectors.procuratorate_for(actor_of(request), procuratorate)
    rows = selectors.delegations(place)
    if current is None:
        return sorted(rows["current"] + rows["other"], key=lambda d: (d.valid_from, d.pk))[::-1]
    return rows["current"] if current else rows["other"]


class CheckIn(Schema):
    staff: str = Field("", max_length=40, description="a login or staff number; empty: you")
    matter: str = Field(
        max_length=48, description="a matter's code, or a role rule's (\"powers.approve\")"
    )
    power: Power = Power.DECIDE
    flags: list[Flag] = []
    business_line: str = Field("", max_length=32)
    case_type: str = Field("", max_length=40)
    amount: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2)
    on: datetime.date | None = Field(None, description="the day; today by default")
    procuratorate: str = Field(
        "", max_length=12, description="where the act happens (a code); the person's own by default"
    )


class ItemRef(Schema):
    id: int
    list: str
    number: int
    code: str


class DelegationRef(Schema):
    id: int
    document_no: str


class StepOut(Schema):
    holder: Holder
    power: Power
    label: str


class CheckOut(Schema):
    allowed: bool
    sentence: str
    item: ItemRef | None
    delegation: DelegationRef | None
    path: list[StepOut] = Field(description="who must act instead, lowest first")


def _answer(decision) -> dict:
    rule, grant = decision.rule, decision.grant
    return {
        "allowed": decision.allowed,
        "sentence": decision.sentence,
        "item": rule
        and {"id": rule.item_id, "list": rule.list_label, "number": rule.number, "code": rule.code},
        "delegation": grant and {"id": grant.delegation_id, "document_no": grant.document_no},
        "path": [{"holder": s.holder, "power": s.power, "label": s.label} for s in decision.path],
    }


@router.post("/check", response={200: CheckOut, **SIGNED_IN, **INVALID})
def check(request, payload: CheckIn):
    """The engine's answer: may the person (you, by default) exercise `power` over `matter`
    in a case with these facts? Unknown names (a login, a matter, a business line, a
    procuratorate) answer 422 with the field. Records nothing."""
    actor = actor_of(request)
    who = selectors.actor_named(actor, payload.staff)
    place = None
    if payload.procuratorate:
        place = Procuratorate.objects.filter(code=payload.procuratorate).first()
        if place is None:
            message = _("没有代码为 %(code)s 的检察院。") % {"code": payload.procuratorate}
            raise RuleViolation(message, "procuratorate")
    decision = selectors.decide(
        who,
        matter=payload.matter,
        power=payload.power,
        flags=payload.flags,
        business_line=payload.business_line,
        case_type=payload.case_type,
        amount=payload.amount,
        on=payload.on,
        procuratorate=place,
    )
    return _answer(decision)
