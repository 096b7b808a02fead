"""The three tiers of procuratorates, their internal departments and the business lines."""

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from procuracy.core.models import Ledgered, Validity, ValidityQuerySet


class Level(models.TextChoices):
    PROVINCE = "province", _("省院")
    CITY = "city", _("市州院")
    BRANCH = "branch", _("分院")
    BASE = "base", _("基层院")


class Function(models.TextChoices):
    """四大检察: the four functions."""

    CRIMINAL = "criminal", _("刑事检察")
    CIVIL = "civil", _("民事检察")
    ADMINISTRATIVE = "administrative", _("行政检察")
    PUBLIC_INTEREST = "public_interest", _("公益诉讼检察")


class BusinessLine(models.Model):
    """十大业务: one of the ten business lines, under one of the four functions."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    number = models.PositiveSmallIntegerField(_("序号"), unique=True)
    name = models.CharField(_("名称"), max_length=32)
    function = models.CharField(_("所属检察职能"), max_length=16, choices=Function.choices)
    prosecutes = models.BooleanField(
        _("捕诉业务"),
        default=False,
        help_text=_("审查逮捕、审查起诉由同一部门办理(捕诉一体)的业务"),
    )

    class Meta:
        verbose_name = _("业务条线")
        verbose_name_plural = _("业务条线")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name


class Procuratorate(Ledgered):
    code = models.CharField(_("院代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    short_name = models.CharField(_("简称"), max_length=32)
    level = models.CharField(_("层级"), max_length=8, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级院"),
    )
    # Codes from the root down, "620000/620100/": the procuratorates below one are a prefix.
    path = models.CharField(max_length=255, unique=True, editable=False)

    class Meta:
        verbose_name = _("检察院")
        verbose_name_plural = _("检察院")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


class DepartmentKind(models.TextChoices):
    BUSINESS = "business", _("业务机构")
    COMBINED = "combined", _("综合业务机构")
    CASE_MANAGEMENT = "case_management", _("案件管理部门")
    PERSONNEL = "personnel", _("政治部门")
    INSPECTION = "inspection", _("检务督察部门")
    ADMINISTRATIVE = "administrative", _("综合行政部门")
    POLICE = "police", _("司法警察部门")
    TECHNICAL = "technical", _("检察技术部门")


CASE_HANDLING_KINDS = frozenset({DepartmentKind.BUSINESS, DepartmentKind.COMBINED})


class DepartmentQuerySet(ValidityQuerySet):
    def prosecuting(self):
        """Criminal prosecution departments: those handling arrest and prosecution review."""
        return self.filter(business_lines__prosecutes=True).distinct()


class Department(Ledgered, Validity):
    """内设机构: an internal department, valid over a period; the reform is its history."""

    procuratorate = models.ForeignKey(
        Procuratorate,
        on_delete=models.PROTECT,
        related_name="departments",
        verbose_name=_("检察院"),
    )
    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类别"), max_length=16, choices=DepartmentKind.choices)
    business_lines = models.ManyToManyField(
        BusinessLine, blank=True, related_name="departments", verbose_name=_("业务条线")
    )

    objects: ClassVar[models.Manager] = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("内设机构")
        verbose_name_plural = _("内设机构")
        ordering = ["procuratorate__path", "valid_from", "id"]

    def __str__(self) -> str:
        return f"{self.procuratorate.short_name}{self.name}"

    @property
    def handles_cases(self) -> bool:
        return self.kind in CASE_HANDLING_KINDS
