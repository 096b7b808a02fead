"""Assignments (分案): which case-handling organisation handles a case, since when, and how it
came to it — by the draw (whose committed inputs are a ledger entry), by designation or by
reassignment (each with a reason from a fixed list, written reasoning and an approver); and
each department's assignment scheme (分案方案), versioned, which the draw follows."""

import datetime
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from procuracy.core.models import Ledgered
from procuracy.powers.models import ApprovalBody


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


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已批准")
    DISCARDED = "discarded", _("已废弃")


class SchemeQuerySet(models.QuerySet):
    def approved_by_day(self, day: datetime.date):
        """Approved versions in effect by `day`, newest first within each department: the
        first of a department is the one in force that day."""
        return self.filter(status=SchemeStatus.APPROVED, effective_from__lte=day).order_by(
            "department_id", "-effective_from", "-number"
        )


class AssignmentScheme(Ledgered):
    """One version of a department's assignment scheme (分案方案): the case types the
    department takes by the draw, the organisations that take part, and the draw's balance
    (max_distance, escape). Drafted, approved by the chief or the committee with the day it
    takes effect, and superseded by the next approved version from that version's day; an
    approved version is never edited (schemes.py)."""

    procuratorate = models.ForeignKey(
        "organisation.Procuratorate",
        on_delete=models.PROTECT,
        related_name="assignment_schemes",
        verbose_name=_("检察院"),
    )
    department = models.ForeignKey(
        "organisation.Department",
        on_delete=models.PROTECT,
        related_name="assignment_schemes",
        verbose_name=_("内设机构"),
    )
    number = models.PositiveIntegerField(_("版本号"))
    case_types = models.JSONField(_("案件类型"), default=list, help_text=_("案件类型代码"))
    orgs = models.JSONField(
        _("参与分案的办案组织"),
        default=list,
        blank=True,
        help_text=_("办案组织编号;空白表示本部门全部办案组织"),
    )
    max_distance = models.PositiveBigIntegerField(
        _("最大负荷差距"), help_text=_("以案件权重的百分之一计:300 即 3 件标准案件")
    )
    escape_numerator = models.PositiveIntegerField(_("逃逸概率分子"))
    escape_denominator = models.PositiveIntegerField(_("逃逸概率分母"))
    batch_hour = models.PositiveSmallIntegerField(
        _("每日集中分案时刻"), null=True, blank=True, help_text=_("0–23 时;空白表示受理即分案")
    )
    note = models.TextField(_("说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT
    )
    drafted_by = models.ForeignKey(
        "people.Staff",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("起草人"),
    )
    drafted_at = models.DateTimeField(_("起草时间"))
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    approved_by = models.ForeignKey(
        "people.Staff",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("批准人"),
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    approval_body = models.CharField(
        _("批准机构"), max_length=16, choices=ApprovalBody.choices, blank=True
    )
    approval_reference = models.CharField(_("批准文号或会议纪要"), max_length=100, blank=True)
    discard_reason = models.CharField(_("废弃理由"), max_length=200, blank=True)

    objects = SchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("分案方案")
        verbose_name_plural = _("分案方案")
        ordering = ["procuratorate_id", "department_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["department", "number"], name="one_scheme_number")
        ]

    def __str__(self) -> str:
        return gettext("%(department)s分案方案 第%(n)s版") % {
            "department": self.department.name,
            "n": self.number,
        }

    @property
    def escape(self) -> Fraction:
        return Fraction(self.escape_numerator, self.escape_denominator)

    def covers(self, case_type_code: str) -> bool:
        return case_type_code in self.case_types

    def takes_part(self, org_id: int) -> bool:
        return not self.orgs or org_id in self.orgs
