"""Reads of the act record that record pages share (their timelines)."""

from procuracy.core.models import Act


def acts_about(subject, limit: int = 50):
    return Act.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=subject.pk
    ).order_by("-occurred_at", "-id")[:limit]
