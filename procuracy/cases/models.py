"""Cases and what their time limits stand on: the catalogue of case types (with the weight a
case of the type carries in the draw), the cases the case management office takes in, their
parties, and the working-day calendar (the State Council's holidays and make-up working days,
kept by the administrator)."""

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


class CaseType(models.Model):
    """A kind of case: the business lines that handle it, the word its case number carries, the
    time limit its first stage runs under, and its weight in the draw. Reference data (a data
    migration), like the business lines."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    number = models.PositiveSmallIntegerField(_("序号"), unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    business_lines = models.ManyToManyField(
        "organisation.BusinessLine", related_name="case_types", verbose_name=_("业务条线")
    )
    word = models.CharField(
        _("案号代字"), max_length=8, help_text=_("案号中标明案件类别的字,如“刑诉”")
    )
    stage = models.CharField(_("首个办案期限"), max_length=40, blank=True)
    weight = models.DecimalField(_("基础权重"), max_digits=5, decimal_places=2, default=1)

    class Meta:
        verbose_name = _("案件类型")
        verbose_name_plural = _("案件类型")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name


class CaseSource(models.TextChoices):
    POLICE = "police", _("公安机关移送")
    SUPERVISION = "supervision", _("监察机关移送")
    OWN = "own", _("自行发现")
    COMPLAINT = "complaint", _("控告申诉")
    COURT = "court", _("人民法院移送")
    HIGHER = "higher", _("上级院交办")
    OTHER_ORGAN = "other_organ", _("其他机关移送")


class CaseStatus(models.TextChoices):
    """Where a case stands; the transitions come with the lifecycle."""

    RECEIVED = "received", _("已受理")
    ASSIGNED = "assigned", _("已分案")
    HANDLING = "handling", _("办理中")
    DECIDING = "deciding", _("审核/决定中")
    CLOSED = "closed", _("已结案")
    ARCHIVED = "archived", _("已归档")


class Case(Ledgered):
    number = models.CharField(_("案号"), max_length=48, unique=True)
    procuratorate = models.ForeignKey(
        "organisation.Procuratorate",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("受理院"),
    )
    case_type = models.ForeignKey(
        CaseType, on_delete=models.PROTECT, related_name="cases", verbose_name=_("案件类型")
    )
    business_line = models.ForeignKey(
        "organisation.BusinessLine",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("业务条线"),
    )
    title = models.CharField(_("案件名称"), max_length=100)
    source = models.CharField(_("案件来源"), max_length=16, choices=CaseSource.choices)
    referred_by = models.CharField(_("移送单位"), max_length=100, blank=True)
    received_on = models.DateField(_("受理日期"))
    custody = models.BooleanField(_("犯罪嫌疑人在押"), default=False)
    flags = models.JSONField(_("案件情形"), default=list, blank=True)
    amount = models.DecimalField(
        _("涉案金额(元)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    related = models.JSONField(_("关联案件"), default=list, blank=True)
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2)
    status = models.CharField(
        _("状态"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    warnings = models.JSONField(_("受理提示"), default=list, blank=True)
    received_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["procuratorate", "status", "received_on"])]

    def __str__(self) -> str:
        return self.number


class PartyRole(models.TextChoices):
    SUSPECT = "suspect", _("犯罪嫌疑人")
    DEFENDANT = "defendant", _("被告人")
    VICTIM = "victim", _("被害人")
    UNIT = "unit", _("涉案单位")
    APPLICANT = "applicant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")


class Party(Ledgered):
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="parties", verbose_name=_("案件")
    )
    role = models.CharField(_("诉讼地位"), max_length=12, choices=PartyRole.choices)
    name = models.CharField(_("姓名或名称"), max_length=100)
    in_custody = models.BooleanField(_("在押"), default=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return self.name
