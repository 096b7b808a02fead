"""What every app shares: dated validity, and the Act — the typed record each service leaves."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def today() -> datetime.date:
    """The calendar day in the installation's time zone (Asia/Shanghai). Not
    `timezone.localdate()`, which looks up the active zone (asgiref's Local) at 3 µs a call —
    more than the rest of a power-list decision; nothing here activates another zone."""
    return datetime.datetime.now(timezone.get_default_timezone()).date()


def lock_afresh(row: models.Model) -> None:
    """Lock the row (SELECT … FOR UPDATE) and read it afresh into the same instance, in one
    query: an act that decides from the row's state holds it until it commits."""
    fresh = type(row)._default_manager.select_for_update().get(pk=row.pk)
    for field in row._meta.concrete_fields:
        setattr(row, field.attname, getattr(fresh, field.attname))


def day_of(moment: datetime.datetime | None) -> datetime.date:
    """The calendar day of an act's `occurred_at` in the installation's time zone; today when
    the act happens now (None)."""
    if moment is None:
        return today()
    return moment.astimezone(timezone.get_default_timezone()).date()


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


class Visibility(models.TextChoices):
    """Who may read an act: the scope and confidentiality of the record it describes."""

    OPEN = "open", _("公开(全体工作人员)")
    PROCURATORATE = "procuratorate", _("本院及上级院")
    PERSONAL = "personal", _("个人信息")
    SEALED = "sealed", _("密封")


class Ledgered(models.Model):
    """A domain row that acts write. It points back at the ledger entry that last wrote it and
    holds the salted hash of its own canonical content, which that entry also holds, so that
    an edit made around the application (plain SQL) is found by `procuracy ledger verify`."""

    ledger_seq = models.BigIntegerField(_("账本序号"), null=True, blank=True, editable=False)
    ledger_salt = models.CharField(max_length=32, blank=True, editable=False)
    ledger_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


def ledgered_models() -> list[type[Ledgered]]:
    """Every installed model whose rows point back at the ledger."""
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, Ledgered)]


class Act(models.Model):
    """One consequential act, as the service that performed it described it, and its ledger
    entry: `seq` is its leaf index in the Merkle log and `canonical` the RFC 8785 bytes that
    are the leaf. The other columns are a readable copy of those bytes, checked against them.
    """

    seq = models.BigIntegerField(_("账本序号"), unique=True)
    visibility = models.CharField(
        _("可见范围"), max_length=16, choices=Visibility.choices, default=Visibility.PROCURATORATE
    )
    canonical = models.BinaryField()

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
        ordering = ["seq"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind}"
