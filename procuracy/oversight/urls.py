"""Oversight pages: review and decision, instructions and reports, the committee, leaders' own
cases and the responsibility trail. Each part lists its own URLs beside its views."""

from procuracy.oversight import (
    committee_views,
    instructions_views,
    leaders_views,
    review_views,
    trail_views,
)

app_name = "oversight"
urlpatterns = [
    *review_views.urlpatterns,
    *instructions_views.urlpatterns,
    *committee_views.urlpatterns,
    *leaders_views.urlpatterns,
    *trail_views.urlpatterns,
]
