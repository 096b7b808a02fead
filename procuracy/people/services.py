"""The acts of personnel work: registering staff, postings, positions, absences, grades,
ranks, the quota and sign-in accounts; and declarations of conflicts of interest, which each
person makes for themselves."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypinyin import Style, lazy_pinyin

from procuracy.core.actors import Actor
from procuracy.core.errors import RuleViolation
from procuracy.core.models import Visibility, day_of
from procuracy.core.permissions import BELOW, SELF, role_rule
from procuracy.core.spine import record, service
from procuracy.organisation.models import Department, Procuratorate
from procuracy.people.models import (
    CHIEF_POSITIONS,
    PROSECUTOR_POSITIONS,
    Absence,
    Category,
    Conflict,
    ConflictKind,
    Grade,
    GradeRecord,
    Position,
    PositionKind,
    Posting,
    QuotaRecord,
    RankRecord,
    Staff,
)

MANAGE = role_rule(
    "people.manage",
    gettext_lazy("管理人员、职务、等级和员额"),
    {"chief", "acting_chief", "personnel"},
    BELOW,
    admin=True,
)
ACCOUNTS = role_rule(
    "people.accounts", gettext_lazy("开设和停用登录账号"), {"personnel"}, BELOW, admin=True
)
# Declaring a conflict is each person's own act (刑事诉讼法 Art 29: one who has one 应当自行
# 回避); personnel may record or withdraw one on someone's behalf (a paper declaration).
CONFLICTS = role_rule(
    "people.conflicts", gettext_lazy("申报或撤回利益冲突"), {SELF, "personnel"}, BELOW
)


def pinyin_keys(name: str) -> tuple[str, str]:
    """Full pinyin and initials without tones: 张三 → ("zhangsan", "zs")."""
    syllables = lazy_pinyin(name, style=Style.NORMAL, errors="ignore")
    return "".join(syllables).lower(), "".join(s[0] for s in syllables if s).lower()


def _check_department(procuratorate: Procuratorate, department: Department | None, day) -> None:
    if department is None:
        return
    if department.procuratorate_id != procuratorate.pk:
        raise RuleViolation(_("内设机构不属于该检察院。"), "department")
    if not department.holds_on(day):
        raise RuleViolation(_("该内设机构在 %(day)s 未设立或已撤销。") % {"day": day}, "department")


def _check_employed(staff: Staff, day: datetime.date) -> None:
    if day < staff.joined_on or (staff.left_on is not None and day >= staff.left_on):
        raise RuleViolation(_("%(name)s 在 %(day)s 不在职。") % {"name": staff.name, "day": day})


def _body(staff: Staff, **extra) -> dict:
    return {"staff": staff.pk, **extra}


@service(MANAGE, where=lambda kw: kw["procuratorate"])
def register_staff(
    *,
    actor: Actor,
    procuratorate: Procuratorate,
    department: Department | None,
    name: str,
    gender: str,
    category: str,
    employment: str,
    joined_on: datetime.date,
    birth_date: datetime.date | None = None,
    posted_from: datetime.date | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Staff:
    name = name.strip()
    if not name:
        raise RuleViolation(_("姓名不能为空。"), "name")
    posted_from = posted_from or joined_on
    _check_department(procuratorate, department, posted_from)
    if birth_date is not None and birth_date >= joined_on:
        raise RuleViolation(_("出生日期须早于入职日期。"), "birth_date")
    pinyin, initials = pinyin_keys(name)
    staff = Staff.objects.create(
        name=name,
        pinyin=pinyin,
        initials=initials,
        gender=gender,
        birth_date=birth_date,
        category=category,
        employment=employment,
        procuratorate=procuratorate,
        department=department,
        joined_on=joined_on,
    )
    posting = Posting.objects.create(
        staff=staff, procuratorate=procuratorate, department=department, valid_from=posted_from
    )
    record(
        actor=actor,
        kind="people.staff_registered",
        subject=staff,
        procuratorate=procuratorate,
        rows=[staff, posting],
        body=_body(
            staff,
            category=category,
            employment=employment,
            department=department.pk if department else None,
            joined_on=joined_on.isoformat(),
        ),
        occurred_at=occurred_at,
    )
    return staff


def _close_current(queryset, day: datetime.date) -> list:
    closed = []
    for row in queryset.filter(valid_to__isnull=True):
        row.valid_to = max(day, row.valid_from)
        row.save(update_fields=["valid_to"])
        closed.append(row)
    return closed


def _leave_procuratorate(staff: Staff, day: datetime.date, reason: str) -> tuple[dict, list]:
    """What leaving a procuratorate ends that day: positions, memberships, the quota spell.
    Returns what to say in the act's body, and the rows written."""
    from procuracy.caseorgs.services import ended_memberships, release_member

    positions = _close_current(Position.objects.filter(staff=staff), day)
    released = release_member(staff, day)
    quota = list(QuotaRecord.objects.filter(staff=staff, valid_to__isnull=True))
    for row in quota:
        row.valid_to, row.exit_reason = day, reason
        row.save(update_fields=["valid_to", "exit_reason"])
    body = {
        "positions_ended": [p.pk for p in positions],
        "memberships_ended": ended_memberships(staff, released),
    }
    return body, [*positions, *released, *quota]


# A transfer needs the power at both ends.
@service(MANAGE, where=lambda kw: (kw["staff"].procuratorate, kw["procuratorate"]))
def transfer_staff(
    *,
    actor: Actor,
    staff: Staff,
    procuratorate: Procuratorate,
    department: Department | None,
    on: datetime.date,
    occurred_at: datetime.datetime | None = None,
) -> Staff:
    _check_employed(staff, on)
    _check_department(procuratorate, department, on)
    current = staff.postings.filter(valid_to__isnull=True).first()
    if current and on <= current.valid_from:
        raise RuleViolation(_("调动日期须晚于现任职起始日期。"), "on")
    ended: dict = {}
    written: list = []
    if procuratorate.pk != staff.procuratorate_id:
        ended, written = _leave_procuratorate(staff, on, _("调离本院"))
    written += _close_current(staff.postings.all(), on)
    written.append(
        Posting.objects.create(
            staff=staff, procuratorate=procuratorate, department=department, valid_from=on
        )
    )
    old = staff.procuratorate
    staff.procuratorate, staff.department = procuratorate, department
    staff.save(update_fields=["procuratorate", "department"])
    record(
        actor=actor,
        kind="people.staff_transferred",
        subject=staff,
        procuratorate=old,
        rows=[staff, *written],
        body=_body(
            staff,
            to_procuratorate=procuratorate.code,
            to_department=department.pk if department else None,
            on=on.isoformat(),
            **ended,
        ),
        occurred_at=occurred_at,
    )
    return staff


@service(MANAGE, where=lambda kw: kw["staff"].procuratorate)
def staff_leaves(
    *,
    actor: Actor,
    staff: Staff,
    on: datetime.date,
    reason: str,
    occurred_at: datetime.datetime | None = None,
) -> Staff:
    """Leaving the procuratorate (retirement, resignation, transfer out of the system)."""
    _check_employed(staff, on)
    if not reason.strip():
        raise RuleViolation(_("请填写离职事由。"), "reason")
    ended, written = _leave_procuratorate(staff, on, reason)
    written += _close_current(staff.postings.all(), on)
    staff.left_on = on
    staff.save(update_fields=["left_on"])
    if staff.user_id:
        get_user_model().objects.filter(pk=staff.user_id).update(is_active=False)
    record(
        actor=actor,
        kind="people.staff_left",
        subject=staff,
        procuratorate=staff.procuratorate,
        rows=[staff, *written],
        body=_body(staff, on=on.isoformat(), reason=reason, **ended),
        occurred_at=occurred_at,
    )
    return staff


def _check_position(staff: Staff, kind: str, department: Department | None, day) -> None:
    if kind in PROSECUTOR_POSITIONS and staff.category != Category.PROSECUTOR:
        raise RuleViolation(
            _("%(position)s须由检察官担任。") % {"position": PositionKind(kind).label}, "kind"
        )
    if kind == PositionKind.DEPARTMENT_HEAD and department is None:
        raise RuleViolation(_("部门负责人须指明所负责的内设机构。"), "department")
    same_place = Position.objects.on(day).filter(procuratorate=staff.procuratorate)
    if kind in CHIEF_POSITIONS and same_place.filter(kind__in=CHIEF_POSITIONS).exists():
        raise RuleViolation(_("本院已有检察长或代理检察长。"), "kind")
    if (
        kind == PositionKind.DEPARTMENT_HEAD
        and same_place.filter(kind=kind, department=department).exists()
    ):
        raise RuleViolation(_("该内设机构已有部门负责人。"), "department")
    if Position.objects.on(day).filter(staff=staff, kind=kind, department=department).exists():
        raise RuleViolation(_("此人已担任该职务。"), "kind")


@service(MANAGE, where=lambda kw: kw["staff"].procuratorate)
def appoint(
    *,
    actor: Actor,
    staff: Staff,
    kind: str,
    valid_from: datetime.date,
    department: Department | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Position:
    _check_employed(staff, valid_from)
    _check_department(staff.procuratorate, department, valid_from)
    _check_position(staff, kind, department, valid_from)
    position = Position.objects.create(
        staff=staff,
        kind=kind,
        procuratorate=staff.procuratorate,
        department=department,
        valid_from=valid_from,
    )
    record(
        actor=actor,
        kind="people.position_appointed",
        subject=position,
        procuratorate=staff.procuratorate,
        body=_body(
            staff,
            position=kind,
            department=department.pk if department else None,
            valid_from=valid_from.isoformat(),
        ),
        occurred_at=occurred_at,
    )
    return position


@service(MANAGE, where=lambda kw: kw["position"].procuratorate)
def end_position(
    *,
    actor: Actor,
    position: Position,
    on: datetime.date,
    occurred_at: datetime.datetime | None = None,
) -> Position:
    if position.valid_to is not None:
        raise RuleViolation(_("该职务已经终止。"))
    if on <= position.valid_from:
        raise RuleViolation(_("终止日期须晚于任职起始日期。"), "on")
    position.valid_to = on
    position.save(update_fields=["valid_to"])
    record(
        actor=actor,
        kind="people.position_ended",
        subject=position,
        procuratorate=position.procuratorate,
        body=_body(position.staff, position=position.kind, valid_to=on.isoformat()),
        occurred_at=occurred_at,
    )
    return position


@service(MANAGE, where=lambda kw: kw["staff"].procuratorate)
def record_absence(
    *,
    actor: Actor,
    staff: Staff,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    note: str = "",
    occurred_at: datetime.datetime | None = None,
) -> Absence:
    if ends_on < starts_on:
        raise RuleViolation(_("结束日期不能早于开始日期。"), "ends_on")
    _check_employed(staff, starts_on)
    overlap = staff.absences.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
    if overlap.exists():
        raise RuleViolation(_("与已登记的离岗时间重叠。"), "starts_on")
    absence = Absence.objects.create(
        staff=staff, kind=kind, starts_on=starts_on, ends_on=ends_on, note=note
    )
    record(
        actor=actor,
        kind="people.absence_recorded",
        subject=absence,
        procuratorate=staff.procuratorate,
        body=_body(staff),
        visibility=Visibility.PERSONAL,
        occurred_at=occurred_at,
    )
    return absence


@service(MANAGE, where=lambda kw: kw["absence"].staff.procuratorate)
def correct_absence_note(
    *,
    actor: Actor,
    absence: Absence,
    note: str,
    occurred_at: datetime.datetime | None = None,
) -> Absence:
    """Correct or withhold (an empty note) what an absence says, under the privacy rules. The
    new content gets a fresh salted hash in a new entry; the earlier entry still commits to
    the earlier content, which is no longer kept anywhere."""
    if note == absence.note:
        raise RuleViolation(_("说明没有变化。"), "note")
    absence.note = note
    absence.save(update_fields=["note"])
    record(
        actor=actor,
        kind="people.absence_corrected",
        subject=absence,
        procuratorate=absence.staff.procuratorate,
        body=_body(absence.staff, withheld=not note),
        visibility=Visibility.PERSONAL,
        occurred_at=occurred_at,
    )
    return absence


@service(MANAGE, where=lambda kw: kw["staff"].procuratorate)
def record_grade(
    *,
    actor: Actor,
    staff: Staff,
    grade: int,
    effective_on: datetime.date,
    reason: str,
    occurred_at: datetime.datetime | None = None,
) -> GradeRecord:
    if staff.category != Category.PROSECUTOR:
        raise RuleViolation(_("只有检察官才有检察官等级。"), "grade")
    if grade not in Grade.values:
        raise RuleViolation(_("检察官等级须为法定的十二级之一。"), "grade")
    if grade == Grade.CHIEF_GRAND:
        raise RuleViolation(
            _("首席大检察官只能由最高人民检察院检察长担任(检察官法第二十八条)。"), "grade"
        )
    if staff.grades.filter(effective_on=effective_on).exists():
        raise RuleViolation(_("同一日期已有等级记录。"), "effective_on")
    row = GradeRecord.objects.create(
        staff=staff, grade=grade, effective_on=effective_on, reason=reason
    )
    record(
        actor=actor,
        kind="people.grade_recorded",
        subject=row,
        procuratorate=staff.procuratorate,
        body=_body(staff),
        visibility=Visibility.PERSONAL,
        occurred_at=occurred_at,
    )
    return row


@service(MANAGE, where=lambda kw: kw["staff"].procuratorate)
def record_rank(
    *,
    actor: Actor,
    staff: Staff,
    rank: str,
    effective_on: datetime.date,
    reason: str,
    occurred_at: datetime.datetime | None = None,
) -> RankRecord:
    if staff.ranks.filter(effective_on=effective_on).exists():
        raise RuleViolation(_("同一日期已有职级记录。"), "effective_on")
    row = RankRecord.objects.create(
        staff=staff, rank=rank, effective_on=effective_on, reason=reason
    )
    record(
        actor=actor,
        kind="people.rank_recorded",
        subject=row,
        procuratorate=staff.procuratorate,
        body=_body(staff),
        visibility=Visibility.PERSONAL,
        occurred_at=occurred_at,
    )
    return row


@service(MANAGE, where=lambda kw: kw["staff"].procuratorate)
def enter_quota(
    *,
    actor: Actor,
    staff: Staff,
    on: datetime.date,
    occurred_at: datetime.datetime | None = None,
) -> QuotaRecord:
    if staff.category != Category.PROSECUTOR:
        raise RuleViolation(_("只有检察官才能进入员额。"), "staff")
    _check_employed(staff, on)
    if staff.quota_records.filter(valid_to__isnull=True).exists():
        raise RuleViolation(_("%(name)s 已是员额检察官。") % {"name": staff.name})
    row = QuotaRecord.objects.create(staff=staff, valid_from=on)
    record(
        actor=actor,
        kind="people.quota_entered",
        subject=row,
        procuratorate=staff.procuratorate,
        body=_body(staff, on=on.isoformat()),
        occurred_at=occurred_at,
    )
    return row


@service(MANAGE, where=lambda kw: kw["staff"].procuratorate)
def exit_quota(
    *,
    actor: Actor,
    staff: Staff,
    on: datetime.date,
    reason: str,
    occurred_at: datetime.datetime | None = None,
) -> QuotaRecord:
    """Leaving the quota ends the person's sole and lead roles that day: only quota
    prosecutors may hold them."""
    from procuracy.caseorgs.models import Role
    from procuracy.caseorgs.services import ended_memberships, release_member

    if not reason.strip():
        raise RuleViolation(_("请填写退出员额的事由。"), "reason")
    row = staff.quota_records.filter(valid_to__isnull=True).first()
    if row is None:
        raise RuleViolation(_("%(name)s 不是员额检察官。") % {"name": staff.name})
    if on <= row.valid_from:
        raise RuleViolation(_("退出日期须晚于入额日期。"), "on")
    row.valid_to, row.exit_reason = on, reason
    row.save(update_fields=["valid_to", "exit_reason"])
    released = release_member(staff, on, Role.prosecutor_roles())
    record(
        actor=actor,
        kind="people.quota_exited",
        subject=row,
        procuratorate=staff.procuratorate,
        rows=[row, *released],
        body=_body(
            staff,
            on=on.isoformat(),
            reason=reason,
            memberships_ended=ended_memberships(staff, released),
        ),
        occurred_at=occurred_at,
    )
    return row


@service(ACCOUNTS, where=lambda kw: kw["staff"].procuratorate)
def open_account(
    *,
    actor: Actor,
    staff: Staff,
    login: str,
    password: str,
    occurred_at: datetime.datetime | None = None,
):
    User = get_user_model()
    if staff.user_id is not None:
        raise RuleViolation(_("%(name)s 已有登录账号。") % {"name": staff.name})
    if staff.left_on is not None:
        raise RuleViolation(_("已离职人员不能开设账号。"))
    if User.objects.filter(username=login).exists():
        raise RuleViolation(_("登录名 %(login)s 已被使用。") % {"login": login}, "login")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise RuleViolation(" ".join(exc.messages), "password") from None
    user = User.objects.create_user(username=login, password=password)
    staff.user = user
    staff.save(update_fields=["user"])
    record(
        actor=actor,
        kind="people.account_opened",
        subject=staff,
        procuratorate=staff.procuratorate,
        body=_body(staff, login=login),
        occurred_at=occurred_at,
    )
    return user


# Conflicts of interest (利益冲突、回避事由) -------------------------------------------------


def _about(staff: Staff):
    """The act concerns this person: they may perform it themselves (SELF)."""
    from procuracy.powers.engine import Context

    return Context(procuratorate=staff.procuratorate, person=staff.pk)


def _is_self(actor: Actor, staff: Staff) -> bool:
    return actor.staff is not None and actor.staff.pk == staff.pk


def _clean_names(names: list[str]) -> list[str]:
    cleaned: list[str] = []
    for name in names:
        name = " ".join(name.split())
        if len(name) > 100:
            raise RuleViolation(_("每个姓名或名称最多 100 个字符。"), "names")
        if name and name not in cleaned:
            cleaned.append(name)
    if not cleaned:
        raise RuleViolation(
            _("请填写所涉人员或单位的姓名或名称(如当律师的亲属、相识的当事人)。"), "names"
        )
    return cleaned


def _declared(
    actor: Actor,
    staff: Staff,
    kind: str,
    names: list[str],
    law_firm: str,
    declared_on: datetime.date | None,
    valid_until: datetime.date | None,
    note: str,
    occurred_at: datetime.datetime | None,
) -> Conflict:
    if kind not in ConflictKind.values:
        raise RuleViolation(_("利益冲突类别“%(kind)s”不存在。") % {"kind": kind}, "kind")
    cleaned = _clean_names(names)
    day = day_of(occurred_at)
    declared_on = declared_on or day
    if declared_on > day:
        raise RuleViolation(_("申报日期不能晚于今天。"), "declared_on")
    _check_employed(staff, declared_on)
    if valid_until is not None and valid_until < declared_on:
        raise RuleViolation(_("有效期不能早于申报日期。"), "valid_until")
    conflict = Conflict.objects.create(
        staff=staff,
        kind=kind,
        names=cleaned,
        law_firm=" ".join(law_firm.split()),
        declared_on=declared_on,
        valid_until=valid_until,
        note=note.strip(),
        recorded_by=actor.staff,
    )
    record(
        actor=actor,
        kind="people.conflict_declared",
        subject=conflict,
        procuratorate=staff.procuratorate,
        # Who and what kind only: the names stay in the row, which the entry commits to.
        body=_body(
            staff,
            kind=kind,
            own=_is_self(actor, staff),
            declared_on=declared_on.isoformat(),
            valid_until=valid_until.isoformat() if valid_until else None,
        ),
        visibility=Visibility.PERSONAL,
        occurred_at=occurred_at,
    )
    return conflict


@service(
    CONFLICTS, where=lambda kw: kw["staff"].procuratorate, context=lambda kw: _about(kw["staff"])
)
def declare_conflict(
    *,
    actor: Actor,
    staff: Staff,
    kind: str,
    names: list[str],
    law_firm: str = "",
    declared_on: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    note: str = "",
    occurred_at: datetime.datetime | None = None,
) -> Conflict:
    """Declare a conflict on `staff`: their own act, or personnel's on their behalf."""
    return _declared(
        actor, staff, kind, names, law_firm, declared_on, valid_until, note, occurred_at
    )


def _withdrawn(
    actor: Actor,
    conflict: Conflict,
    on: datetime.date | None,
    reason: str,
    occurred_at: datetime.datetime | None,
) -> Conflict:
    day = day_of(occurred_at)
    on = on or day
    if conflict.withdrawn_on is not None:
        raise RuleViolation(_("该申报已于 %(day)s 撤回。") % {"day": conflict.withdrawn_on})
    if conflict.valid_until is not None and conflict.valid_until < day:
        raise RuleViolation(_("该申报已过有效期,无需撤回。"))
    if on < day:
        # Draws already made with it stand as committed; withdrawing never reaches back.
        raise RuleViolation(_("撤回日期不能早于今天。"), "on")
    if not reason.strip():
        raise RuleViolation(_("请说明撤回的理由。"), "reason")
    conflict.withdrawn_on = max(on, conflict.declared_on)
    conflict.withdrawal_reason = reason.strip()
    conflict.save(update_fields=["withdrawn_on", "withdrawal_reason"])
    record(
        actor=actor,
        kind="people.conflict_withdrawn",
        subject=conflict,
        procuratorate=conflict.staff.procuratorate,
        body=_body(
            conflict.staff,
            kind=conflict.kind,
            own=_is_self(actor, conflict.staff),
            on=conflict.withdrawn_on.isoformat(),
        ),
        visibility=Visibility.PERSONAL,
        occurred_at=occurred_at,
    )
    return conflict


@service(
    CONFLICTS,
    where=lambda kw: kw["conflict"].staff.procuratorate,
    context=lambda kw: _about(kw["conflict"].staff),
)
def withdraw_conflict(
    *,
    actor: Actor,
    conflict: Conflict,
    reason: str,
    on: datetime.date | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Conflict:
    """Withdraw a declaration from a day on: the person's own act, or personnel's."""
    return _withdrawn(actor, conflict, on, reason, occurred_at)
