"""The figures of oversight (`procuracy figures`, the figures page and API): leaders' own cases
by year, referrals to the committee and the chief's overrides, counted from acts made
through the review and committee services, per procuratorate and year, in the reader's
scope."""

from __future__ import annotations

import io
import json

from django.core.management import call_command
from django.utils import timezone

from procuracy.cases import lifecycle
from procuracy.cases.tests.test_lifecycle import handling
from procuracy.core.models import today
from procuracy.figures.selectors import report_figures
from procuracy.oversight import committee, review
from procuracy.oversight.tests.leaders_support import SYSTEM, assign, at, chief_sole

YEAR = today().year


def section(actor, key: str) -> dict:
    found = report_figures(actor)["sections"][key]
    return found | {"values": {i["key"]: i["value"] for i in found["items"]}}


def by_year(found: dict) -> dict:
    return {
        row["key"]: dict(zip(found["years"], row["counts"], strict=True))
        for row in found["by_year"]
    }


def on_agenda(world, submission):
    """A committee of three, a meeting, and the submission on its agenda."""
    committee.set_committee(
        actor=SYSTEM,
        procuratorate=world.base,
        members=[world.chief, world.head, world.carol],
        valid_from=today(),
        reference="城关区人大常委会任免〔2025〕1号",
    )
    chief = world.actor(world.chief)
    meeting = committee.schedule_meeting(
        actor=chief, procuratorate=world.base, scheduled_for=timezone.now(), chair=world.chief
    )
    return committee.add_agenda_item(
        actor=chief, meeting=meeting, submission=submission, presenter=world.alice, report="汇报"
    )


def _reviewed(world, submitted):
    review.review(actor=world.actor(world.head), decision=submitted, agree=True, opinion="同意")
    submitted.refresh_from_db()
    return submitted


def test_an_override_and_a_reexamination_are_counted_once_each(world, submitted):
    pending = _reviewed(world, submitted)
    chief, alice = world.actor(world.chief), world.actor(world.alice)
    review.order_reexamination(actor=chief, decision=pending, opinion="社会危险性论证不足")
    review.answer_reexamination(actor=alice, decision=pending, opinion="补充论证后仍建议批捕")
    made = lifecycle.decide(
        actor=chief, case=pending.case, matter="refuse_arrest", reasoning="不构成逮捕条件"
    )
    # Changed after an objection, to another binding decision: still one proposal overridden.
    objection = review.object_to(actor=alice, decision=made, text="应当逮捕")
    review.answer_objection(
        actor=chief,
        objection=objection,
        maintain=False,
        text="改为另一决定",
        matter="discretionary_non_prosecution",
    )
    found = section(SYSTEM, "chief_overrides")
    assert found["values"] == {"overrides": 1, "reexaminations": 1, "committee_overrides": 0}
    assert by_year(found)["overrides"] == {YEAR: 1}
    assert found["by_procuratorate"] == [
        {
            "procuratorate": "城关区院",
            "key": "overrides",
            "label": "检察长(副检察长)直接作出不同决定",
            "counts": [1],
            "total": 1,
        },
        {
            "procuratorate": "城关区院",
            "key": "reexaminations",
            "label": "要求承办检察官复核",
            "counts": [1],
            "total": 1,
        },
    ]
    # The other base's prosecutor sees none of it.
    assert section(world.actor(world.olga), "chief_overrides")["values"]["overrides"] == 0


def test_an_agreed_decision_is_no_override(world, submitted):
    pending = _reviewed(world, submitted)
    lifecycle.decide(
        actor=world.actor(world.chief), case=pending.case, matter="approve_arrest", reasoning="同意"
    )
    assert section(SYSTEM, "chief_overrides")["values"]["overrides"] == 0


def test_referrals_by_the_chief_and_by_the_list_and_the_cases_on_the_agenda(
    world, clerk, submitted
):
    # The chief refers a major arrest review (his to decide) to the committee.
    pending = _reviewed(world, submitted)
    review.refer_to_committee(
        actor=world.actor(world.chief), decision=pending, opinion="案情重大,提请检委会讨论"
    )
    # The list gives a major prosecution to the committee after two reviews.
    case = handling(world, clerk, flags=["major"])
    prosecution = lifecycle.submit_decision(
        actor=world.actor(world.alice), case=case, matter="prosecute", reasoning="建议起诉"
    )
    review.review(actor=world.actor(world.head), decision=prosecution, agree=True, opinion="同意")
    found = section(SYSTEM, "committee_referrals")
    assert found["values"]["by_list"] == 0  # one review to go
    review.review(actor=world.actor(world.chief), decision=prosecution, agree=True, opinion="上会")
    prosecution.refresh_from_db()
    on_agenda(world, prosecution)
    found = section(SYSTEM, "committee_referrals")
    assert found["values"] == {"referred": 2, "by_chief": 1, "by_list": 1, "on_agenda": 1}
    assert by_year(found) == {"by_chief": {YEAR: 1}, "by_list": {YEAR: 1}, "on_agenda": {YEAR: 1}}
    assert section(world.actor(world.olga), "committee_referrals")["values"]["referred"] == 0


def test_leaders_cases_by_year_per_procuratorate_and_in_the_command(world):
    org = chief_sole(world)
    for year, n in ((2023, 1), (2024, 2)):
        for i in range(n):
            assign(world, org, at(year, 3 + i))
    found = section(SYSTEM, "leaders_cases")
    assert found["values"] == {"2023": 1, "2024": 2}
    assert found["rising"] is True and "逐年上升,与报告一致" in found["note"]
    assert by_year(found) == {"cases": {2023: 1, 2024: 2}, "leaders": {2023: 1, 2024: 1}}
    assert [(r["procuratorate"], r["counts"]) for r in found["by_procuratorate"]] == [
        ("城关区院", [1, 2])
    ]
    assert section(world.actor(world.olga), "leaders_cases")["years"] == []
    out = io.StringIO()
    call_command("figures", stdout=out)
    text = out.getvalue()
    assert "领导干部办案(按年度" in text and "按检察院和年度" in text
    out = io.StringIO()
    call_command("figures", "--json", "--as", "chief", stdout=out)
    sections = json.loads(out.getvalue())["sections"]
    assert sections["leaders_cases"]["by_year"][0]["counts"] == [1, 2]
    assert {"committee_referrals", "chief_overrides"} <= set(sections)
