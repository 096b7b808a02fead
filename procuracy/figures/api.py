"""API read of the report's figures, each computed from records by the figures selectors."""

import datetime

from ninja import Router

from procuracy.core.actors import actor_of
from procuracy.figures.selectors import report_figures
from procuracy.organisation.api import INVALID, SIGNED_IN

router = Router(tags=["figures"])


@router.get("", response={200: dict, **SIGNED_IN, **INVALID})
def get_figures(
    request,
    before: datetime.date | None = None,
    after: datetime.date | None = None,
):
    """The figures the signed-in person may see. `before` and `after` are the two days the
    reform's before/after figures compare (by default the reform baseline and today)."""
    return report_figures(actor_of(request), before=before, after=after)
