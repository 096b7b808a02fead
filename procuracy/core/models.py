"""What every app shares: dated validity, and the Act — the typed record each service leaves."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def today() -> datetime.date:
    """The calendar day in the installation's time zone (Asia/Shanghai)."""
    return timezone.localdate()


class ValidityQuerySet(models.QuerySet):
    """Half-open validity: a row holds from `valid_from` up to, not including, `valid_to`."""

    def on(self, day: datetime.date):
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day), valid_from__lte=day)

    def current(self):
        return self.on(today())


class Validity(models.Model):
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("终止日期"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        abstract = True

    def holds_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


class Act(models.Model):
    """One consequential act, as the service that performed it described it.

    The ledger (a later issue) appends these; the timelines on record pages read them.
    """

    kind = models.CharField(_("类型"), max_length=64, db_index=True)
    actor = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("行为人"), max_length=150)
    procuratorate = models.ForeignKey(
        "organisation.Procuratorate",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="acts",
    )
    subject_type = models.CharField(max_length=64)
    subject_id = models.BigIntegerField(null=True)
    occurred_at = models.DateTimeField(_("发生时间"))
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    body = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("行为记录")
        verbose_name_plural = _("行为记录")
        ordering = ["id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}"
