"""Assignments (分案): which case-handling organisation handles a case, since when, and how it
came to it — by the draw (whose committed inputs are a ledger entry), by designation or by
reassignment (each with a reason from a fixed list, written reasoning and an approver)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from procuracy.core.models import Ledgered


class AssignmentKind(models.TextChoices):
    DRAW = "draw", _("随机分案")
    DESIGNATION = "designation", _("指定分案")
    REASSIGNMENT = "reassignment", _("改派")


class AssignmentReason(models.TextChoices):
    """The reasons the rules allow for leaving the draw (Xuzhou rule Art 8 and issue 5)."""

    MAJOR = "major", _("重大、疑难、复杂案件,由检察长指定")
    RELATED = "related", _("关联案件,由办理关联案件的办案组织办理")
    LEADER = "leader", _("院领导或部门负责人亲自办理")
    OWN_DEPARTMENT = "own_department", _("业务部门自行受理的案件")
    STAFF_CHANGE = "staff_change", _("人员变动")
    RECUSAL = "recusal", _("回避")


DESIGNATION_REASONS = (
    AssignmentReason.MAJOR,
    AssignmentReason.RELATED,
    AssignmentReason.LEADER,
    AssignmentReason.OWN_DEPARTMENT,
)
REASSIGNMENT_REASONS = (
    AssignmentReason.STAFF_CHANGE,
    AssignmentReason.RECUSAL,
    AssignmentReason.RELATED,
    AssignmentReason.MAJOR,
)


class AssignmentQuerySet(models.QuerySet):
    def open(self):
        """Not ended by a reassignment."""
        return self.filter(ended_at__isnull=True)


class Assignment(Ledgered):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="assignments", verbose_name=_("案件")
    )
    org = models.ForeignKey(
        "caseorgs.CaseHandlingOrg",
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("办案组织"),
    )
    kind = models.CharField(_("分案方式"), max_length=16, choices=AssignmentKind.choices)
    reason = models.CharField(
        _("理由"), max_length=16, choices=AssignmentReason.choices, blank=True
    )
    reasoning = models.TextField(_("理由说明"), blank=True)
    approved_by = models.ForeignKey(
        "people.Staff",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审批人"),
    )
    draw_seq = models.BigIntegerField(
        _("分案输入的账本序号"),
        null=True,
        blank=True,
        help_text=_("随机分案:记录其输入的账本条目序号;据此可重算。"),
    )
    valid_from = models.DateTimeField(_("起始时间"))
    ended_at = models.DateTimeField(_("终止时间"), null=True, blank=True)
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("分案")
        verbose_name_plural = _("分案")
        ordering = ["valid_from", "id"]
        indexes = [
            models.Index(fields=["org", "ended_at"]),
            models.Index(fields=["draw_seq"]),
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.org}"
