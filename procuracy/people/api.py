"""API reads of staff (the list with filters and search, a person with their history) and the
writes on a person that run along the spine like every act: recording an absence, declaring
and withdrawing a conflict of interest (read only by the person and the personnel offices)."""

import datetime

from django.http import Http404
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status
from pydantic import ConfigDict

from procuracy.caseorgs.models import OrgKind, Role
from procuracy.core.actors import actor_of
from procuracy.core.models import today
from procuracy.organisation.api import (
    INVALID,
    NOT_FOUND,
    SIGNED_IN,
    DepartmentRef,
    Message,
    ProcuratorateRef,
)
from procuracy.people import selectors, services
from procuracy.people.models import (
    Absence,
    AbsenceKind,
    Category,
    Conflict,
    ConflictKind,
    Employment,
    Gender,
    Grade,
    GradeReason,
    PositionKind,
    Rank,
    RankReason,
)

router = Router(tags=["people"])

MAX_PAGE = 200


class Pagination(LimitOffsetPagination):
    """limit/offset, 50 a page by default and at most 200."""

    class Input(Schema):
        model_config = ConfigDict(title="Page")

        limit: int = Field(50, ge=1, le=MAX_PAGE)
        offset: int = Field(0, ge=0)

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_PAGE, **kwargs)


class StaffPagination(Pagination):
    """Quota, grade and rank are read for the page's rows only (selectors.with_status)."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page[self.items_attribute] = selectors.with_status(page[self.items_attribute])
        return page


def _label(choices, value) -> str | None:
    return None if value in (None, "") else str(choices(value).label)


class StaffOut(Schema):
    id: int
    name: str
    pinyin: str
    gender: Gender
    gender_label: str
    category: Category
    category_label: str
    employment: Employment
    employment_label: str
    procuratorate: ProcuratorateRef
    department: DepartmentRef | None
    joined_on: datetime.date
    left_on: datetime.date | None
    in_quota: bool
    grade: Grade | None
    grade_label: str | None
    rank: Rank | None
    rank_label: str | None

    @staticmethod
    def resolve_gender_label(obj) -> str:
        return obj.get_gender_display()

    @staticmethod
    def resolve_category_label(obj) -> str:
        return obj.get_category_display()

    @staticmethod
    def resolve_employment_label(obj) -> str:
        return obj.get_employment_display()

    @staticmethod
    def resolve_grade_label(obj) -> str | None:
        return _label(Grade, obj.grade)

    @staticmethod
    def resolve_rank_label(obj) -> str | None:
        return _label(Rank, obj.rank)


class PostingOut(Schema):
    procuratorate: ProcuratorateRef
    department: DepartmentRef | None
    valid_from: datetime.date
    valid_to: datetime.date | None


class PositionOut(PostingOut):
    id: int
    kind: PositionKind
    kind_label: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class GradeOut(Schema):
    grade: Grade
    grade_label: str
    effective_on: datetime.date
    reason: GradeReason
    reason_label: str

    @staticmethod
    def resolve_grade_label(obj) -> str:
        return obj.get_grade_display()

    @staticmethod
    def resolve_reason_label(obj) -> str:
        return obj.get_reason_display()


class RankOut(Schema):
    rank: Rank
    rank_label: str
    effective_on: datetime.date
    reason: RankReason
    reason_label: str

    @staticmethod
    def resolve_rank_label(obj) -> str:
        return obj.get_rank_display()

    @staticmethod
    def resolve_reason_label(obj) -> str:
        return obj.get_reason_display()


class QuotaSpellOut(Schema):
    valid_from: datetime.date
    valid_to: datetime.date | None
    exit_reason: str


class AbsenceOut(Schema):
    id: int
    kind: AbsenceKind
    kind_label: str
    starts_on: datetime.date
    ends_on: datetime.date
    note: str

    @staticmethod
    def resolve_kind_label(obj: Absence) -> str:
        return obj.get_kind_display()


class OrgRef(Schema):
    id: int
    name: str
    kind: OrgKind
    type_label: str


class StaffMembershipOut(Schema):
    org: OrgRef
    role: Role
    role_label: str
    valid_from: datetime.date
    valid_to: datetime.date | None

    @staticmethod
    def resolve_role_label(obj) -> str:
        return obj.get_role_display()


class StaffHistory(Schema):
    postings: list[PostingOut]
    positions: list[PositionOut]
    grades: list[GradeOut]
    ranks: list[RankOut]
    quota: list[QuotaSpellOut]
    absences: list[AbsenceOut]
    memberships: list[StaffMembershipOut]


class StaffDetail(StaffOut):
    positions: list[PositionOut]
    history: StaffHistory

    @staticmethod
    def resolve_positions(obj) -> list:
        # The positions held today; `obj.positions` itself is every position ever held.
        return obj.current_positions


@router.get("", response={200: list[StaffOut], **SIGNED_IN, **INVALID})
@paginate(StaffPagination)
def list_staff(
    request,
    q: str = "",
    procuratorate: int | None = None,
    department: int | None = None,
    category: Category | None = None,
    employment: Employment | None = None,
    quota: bool | None = None,
):
    """Current staff the signed-in person may see. `q` matches a name, its pinyin or its
    pinyin initials (张三: "张", "zhangsan", "zs")."""
    return selectors.staff_list(
        actor_of(request),
        q=q,
        procuratorate=procuratorate,
        department=department,
        category=category or "",
        employment=employment or "",
        quota=quota,
    )


@router.get("/{staff_id}", response={200: StaffDetail, **SIGNED_IN, **NOT_FOUND})
def get_staff(request, staff_id: int):
    """A person with their current grade, rank, quota and positions, and everything dated
    about them (postings, positions, grades, ranks, quota spells, absences, memberships)."""
    staff = selectors.staff_for(actor_of(request), staff_id)
    staff.history = {key: list(rows) for key, rows in selectors.staff_history(staff).items()}
    day = today()
    staff.current_positions = [p for p in staff.history["positions"] if p.holds_on(day)]
    return staff


class AbsenceIn(Schema):
    kind: AbsenceKind
    starts_on: datetime.date
    ends_on: datetime.date
    note: str = Field("", max_length=200)


@router.post(
    "/{staff_id}/absences",
    response={201: AbsenceOut, 403: Message, **SIGNED_IN, **NOT_FOUND, **INVALID},
)
def create_absence(request, staff_id: int, payload: AbsenceIn):
    """Record an absence (leave, training, secondment …), both days included. Only the
    personnel office or the chief may; the answer 403 says who may."""
    actor = actor_of(request)
    staff = selectors.staff_for(actor, staff_id)
    absence = services.record_absence(actor=actor, staff=staff, **payload.model_dump())
    return Status(201, absence)


class ConflictOut(Schema):
    id: int
    staff: int = Field(..., alias="staff_id")
    kind: ConflictKind
    kind_label: str
    names: list[str]
    law_firm: str
    declared_on: datetime.date
    valid_until: datetime.date | None
    withdrawn_on: datetime.date | None
    withdrawal_reason: str
    note: str
    recorded_by: int | None = Field(None, alias="recorded_by_id")
    in_force: bool

    @staticmethod
    def resolve_kind_label(obj: Conflict) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_in_force(obj: Conflict) -> bool:
        return obj.holds_on(today())


class ConflictIn(Schema):
    kind: ConflictKind
    names: list[str] = Field(..., max_length=20)
    law_firm: str = Field("", max_length=100)
    declared_on: datetime.date | None = None
    valid_until: datetime.date | None = None
    note: str = Field("", max_length=200)


class WithdrawIn(Schema):
    reason: str = Field(..., max_length=200)
    on: datetime.date | None = None


def _readable(request, staff_id: int):
    actor = actor_of(request)
    staff = selectors.staff_for(actor, staff_id)
    if not selectors.may_read_conflicts(actor, staff):
        raise Http404
    return actor, staff


@router.get(
    "/{staff_id}/conflicts",
    response={200: list[ConflictOut], **SIGNED_IN, **NOT_FOUND},
    url_name="staff_conflicts",
)
def list_conflicts(request, staff_id: int):
    """The person's declared conflicts, withdrawn ones included. Read only by the person and
    by the personnel offices in reach (others: 404, as for no one)."""
    _actor, staff = _readable(request, staff_id)
    return list(selectors.conflicts_of(staff))


@router.post(
    "/{staff_id}/conflicts",
    response={201: ConflictOut, 403: Message, **SIGNED_IN, **NOT_FOUND, **INVALID},
    url_name="staff_conflicts",
)
def declare_conflict(request, staff_id: int, payload: ConflictIn):
    """Declare a conflict: a relative who practises law, a party one knows, or another. One's
    own, or (personnel) on someone's behalf; anyone else is refused with 403, and the refusal
    is recorded. While in force, the person's organisations stay out of the draw for any case
    whose party or referring body bears one of the names."""
    actor = actor_of(request)
    staff = selectors.staff_for(actor, staff_id)
    conflict = services.declare_conflict(actor=actor, staff=staff, **payload.model_dump())
    return Status(201, conflict)


@router.post(
    "/{staff_id}/conflicts/{conflict_id}/withdraw",
    response={200: ConflictOut, 403: Message, **SIGNED_IN, **NOT_FOUND, **INVALID},
)
def withdraw_conflict(request, staff_id: int, conflict_id: int, payload: WithdrawIn):
    """Withdraw a declaration from a day on (today by default; never an earlier day)."""
    actor, staff = _readable(request, staff_id)
    conflict = staff.conflicts.get(pk=conflict_id)
    return services.withdraw_conflict(actor=actor, conflict=conflict, **payload.model_dump())
