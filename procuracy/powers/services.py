"""The acts on power lists: drafting a version, approving it, delegating unlisted matters.

A list changes only by a new version: a draft (copied from the version before it, or
imported) is edited item by item, checked as a whole, and approved by the chief — or recorded
as approved by the committee — with the day it takes effect. Every act is ledgered; the lists
themselves are open (publishing them is part of openness), delegations are not.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procuracy.core.actors import Actor
from procuracy.core.errors import RuleViolation
from procuracy.core.models import Visibility
from procuracy.core.permissions import role_rule
from procuracy.core.spine import record, service
from procuracy.organisation.models import Level, Procuratorate
from procuracy.powers import engine
from procuracy.powers.checks import ItemFields, problems
from procuracy.powers.models import (
    ApprovalBody,
    Delegation,
    Holder,
    Item,
    ListKind,
    ListLevel,
    ListVersion,
    Matter,
    Power,
    PowerList,
    VersionStatus,
)

DRAFT = role_rule(
    "powers.draft",
    gettext_lazy("起草和修改权力清单"),
    {"chief", "acting_chief", "deputy_chief", "case_management"},
    admin=True,
)
APPROVE = role_rule("powers.approve", gettext_lazy("批准权力清单"), {"chief", "acting_chief"})
DELEGATE = role_rule(
    "powers.delegate", gettext_lazy("书面授权清单未列事项"), {"chief", "acting_chief"}
)


class ListProblems(RuleViolation):
    """A set of items that cannot stand, with every reason (row by row)."""

    def __init__(self, reasons: list[str]):
        super().__init__(_("清单有 %(n)s 处错误,未作任何修改:") % {"n": len(reasons)})
        self.reasons = reasons
        self.rule = "\n".join([self.rule, *reasons])


def _changed() -> None:
    engine.forget()
    transaction.on_commit(engine.forget)


def _item_body(item: Item) -> dict:
    return {
        "number": item.number,
        "code": item.code,
        "matter": item.matter.code,
        "holder": item.holder,
        "power": item.power,
        "business_line": item.business_line.code if item.business_line else None,
        "case_types": item.case_types,
        "when_any": item.when_any,
        "unless": item.unless,
        "min_amount": str(item.min_amount) if item.min_amount is not None else None,
        "max_amount": str(item.max_amount) if item.max_amount is not None else None,
    }


@service(DRAFT, where=lambda kw: kw["procuratorate"])
def create_list(
    *,
    actor: Actor,
    procuratorate: Procuratorate,
    level: str,
    kind: str = ListKind.LEVEL,
    title: str,
    occurred_at: datetime.datetime | None = None,
) -> PowerList:
    """The province opens its list for a level; a procuratorate opens its own additions."""
    if kind == ListKind.LEVEL and procuratorate.level != Level.PROVINCE:
        raise RuleViolation(
            _("全省统一的权力清单由省院制定(《人民检察院刑事诉讼规则》第四条)。"), "kind"
        )
    if kind == ListKind.ADDITIONS and ListLevel.of(procuratorate.level) != level:
        raise RuleViolation(_("本院补充清单只适用于本院所在层级。"), "level")
    if PowerList.objects.filter(procuratorate=procuratorate, level=level, kind=kind).exists():
        raise RuleViolation(_("该层级的清单已经存在,请在其中起草新版本。"), "level")
    if not title.strip():
        raise RuleViolation(_("请填写清单标题。"), "title")
    power_list = PowerList.objects.create(
        procuratorate=procuratorate, level=level, kind=kind, title=title.strip()
    )
    record(
        actor=actor,
        kind="powers.list_created",
        subject=power_list,
        procuratorate=procuratorate,
        visibility=Visibility.OPEN,
        body={"level": level, "kind": kind, "title": power_list.title},
        occurred_at=occurred_at,
    )
    return power_list


def _fill(version: ListVersion, items: list[ItemFields]) -> list[Item]:
    return Item.objects.bulk_create(
        [Item(version=version, **it.as_fields()) for it in sorted(items, key=lambda i: i.number)]
    )


def _check(power_list: PowerList, items: list[ItemFields], on: datetime.date | None) -> None:
    reasons = problems(items)
    if power_list.kind == ListKind.ADDITIONS:
        reasons += _additions_problems(power_list.procuratorate, items, on)
    if reasons:
        raise ListProblems(reasons)


def _additions_problems(
    procuratorate: Procuratorate, items: list[ItemFields], on: datetime.date | None
) -> list[str]:
    """Additions fill gaps: a matter the province's list covers is not theirs to assign."""
    day = on or timezone.localdate()
    versions = engine.versions_in_force(procuratorate, day)
    main = next((v for v in versions if v.power_list.kind == ListKind.LEVEL), None)
    if main is None:
        return [_("全省统一清单尚未生效,不能制定本院补充清单。")]
    if not main.allows_additions:
        return [_("现行全省统一清单不允许各院补充。")]
    covered = set(Item.objects.filter(version=main).values_list("matter_id", flat=True))
    return [
        _("%(row)s:“%(matter)s”已列入全省统一清单,本院补充清单不得另作规定。")
        % {"row": it.where, "matter": it.matter}
        for it in items
        if it.matter.pk in covered
    ]


@service(DRAFT, where=lambda kw: kw["power_list"].procuratorate)
def draft_version(
    *,
    actor: Actor,
    power_list: PowerList,
    items: list[ItemFields] | None = None,
    source: str = "",
    note: str = "",
    allows_additions: bool | None = None,
    occurred_at: datetime.datetime | None = None,
) -> ListVersion:
    """A new draft: the given items (an import), or a copy of the newest version's. Writes
    nothing when any item is wrong; the refusal lists every row and reason."""
    if power_list.versions.filter(status=VersionStatus.DRAFT).exists():
        raise RuleViolation(_("该清单已有一份草稿,请先批准或废弃它。"))
    based_on = (
        power_list.versions.exclude(status=VersionStatus.DISCARDED).order_by("-number").first()
    )
    if items is None:
        copied = based_on.items.select_related("matter", "business_line") if based_on else []
        items = [ItemFields.of(item) for item in copied]
    else:
        _check(power_list, items, None)
    number = (power_list.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ListVersion.objects.create(
        power_list=power_list,
        number=number,
        based_on=based_on,
        source=source,
        note=note,
        allows_additions=(
            based_on.allows_additions
            if allows_additions is None and based_on
            else bool(allows_additions)
        ),
        created_by=actor.staff,
        created_at=occurred_at or timezone.now(),
    )
    rows = _fill(version, items)
    record(
        actor=actor,
        kind="powers.version_drafted",
        subject=version,
        procuratorate=power_list.procuratorate,
        visibility=Visibility.OPEN,
        body={
            "list": power_list.title,
            "number": number,
            "based_on": based_on.number if based_on else None,
            "source": source,
            "items": len(rows),
        },
        rows=[version, *rows],
        occurred_at=occurred_at,
    )
    return version


def draft_additions(
    *,
    actor: Actor,
    procuratorate: Procuratorate,
    items: list[ItemFields],
    source: str = "",
    note: str = "",
) -> ListVersion:
    """A draft of the procuratorate's own additions, opening its additions list if it has none
    (two acts). Every item is checked before either is performed."""
    reasons = problems(items) + _additions_problems(procuratorate, items, None)
    if reasons:
        raise ListProblems(reasons)
    power_list = PowerList.objects.filter(
        procuratorate=procuratorate, kind=ListKind.ADDITIONS
    ).first() or create_list(
        actor=actor,
        procuratorate=procuratorate,
        level=ListLevel.of(procuratorate.level),
        kind=ListKind.ADDITIONS,
        title=_("%(name)s检察官权力清单补充清单") % {"name": procuratorate.name},
    )
    return draft_version(actor=actor, power_list=power_list, items=items, source=source, note=note)


def _draft_of(item_or_version) -> ListVersion:
    version = getattr(item_or_version, "version", item_or_version)
    if version.status != VersionStatus.DRAFT:
        raise RuleViolation(_("只能修改草稿;已批准的版本不可更改,请起草新版本。"))
    return version


def _others(version: ListVersion, but: Item | None = None) -> list[ItemFields]:
    rows = version.items.select_related("matter", "business_line")
    return [ItemFields.of(i) for i in rows if but is None or i.pk != but.pk]


@service(DRAFT, where=lambda kw: _draft_of(kw["version"]).power_list.procuratorate)
def add_item(
    *,
    actor: Actor,
    version: ListVersion,
    fields: ItemFields,
    occurred_at: datetime.datetime | None = None,
) -> Item:
    _check(version.power_list, [*_others(version), fields], None)
    item = Item.objects.create(version=version, **fields.as_fields())
    record(
        actor=actor,
        kind="powers.item_added",
        subject=item,
        procuratorate=version.power_list.procuratorate,
        visibility=Visibility.OPEN,
        body={"version": version.number, **_item_body(item)},
        occurred_at=occurred_at,
    )
    return item


@service(DRAFT, where=lambda kw: _draft_of(kw["item"]).power_list.procuratorate)
def change_item(
    *,
    actor: Actor,
    item: Item,
    fields: ItemFields,
    occurred_at: datetime.datetime | None = None,
) -> Item:
    _check(item.version.power_list, [*_others(item.version, but=item), fields], None)
    for name, value in fields.as_fields().items():
        setattr(item, name, value)
    item.save()
    record(
        actor=actor,
        kind="powers.item_changed",
        subject=item,
        procuratorate=item.version.power_list.procuratorate,
        visibility=Visibility.OPEN,
        body={"version": item.version.number, **_item_body(item)},
        occurred_at=occurred_at,
    )
    return item


@service(DRAFT, where=lambda kw: _draft_of(kw["item"]).power_list.procuratorate)
def remove_item(*, actor: Actor, item: Item, occurred_at: datetime.datetime | None = None) -> None:
    version = item.version
    body = {"version": version.number, "number": item.number, "code": item.code}
    record(
        actor=actor,
        kind="powers.item_removed",
        subject=version,
        procuratorate=version.power_list.procuratorate,
        visibility=Visibility.OPEN,
        body=body,
        rows=[],
        occurred_at=occurred_at,
    )
    item.delete()


@service(APPROVE, where=lambda kw: kw["version"].power_list.procuratorate)
def approve_version(
    *,
    actor: Actor,
    version: ListVersion,
    effective_from: datetime.date,
    body: str = ApprovalBody.CHIEF,
    reference: str = "",
    occurred_at: datetime.datetime | None = None,
) -> ListVersion:
    """The chief approves — or records the committee's approval of — a draft, in force from
    `effective_from` (not before the day of approval: a list never changes the past)."""
    _draft_of(version)
    when = occurred_at or timezone.now()
    if effective_from < timezone.localdate(when):
        raise RuleViolation(_("生效日期不得早于批准之日。"), "effective_from")
    if settings.PROCURACY_POWER_LIST_APPROVAL == ApprovalBody.COMMITTEE and (
        body != ApprovalBody.COMMITTEE
    ):
        raise RuleViolation(
            _("按本省规定,权力清单须经检察委员会审议批准:请选择检察委员会并注明会议纪要。"),
            "body",
        )
    if body == ApprovalBody.COMMITTEE and not reference.strip():
        raise RuleViolation(_("经检察委员会批准的,须注明会议纪要或决定文号。"), "reference")
    items = _others(version)
    if not items:
        raise RuleViolation(_("清单没有任何事项,不能批准。"))
    _check(version.power_list, items, effective_from)
    version.status = VersionStatus.APPROVED
    version.effective_from = effective_from
    version.approved_by = actor.staff
    version.approved_at = when
    version.approval_body = body
    version.approval_reference = reference.strip()
    version.save()
    record(
        actor=actor,
        kind="powers.version_approved",
        subject=version,
        procuratorate=version.power_list.procuratorate,
        visibility=Visibility.OPEN,
        body={
            "list": version.power_list.title,
            "number": version.number,
            "effective_from": effective_from.isoformat(),
            "approval_body": body,
            "reference": version.approval_reference,
            "items": len(items),
        },
        occurred_at=occurred_at,
    )
    _changed()
    return version


@service(DRAFT, where=lambda kw: kw["version"].power_list.procuratorate)
def discard_version(
    *,
    actor: Actor,
    version: ListVersion,
    reason: str,
    occurred_at: datetime.datetime | None = None,
) -> ListVersion:
    _draft_of(version)
    if not reason.strip():
        raise RuleViolation(_("请说明废弃草稿的理由。"), "reason")
    version.status = VersionStatus.DISCARDED
    version.note = (version.note + "\n" if version.note else "") + reason.strip()
    version.save()
    record(
        actor=actor,
        kind="powers.version_discarded",
        subject=version,
        procuratorate=version.power_list.procuratorate,
        visibility=Visibility.OPEN,
        body={"number": version.number, "reason": reason.strip()},
        occurred_at=occurred_at,
    )
    return version


def _reserved_holders(procuratorate: Procuratorate, matter: Matter, day: datetime.date) -> set:
    versions = engine.versions_in_force(procuratorate, day)
    return set(
        Item.objects.filter(
            version__in=versions,
            matter=matter,
            power=Power.DECIDE,
            holder__in=[Holder.CHIEF, Holder.COMMITTEE],
        ).values_list("holder", flat=True)
    )


@service(DELEGATE, where=lambda kw: kw["procuratorate"])
def delegate(
    *,
    actor: Actor,
    procuratorate: Procuratorate,
    delegate,
    matter: Matter,
    document_no: str,
    instruction: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    business_line=None,
    power: str = Power.DECIDE,
    occurred_at: datetime.datetime | None = None,
) -> Delegation:
    """规则 Art 4: the chief hands an unlisted matter to a prosecutor by written instruction."""
    if actor.staff is None:
        raise RuleViolation(_("授权须由检察长本人以书面指令作出。"))
    if not instruction.strip():
        raise RuleViolation(_("授权必须有书面指令的内容。"), "instruction")
    if not document_no.strip():
        raise RuleViolation(_("请填写授权书文号。"), "document_no")
    if valid_to is not None and valid_to <= valid_from:
        raise RuleViolation(_("终止日期须晚于起始日期。"), "valid_to")
    held = engine.holders_of(Actor(login="", staff=delegate), procuratorate, valid_from)
    if not held & {Holder.PROSECUTOR, Holder.DEPUTY_CHIEF}:
        raise RuleViolation(
            _("只能授权本院的员额检察官或副检察长(人民检察院组织法第四十一条至第四十四条)。"),
            "delegate",
        )
    reserved = _reserved_holders(procuratorate, matter, valid_from)
    if reserved:
        names = engine.joined(Holder(h).label for h in sorted(reserved))
        raise RuleViolation(
            _("“%(matter)s”是权力清单保留由%(holders)s决定的事项,不能授权。")
            % {"matter": matter, "holders": names},
            "matter",
        )
    d = Delegation.objects.create(
        procuratorate=procuratorate,
        delegator=actor.staff,
        delegate=delegate,
        matter=matter,
        business_line=business_line,
        power=power,
        document_no=document_no.strip(),
        instruction=instruction.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
    )
    record(
        actor=actor,
        kind="powers.delegated",
        subject=d,
        procuratorate=procuratorate,
        body={
            "delegate": delegate.pk,
            "matter": matter.code,
            "power": power,
            "business_line": business_line.code if business_line else None,
            "document_no": d.document_no,
            "valid_from": valid_from.isoformat(),
            "valid_to": valid_to.isoformat() if valid_to else None,
        },
        occurred_at=occurred_at,
    )
    _changed()
    return d


@service(DELEGATE, where=lambda kw: kw["delegation"].procuratorate)
def revoke_delegation(
    *,
    actor: Actor,
    delegation: Delegation,
    on: datetime.date,
    reason: str,
    occurred_at: datetime.datetime | None = None,
) -> Delegation:
    if not reason.strip():
        raise RuleViolation(_("请说明撤销授权的理由。"), "reason")
    if on < delegation.valid_from or (delegation.valid_to and on >= delegation.valid_to):
        raise RuleViolation(_("撤销日期须在授权有效期内。"), "on")
    delegation.valid_to = on
    delegation.revoked_reason = reason.strip()
    delegation.save()
    record(
        actor=actor,
        kind="powers.delegation_revoked",
        subject=delegation,
        procuratorate=delegation.procuratorate,
        body={"document_no": delegation.document_no, "on": on.isoformat(), "reason": reason},
        occurred_at=occurred_at,
    )
    _changed()
    return delegation
