"""API of the leaders' cases report (领导干部办案通报) under /api/v1/oversight/leaders: the
report for a year, quarter or month (a row per leader, the totals, the by-year series), one
leader's cases, and the report as XLSX or CSV. For the leaders, the personnel office and
the case management office of a procuratorate and those below; 403 for anyone else."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, Query, Router, Schema

from procuracy.core.actors import actor_of
from procuracy.organisation.api import INVALID, NOT_FOUND, SIGNED_IN, Message
from procuracy.oversight import leaders, leaders_export

router = Router(tags=["oversight"])
DENIED = {403: Message}


class PlaceRef(Schema):
    id: int
    code: str
    name: str


class PersonRef(Schema):
    id: int
    name: str


class PeriodOut(Schema):
    year: int
    quarter: int | None
    month: int | None
    label: str


class LeaderRowOut(Schema):
    staff: PersonRef
    post: str = Field(description="the most senior leader's post held on an assignment day")
    post_label: str
    procuratorate: PlaceRef
    cases: int = Field(description="cases the leader handled as a prosecutor member")
    concluded: int = Field(description="of those, closed, transferred or archived")
    decided: int = Field(description="of those, cases in which the leader made a decision")


class TotalsOut(Schema):
    cases: int = Field(description="each case once, however many leaders handled it")
    concluded: int
    decided: int
    leaders: int


class SeriesRowOut(Schema):
    procuratorate: PlaceRef
    counts: list[int] = Field(description="cases by year, in the order of `years`")
    leaders: list[int] = Field(description="leaders who handled them, by year")
    total: int


class SeriesOut(Schema):
    years: list[int]
    rows: list[SeriesRowOut]
    total: list[int] = Field(description="all procuratorates in the filters, by year")
    sum: int
    rising: bool | None = Field(
        description="whether each year that is over is above the one before (逐年上升); "
        "null with fewer than two"
    )


class ReportOut(Schema):
    period: PeriodOut
    procuratorate: PlaceRef | None
    below: bool
    rows: list[LeaderRowOut]
    totals: TotalsOut
    series: SeriesOut


class LeaderCaseOut(Schema):
    id: int
    number: str
    title: str = Field(description="empty for a sealed case")
    sealed: bool
    case_type: str
    procuratorate: PlaceRef
    assigned_on: datetime.date
    assignment_kind: str
    assignment_kind_label: str
    org: PersonRef
    role: str
    role_label: str
    post: str
    post_label: str
    status: str
    status_label: str
    concluded: bool
    closed_on: datetime.date | None
    decided: bool
    readable: bool = Field(description="whether the reader may open the case itself")


class CaseTotalsOut(Schema):
    cases: int
    concluded: int
    decided: int


class LeaderCasesOut(Schema):
    staff: PersonRef
    period: PeriodOut
    procuratorate: PlaceRef | None
    below: bool
    cases: list[LeaderCaseOut]
    totals: CaseTotalsOut


class Filters(Schema):
    year: int | None = Field(None, description="default: this year")
    quarter: int | None = Field(None, ge=1, le=4)
    month: int | None = Field(None, ge=1, le=12)
    procuratorate: int | None = Field(None, description="one the reader may read")
    below: bool = Field(True, description="with the procuratorates below it")


def _kwargs(actor, filters: Filters) -> dict:
    period = leaders.Period.of(filters.year, filters.quarter, filters.month)
    place = None
    if filters.procuratorate is not None:
        place = leaders.places(actor).filter(pk=filters.procuratorate).first()
        if place is None:
            raise Http404
    return {"period": period, "procuratorate": place, "below": filters.below}


@router.get("", response={200: ReportOut, **DENIED, **SIGNED_IN, **NOT_FOUND, **INVALID})
def get_report(request, filters: Query[Filters]):
    """The report for a period: a row per leader and procuratorate (cases handled, concluded,
    decided by the leader), the totals, and the by-year series of the procuratorates in the
    filters."""
    actor = actor_of(request)
    leaders.report_scope(actor)
    return leaders.report(actor, **_kwargs(actor, filters))


EXPORT_RESPONSES = {
    "200": {
        "description": "the report as a file",
        "content": {
            media: {"schema": {"type": "string", "format": "binary"}}
            for media in leaders_export.FORMATS.values()
        },
    }
}


@router.get(
    "/export",
    response={**DENIED, **SIGNED_IN, **NOT_FOUND, **INVALID},
    openapi_extra={"responses": EXPORT_RESPONSES},
)
def export_report(request, filters: Query[Filters], format: Literal["xlsx", "csv"] = "xlsx"):
    """The same report as an XLSX workbook (leaders, and the by-year series on a second
    sheet) or a CSV of the leaders."""
    actor = actor_of(request)
    leaders.report_scope(actor)
    found = leaders.report(actor, **_kwargs(actor, filters))
    response = HttpResponse(
        leaders_export.write(found, format), content_type=leaders_export.FORMATS[format]
    )
    name = leaders_export.file_name(found, format)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@router.get(
    "/{staff_id}/cases",
    response={200: LeaderCasesOut, **DENIED, **SIGNED_IN, **NOT_FOUND, **INVALID},
)
def get_leader_cases(request, staff_id: int, filters: Query[Filters]):
    """The cases behind one leader's row in the report for the same filters; 404 when the
    reader sees none."""
    actor = actor_of(request)
    leaders.report_scope(actor)
    return leaders.leader_cases(actor, staff_id, **_kwargs(actor, filters))
