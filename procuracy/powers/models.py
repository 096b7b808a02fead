"""Power lists (检察官权力清单): who may decide, review, handle or sign each matter.

The province issues one list per level (province, city — which covers branch procuratorates —
and base); where a version allows it, a procuratorate adds its own items for matters the
province's list leaves out. Each list is versioned: a draft is edited, approved with the day it
takes effect, and superseded by the next approved version that takes effect. Items are copied
into every version, so an item's history is the rows with its code across the versions.

A matter no item covers belongs to the chief (规则 Art 4), who may delegate it by a written
instruction: a delegation.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from procuracy.core.models import Ledgered, Validity, today
from procuracy.organisation.models import Level


class Holder(models.TextChoices):
    """Who holds a power, lowest first: the order of the path upward."""

    PROSECUTOR = "prosecutor", _("检察官")
    LEAD_PROSECUTOR = "lead_prosecutor", _("主办检察官")
    DEPARTMENT_HEAD = "department_head", _("部门负责人")
    DEPUTY_CHIEF = "deputy_chief", _("副检察长")
    CHIEF = "chief", _("检察长")
    COMMITTEE = "committee", _("检察委员会")


HOLDER_RANK = {holder: rank for rank, holder in enumerate(Holder.values)}


class Power(models.TextChoices):
    """The 2017 guidance renamed 审批 to 决定 and 审核."""

    DECIDE = "decide", _("决定")
    REVIEW = "review", _("审核")
    HANDLE = "handle", _("办理")
    SIGN = "sign", _("签发")


class Flag(models.TextChoices):
    """The facts of a case that change who may decide it."""

    MAJOR = "major", _("重大")
    DIFFICULT = "difficult", _("疑难")
    COMPLEX = "complex", _("复杂")
    SOCIAL_IMPACT = "social_impact", _("有社会影响")
    NPC_DEPUTY = "npc_deputy", _("涉人大代表")
    CPPCC_MEMBER = "cppcc_member", _("涉政协委员")
    FOREIGN = "foreign", _("涉外")
    MINOR = "minor", _("涉未成年人")
    PLEA = "plea", _("认罪认罚")


FLAG_BIT = {flag: 1 << n for n, flag in enumerate(Flag.values)}


class ListLevel(models.TextChoices):
    """The three lists: the city list covers branch procuratorates too."""

    PROVINCE = "province", _("省院")
    CITY = "city", _("市州院(分院)")
    BASE = "base", _("基层院")

    @classmethod
    def of(cls, level: str) -> ListLevel:
        if level == Level.BRANCH:
            return cls.CITY
        return cls(level)


class Matter(models.Model):
    """事项: a decision or act on a case that a power list assigns. Reference data shipped with
    the code (a data migration): the cases issue's acts name these codes, so a new matter comes
    with the code that performs it."""

    code = models.SlugField(_("代码"), max_length=48, unique=True)
    number = models.PositiveSmallIntegerField(_("序号"), unique=True)
    name = models.CharField(_("名称"), max_length=48, unique=True)
    group = models.CharField(_("类别"), max_length=32)

    class Meta:
        verbose_name = _("事项")
        verbose_name_plural = _("事项")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name


class ListKind(models.TextChoices):
    LEVEL = "level", _("全省统一清单")
    ADDITIONS = "additions", _("本院补充清单")


class PowerList(Ledgered):
    """One list: the province's list for a level, or one procuratorate's additions."""

    procuratorate = models.ForeignKey(
        "organisation.Procuratorate",
        on_delete=models.PROTECT,
        related_name="power_lists",
        verbose_name=_("制定院"),
    )
    level = models.CharField(_("适用层级"), max_length=8, choices=ListLevel.choices)
    kind = models.CharField(_("类型"), max_length=12, choices=ListKind.choices)
    title = models.CharField(_("标题"), max_length=100)

    class Meta:
        verbose_name = _("权力清单")
        verbose_name_plural = _("权力清单")
        ordering = ["procuratorate__path", "kind", "level", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["procuratorate", "level", "kind"], name="one_list_per_level"
            )
        ]

    def __str__(self) -> str:
        return self.title


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已批准")
    DISCARDED = "discarded", _("已废弃")


class ApprovalBody(models.TextChoices):
    CHIEF = "chief", _("检察长")
    COMMITTEE = "committee", _("检察委员会")


class VersionQuerySet(models.QuerySet):
    def effective_on(self, day: datetime.date):
        """Approved versions in force on `day`, newest first: the first of each list is its
        effective version."""
        return self.filter(status=VersionStatus.APPROVED, effective_from__lte=day).order_by(
            "power_list_id", "-effective_from", "-number"
        )


class ListVersion(Ledgered):
    power_list = models.ForeignKey(
        PowerList, on_delete=models.PROTECT, related_name="versions", verbose_name=_("清单")
    )
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("基于版本"),
    )
    source = models.CharField(_("来源"), max_length=200, blank=True)
    note = models.TextField(_("说明"), blank=True)
    allows_additions = models.BooleanField(
        _("允许各院补充"),
        default=False,
        help_text=_("允许适用本清单的检察院为清单未列的事项制定本院补充清单"),
    )
    created_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))
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
        _("批准主体"), max_length=12, choices=ApprovalBody.choices, blank=True
    )
    approval_reference = models.CharField(_("批准文号或会议纪要"), max_length=100, blank=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("清单版本")
        verbose_name_plural = _("清单版本")
        ordering = ["power_list_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["power_list", "number"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return gettext("%(title)s 第%(n)s版") % {"title": self.power_list.title, "n": self.number}

    def state_on(self, day: datetime.date | None = None) -> str:
        """draft, approved (not yet in force), effective, superseded or discarded."""
        return states_on([self], day or today())[self.pk]


def states_on(versions, day: datetime.date) -> dict[int, str]:
    """Each version's state on `day`, for any number of versions in one query: the newest
    approved version of a list in force that day is effective, older approved ones are
    superseded, later ones approved."""
    lists = {v.power_list_id for v in versions if v.status == VersionStatus.APPROVED}
    in_force: dict[int, int] = {}
    rows = ListVersion.objects.effective_on(day).filter(power_list_id__in=lists)
    for pk, list_id in rows.values_list("pk", "power_list_id"):
        in_force.setdefault(list_id, pk)  # newest first: the first of each list
    found = {}
    for v in versions:
        if v.status != VersionStatus.APPROVED:
            found[v.pk] = v.status
        elif v.effective_from > day:
            found[v.pk] = "approved"
        else:
            found[v.pk] = "effective" if in_force.get(v.power_list_id) == v.pk else "superseded"
    return found


STATE_LABELS = {
    "draft": _("草稿"),
    "approved": _("已批准待生效"),
    "effective": _("现行有效"),
    "superseded": _("已被替代"),
    "discarded": _("已废弃"),
}


class Item(Ledgered):
    """One line of a list: the holder's power over a matter, under conditions."""

    version = models.ForeignKey(
        ListVersion, on_delete=models.PROTECT, related_name="items", verbose_name=_("版本")
    )
    number = models.PositiveIntegerField(_("序号"))
    code = models.CharField(_("编号"), max_length=24)
    business_line = models.ForeignKey(
        "organisation.BusinessLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("业务条线"),
        help_text=_("空白表示适用于全部业务条线"),
    )
    case_types = models.JSONField(_("案件类型"), default=list, blank=True)
    matter = models.ForeignKey(
        Matter, on_delete=models.PROTECT, related_name="items", verbose_name=_("事项")
    )
    holder = models.CharField(_("权力主体"), max_length=16, choices=Holder.choices)
    power = models.CharField(_("权力类型"), max_length=8, choices=Power.choices)
    when_any = models.JSONField(_("适用情形(任一)"), default=list, blank=True)
    unless = models.JSONField(_("除外情形"), default=list, blank=True)
    min_amount = models.DecimalField(
        _("涉案金额下限(元)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    max_amount = models.DecimalField(
        _("涉案金额上限(元,不含)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    legal_basis = models.CharField(_("依据"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("清单事项")
        verbose_name_plural = _("清单事项")
        ordering = ["version_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="one_item_number"),
            models.UniqueConstraint(fields=["version", "code"], name="one_item_code"),
        ]
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.matter}"


class Delegation(Ledgered, Validity):
    """A chief's written instruction handing one unlisted matter to a named person."""

    procuratorate = models.ForeignKey(
        "organisation.Procuratorate",
        on_delete=models.PROTECT,
        related_name="delegations",
        verbose_name=_("检察院"),
    )
    delegator = models.ForeignKey(
        "people.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("授权人")
    )
    delegate = models.ForeignKey(
        "people.Staff",
        on_delete=models.PROTECT,
        related_name="delegations",
        verbose_name=_("受托人"),
    )
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, verbose_name=_("事项"))
    business_line = models.ForeignKey(
        "organisation.BusinessLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("业务条线"),
    )
    power = models.CharField(
        _("权力类型"), max_length=8, choices=Power.choices, default=Power.DECIDE
    )
    document_no = models.CharField(_("授权书文号"), max_length=64)
    instruction = models.TextField(_("书面指令"))
    revoked_reason = models.CharField(_("撤销理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("授权")
        verbose_name_plural = _("授权")
        ordering = ["procuratorate_id", "-valid_from", "id"]

    def __str__(self) -> str:
        return f"{self.document_no} {self.matter}"


class Refusal(Ledgered):
    """An attempted act the power list or a role rule refused: who tried what, when, and why."""

    actor = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("行为人"), max_length=150)
    act = models.CharField(_("所试行为"), max_length=64)
    act_label = models.CharField(_("行为名称"), max_length=100)
    procuratorate = models.ForeignKey(
        "organisation.Procuratorate",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("检察院"),
    )
    reason = models.TextField(_("拒绝理由"))
    attempted_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("被拒绝的操作")
        verbose_name_plural = _("被拒绝的操作")
        ordering = ["-attempted_at", "-id"]
        indexes = [models.Index(fields=["procuratorate", "attempted_at"])]
