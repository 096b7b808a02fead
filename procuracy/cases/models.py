"""Cases and what their time limits stand on. So far: the working-day calendar, the data the
administrator keeps of the State Council's holidays and make-up working days."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from procuracy.core.models import Ledgered


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日")
    WORKDAY = "workday", _("调休上班日")


class DaySource(models.TextChoices):
    OFFICIAL = "official", _("国务院办公厅通知")
    MANUAL = "manual", _("人工维护")


class CalendarDay(Ledgered):
    """A day that differs from the ordinary week: a holiday (any weekday or weekend day of a
    holiday period) or a weekend day worked in its place. Ordinary weekends have no row."""

    day = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类别"), max_length=8, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=32, blank=True)
    source = models.CharField(
        _("来源"), max_length=8, choices=DaySource.choices, default=DaySource.MANUAL
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("日历日")
        verbose_name_plural = _("日历日")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.get_kind_display()} {self.name}".strip()
