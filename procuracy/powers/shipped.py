"""The power lists shipped with procuracy: one per level, built from the public rules (刑事诉讼法,
人民检察院刑事诉讼规则, 人民检察院组织法 and the other texts each item cites), in the same
columns as an imported spreadsheet (data/{province,city,base}.csv).

They are templates. A province's list is its own, approved by the Supreme People's
Procuratorate where the rules are silent (规则 Art 4 para 3); loading a template gives a
province a working list to replace. docs/powers.md says how the templates were built.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from procuracy.core.actors import Actor
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.organisation.models import Level, Procuratorate
from procuracy.powers import engine, services, tabular
from procuracy.powers.checks import ItemFields
from procuracy.powers.models import ApprovalBody, ListKind, ListLevel, ListVersion, PowerList

DATA = Path(__file__).resolve().parent / "data"
FILES = {
    ListLevel.PROVINCE: DATA / "province.csv",
    ListLevel.CITY: DATA / "city.csv",
    ListLevel.BASE: DATA / "base.csv",
}
LEVEL_NAMES = {
    ListLevel.PROVINCE: gettext_noop("省院"),
    ListLevel.CITY: gettext_noop("市州院及分院"),
    ListLevel.BASE: gettext_noop("基层院"),
}
SOURCE = gettext_noop("procuracy 内置模板:依据公开的法律和司法解释编制,非任何省份的正式清单")
NOTE = gettext_noop(
    "本版本载入自 procuracy 内置的权力清单模板,供试用和演示。各事项的归属依据所引的法律、"
    "司法解释(《人民检察院刑事诉讼规则》第四条至第七条等)编制;规则未明确的,由省级人民检察院"
    "制定、报最高人民检察院批准(规则第四条第三款)。请以本省正式清单替换本模板:导出为 Excel,"
    "修改后导入为新草稿,经批准后生效。"
)


def template_items(level: str) -> list[ItemFields]:
    """The shipped template's items for a level."""
    return tabular.read(FILES[ListLevel(level)], "csv")


def region_of(province: Procuratorate) -> str:
    """甘肃省人民检察院 → 甘肃省: the name the lists' titles begin with."""
    region = province.name.split("人民检察院", 1)[0].strip()
    return region or province.short_name


def title_for(province: Procuratorate, level: str) -> str:
    return _("%(region)s检察机关检察官权力清单(%(level)s)") % {
        "region": region_of(province),
        "level": _(LEVEL_NAMES[ListLevel(level)]),
    }


def load_templates(
    actor: Actor,
    province: Procuratorate,
    effective_from: datetime.date,
    occurred_at: datetime.datetime | None = None,
    reference: str = "",
) -> list[ListVersion]:
    """The three lists for `province` (opened where missing), each a new version drafted from
    its template and approved in force from `effective_from`, acting as `actor` — the
    province's chief. Approved as the province's setting says: by the committee (with
    `reference`, the meeting's minutes, by default the first meeting of the year) or by the
    chief. All three or none."""
    if province.level != Level.PROVINCE:
        raise RuleViolation(_("内置模板只能载入省级人民检察院。"), "province")
    _may_load(actor, province)
    body = settings.PROCURACY_POWER_LIST_APPROVAL
    if body == ApprovalBody.COMMITTEE and not reference:
        year = (occurred_at.date() if occurred_at else effective_from).year
        reference = _("省院检委会〔%(year)s〕第1次会议") % {"year": year}
    versions = []
    with transaction.atomic():
        for level in (ListLevel.PROVINCE, ListLevel.CITY, ListLevel.BASE):
            power_list = _list_for(actor, province, level, occurred_at)
            version = services.draft_version(
                actor=actor,
                power_list=power_list,
                items=template_items(level),
                source=_(SOURCE),
                note=_(NOTE),
                occurred_at=occurred_at,
            )
            versions.append(
                services.approve_version(
                    actor=actor,
                    version=version,
                    effective_from=effective_from,
                    body=body,
                    reference=reference if body == ApprovalBody.COMMITTEE else "",
                    occurred_at=occurred_at,
                )
            )
    return versions


def _may_load(actor: Actor, province: Procuratorate) -> None:
    """Asked before anything is written, so that all three lists load or none does: the
    services ask again (and record a refusal) as each act is performed."""
    for rule in (services.DRAFT, services.APPROVE):
        decision = engine.authorize(actor, rule, engine.Context(procuratorate=province))
        if not decision.allowed:
            raise ActDenied(decision.sentence, decision=decision)


def _list_for(actor, province, level, occurred_at) -> PowerList:
    found = PowerList.objects.filter(
        procuratorate=province, level=level, kind=ListKind.LEVEL
    ).first()
    if found is not None:
        return found
    return services.create_list(
        actor=actor,
        procuratorate=province,
        level=level,
        title=title_for(province, level),
        occurred_at=occurred_at,
    )
