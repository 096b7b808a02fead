"""Small presentation helpers the shared components and pages use: labels and tones."""

from __future__ import annotations

import functools

from django import template
from django.utils.translation import pgettext_lazy

register = template.Library()

# Badge tones for the codes pages show as badges (levels, organisation kinds, categories);
# the CSS defines one colour pair with AA contrast per tone.
TONES = {
    "province": "navy",
    "city": "green",
    "branch": "amber",
    "base": "slate",
    "sole": "blue",
    "team": "green",
    "lead": "navy",
    "prosecutor": "navy",
    "assistant": "green",
    "clerk": "amber",
}

ACT_LABELS = {
    "org.procuratorate_created": pgettext_lazy("act", "设立检察院"),
    "org.department_opened": pgettext_lazy("act", "设立内设机构"),
    "org.department_closed": pgettext_lazy("act", "撤销内设机构"),
    "org.sole_formed": pgettext_lazy("act", "组建独任检察官办案组织"),
    "org.team_formed": pgettext_lazy("act", "组建检察官办案组"),
    "org.member_added": pgettext_lazy("act", "增补办案组织成员"),
    "org.member_removed": pgettext_lazy("act", "成员离开办案组织"),
    "org.lead_changed": pgettext_lazy("act", "更换主办检察官"),
    "org.dissolved": pgettext_lazy("act", "撤销办案组织"),
    "people.staff_registered": pgettext_lazy("act", "登记入职"),
    "people.staff_transferred": pgettext_lazy("act", "调动"),
    "people.staff_left": pgettext_lazy("act", "离职"),
    "people.position_appointed": pgettext_lazy("act", "任职"),
    "people.position_ended": pgettext_lazy("act", "免职"),
    "people.absence_recorded": pgettext_lazy("act", "登记离岗"),
    "people.absence_corrected": pgettext_lazy("act", "更正离岗说明"),
    "people.grade_recorded": pgettext_lazy("act", "确定检察官等级"),
    "people.rank_recorded": pgettext_lazy("act", "确定职级"),
    "people.quota_entered": pgettext_lazy("act", "进入员额"),
    "people.quota_exited": pgettext_lazy("act", "退出员额"),
    "people.account_opened": pgettext_lazy("act", "开设登录账号"),
    "powers.list_created": pgettext_lazy("act", "设立权力清单"),
    "powers.version_drafted": pgettext_lazy("act", "起草权力清单版本"),
    "powers.item_added": pgettext_lazy("act", "增加清单事项"),
    "powers.item_changed": pgettext_lazy("act", "修改清单事项"),
    "powers.item_removed": pgettext_lazy("act", "删除清单事项"),
    "powers.version_approved": pgettext_lazy("act", "批准权力清单"),
    "powers.version_discarded": pgettext_lazy("act", "废弃清单草稿"),
    "powers.delegated": pgettext_lazy("act", "书面授权"),
    "powers.delegation_revoked": pgettext_lazy("act", "撤销授权"),
    "powers.refused": pgettext_lazy("act", "操作被拒绝"),
    "cases.received": pgettext_lazy("act", "受理案件"),
    "assignment.draw_committed": pgettext_lazy("act", "提交随机分案输入"),
    "assignment.drawn": pgettext_lazy("act", "随机分案"),
    "assignment.designated": pgettext_lazy("act", "指定分案"),
    "assignment.reassigned": pgettext_lazy("act", "改派"),
    "people.conflict_declared": pgettext_lazy("act", "申报利益冲突"),
    "people.conflict_withdrawn": pgettext_lazy("act", "撤回利益冲突申报"),
    "assignment.scheme_drafted": pgettext_lazy("act", "起草分案方案"),
    "assignment.scheme_revised": pgettext_lazy("act", "修改分案方案草稿"),
    "assignment.scheme_discarded": pgettext_lazy("act", "废弃分案方案草稿"),
    "assignment.scheme_approved": pgettext_lazy("act", "批准分案方案"),
    "cases.started": pgettext_lazy("act", "开始办理"),
    "cases.submitted": pgettext_lazy("act", "报请决定"),
    "cases.decided": pgettext_lazy("act", "作出决定"),
    "cases.period_excluded": pgettext_lazy("act", "记录不计入期限的期间"),
    "cases.stage_variant_set": pgettext_lazy("act", "认定期限适用的情形"),
    "cases.resubmitted": pgettext_lazy("act", "受理重新移送"),
    "cases.concluded": pgettext_lazy("act", "结案"),
    "cases.archived": pgettext_lazy("act", "归档"),
    "cases.sealed_read": pgettext_lazy("act", "查阅封存案件"),
    "cases.calendar_loaded": pgettext_lazy("act", "载入全年节假日安排"),
    "cases.calendar_marked": pgettext_lazy("act", "标记节假日或调休上班日"),
    "cases.calendar_unmarked": pgettext_lazy("act", "取消日历标记"),
    "cases.executed": pgettext_lazy("act", "执行决定"),
    "oversight.reviewed": pgettext_lazy("act", "审核报请"),
    "oversight.joint_meeting_held": pgettext_lazy("act", "召开检察官联席会议"),
    "oversight.joint_opinion_signed": pgettext_lazy("act", "在联席会议意见上签名"),
    "oversight.reexamination_ordered": pgettext_lazy("act", "要求复核"),
    "oversight.reexamined": pgettext_lazy("act", "提出复核意见"),
    "oversight.referred_to_committee": pgettext_lazy("act", "提请检察委员会讨论"),
    "oversight.objection_filed": pgettext_lazy("act", "提出书面异议"),
    "oversight.objection_answered": pgettext_lazy("act", "答复书面异议"),
    "oversight.instruction_issued": pgettext_lazy("act", "签发书面指令"),
    "oversight.instruction_complied": pgettext_lazy("act", "报告指令执行情况"),
    "oversight.report_filed": pgettext_lazy("act", "向检察长报告"),
    "oversight.report_read": pgettext_lazy("act", "检察长阅示报告"),
    "oversight.committee_set": pgettext_lazy("act", "设定检察委员会委员"),
    "oversight.meeting_scheduled": pgettext_lazy("act", "安排检察委员会会议"),
    "oversight.agenda_item_added": pgettext_lazy("act", "列入检察委员会议题"),
    "oversight.meeting_opened": pgettext_lazy("act", "检察委员会会议开始(出席情况)"),
    "oversight.votes_recorded": pgettext_lazy("act", "记录委员表决"),
    "oversight.item_adopted": pgettext_lazy("act", "检察委员会议题通过"),
    "oversight.item_rejected": pgettext_lazy("act", "检察委员会议题未通过"),
    "oversight.item_referred": pgettext_lazy("act", "检察长不同意多数意见,报请决定"),
    "oversight.referral_answered": pgettext_lazy("act", "答复报请决定的事项"),
    "oversight.meeting_closed": pgettext_lazy("act", "检察委员会闭会(会议纪要)"),
}

LEAD_ROLES = ("sole", "lead")


@functools.cache
def _choices(kind: str) -> dict:
    from procuracy.caseorgs.models import Role
    from procuracy.organisation.models import Level
    from procuracy.people.models import Category, Employment

    classes = {"category": Category, "employment": Employment, "level": Level, "role": Role}
    return dict(classes[kind].choices)


@register.filter
def label(code: str, kind: str) -> str:
    """`{{ staff.category|label:"category" }}`: what get_category_display() gives, without
    its cost (it evaluates every lazy label of the field's choices on each call), which a
    list of fifty rows pays fifty times."""
    return str(_choices(kind).get(code, code))


@register.filter
def tone(code: str) -> str:
    return TONES.get(code, "slate")


@register.filter
def act_label(kind: str) -> str:
    """A later issue's act without a label here still shows, by its code."""
    return str(ACT_LABELS.get(kind, kind))


@register.filter
def grade_label(grade: int | None) -> str:
    from procuracy.people.models import Grade

    return str(Grade(grade).label) if grade else ""


@register.filter
def rank_label(rank: str | None) -> str:
    from procuracy.people.models import Rank

    return str(Rank(rank).label) if rank else ""


@register.filter
def lead_of(org):
    """The sole or lead prosecutor among the members prefetched by caseorgs.selectors.orgs."""
    for member in getattr(org, "current_members", ()):
        if member.role in LEAD_ROLES:
            return member.staff
    return None


@register.filter
def holds_on(row, day) -> bool:
    return row.holds_on(day)
