"""Oversight (capability 8): what leaders do to the decisions of the prosecutors they
supervise, and the procuratorial committee — each in writing, each ledgered, so that years
later the responsibility trail shows who proposed, who reviewed, who decided and under what.

    a handler submits (报请, cases.Decision pending, with the path the power list gives)
      → department head reviews (审核, Review), perhaps after a joint meeting (JointMeeting)
      → the chief (or deputy) agrees and decides, or disagrees in one of three ways only
        (规则 Art 7): orders re-examination (复核), decides directly, refers to the committee
      → the committee meets (Meeting: quorum, a Vote per member, majority of all members)
      → the handlers carry out a binding decision (执行); against a chief's they may first
        object in writing (Objection), which the chief answers
    instructions (Instruction) from the chief, a deputy or a higher procuratorate exist only
    in writing; a flagged case (重大、疑难、复杂、有社会影响) owes the chief a report (Report).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from procuracy.core.models import Ledgered

# ---- review of a submission --------------------------------------------------------------


class ReviewKind(models.TextChoices):
    AGREE = "agree", _("同意")
    DISAGREE = "disagree", _("不同意")
    REEXAMINE = "reexamine", _("要求复核")
    REFER = "refer", _("提请检察委员会讨论")
    REEXAMINED = "reexamined", _("复核意见")


class Review(Ledgered):
    """One opinion on a submission at one step of its path: a department head's or a
    leader's review (同意 / 不同意, forwarded either way), a leader's order to re-examine or
    referral to the committee, or the handler's answer to a re-examination order."""

    decision = models.ForeignKey(
        "cases.Decision", on_delete=models.PROTECT, related_name="reviews", verbose_name=_("报请")
    )
    step = models.PositiveSmallIntegerField(_("环节"))
    holder = models.CharField(_("审核主体"), max_length=16)
    kind = models.CharField(_("意见"), max_length=12, choices=ReviewKind.choices)
    opinion = models.TextField(_("意见内容"))
    reviewer = models.ForeignKey(
        "people.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("审核人")
    )
    reviewed_at = models.DateTimeField(_("时间"))
    joint_meeting = models.ForeignKey(
        "JointMeeting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("检察官联席会议"),
    )

    class Meta:
        verbose_name = _("审核意见")
        verbose_name_plural = _("审核意见")
        ordering = ["decision_id", "reviewed_at", "id"]


class JointMeeting(Ledgered):
    """检察官联席会议: a department head asks the department's prosecutors for their opinions
    on a submission; the opinions are recorded truthfully, each signed by its participant,
    and kept in the file."""

    decision = models.ForeignKey(
        "cases.Decision",
        on_delete=models.PROTECT,
        related_name="joint_meetings",
        verbose_name=_("报请"),
    )
    convened_by = models.ForeignKey(
        "people.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("召集人")
    )
    held_at = models.DateTimeField(_("召开时间"))
    question = models.TextField(_("讨论事项"))
    minutes = models.TextField(_("会议记录"))

    class Meta:
        verbose_name = _("检察官联席会议")
        verbose_name_plural = _("检察官联席会议")
        ordering = ["held_at", "id"]


class Position(models.TextChoices):
    FOR = "for", _("同意")
    AGAINST = "against", _("不同意")
    ABSTAIN = "abstain", _("弃权")


class JointOpinion(Ledgered):
    meeting = models.ForeignKey(
        JointMeeting, on_delete=models.PROTECT, related_name="opinions", verbose_name=_("会议")
    )
    participant = models.ForeignKey(
        "people.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("参加人")
    )
    position = models.CharField(_("倾向"), max_length=8, choices=Position.choices)
    opinion = models.TextField(_("意见"))
    signed_at = models.DateTimeField(_("签名时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("联席会议意见")
        verbose_name_plural = _("联席会议意见")
        ordering = ["meeting_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "participant"], name="one_joint_opinion")
        ]


# ---- objections and instructions ---------------------------------------------------------


class Answer(models.TextChoices):
    MAINTAIN = "maintain", _("维持原决定")
    CHANGE = "change", _("改变原决定")


class Objection(Ledgered):
    """A handler's written objection to a binding decision of the chief's (规则 Art 7): the
    chief maintains it (and the handler carries it out) or changes it."""

    decision = models.ForeignKey(
        "cases.Decision",
        on_delete=models.PROTECT,
        related_name="objections",
        verbose_name=_("决定"),
    )
    filed_by = models.ForeignKey(
        "people.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("提出人")
    )
    filed_at = models.DateTimeField(_("提出时间"))
    text = models.TextField(_("书面异议"))
    answer = models.CharField(_("答复"), max_length=12, choices=Answer.choices, blank=True)
    answer_text = models.TextField(_("答复意见"), blank=True)
    answered_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "cases.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("改变后的决定"),
    )

    class Meta:
        verbose_name = _("书面异议")
        verbose_name_plural = _("书面异议")
        ordering = ["filed_at", "id"]


class InstructionKind(models.TextChoices):
    """组织法 Art 24 (a higher procuratorate's), and a leader's instruction on a case."""

    INSTRUCT = "instruct", _("指示")
    CORRECT = "correct", _("指令纠正")
    REVOKE = "revoke", _("撤销决定")
    CHANGE = "change", _("变更决定")
    DESIGNATE = "designate", _("指定管辖")
    CALL_UP = "call_up", _("调用检察人员")


class Instruction(Ledgered):
    """A written instruction (指令) attached to the file: who gave it, from which
    procuratorate, to which, on which case or decision, its document number and text; and the
    receiving side's report of how it was carried out, with any disagreement (组织法 Art 25)."""

    kind = models.CharField(_("类别"), max_length=12, choices=InstructionKind.choices)
    issuer = models.ForeignKey(
        "organisation.Procuratorate",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("发出院"),
    )
    recipient = models.ForeignKey(
        "organisation.Procuratorate",
        on_delete=models.PROTECT,
        related_name="instructions",
        verbose_name=_("接受院"),
    )
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instructions",
        verbose_name=_("案件"),
    )
    decision = models.ForeignKey(
        "cases.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instructions",
        verbose_name=_("所涉决定"),
    )
    staff = models.ForeignKey(
        "people.Staff",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("调用人员"),
    )
    document_no = models.CharField(_("文号"), max_length=64)
    text = models.TextField(_("指令内容"))
    issued_by = models.ForeignKey(
        "people.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("签发人")
    )
    issued_at = models.DateTimeField(_("签发时间"))
    complied_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    complied_at = models.DateTimeField(_("执行报告时间"), null=True, blank=True)
    compliance = models.TextField(_("执行情况"), blank=True)
    disagreement = models.TextField(_("不同意见"), blank=True)

    class Meta:
        verbose_name = _("指令")
        verbose_name_plural = _("指令")
        ordering = ["issued_at", "id"]
        indexes = [models.Index(fields=["recipient", "complied_at"])]


class Report(Ledgered):
    """A flagged case's report to the chief (规则 Art 4 para 5): opened when the case is found
    major, difficult, complex or of social impact, filed by a handler, read by the chief."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="reports", verbose_name=_("案件")
    )
    flags = models.JSONField(_("报告原因"), default=list)
    opened_at = models.DateTimeField(_("生成时间"))
    text = models.TextField(_("报告内容"), blank=True)
    filed_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    read_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(_("阅示时间"), null=True, blank=True)
    comment = models.TextField(_("检察长批示"), blank=True)

    class Meta:
        verbose_name = _("向检察长报告")
        verbose_name_plural = _("向检察长报告")
        ordering = ["opened_at", "id"]


# ---- the procuratorial committee ----------------------------------------------------------
# Its members on a day are the staff holding a committee_member post (people.Position) at
# the procuratorate: the chief, deputies and senior prosecutors (组织法 Art 30), an odd number.


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已安排")
    OPEN = "open", _("开会中")
    CLOSED = "closed", _("已闭会")


class Meeting(Ledgered):
    """检察委员会会议: chaired by the chief or by a deputy the chief entrusts (组织法 Art 32)."""

    procuratorate = models.ForeignKey(
        "organisation.Procuratorate",
        on_delete=models.PROTECT,
        related_name="committee_meetings",
        verbose_name=_("检察院"),
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveSmallIntegerField(_("届次"))
    scheduled_for = models.DateTimeField(_("会议时间"))
    chair = models.ForeignKey(
        "people.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("主持人")
    )
    entrustment = models.TextField(_("检察长委托"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    members = models.PositiveSmallIntegerField(_("委员总数"), default=0)
    opened_at = models.DateTimeField(_("开会时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("闭会时间"), null=True, blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)

    class Meta:
        verbose_name = _("检察委员会会议")
        verbose_name_plural = _("检察委员会会议")
        ordering = ["-scheduled_for", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["procuratorate", "year", "number"], name="one_meeting_number"
            )
        ]


class Attendance(Ledgered):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("会议")
    )
    member = models.ForeignKey(
        "people.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("委员")
    )
    present = models.BooleanField(_("出席"))
    note = models.CharField(_("缺席事由"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("出席情况")
        verbose_name_plural = _("出席情况")
        ordering = ["meeting_id", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance")]


class ItemKind(models.TextChoices):
    CASE = "case", _("案件")
    MATTER = "matter", _("其他重大事项")


class ItemStatus(models.TextChoices):
    LISTED = "listed", _("待审议")
    ADOPTED = "adopted", _("通过")
    REJECTED = "rejected", _("未通过")
    REFERRED = "referred", _("报请上级决定")


class AgendaItem(Ledgered):
    """One item on a meeting's agenda: a case referred to the committee (with the submission
    and the matter proposed) or another major matter; the presenting prosecutor's report;
    the members' votes; the result. The presenter answers for the facts reported, each
    member for their own opinion and vote (组织法 Art 33)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="items", verbose_name=_("会议")
    )
    order = models.PositiveSmallIntegerField(_("议题序号"))
    kind = models.CharField(_("类别"), max_length=8, choices=ItemKind.choices)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_items",
        verbose_name=_("案件"),
    )
    submission = models.ForeignKey(
        "cases.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_items",
        verbose_name=_("提请讨论的报请"),
    )
    matter = models.ForeignKey(
        "powers.Matter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("拟决定事项"),
    )
    title = models.CharField(_("议题"), max_length=200)
    presenter = models.ForeignKey(
        "people.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("汇报人")
    )
    report = models.TextField(_("汇报内容"))
    status = models.CharField(
        _("结果"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.LISTED
    )
    resolution = models.TextField(_("决定内容"), blank=True)
    decision = models.ForeignKey(
        "cases.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("形成的决定"),
    )
    votes_for = models.PositiveSmallIntegerField(_("同意票"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("不同意票"), default=0)
    abstentions = models.PositiveSmallIntegerField(_("弃权"), default=0)

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        ordering = ["meeting_id", "order"]
        constraints = [models.UniqueConstraint(fields=["meeting", "order"], name="one_item_order")]


class Vote(Ledgered):
    item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, related_name="votes", verbose_name=_("议题")
    )
    member = models.ForeignKey(
        "people.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("委员")
    )
    choice = models.CharField(_("表决"), max_length=8, choices=Position.choices)
    opinion = models.TextField(_("发表意见"))
    cast_at = models.DateTimeField(_("表决时间"))

    class Meta:
        verbose_name = _("表决")
        verbose_name_plural = _("表决")
        ordering = ["item_id", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="one_vote")]


class ReferralTo(models.TextChoices):
    HIGHER = "higher", _("上一级人民检察院")
    NPC_STANDING = "npc_standing", _("本级人民代表大会常务委员会")


class Referral(Ledgered):
    """The chief disagrees with the committee's majority (组织法 Art 32): a case goes to the
    next-higher procuratorate to decide; a major matter to it or to the people's congress
    standing committee. The answer, when it comes, is recorded on it."""

    item = models.OneToOneField(
        AgendaItem, on_delete=models.PROTECT, related_name="referral", verbose_name=_("议题")
    )
    to = models.CharField(_("报请对象"), max_length=12, choices=ReferralTo.choices)
    reasoning = models.TextField(_("理由"))
    referred_by = models.ForeignKey(
        "people.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("报请人")
    )
    referred_at = models.DateTimeField(_("报请时间"))
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    decision = models.ForeignKey(
        "cases.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上级院的决定"),
    )

    class Meta:
        verbose_name = _("报请上级决定")
        verbose_name_plural = _("报请上级决定")
        ordering = ["referred_at", "id"]
