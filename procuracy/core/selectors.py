"""Reads of the act record that record pages share (their timelines)."""

from django.db.models import Q

from procuracy.core.models import Act

# Acts done to a part of a person or an organisation (an absence, a position, a membership)
# name that person or organisation in their body under this key, so the timeline finds them.
BODY_KEYS = {
    "people.staff": "staff",
    "caseorgs.casehandlingorg": "org",
    "cases.case": "case_id",  # its assignments' acts
}


def acts_about(subject, limit: int = 50, visible: Q | None = None):
    """The newest acts about `subject`; `visible` narrows them to those the reader may read
    (ledger.selectors.visibility_q), so that a timeline never shows a personal or sealed act
    to someone its entry is withheld from."""
    label = subject._meta.label_lower
    about = Q(subject_type=label, subject_id=subject.pk)
    if label in BODY_KEYS:
        about |= Q(**{f"body__{BODY_KEYS[label]}": subject.pk})
    acts = Act.objects.filter(about)
    if visible is not None:
        acts = acts.filter(visible)
    return acts.order_by("-occurred_at", "-id")[:limit]
