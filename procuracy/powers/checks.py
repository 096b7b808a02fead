"""What makes a set of items a list the engine can answer from without doubt.

Each problem names the item (by its row or number) and says why, in a sentence:
two items deciding the same matter under conditions some case meets at once (the same holder
twice, or two holders — who decides?); a review step at or above the holder who decides (the
path upward would loop back down); conditions no case can meet; an amount range that is empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from procuracy.powers.models import HOLDER_RANK, Holder, Power


@dataclass
class ItemFields:
    """An item as entered, before it is a row: what the import reads and the form edits."""

    number: int
    code: str
    matter: Any  # Matter
    holder: str
    power: str
    business_line: Any = None  # BusinessLine, or None for every line
    case_types: list[str] = field(default_factory=list)
    when_any: list[str] = field(default_factory=list)
    unless: list[str] = field(default_factory=list)
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    legal_basis: str = ""
    note: str = ""
    row: int | None = None  # the spreadsheet row it came from

    @property
    def where(self) -> str:
        if self.row is not None:
            return _("第 %(row)s 行") % {"row": self.row}
        return _("第 %(n)s 项") % {"n": self.number}

    def as_fields(self) -> dict:
        return {
            "number": self.number,
            "code": self.code,
            "matter": self.matter,
            "holder": self.holder,
            "power": self.power,
            "business_line": self.business_line,
            "case_types": sorted(self.case_types),
            "when_any": sorted(self.when_any),
            "unless": sorted(self.unless),
            "min_amount": self.min_amount,
            "max_amount": self.max_amount,
            "legal_basis": self.legal_basis,
            "note": self.note,
        }

    @classmethod
    def of(cls, item) -> ItemFields:
        return cls(
            number=item.number,
            code=item.code,
            matter=item.matter,
            holder=item.holder,
            power=item.power,
            business_line=item.business_line,
            case_types=list(item.case_types),
            when_any=list(item.when_any),
            unless=list(item.unless),
            min_amount=item.min_amount,
            max_amount=item.max_amount,
            legal_basis=item.legal_basis,
            note=item.note,
        )


def problems(items: list[ItemFields]) -> list[str]:
    """Every reason the set cannot stand, each naming its rows; empty when it can."""
    found: list[str] = []
    numbers: dict[int, ItemFields] = {}
    codes: dict[str, ItemFields] = {}
    for it in items:
        if it.number in numbers:
            found.append(
                _("%(a)s与%(b)s的序号 %(n)s 重复。")
                % {"a": it.where, "b": numbers[it.number].where, "n": it.number}
            )
        numbers.setdefault(it.number, it)
        if it.code in codes:
            found.append(
                _("%(a)s与%(b)s的编号 %(code)s 重复。")
                % {"a": it.where, "b": codes[it.code].where, "code": it.code}
            )
        codes.setdefault(it.code, it)
        found.extend(_own_problems(it))
    by_matter: dict[object, list[ItemFields]] = {}
    for it in items:
        by_matter.setdefault(it.matter, []).append(it)
    for group in by_matter.values():
        deciders = [it for it in group if it.power == Power.DECIDE]
        for i, a in enumerate(deciders):
            for b in deciders[i + 1 :]:
                if overlap(a, b):
                    found.append(_clash(a, b))
        reviews = [it for it in group if it.power == Power.REVIEW]
        for r in reviews:
            for d in deciders:
                if HOLDER_RANK[r.holder] >= HOLDER_RANK[d.holder] and overlap(r, d):
                    found.append(
                        _(
                            "%(a)s与%(b)s:“%(matter)s”由%(reviewer)s审核后交%(decider)s决定,"
                            "审批路径回到同级或下级,形成循环。"
                        )
                        % {
                            "a": r.where,
                            "b": d.where,
                            "matter": r.matter,
                            "reviewer": Holder(r.holder).label,
                            "decider": Holder(d.holder).label,
                        }
                    )
    return found


def _own_problems(it: ItemFields) -> list[str]:
    found = []
    if it.when_any and not set(it.when_any) - set(it.unless):
        found.append(
            _("%(row)s:适用情形全部被除外情形排除,没有案件能适用该项。") % {"row": it.where}
        )
    if it.min_amount is not None and it.max_amount is not None and it.min_amount >= it.max_amount:
        found.append(_("%(row)s:涉案金额下限不小于上限。") % {"row": it.where})
    if it.holder == Holder.COMMITTEE and it.power != Power.DECIDE:
        found.append(_("%(row)s:检察委员会只作决定,不审核、办理或签发。") % {"row": it.where})
    return found


def _clash(a: ItemFields, b: ItemFields) -> str:
    if a.holder == b.holder:
        return _("%(a)s与%(b)s:两项都规定%(holder)s决定“%(matter)s”,适用条件重叠。") % {
            "a": a.where,
            "b": b.where,
            "holder": Holder(a.holder).label,
            "matter": a.matter,
        }
    return _(
        "%(a)s与%(b)s:“%(matter)s”在重叠的条件下分别由%(h1)s和%(h2)s决定,无法确定由谁决定。"
    ) % {
        "a": a.where,
        "b": b.where,
        "matter": a.matter,
        "h1": Holder(a.holder).label,
        "h2": Holder(b.holder).label,
    }


def overlap(a: ItemFields, b: ItemFields) -> bool:
    """Whether some case meets the conditions of both items."""
    lines = (a.business_line, b.business_line)
    if None not in lines and lines[0] != lines[1]:
        return False
    if a.case_types and b.case_types and not set(a.case_types) & set(b.case_types):
        return False
    excluded = set(a.unless) | set(b.unless)
    if a.when_any and not set(a.when_any) - excluded:
        return False
    if b.when_any and not set(b.when_any) - excluded:
        return False
    low = max(
        (x for x in (a.min_amount, b.min_amount) if x is not None), default=Decimal("-Infinity")
    )
    high = min(
        (x for x in (a.max_amount, b.max_amount) if x is not None), default=Decimal("Infinity")
    )
    return low < high
