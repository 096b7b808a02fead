"""Intake (受理): the case management office takes a case in, numbers it in the official style,
weighs it for the draw, and records what looks incomplete as warnings rather than refusing it.

Refused, with the reason and nothing written: an unknown case type or flag, a business line the
type does not belong to, a received date in the future, a related case that does not exist, a
party without a name. Warned, and kept on the case for the office's queue: a business line no
department of the procuratorate handles (jurisdiction), a criminal case without a suspect, a
referral without the referring unit, a suspect in custody the case does not say is in custody.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procuracy.cases import deadlines, lifecycle
from procuracy.cases.models import Case, CaseSource, CaseType, Party, PartyRole, Sealing
from procuracy.core import compiled
from procuracy.core.actors import Actor
from procuracy.core.errors import RuleViolation
from procuracy.core.models import today
from procuracy.core.permissions import role_rule
from procuracy.core.spine import record, service
from procuracy.organisation.models import BusinessLine, Department, Procuratorate
from procuracy.powers.models import Flag

INTAKE = role_rule("cases.intake", gettext_lazy("受理案件"), {"case_management"})

# What each flag adds to a case type's base weight, as a share of it: a major case weighs half
# as much again. A starting point a province tunes (PROCURACY_CASE_WEIGHTS).
FLAG_WEIGHTS = {
    Flag.MAJOR: Decimal("0.5"),
    Flag.DIFFICULT: Decimal("0.3"),
    Flag.COMPLEX: Decimal("0.3"),
    Flag.SOCIAL_IMPACT: Decimal("0.2"),
    Flag.NPC_DEPUTY: Decimal("0.1"),
    Flag.CPPCC_MEMBER: Decimal("0.1"),
    Flag.FOREIGN: Decimal("0.2"),
    Flag.MINOR: Decimal("0.1"),
    Flag.PLEA: Decimal("-0.2"),
}
LIGHTEST = Decimal("0.10")
CRIMINAL_SOURCES = {CaseSource.POLICE, CaseSource.SUPERVISION}
ACCUSED = {PartyRole.SUSPECT, PartyRole.DEFENDANT}


@dataclass(frozen=True)
class PartyFields:
    role: str
    name: str
    in_custody: bool = False
    note: str = ""


def weight_of(case_type: CaseType, flags) -> Decimal:
    """The case's weight in the draw: the type's base weight, plus each flag's share of it
    (PROCURACY_CASE_WEIGHTS overrides either table: {"types": {code: w}, "flags": {flag: s}})."""
    overrides = getattr(settings, "PROCURACY_CASE_WEIGHTS", {})
    base = Decimal(str(overrides.get("types", {}).get(case_type.code, case_type.weight)))
    shares = {**FLAG_WEIGHTS, **{k: Decimal(str(v)) for k, v in overrides.get("flags", {}).items()}}
    factor = 1 + sum((shares.get(flag, Decimal(0)) for flag in flags), Decimal(0))
    weight = (base * factor).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return max(weight, LIGHTEST)


def number_prefix(procuratorate: Procuratorate) -> str:
    """城关区院 → 城关区: the procuratorate's short name without 院, the part of the number that
    says whose case it is."""
    short = procuratorate.short_name
    for suffix in ("人民检察院", "检察院", "院"):
        if short.endswith(suffix) and len(short) > len(suffix):
            return short[: -len(suffix)]
    return short


def case_number(procuratorate: Procuratorate, case_type: CaseType, year: int, serial: int) -> str:
    """The official style: 城关区检刑诉受〔2026〕12号 — who, 检, the type's word, 受 (taken in),
    the year in 〔〕 and the serial of that procuratorate, word and year."""
    return f"{number_prefix(procuratorate)}检{case_type.word}受〔{year}〕{serial}号"


# Intake's reads on every case are compiled once per process for each set of arguments (the
# same procuratorate, word and year; line and day; core.compiled): building them took the ORM
# longer than the database took to answer.


def _taken_query(procuratorate_id: int, word: str, year: int):
    """How many cases the procuratorate took in that year under the word (one row, or none)."""
    return (
        Case.objects.filter(
            procuratorate_id=procuratorate_id, case_type__word=word, received_on__year=year
        )
        .order_by()
        .values("procuratorate_id")
        .annotate(taken=Count("pk"))
        .values_list("taken")
        .query
    )


def _handles_query(procuratorate_id: int, line_id: int, day: datetime.date):
    """Whether a department of the procuratorate handles the line that day (a row, or none)."""
    handles = Department.objects.on(day).filter(
        procuratorate_id=procuratorate_id, business_lines=line_id
    )
    return handles.query.exists()


def _lock_query(procuratorate_id: int):
    """The procuratorate's row, locked (SELECT … FOR UPDATE where the database has it)."""
    rows = Procuratorate.objects.select_for_update().filter(pk=procuratorate_id)
    return rows.order_by().values("pk").query


def _next_serial(procuratorate: Procuratorate, case_type: CaseType, year: int) -> int:
    row = compiled.first(_taken_query, procuratorate.pk, case_type.word, year)
    return (row[0] if row else 0) + 1


def _line_ids(case_type: CaseType) -> frozenset[int]:
    """The ids of the business lines the type belongs to, read once per CaseType instance:
    reference data (a data migration), so an importer or a bench that keeps its types takes
    them in without asking again."""
    found = case_type.__dict__.get("_line_ids")
    if found is None:
        found = frozenset(case_type.business_lines.values_list("pk", flat=True))
        case_type.__dict__["_line_ids"] = found
    return found


def _check(
    procuratorate: Procuratorate,
    case_type: CaseType,
    line: BusinessLine,
    received_on: datetime.date,
    flags,
    parties,
    related,
    title: str,
    source: str,
) -> list[Case]:
    if not title.strip():
        raise RuleViolation(_("请填写案件名称。"), "title")
    if source not in CaseSource.values:
        raise RuleViolation(_("案件来源“%(value)s”不存在。") % {"value": source}, "source")
    if received_on > today():
        raise RuleViolation(_("受理日期不能晚于今天。"), "received_on")
    if line.pk not in _line_ids(case_type):
        lines = "、".join(line.name for line in case_type.business_lines.order_by("number"))
        raise RuleViolation(
            _("%(type)s属于%(lines)s,不属于%(line)s。")
            % {"type": case_type.name, "lines": lines, "line": line.name},
            "business_line",
        )
    unknown = [f for f in flags if f not in Flag.values]
    if unknown:
        raise RuleViolation(
            _("没有这些案件情形:%(flags)s。") % {"flags": "、".join(unknown)}, "flags"
        )
    for party in parties:
        if party.role not in PartyRole.values:
            raise RuleViolation(_("诉讼地位“%(value)s”不存在。") % {"value": party.role}, "parties")
        if not party.name.strip():
            raise RuleViolation(_("每个当事人都须填写姓名或名称。"), "parties")
    found = (
        list(Case.objects.filter(procuratorate=procuratorate, number__in=related))
        if related
        else []
    )
    missing = sorted(set(related) - {c.number for c in found})
    if missing:
        raise RuleViolation(
            _("本院没有这些关联案件:%(numbers)s。") % {"numbers": "、".join(missing)}, "related"
        )
    return found


def warnings_for(
    procuratorate: Procuratorate,
    line: BusinessLine,
    received_on: datetime.date,
    source: str,
    referred_by: str,
    custody: bool,
    parties,
) -> list[str]:
    """What the process-monitoring rules would question: kept on the case, not refused."""
    found = []
    if compiled.first(_handles_query, procuratorate.pk, line.pk, received_on) is None:
        found.append(_("本院没有办理%(line)s的内设机构,请核实管辖。") % {"line": line.name})
    accused = [p for p in parties if p.role in ACCUSED]
    if line.prosecutes and not accused:
        found.append(_("未录入犯罪嫌疑人或被告人。"))
    if source in CRIMINAL_SOURCES and not referred_by.strip():
        found.append(_("移送案件未填写移送单位。"))
    if any(p.in_custody for p in accused) and not custody:
        found.append(_("有当事人在押,但案件未标明犯罪嫌疑人在押;期限计算以在押为准,请核实。"))
    if custody and not any(p.in_custody for p in accused):
        found.append(_("案件标明犯罪嫌疑人在押,但没有在押的当事人。"))
    return found


@service(INTAKE, where=lambda kw: kw["procuratorate"])
def receive_case(
    *,
    actor: Actor,
    procuratorate: Procuratorate,
    case_type: CaseType,
    business_line: BusinessLine,
    title: str,
    source: str,
    received_on: datetime.date,
    referred_by: str = "",
    custody: bool = False,
    flags=(),
    amount: Decimal | None = None,
    parties: tuple[PartyFields, ...] | list[PartyFields] = (),
    related: tuple[str, ...] | list[str] = (),
    sealed: str = "",
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Take a case in: numbered, weighed, its parties recorded, warnings kept. One act."""
    flags = sorted(set(flags))
    if sealed and sealed not in Sealing.values:
        raise RuleViolation(_("封存类别“%(value)s”不存在。") % {"value": sealed}, "sealed")
    linked = _check(
        procuratorate,
        case_type,
        business_line,
        received_on,
        flags,
        parties,
        related,
        title,
        source,
    )
    # One intake at a time per procuratorate, so that two clerks never take the same serial.
    compiled.first(_lock_query, procuratorate.pk)
    year = received_on.year
    case = Case(
        number=case_number(
            procuratorate, case_type, year, _next_serial(procuratorate, case_type, year)
        ),
        procuratorate=procuratorate,
        case_type=case_type,
        business_line=business_line,
        title=title.strip(),
        source=source,
        referred_by=referred_by.strip(),
        received_on=received_on,
        custody=custody,
        flags=flags,
        amount=amount,
        related=sorted(c.number for c in linked),
        weight=weight_of(case_type, flags),
        warnings=warnings_for(
            procuratorate, business_line, received_on, source, referred_by, custody, parties
        ),
        received_by=actor.staff,
        sealed=sealed,
    )
    code = deadlines.stage_for(case_type.stage, custody=custody)
    # The first stage's clock runs from the day the case was received; its expiry is on the
    # case from the INSERT on (the stage is computed first, and written after the case).
    stages = [lifecycle.new_stage(case, code, received_on)] if code else []
    case.save(force_insert=True)
    for stage in stages:
        stage.save(force_insert=True)
    rows = [
        Party(
            case=case,
            role=p.role,
            name=p.name.strip(),
            in_custody=p.in_custody,
            note=p.note.strip(),
        )
        for p in parties
    ]
    if connection.features.can_return_rows_from_bulk_insert:  # one INSERT, the ids returned
        Party.objects.bulk_create(rows)
    else:
        for row in rows:
            row.save(force_insert=True)
    # 规则 Art 4 para 5: a major, difficult, complex or socially sensitive case owes the
    # chief a report, opened in the same act (procuracy.oversight.instructions).
    from procuracy.oversight.instructions import open_report_if_flagged

    report = open_report_if_flagged(case, occurred_at)
    record(
        actor=actor,
        kind="cases.received",
        subject=case,
        procuratorate=procuratorate,
        # The parties' names stay out of the entry; the rows' salted hashes commit to them.
        body={
            "number": case.number,
            "case_type": case_type.code,
            "business_line": business_line.code,
            "source": source,
            "received_on": received_on.isoformat(),
            "custody": custody,
            "flags": flags,
            "weight": str(case.weight),
            "parties": len(rows),
            "related": case.related,
            "warnings": len(case.warnings),
            "sealed": sealed,
            "due_on": case.due_on.isoformat() if case.due_on else None,
        },
        rows=[case, *stages, *rows, *([report] if report else [])],
        occurred_at=occurred_at,
    )
    return case
