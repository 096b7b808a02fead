"""API reads of the organisation: the visible tree, a procuratorate, its departments.

Also the small schemas every router shares (references to a procuratorate or a department,
the error bodies), since organisation is the app the others build on.
"""

import datetime

from django.utils.translation import gettext_lazy
from ninja import Router, Schema

from procuracy.core.actors import actor_of
from procuracy.core.models import today
from procuracy.organisation import selectors
from procuracy.organisation.models import Department, DepartmentKind, Function, Level
from procuracy.people.models import Category
from procuracy.people.selectors import category_counts

router = Router(tags=["organisation"])


# Shared schemas --------------------------------------------------------------------------


class Message(Schema):
    """An answer that is only a sentence: why access was refused, or what was not found."""

    detail: str


class Invalid(Schema):
    """Bad input: a summary, and the messages for each field ("__all__" for the whole)."""

    detail: str
    errors: dict[str, list[str]]


# The error answers operations declare: every one may answer 401; those that take an id 404;
# those that take parameters 422.
SIGNED_IN = {401: Message}
NOT_FOUND = {404: Message}
INVALID = {422: Invalid}


class ProcuratorateRef(Schema):
    id: int
    code: str
    name: str
    short_name: str


class DepartmentRef(Schema):
    id: int
    name: str


# Procuratorates and departments ----------------------------------------------------------


class ProcuratorateOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    level: Level
    level_label: str
    parent_id: int | None
    parent_code: str | None
    path: str
    staff_count: int
    prosecutor_count: int

    @staticmethod
    def resolve_level_label(obj) -> str:
        return obj.get_level_display()

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        # The path holds the codes from the root down: no query for the parent.
        codes = obj.path.strip("/").split("/")
        return codes[-2] if len(codes) > 1 else None


class BusinessLineOut(Schema):
    code: str
    number: int
    name: str
    function: Function
    function_label: str

    @staticmethod
    def resolve_function_label(obj) -> str:
        return obj.get_function_display()


class DepartmentOut(Schema):
    id: int
    name: str
    kind: DepartmentKind
    kind_label: str
    business_lines: list[BusinessLineOut]
    valid_from: datetime.date
    valid_to: datetime.date | None

    @staticmethod
    def resolve_kind_label(obj: Department) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_business_lines(obj: Department) -> list:
        return list(obj.business_lines.all())


class CategoryCount(Schema):
    category: str
    category_label: str
    count: int


class ProcuratorateDetail(Schema):
    id: int
    code: str
    name: str
    short_name: str
    level: Level
    level_label: str
    parent: ProcuratorateRef | None
    path: str
    on: datetime.date
    departments: list[DepartmentOut]
    staff_by_category: list[CategoryCount]


# Contract clerks are counted apart from regular clerks, as the report does.
CONTRACT_CLERK = "contract_clerk"
CONTRACT_CLERK_LABEL = gettext_lazy("聘用制书记员")


def _category_rows(counts: dict[str, int]) -> list[dict]:
    """Every category in statutory order, zeros included, so clients need no list of their own."""
    kinds = []
    for category in Category:
        kinds.append((category.value, category.label))
        if category == Category.CLERK:
            kinds.append((CONTRACT_CLERK, CONTRACT_CLERK_LABEL))
    return [
        {"category": code, "category_label": str(label), "count": counts.get(code, 0)}
        for code, label in kinds
    ]


@router.get("", response={200: list[ProcuratorateOut], **SIGNED_IN})
def list_procuratorates(request):
    """The procuratorates the signed-in person may see, in tree order (by `path`)."""
    return selectors.tree(actor_of(request))


@router.get(
    "/{procuratorate_id}",
    response={200: ProcuratorateDetail, **SIGNED_IN, **NOT_FOUND, **INVALID},
)
def get_procuratorate(request, procuratorate_id: int, on: datetime.date | None = None):
    """A procuratorate with its departments on a day (`on`, today by default) and its
    current staff counted by category."""
    actor = actor_of(request)
    procuratorate = selectors.procuratorate_for(actor, procuratorate_id)
    day = on or today()
    return {
        "id": procuratorate.pk,
        "code": procuratorate.code,
        "name": procuratorate.name,
        "short_name": procuratorate.short_name,
        "level": procuratorate.level,
        "level_label": procuratorate.get_level_display(),
        "parent": procuratorate.parent,
        "path": procuratorate.path,
        "on": day,
        "departments": list(selectors.departments_on(procuratorate, day)),
        "staff_by_category": _category_rows(category_counts(actor, procuratorate.pk)),
    }


@router.get(
    "/{procuratorate_id}/departments",
    response={200: list[DepartmentOut], **SIGNED_IN, **NOT_FOUND, **INVALID},
)
def list_departments(request, procuratorate_id: int, on: datetime.date | None = None):
    """The departments a procuratorate has on a day (`on`, today by default)."""
    procuratorate = selectors.procuratorate_for(actor_of(request), procuratorate_id)
    return list(selectors.departments_on(procuratorate, on or today()))
