"""`procuracy committee …`: the procuratorial committee from the command line — read or set its
members; schedule a meeting, put items on its agenda, open it with the attendance, record the
members' votes, announce an item's result (or the chief's referral upward), answer a referral,
close it with the minutes; show a meeting. Each act through its service as `--as LOGIN`.

A person is named by login, by staff number (#12) or by name at the procuratorate; a meeting
by its number (12) or by year and number at one's own procuratorate (2026-3).

Exit codes: 0 done; 1 refused (the act is not allowed or breaks a rule; nothing written), or
no such meeting among those one may read; 2 bad usage (an unknown login, person or date).
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from procuracy.cases.models import Decision, DecisionStatus
from procuracy.core.actors import Actor
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.management.acts import REFUSED, add_actor_argument, usage
from procuracy.core.management.acts import actor_named as _actor
from procuracy.core.management.acts import dumps as _dumps
from procuracy.core.models import today
from procuracy.core.scope import can_see
from procuracy.organisation.models import Procuratorate
from procuracy.oversight import committee
from procuracy.oversight.committee_api import MeetingDetail
from procuracy.oversight.models import AgendaItem, Meeting, Position, Referral, ReferralTo
from procuracy.people.models import Staff


class Command(BaseCommand):
    help = _(
        "检察委员会:查看或设定委员;安排会议、列入议题、宣布开会(出席情况)、记录表决、"
        "宣布表决结果(或检察长报请上级决定)、答复报请、闭会(会议纪要);查看会议。"
        "退出码:0 完成,1 拒绝或未找到,2 用法错误。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)

        def act(name, help):
            p = sub.add_parser(name, help=help)
            add_actor_argument(p)
            return p

        p = act("members", _("查看检察委员会委员;加 --set 设定委员组成(政治部或检察长)"))
        p.add_argument("--procuratorate", help=_("院代码(默认本院)"))
        p.add_argument("--on", help=_("日期 YYYY-MM-DD(默认今天)"))
        p.add_argument("--set", dest="members", help=_("全体委员,以逗号分隔(登录名、#编号或姓名)"))
        p.add_argument("--from", dest="valid_from", help=_("新委员组成的起始日期"))
        p.add_argument("--reference", default="", help=_("任免文号或依据"))
        p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))

        p = act("schedule", _("安排会议(检察长)"))
        p.add_argument("--at", required=True, help=_("会议时间 YYYY-MM-DDTHH:MM"))
        p.add_argument("--chair", required=True, help=_("主持人:检察长,或受委托的副检察长"))
        p.add_argument("--entrustment", default="", help=_("检察长的书面委托(副检察长主持时)"))

        p = act("agenda", _("列入议题(检察长)"))
        p.add_argument("meeting", help=_("会议:编号,或 年度-届次"))
        p.add_argument("--case", help=_("提请检察委员会讨论的案件的案号"))
        p.add_argument("--title", default="", help=_("其他重大事项的议题"))
        p.add_argument("--matter", default="", help=_("拟决定事项代码(默认报请的事项)"))
        p.add_argument("--presenter", required=True, help=_("汇报人(案件由承办检察官汇报)"))
        p.add_argument("--report", required=True, help=_("汇报内容"))

        p = act("open", _("宣布开会,记录出席情况(主持人)"))
        p.add_argument("meeting", help=_("会议:编号,或 年度-届次"))
        p.add_argument("--present", required=True, help=_("出席委员,以逗号分隔"))
        p.add_argument(
            "--absent",
            action="append",
            default=[],
            metavar="PERSON:REASON",
            help=_("缺席委员及事由,可重复"),
        )

        p = act("vote", _("记录委员表决(主持人)"))
        p.add_argument("item", type=int, help=_("议题编号"))
        p.add_argument(
            "--vote",
            action="append",
            required=True,
            metavar="PERSON:CHOICE:OPINION",
            help=_("委员:for/against/abstain:意见,可重复"),
        )

        p = act("resolve", _("宣布表决结果(主持人)"))
        p.add_argument("item", type=int, help=_("议题编号"))
        p.add_argument("--resolution", required=True, help=_("决定内容"))
        p.add_argument(
            "--chief-disagrees", action="store_true", help=_("检察长不同意多数委员的意见")
        )
        p.add_argument("--to", default="", choices=["", *ReferralTo.values], help=_("报请对象"))
        p.add_argument("--reasoning", default="", help=_("检察长的理由"))

        p = act("refer-answer", _("答复报请决定的事项(上一级院)"))
        p.add_argument("referral", type=int, help=_("报请编号"))
        p.add_argument("--answer", required=True, help=_("答复(决定)内容"))
        p.add_argument("--matter", default="", help=_("案件:上一级院决定的事项代码"))

        p = act("close", _("闭会,记录会议纪要(主持人)"))
        p.add_argument("meeting", help=_("会议:编号,或 年度-届次"))
        p.add_argument("--minutes", required=True, help=_("会议纪要"))

        p = act("show", _("查看会议"))
        p.add_argument("meeting", nargs="?", help=_("会议:编号,或 年度-届次;不填则列出会议"))
        p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))

    def handle(self, *args, action, **options):
        try:
            actor = _actor(options.pop("login"))
            getattr(self, "do_" + action.replace("-", "_"))(actor, **options)
        except ActDenied as denied:
            raise CommandError(denied.reason, returncode=REFUSED) from None
        except RuleViolation as broken:
            raise CommandError(broken.rule, returncode=REFUSED) from None

    def console(self) -> Console:
        out = getattr(self.stdout, "_out", self.stdout)
        terminal = getattr(out, "isatty", lambda: False)()
        return Console(file=out, highlight=False, width=None if terminal else 200)  # type: ignore[arg-type]

    # ---- members -------------------------------------------------------------------------

    def do_members(self, actor, procuratorate, on, members, valid_from, reference, **options):
        place = _place(actor, procuratorate)
        day = _date(on) if on else today()
        if members:
            if not valid_from:
                raise usage(_("设定委员须用 --from 指明起始日期。"))
            day = _date(valid_from)
            committee.set_committee(
                actor=actor,
                procuratorate=place,
                members=[_person(text, place) for text in _split(members)],
                valid_from=day,
                reference=reference,
            )
            self.stdout.write(_("已设定检察委员会委员,自 %(day)s 起。") % {"day": day})
        found = committee.members_on(place, day)
        if options["json"]:
            data = [
                {
                    "id": m.staff.pk,
                    "name": m.staff.name,
                    "since": m.since.isoformat(),
                    "roles": list(m.roles),
                }
                for m in found
            ]
            self.stdout.write(_dumps({"procuratorate": place.code, "on": day, "members": data}))
            return
        if not found:
            self.stdout.write(_("%(place)s尚未设定检察委员会委员。") % {"place": place.short_name})
            return
        table = Table(
            title=_("%(place)s检察委员会委员(%(day)s,%(n)s 人)")
            % {"place": place.short_name, "day": day, "n": len(found)}
        )
        for column in (_("编号"), _("姓名"), _("职务"), _("任职起始日期")):
            table.add_column(column)
        for m in found:
            roles = committee.role_label(m.roles) or _("委员")
            table.add_row(f"#{m.staff.pk}", m.staff.name, roles, m.since.isoformat())
        self.console().print(table)

    # ---- a meeting -----------------------------------------------------------------------

    def do_schedule(self, actor, at, chair, entrustment, **options):
        place = _own(actor)
        meeting = committee.schedule_meeting(
            actor=actor,
            procuratorate=place,
            scheduled_for=_moment(at),
            chair=_person(chair, place),
            entrustment=entrustment,
        )
        self.stdout.write(
            _("已安排 %(year)s 年第 %(number)s 次会议(编号 %(id)s),主持人 %(chair)s。")
            % {
                "year": meeting.year,
                "number": meeting.number,
                "id": meeting.pk,
                "chair": meeting.chair.name,
            }
        )

    def do_agenda(self, actor, meeting, case, title, matter, presenter, report, **options):
        found = _meeting(actor, meeting)
        place = found.procuratorate
        submission = _submission(case, place) if case else None
        item = committee.add_agenda_item(
            actor=actor,
            meeting=found,
            submission=submission,
            title=title,
            matter=matter,
            presenter=_person(presenter, place),
            report=report,
        )
        self.stdout.write(
            _("已列入议题 %(order)s(编号 %(id)s):%(title)s")
            % {"order": item.order, "id": item.pk, "title": item.title}
        )

    def do_open(self, actor, meeting, present, absent, **options):
        found = _meeting(actor, meeting)
        place = found.procuratorate
        notes = {}
        for text in absent:
            who, sep, reason = text.partition(":")
            if not sep:
                raise usage(_("缺席的写法应为 PERSON:REASON:%(text)s") % {"text": text})
            notes[_person(who, place)] = reason
        done = committee.open_meeting(
            actor=actor,
            meeting=found,
            present=[_person(text, place) for text in _split(present)],
            absent_notes=notes,
        )
        here = done.attendance.filter(present=True).count()
        self.stdout.write(
            _("会议开始:出席委员 %(present)s 人,全体委员 %(total)s 人。")
            % {"present": here, "total": done.members}
        )

    def do_vote(self, actor, item, vote, **options):
        found = _item(actor, item)
        place = found.meeting.procuratorate
        votes = []
        for text in vote:
            parts = text.split(":", 2)
            if len(parts) != 3 or parts[1] not in Position.values:
                raise usage(
                    _("表决的写法应为 PERSON:for|against|abstain:OPINION:%(text)s") % {"text": text}
                )
            votes.append((_person(parts[0], place), parts[1], parts[2]))
        rows = committee.record_votes(actor=actor, item=found, votes=votes)
        self.stdout.write(_("已记录 %(n)s 名委员的表决。") % {"n": len(rows)})

    def do_resolve(self, actor, item, resolution, chief_disagrees, to, reasoning, **options):
        found = committee.resolve_item(
            actor=actor,
            item=_item(actor, item),
            resolution=resolution,
            chief_disagrees=chief_disagrees,
            referral_to=to,
            reasoning=reasoning,
        )
        self.stdout.write(
            _("议题“%(title)s”:%(status)s(同意 %(a)s,不同意 %(b)s,弃权 %(c)s)。")
            % {
                "title": found.title,
                "status": found.get_status_display(),
                "a": found.votes_for,
                "b": found.votes_against,
                "c": found.abstentions,
            }
        )
        if found.decision_id:
            self.stdout.write(_("形成检察委员会的决定,案件转入执行决定。"))

    def do_refer_answer(self, actor, referral, answer, matter, **options):
        found = (
            Referral.objects.select_related("item__meeting__procuratorate__parent")
            .filter(pk=referral, item__meeting__in=committee.meetings(actor).values("pk"))
            .first()
        )
        if found is None:
            raise CommandError(
                _("没有可以查阅的编号为 %(id)s 的报请。") % {"id": referral}, returncode=REFUSED
            )
        done = committee.answer_referral(actor=actor, referral=found, answer=answer, matter=matter)
        self.stdout.write(_("已答复报请(编号 %(id)s)。") % {"id": done.pk})

    def do_close(self, actor, meeting, minutes, **options):
        found = committee.close_meeting(
            actor=actor, meeting=_meeting(actor, meeting), minutes=minutes
        )
        self.stdout.write(
            _("%(year)s 年第 %(number)s 次会议已闭会。")
            % {"year": found.year, "number": found.number}
        )

    def do_show(self, actor, meeting, **options):
        if not meeting:
            return self._list(actor, options["json"])
        found = _meeting(actor, meeting)
        data = MeetingDetail.from_orm(found).model_dump(mode="json")
        if options["json"]:
            self.stdout.write(_dumps(data))
            return
        self.stdout.write(
            _("%(place)s %(year)s 年第 %(number)s 次检察委员会会议(编号 %(id)s):%(status)s")
            % {
                "place": found.procuratorate.short_name,
                "year": found.year,
                "number": found.number,
                "id": found.pk,
                "status": found.get_status_display(),
            }
        )
        self.stdout.write(
            _("会议时间 %(when)s;主持人 %(chair)s;全体委员 %(n)s 人。")
            % {
                "when": timezone.localtime(found.scheduled_for).strftime("%Y-%m-%d %H:%M"),
                "chair": found.chair.name,
                "n": found.members,
            }
        )
        if found.entrustment:
            self.stdout.write(_("检察长委托:%(text)s") % {"text": found.entrustment})
        if data["attendance"]:
            here = [a["member"]["name"] for a in data["attendance"] if a["present"]]
            away = [
                f"{a['member']['name']}({a['note']})" if a["note"] else a["member"]["name"]
                for a in data["attendance"]
                if not a["present"]
            ]
            self.stdout.write(_("出席:%(names)s") % {"names": "、".join(here)})
            if away:
                self.stdout.write(_("缺席:%(names)s") % {"names": "、".join(away)})
        for item in data["items"]:
            self._item(item)
        if found.minutes:
            self.stdout.write(_("会议纪要:%(text)s") % {"text": found.minutes})

    def _item(self, item: dict) -> None:
        self.stdout.write(
            _("议题 %(order)s(编号 %(id)s):%(title)s — %(status)s")
            % {
                "order": item["order"],
                "id": item["id"],
                "title": item["title"],
                "status": item["status_label"],
            }
        )
        self.stdout.write("  " + _("汇报人 %(name)s") % {"name": item["presenter"]["name"]})
        if item["votes"]:
            table = Table(show_header=True)
            for column in (_("委员"), _("表决"), _("意见")):
                table.add_column(column)
            for v in item["votes"]:
                table.add_row(v["member"]["name"], v["choice_label"], v["opinion"])
            self.console().print(table)
        if item["status"] != "listed":
            self.stdout.write(
                "  "
                + _("同意 %(a)s,不同意 %(b)s,弃权 %(c)s;须 %(need)s 票同意。决定内容:%(text)s")
                % {
                    "a": item["votes_for"],
                    "b": item["votes_against"],
                    "c": item["abstentions"],
                    "need": item["adopted_needs"],
                    "text": item["resolution"],
                }
            )
        referral = item["referral"]
        if referral:
            self.stdout.write(
                "  "
                + _("报请%(to)s决定(编号 %(id)s):%(why)s;答复:%(answer)s")
                % {
                    "to": referral["to_label"],
                    "id": referral["id"],
                    "why": referral["reasoning"],
                    "answer": referral["answer"] or _("尚未答复"),
                }
            )

    def _list(self, actor: Actor, as_json: bool) -> None:
        rows = list(committee.meetings(actor)[:200])
        if as_json:
            data = [
                {
                    "id": m.pk,
                    "procuratorate": m.procuratorate.code,
                    "year": m.year,
                    "number": m.number,
                    "scheduled_for": m.scheduled_for.isoformat(),
                    "chair": m.chair.name,
                    "status": m.status,
                    "items": m.item_count,
                }
                for m in rows
            ]
            self.stdout.write(_dumps(data))
            return
        if not rows:
            self.stdout.write(_("没有可以查阅的检察委员会会议。"))
            return
        table = Table(title=_("检察委员会会议"))
        for column in (_("编号"), _("检察院"), _("会议"), _("会议时间"), _("主持人"), _("议题")):
            table.add_column(column)
        table.add_column(_("状态"))
        for m in rows:
            table.add_row(
                str(m.pk),
                m.procuratorate.short_name,
                _("%(year)s 年第 %(number)s 次") % {"year": m.year, "number": m.number},
                timezone.localtime(m.scheduled_for).strftime("%Y-%m-%d %H:%M"),
                m.chair.name,
                str(m.item_count),
                m.get_status_display(),
            )
        self.console().print(table)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("、", ",").replace(",", ",").split(",") if part]


def _own(actor: Actor) -> Procuratorate:
    if actor.staff is None:
        raise usage(_("%(login)s 不是本系统的工作人员。") % {"login": actor.login})
    return actor.staff.procuratorate


def _place(actor: Actor, code: str | None) -> Procuratorate:
    if not code:
        return _own(actor)
    found = Procuratorate.objects.filter(code=code).first()
    if found is None or not can_see(actor, found):
        raise usage(_("没有院代码为 %(code)s 的检察院。") % {"code": code})
    return found


def _person(text: str, place) -> Staff:
    """A login, a staff number (#12) or a name at the procuratorate."""
    text = text.strip()
    if text.startswith("#") and text[1:].isdigit():
        found = Staff.objects.filter(pk=int(text[1:])).first()
    else:
        user = get_user_model().objects.filter(username=text).select_related("staff").first()
        found = getattr(user, "staff", None) if user else None
        if found is None:
            named = list(Staff.objects.filter(procuratorate=place, name=text)[:2])
            found = named[0] if len(named) == 1 else None
    if found is None:
        raise usage(
            _("找不到工作人员:%(text)s(请用登录名、#编号或本院唯一的姓名)。") % {"text": text}
        )
    return found


def _meeting(actor: Actor, text: str) -> Meeting:
    rows = committee.meetings(actor)
    if text.isdigit():
        found = rows.filter(pk=int(text)).first()
    else:
        year, _sep, number = text.partition("-")
        if not (year.isdigit() and number.isdigit()):
            raise usage(_("会议的写法应为编号或 年度-届次:%(text)s") % {"text": text})
        found = rows.filter(procuratorate=_own(actor), year=int(year), number=int(number)).first()
    if found is None:
        raise CommandError(_("没有可以查阅的会议 %(text)s。") % {"text": text}, returncode=REFUSED)
    return committee.meeting_for(actor, found.pk)


def _item(actor: Actor, pk: int) -> AgendaItem:
    found = (
        AgendaItem.objects.select_related("meeting__procuratorate", "meeting__chair")
        .filter(pk=pk, meeting__in=committee.meetings(actor).values("pk"))
        .first()
    )
    if found is None:
        raise CommandError(_("没有可以查阅的议题 %(id)s。") % {"id": pk}, returncode=REFUSED)
    return found


def _submission(number: str, place) -> Decision:
    found = (
        Decision.objects.filter(
            case__number=number, case__procuratorate=place, status=DecisionStatus.REFERRED
        )
        .select_related("case")
        .first()
    )
    if found is None:
        raise CommandError(
            _("案件 %(number)s 没有提请检察委员会讨论的报请。") % {"number": number},
            returncode=REFUSED,
        )
    return found


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise usage(_("日期格式应为 YYYY-MM-DD:%(text)s") % {"text": text}) from None


def _moment(text: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise usage(_("时间格式应为 YYYY-MM-DDTHH:MM:%(text)s") % {"text": text}) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment
