"""Staff in the six statutory categories, with their postings, positions, absences, grades,
ranks and quota — each a dated record, so that any past day can be asked about."""

import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from procuracy.core.models import Ledgered, Validity


class Category(models.TextChoices):
    """组织法 Arts 40–46: prosecutors, four kinds of support staff, administrative staff."""

    PROSECUTOR = "prosecutor", _("检察官")
    ASSISTANT = "assistant", _("检察官助理")
    CLERK = "clerk", _("书记员")
    JUDICIAL_POLICE = "judicial_police", _("司法警察")
    TECHNICIAN = "technician", _("检察技术人员")
    ADMINISTRATIVE = "administrative", _("司法行政人员")


class Employment(models.TextChoices):
    REGULAR = "regular", _("在编")
    CONTRACT = "contract", _("聘用制")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class StaffQuerySet(models.QuerySet):
    def employed_on(self, day):
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gt=day), joined_on__lte=day)

    def present_on(self, day):
        """Employed that day and not away (leave, training, secondment)."""
        away = Absence.objects.filter(starts_on__lte=day, ends_on__gte=day)
        return self.employed_on(day).exclude(pk__in=away.values("staff_id"))

    def in_quota_on(self, day):
        return self.filter(pk__in=QuotaRecord.objects.on(day).values("staff_id"))

    def search(self, text: str):
        """By name, by full pinyin, or by pinyin initials (张三: "zhangsan", "zs")."""
        text = text.strip()
        if not text:
            return self
        key = text.lower().replace(" ", "")
        return self.filter(
            Q(name__contains=text) | Q(pinyin__startswith=key) | Q(initials__startswith=key)
        )


class Staff(Ledgered):
    name = models.CharField(_("姓名"), max_length=32)
    pinyin = models.CharField(_("拼音"), max_length=96, db_index=True, editable=False)
    initials = models.CharField(_("拼音首字母"), max_length=16, db_index=True, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    category = models.CharField(_("人员类别"), max_length=16, choices=Category.choices)
    employment = models.CharField(
        _("用工方式"), max_length=8, choices=Employment.choices, default=Employment.REGULAR
    )
    # The current posting; its history is in Posting, changed only by the people services.
    procuratorate = models.ForeignKey(
        "organisation.Procuratorate",
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("检察院"),
    )
    department = models.ForeignKey(
        "organisation.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("内设机构"),
    )
    joined_on = models.DateField(_("入职日期"))
    left_on = models.DateField(_("离职日期"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
        verbose_name=_("登录账号"),
    )

    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        ordering = ["procuratorate__path", "pinyin", "id"]
        indexes = [models.Index(fields=["procuratorate", "category"])]

    def __str__(self) -> str:
        return self.name


class Posting(Ledgered, Validity):
    """Where a person worked, and when: a transfer closes one posting and opens the next."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="postings")
    procuratorate = models.ForeignKey(
        "organisation.Procuratorate", on_delete=models.PROTECT, related_name="postings"
    )
    department = models.ForeignKey(
        "organisation.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="postings",
    )

    class Meta:
        verbose_name = _("任职经历")
        verbose_name_plural = _("任职经历")
        ordering = ["staff", "valid_from", "id"]


class PositionKind(models.TextChoices):
    CHIEF = "chief", _("检察长")
    ACTING_CHIEF = "acting_chief", _("代理检察长")
    DEPUTY_CHIEF = "deputy_chief", _("副检察长")
    COMMITTEE_MEMBER = "committee_member", _("检察委员会委员")
    DEPARTMENT_HEAD = "department_head", _("部门负责人")
    CASE_MANAGEMENT = "case_management", _("案件管理人员")
    PERSONNEL = "personnel", _("政治部(人事)人员")
    INSPECTION = "inspection", _("检务督察人员")
    DISCIPLINE = "discipline", _("纪检监察组人员")


# Positions that only a prosecutor may hold (检察官法 Art 2: chiefs, deputies and committee
# members are prosecutors).
PROSECUTOR_POSITIONS = frozenset(
    {
        PositionKind.CHIEF,
        PositionKind.ACTING_CHIEF,
        PositionKind.DEPUTY_CHIEF,
        PositionKind.COMMITTEE_MEMBER,
    }
)
CHIEF_POSITIONS = frozenset({PositionKind.CHIEF, PositionKind.ACTING_CHIEF})


class Position(Ledgered, Validity):
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="positions")
    kind = models.CharField(_("职务"), max_length=24, choices=PositionKind.choices)
    procuratorate = models.ForeignKey(
        "organisation.Procuratorate", on_delete=models.PROTECT, related_name="positions"
    )
    department = models.ForeignKey(
        "organisation.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="positions",
    )

    class Meta:
        verbose_name = _("职务")
        verbose_name_plural = _("职务")
        ordering = ["valid_from", "id"]
        indexes = [models.Index(fields=["staff", "kind"])]


class AbsenceKind(models.TextChoices):
    LEAVE = "leave", _("休假")
    SICK = "sick", _("病假")
    TRAINING = "training", _("培训")
    SECONDMENT = "secondment", _("借调")
    OTHER = "other", _("其他")


class Absence(Ledgered):
    """Away from the post for whole days, both ends included."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="absences")
    kind = models.CharField(_("类别"), max_length=16, choices=AbsenceKind.choices)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("离岗")
        verbose_name_plural = _("离岗")
        ordering = ["starts_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}–{self.ends_on}"


class Grade(models.IntegerChoices):
    """检察官法 Art 27: the twelve prosecutor grades, highest first."""

    CHIEF_GRAND = 1, _("首席大检察官")
    GRAND_1 = 2, _("一级大检察官")
    GRAND_2 = 3, _("二级大检察官")
    SENIOR_1 = 4, _("一级高级检察官")
    SENIOR_2 = 5, _("二级高级检察官")
    SENIOR_3 = 6, _("三级高级检察官")
    SENIOR_4 = 7, _("四级高级检察官")
    PROSECUTOR_1 = 8, _("一级检察官")
    PROSECUTOR_2 = 9, _("二级检察官")
    PROSECUTOR_3 = 10, _("三级检察官")
    PROSECUTOR_4 = 11, _("四级检察官")
    PROSECUTOR_5 = 12, _("五级检察官")


class GradeReason(models.TextChoices):
    INITIAL = "initial", _("首次确定")
    CONVERSION = "conversion", _("套改")
    SCHEDULED = "scheduled", _("按期晋升")
    SELECTIVE = "selective", _("择优选升")
    SPECIAL = "special", _("特别选升")
    DEMOTION = "demotion", _("降级")


class GradeRecord(Ledgered):
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="grades")
    grade = models.PositiveSmallIntegerField(_("检察官等级"), choices=Grade.choices)
    effective_on = models.DateField(_("生效日期"))
    reason = models.CharField(_("事由"), max_length=16, choices=GradeReason.choices)

    class Meta:
        verbose_name = _("检察官等级记录")
        verbose_name_plural = _("检察官等级记录")
        ordering = ["effective_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "effective_on"], name="one_grade_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.get_grade_display()}({self.effective_on})"


class Rank(models.TextChoices):
    """Administrative ranks (职级) after the 2019 civil-service rank reform."""

    INSPECTOR_1 = "inspector_1", _("一级巡视员")
    INSPECTOR_2 = "inspector_2", _("二级巡视员")
    RESEARCHER_1 = "researcher_1", _("一级调研员")
    RESEARCHER_2 = "researcher_2", _("二级调研员")
    RESEARCHER_3 = "researcher_3", _("三级调研员")
    RESEARCHER_4 = "researcher_4", _("四级调研员")
    PRINCIPAL_1 = "principal_1", _("一级主任科员")
    PRINCIPAL_2 = "principal_2", _("二级主任科员")
    PRINCIPAL_3 = "principal_3", _("三级主任科员")
    PRINCIPAL_4 = "principal_4", _("四级主任科员")
    MEMBER_1 = "member_1", _("一级科员")
    MEMBER_2 = "member_2", _("二级科员")


class RankReason(models.TextChoices):
    INITIAL = "initial", _("首次确定")
    CONVERSION = "conversion", _("职级套改")
    PROMOTION = "promotion", _("晋升")
    DEMOTION = "demotion", _("降级")


class RankRecord(Ledgered):
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="ranks")
    rank = models.CharField(_("职级"), max_length=16, choices=Rank.choices)
    effective_on = models.DateField(_("生效日期"))
    reason = models.CharField(_("事由"), max_length=16, choices=RankReason.choices)

    class Meta:
        verbose_name = _("职级记录")
        verbose_name_plural = _("职级记录")
        ordering = ["effective_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "effective_on"], name="one_rank_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.get_rank_display()}({self.effective_on})"


class QuotaRecord(Ledgered, Validity):
    """A spell in the quota (员额): entered on `valid_from`, exited on `valid_to`."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="quota_records")
    exit_reason = models.CharField(_("退出事由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("员额记录")
        verbose_name_plural = _("员额记录")
        ordering = ["valid_from", "id"]


class ConflictKind(models.TextChoices):
    """回避事由 a person declares about themselves (刑事诉讼法 Arts 29–32; the three rules on
    lawyers' contacts: a relative who practises law, a party one knows)."""

    LAWYER_RELATIVE = "lawyer_relative", _("亲属是律师")
    KNOWS_PARTY = "knows_party", _("与当事人相识")
    OTHER = "other", _("其他")


def normal_name(text: str) -> str:
    """A name as declarations and cases are compared: NFKC (full-width brackets and letters
    as half-width), without any spaces, case folded. 北京市（某某）律师事务所 and
    北京市(某某)律师事务所 are the same firm."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


class ConflictQuerySet(models.QuerySet):
    def on(self, day):
        """In force that day: declared by then, not past its end, not withdrawn."""
        return self.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day),
            declared_on__lte=day,
        )


class Conflict(Ledgered):
    """A conflict of interest declared on a person (利益冲突申报): the names it concerns keep
    the person's organisations out of the draw for any case those names appear in. Personal
    data: its acts are ledgered with personal visibility, and their bodies name no one but
    the person (the row's salted hash commits to the names)."""

    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="conflicts", verbose_name=_("申报人")
    )
    kind = models.CharField(_("类别"), max_length=16, choices=ConflictKind.choices)
    names = models.JSONField(
        _("涉及的人员或单位"),
        default=list,
        help_text=_("如当律师的亲属的姓名、相识的当事人的姓名或名称"),
    )
    law_firm = models.CharField(_("律师事务所"), max_length=100, blank=True)
    declared_on = models.DateField(_("申报日期"))
    valid_until = models.DateField(
        _("有效期至"), null=True, blank=True, help_text=_("含当日;空白表示长期有效")
    )
    withdrawn_on = models.DateField(
        _("撤回日期"), null=True, blank=True, help_text=_("自该日起不再适用")
    )
    withdrawal_reason = models.CharField(_("撤回理由"), max_length=200, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        Staff,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )

    objects = ConflictQuerySet.as_manager()

    class Meta:
        verbose_name = _("利益冲突申报")
        verbose_name_plural = _("利益冲突申报")
        ordering = ["declared_on", "id"]
        indexes = [models.Index(fields=["staff", "withdrawn_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}({self.declared_on})"

    @property
    def declared_names(self) -> list[str]:
        """Every name the declaration gives: the people or units, and the law firm."""
        return [*self.names, *([self.law_firm] if self.law_firm else [])]

    def holds_on(self, day) -> bool:
        return (
            self.declared_on <= day
            and (self.valid_until is None or day <= self.valid_until)
            and (self.withdrawn_on is None or day < self.withdrawn_on)
        )
