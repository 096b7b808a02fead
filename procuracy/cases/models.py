"""Cases and what their time limits stand on: the catalogue of case types (with the weight a
case of the type carries in the draw), the cases the case management office takes in, their
parties, and the working-day calendar (the State Council's holidays and make-up working days,
kept by the administrator)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
    """Where a case stands; cases/lifecycle.py holds the transitions between them."""

    RECEIVED = "received", _("已受理")
    ASSIGNED = "assigned", _("已分案")
    HANDLING = "handling", _("办理中")
    DECIDING = "deciding", _("审核/决定中")
    EXECUTING = "executing", _("执行决定")
    RETURNED = "returned", _("退回补充侦查")
    SUSPENDED = "suspended", _("中止审查")
    CLOSED = "closed", _("已结案")
    TRANSFERRED = "transferred", _("已移送管辖")
    ARCHIVED = "archived", _("已归档")


# A case still in someone's hands: it counts in its organisation's load and its time limit runs.
OPEN_STATUSES = (
    CaseStatus.RECEIVED,
    CaseStatus.ASSIGNED,
    CaseStatus.HANDLING,
    CaseStatus.DECIDING,
    CaseStatus.EXECUTING,
    CaseStatus.RETURNED,
    CaseStatus.SUSPENDED,
)


class Sealing(models.TextChoices):
    """Why a case is read by fewer people still: every read of it is recorded."""

    SECRET = "secret", _("涉密案件")
    JUVENILE = "juvenile", _("未成年人犯罪记录封存")


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
    # The running stage, kept with the case so that desks and figures find what is due by an
    # index: its code, the day it expires and the day warnings start (None when none runs).
    stage = models.CharField(_("当前办案期限"), max_length=40, blank=True)
    due_on = models.DateField(_("期限届满日"), null=True, blank=True)
    warn_on = models.DateField(_("开始预警日"), null=True, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    sealed = models.CharField(_("封存"), max_length=8, choices=Sealing.choices, blank=True)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["procuratorate", "status", "received_on"]),
            models.Index(fields=["procuratorate", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


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


class StageEnd(models.TextChoices):
    """Why a stage ended (a noun, unlike the buttons of the same words)."""

    DECIDED = "decided", pgettext_lazy("stage end", "作出决定")
    CLOSED = "closed", pgettext_lazy("stage end", "结案")
    RETURNED = "returned", pgettext_lazy("stage end", "退回补充侦查")
    RESUBMITTED = "resubmitted", pgettext_lazy("stage end", "重新移送")
    TRANSFERRED = "transferred", pgettext_lazy("stage end", "移送管辖")


class Stage(Ledgered):
    """One run of a statutory time limit in a case (cases/deadlines.py names the limits): from
    the day the case, or its resubmission, was received, to the day it ended. A case has at
    most one open stage; a return for supplementary investigation ends the review stage and
    opens the investigator's, and the resubmission opens the review stage afresh
    (`restart`)."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="stages", verbose_name=_("案件")
    )
    code = models.CharField(_("期限"), max_length=40)
    variant = models.CharField(_("情形"), max_length=24, blank=True)
    started_on = models.DateField(_("起算日"))
    restart = models.CharField(
        _("重新计算事由"), max_length=16, blank=True, help_text=_("resubmitted 或 jurisdiction")
    )
    custody = models.BooleanField(_("在押"))
    expires_on = models.DateField(_("届满日"), null=True, blank=True)
    explanation = models.JSONField(_("计算说明"), default=list)
    ended_on = models.DateField(_("结束日"), null=True, blank=True)
    end = models.CharField(_("结束原因"), max_length=12, choices=StageEnd.choices, blank=True)

    class Meta:
        verbose_name = _("办案期限")
        verbose_name_plural = _("办案期限")
        ordering = ["case_id", "started_on", "id"]
        indexes = [models.Index(fields=["case", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.case} {self.code} {self.started_on}"

    @property
    def late(self) -> bool:
        """Ended (or still running today) after its expiry."""
        from procuracy.core.models import today

        if self.expires_on is None:
            return False
        return (self.ended_on or today()) > self.expires_on


class StageEventKind(models.TextChoices):
    EXTENSION = "extension", _("延长期限")
    EXCLUSION = "exclusion", _("不计入期限")


class StageEvent(Ledgered):
    """What changes a stage's expiry: an approved extension (its length, the decision that
    granted it), or a period the law leaves out of the count (its days; still open while the
    case is suspended)."""

    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="events", verbose_name=_("期限")
    )
    kind = models.CharField(_("类别"), max_length=12, choices=StageEventKind.choices)
    start = models.DateField(_("起始日"), null=True, blank=True)
    end = models.DateField(_("终止日"), null=True, blank=True)
    days = models.PositiveSmallIntegerField(_("日数"), default=0)
    months = models.PositiveSmallIntegerField(_("月数"), default=0)
    reason = models.CharField(_("事由"), max_length=200)
    basis = models.CharField(_("依据"), max_length=100, blank=True)
    approved_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.ForeignKey(
        "cases.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("期限变动")
        verbose_name_plural = _("期限变动")
        ordering = ["stage_id", "id"]


class DecisionStatus(models.TextChoices):
    PENDING = "pending", _("待决定")
    MADE = "made", _("已决定")
    SUPERSEDED = "superseded", _("另行决定")
    REEXAMINING = "reexamining", _("复核中")
    REFERRED = "referred", _("提请检察委员会")
    REVOKED = "revoked", _("已撤销")


class DecisionBody(models.TextChoices):
    """Who made a decision when it was not one person under their own power."""

    COMMITTEE = "committee", _("检察委员会")
    HIGHER = "higher", _("上一级人民检察院")


class Decision(Ledgered):
    """A decision on a matter in a case (批准逮捕, 不起诉 …): who made it and the power-list
    item (or written delegation, or the chief's default power) it was made under. A handler who
    may not decide the matter submits it (报请): the decision waits, pending, with the path
    upward the list gives, until the holder decides it (or decides otherwise)."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("案件")
    )
    matter = models.ForeignKey(
        "powers.Matter", on_delete=models.PROTECT, related_name="+", verbose_name=_("事项")
    )
    status = models.CharField(_("状态"), max_length=12, choices=DecisionStatus.choices)
    reasoning = models.TextField(_("理由"), blank=True)
    proposed_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("报请时间"), null=True, blank=True)
    path = models.JSONField(_("报请路径"), default=list, blank=True)
    decided_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    item = models.ForeignKey(
        "powers.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delegation = models.ForeignKey(
        "powers.Delegation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    basis = models.CharField(_("权力依据"), max_length=300, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A submission's place on its path: the index of the step that acts next (oversight).
    step = models.PositiveSmallIntegerField(_("当前环节"), default=0)
    body = models.CharField(_("决定主体"), max_length=12, choices=DecisionBody.choices, blank=True)
    # Made by someone other than the handlers against or without their proposal, or by the
    # committee: the handlers must carry it out (规则 Art 7; 组织法 Art 33).
    binding = models.BooleanField(_("须执行"), default=False)
    overrides = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("未采纳的报请"),
    )
    executed_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    executed_at = models.DateTimeField(_("执行时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("决定")
        verbose_name_plural = _("决定")
        ordering = ["case_id", "id"]
        indexes = [models.Index(fields=["status", "case"])]

    def __str__(self) -> str:
        return f"{self.case} {self.matter}"


class SealedRead(Ledgered):
    """A read of a sealed case: who, when, through which door."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="sealed_reads", verbose_name=_("案件")
    )
    reader = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reader_label = models.CharField(_("查阅人"), max_length=100)
    channel = models.CharField(_("途径"), max_length=8)  # page, api, cli
    read_at = models.DateTimeField(_("查阅时间"))

    class Meta:
        verbose_name = _("封存案件查阅记录")
        verbose_name_plural = _("封存案件查阅记录")
        ordering = ["-read_at", "-id"]
