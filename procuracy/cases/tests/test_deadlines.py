"""The statutory time limits, one test per rule: the counting of Art 105 over the real 2026
calendar (the State Council's notice as loaded), custody, month ends, excluded periods,
extensions, restarts and the limit on returns."""

from __future__ import annotations

import datetime

import pytest

from procuracy.cases import deadlines
from procuracy.cases.calendar import WorkingCalendar
from procuracy.cases.deadlines import (
    Exclusion,
    Extension,
    Length,
    Restart,
    check_return_allowed,
    expiry,
    warning_state,
)
from procuracy.cases.services import official_days
from procuracy.core.errors import RuleViolation

D = datetime.date
CHIEF = "韩川(检察长)"


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    """2026 as the State Council's notice has it, without a database."""
    rows = official_days(2026)
    return WorkingCalendar({d: k for d, k, _ in rows}, names={d: n for d, _, n in rows})


def test_arrest_review_of_a_detained_suspect_ends_seven_days_after_receipt(cal):
    deadline = expiry("arrest_review_detained", D(2026, 3, 2), calendar=cal, custody=True)
    assert deadline.day == D(2026, 3, 9)
    assert "第九十一条" in deadline.explanation[0]


def test_the_starting_day_is_not_counted(cal):
    # Received Monday 9 March: day 1 is the 10th, day 7 the 16th.
    assert expiry("arrest_review_detained", D(2026, 3, 9), calendar=cal, custody=True).day == D(
        2026, 3, 16
    )


def test_arrest_review_of_a_free_suspect_is_not_verified_and_can_be_overridden(cal, settings):
    free = expiry("arrest_review_free", D(2026, 3, 2), calendar=cal, custody=False)
    major = expiry(
        "arrest_review_free", D(2026, 3, 2), calendar=cal, custody=False, variant="major"
    )
    assert (free.day, major.day) == (D(2026, 3, 17), D(2026, 3, 23))  # 22 March is a Sunday
    assert not free.verified and any("未经核实" in line for line in free.explanation)

    settings.PROCURACY_TIME_LIMITS = {"arrest_review_free": {"days": 10, "verified": True}}
    assert expiry("arrest_review_free", D(2026, 3, 2), calendar=cal, custody=False).day == D(
        2026, 3, 12
    )


def test_prosecution_review_is_one_month(cal):
    deadline = expiry("prosecution_review", D(2026, 3, 10), calendar=cal, custody=True)
    assert deadline.day == D(2026, 4, 10)
    assert "刑事诉讼法第一百七十二条第一款" in deadline.explanation[0]


def test_a_major_case_may_have_fifteen_days_more_by_approval(cal):
    extension = Extension(Length(days=15), approver=CHIEF, reason="案情重大、复杂")
    deadline = expiry(
        "prosecution_review", D(2026, 3, 10), calendar=cal, custody=True, extensions=[extension]
    )
    assert deadline.day == D(2026, 4, 25)
    assert any(CHIEF in line and "案情重大、复杂" in line for line in deadline.explanation)


def test_an_extension_beyond_fifteen_days_or_without_an_approver_is_refused(cal):
    too_long = [Extension(Length(days=15), CHIEF, "复杂"), Extension(Length(days=1), CHIEF, "再")]
    with pytest.raises(RuleViolation, match="最多可以延长 15 日"):
        expiry(
            "prosecution_review", D(2026, 3, 10), calendar=cal, custody=True, extensions=too_long
        )
    with pytest.raises(RuleViolation, match="批准人和理由"):
        expiry(
            "prosecution_review",
            D(2026, 3, 10),
            calendar=cal,
            custody=True,
            extensions=[Extension(Length(days=15), approver="", reason="复杂")],
        )


def test_a_stage_the_law_gives_no_extension_refuses_one(cal):
    with pytest.raises(RuleViolation, match="未规定可以延长"):
        expiry(
            "arrest_review_detained",
            D(2026, 3, 2),
            calendar=cal,
            custody=True,
            extensions=[Extension(Length(days=3), CHIEF, "复杂")],
        )


def test_a_fast_track_guilty_plea_is_ten_days_or_fifteen_over_a_year(cal):
    ten = expiry("fast_track", D(2026, 3, 2), calendar=cal, custody=True)
    fifteen = expiry(
        "fast_track", D(2026, 3, 2), calendar=cal, custody=True, variant="over_one_year"
    )
    assert (ten.day, fifteen.day) == (D(2026, 3, 12), D(2026, 3, 17))


def test_an_unknown_variant_is_refused_with_the_ones_there_are(cal):
    with pytest.raises(RuleViolation, match="over_one_year"):
        expiry("fast_track", D(2026, 3, 2), calendar=cal, custody=True, variant="major")


def test_a_third_return_for_supplementary_investigation_is_refused():
    check_return_allowed(0)
    check_return_allowed(1)
    with pytest.raises(RuleViolation, match="以二次为限") as refused:
        check_return_allowed(2)
    assert "不起诉决定" in refused.value.rule


def test_supplementary_investigation_is_one_month(cal):
    assert expiry(
        "supplementary_investigation", D(2026, 3, 10), calendar=cal, custody=True
    ).day == D(2026, 4, 10)


def test_the_clock_restarts_on_resubmission(cal):
    deadline = expiry(
        "prosecution_review",
        D(2026, 3, 10),
        calendar=cal,
        custody=True,
        restarts=[Restart(D(2026, 4, 20))],
    )
    assert deadline.start == D(2026, 4, 20) and deadline.day == D(2026, 5, 20)
    assert "重新计算" in deadline.explanation[0] and "第一百七十五条" in deadline.explanation[0]


def test_a_change_of_jurisdiction_restarts_the_clock(cal):
    deadline = expiry(
        "prosecution_review",
        D(2026, 3, 10),
        calendar=cal,
        custody=True,
        restarts=[Restart(D(2026, 3, 25), deadlines.JURISDICTION)],
    )
    assert deadline.day == D(2026, 4, 25)
    assert "第一百七十二条第二款" in deadline.explanation[0]


def test_a_last_day_in_the_national_day_holiday_moves_to_the_next_working_day(cal):
    deadline = expiry("prosecution_review", D(2026, 9, 3), calendar=cal, custody=False)
    assert deadline.raw == D(2026, 10, 3) and deadline.day == D(2026, 10, 8)
    assert "期满日 2026-10-03 为节假日,顺延至 2026-10-08(刑事诉讼法第一百零五条)。" in (
        deadline.explanation
    )


def test_a_suspect_in_custody_gets_no_holiday_shift(cal):
    deadline = expiry("prosecution_review", D(2026, 9, 3), calendar=cal, custody=True)
    assert deadline.day == D(2026, 10, 3) and not deadline.shifted
    assert any("犯罪嫌疑人在押,期满日为节假日不顺延" in line for line in deadline.explanation)


def test_an_ordinary_weekend_moves_the_last_day_to_monday(cal):
    deadline = expiry("protest", D(2026, 3, 4), calendar=cal, custody=False)  # ten days: Sat
    assert (deadline.raw, deadline.day) == (D(2026, 3, 14), D(2026, 3, 16))


def test_a_make_up_working_day_is_a_working_day(cal):
    # 10 October 2026 is a Saturday worked for the National Day holiday: no shift.
    deadline = expiry("custody_necessity_reply", D(2026, 9, 30), calendar=cal, custody=False)
    assert deadline.day == D(2026, 10, 10) and not deadline.shifted


def test_one_month_from_the_last_of_january_ends_on_the_last_of_february(cal):
    deadline = expiry("prosecution_review", D(2026, 1, 31), calendar=cal, custody=True)
    assert deadline.day == D(2026, 2, 28)
    assert deadlines.add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert deadlines.add_months(D(2026, 12, 15), 1) == D(2027, 1, 15)


def test_an_excluded_period_pushes_the_expiry_by_its_length(cal):
    assessment = Exclusion(D(2026, 3, 15), D(2026, 3, 24))  # ten days, both included
    deadline = expiry(
        "prosecution_review", D(2026, 3, 10), calendar=cal, custody=True, excluded=[assessment]
    )
    assert deadline.day == D(2026, 4, 20)
    assert any("精神病鉴定" in line and "第一百四十九条" in line for line in deadline.explanation)


def test_only_the_excluded_days_after_the_start_count():
    period = Exclusion(D(2026, 3, 5), D(2026, 3, 14))
    assert period.days_after(D(2026, 3, 10)) == 4
    assert period.days_after(D(2026, 3, 20)) == 0


def test_protest_counts_from_the_day_after_receipt_ten_days_or_five_for_a_ruling(cal):
    judgment = expiry("protest", D(2026, 3, 2), calendar=cal, custody=True)
    ruling = expiry("protest", D(2026, 3, 2), calendar=cal, custody=True, variant="ruling")
    assert (judgment.day, ruling.day) == (D(2026, 3, 12), D(2026, 3, 7))


def test_the_other_short_limits(cal):
    start = D(2026, 3, 2)
    days = {
        "custody_necessity_reply": D(2026, 3, 12),
        "coercive_measure_change": D(2026, 3, 5),
        "victim_appeal": D(2026, 3, 9),
    }
    for stage, day in days.items():
        assert expiry(stage, start, calendar=cal, custody=True).day == day, stage


def test_every_limit_names_its_legal_basis_and_only_one_is_unverified():
    assert all(limit.basis for limit in deadlines.LIMITS.values())
    assert [c for c, limit in deadlines.LIMITS.items() if not limit.verified] == [
        "arrest_review_free"
    ]


def test_warning_state_is_ok_then_due_soon_then_overdue():
    end = D(2026, 4, 10)
    assert warning_state(end, D(2026, 4, 4), 5) == "ok"
    assert warning_state(end, D(2026, 4, 5), 5) == "due_soon"
    assert warning_state(end, end, 5) == "due_soon"
    assert warning_state(end, D(2026, 4, 11), 5) == "overdue"


def test_warning_days_follow_local_practice_and_can_be_configured(settings):
    assert deadlines.warn_days("prosecution_review") == 5
    assert deadlines.warn_days("arrest_review_detained") == 2
    settings.PROCURACY_TIME_LIMITS = {"prosecution_review": {"warn_days": 7}}
    assert deadlines.warn_days("prosecution_review") == 7


def test_an_unknown_stage_is_refused(cal):
    with pytest.raises(RuleViolation, match="没有代码为 nonsense 的期限"):
        expiry("nonsense", D(2026, 3, 2), calendar=cal, custody=True)
