"""Half-open validity must mean the same in SQL (`.on(day)`) as in Python (`holds_on`), for any
interval and any day: every "on date D" figure and rule stands on it."""

import datetime

from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from procuracy.core.actors import Actor
from procuracy.organisation import services
from procuracy.organisation.models import Department, DepartmentKind, Level

days = st.dates(min_value=datetime.date(2015, 1, 1), max_value=datetime.date(2030, 12, 31))


class ValidityTest(TestCase):
    @given(start=days, length=st.one_of(st.none(), st.integers(1, 4000)), day=days)
    def test_on_a_day_agrees_with_holds_on(self, start, length, day):
        system = Actor.system()
        place = services.create_procuratorate(
            actor=system,
            code="629999",
            name="验证院",
            short_name="验证院",
            level=Level.PROVINCE,
            parent=None,
        )
        dept = services.open_department(
            actor=system,
            procuratorate=place,
            name="办公室",
            kind=DepartmentKind.ADMINISTRATIVE,
            valid_from=start,
        )
        if length is not None:
            services.close_department(
                actor=system, department=dept, on=start + datetime.timedelta(days=length)
            )
            dept.refresh_from_db()
        in_sql = Department.objects.on(day).filter(pk=dept.pk).exists()
        assert in_sql == dept.holds_on(day)
        assert in_sql == (start <= day and (length is None or day < dept.valid_to))
