"""A transaction that appends several acts locks and reads the head once and keeps it
(log.Appender.current): each act still lands right after the last one that stands, whatever
was rolled back in between, and the root a draw seeds from is the stored tree's."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from procuracy.core.actors import Actor
from procuracy.core.models import Act
from procuracy.core.spine import ledger_head
from procuracy.ledger import store
from procuracy.ledger.log import Appender
from procuracy.ledger.verify import verify
from procuracy.organisation import services as organisation
from procuracy.organisation.models import Level
from procuracy.people import services as people
from procuracy.people.models import Absence


class Undone(Exception):
    pass


def absence(world, day: int) -> Absence:
    return people.record_absence(
        actor=world.actor(world.grace),
        staff=world.bob,
        kind="leave",
        starts_on=datetime.date(2025, 6, day),
        ends_on=datetime.date(2025, 6, day),
    )


def head_reads(captured) -> int:
    return sum('FROM "ledger_head"' in q["sql"] for q in captured.captured_queries)


def assert_log_whole() -> None:
    size = store.size()
    assert sorted(Act.objects.values_list("seq", flat=True)) == list(range(size))
    assert ledger_head() == (size, store.root(size))
    assert verify().problems == []


def test_acts_of_one_transaction_read_the_head_once_and_follow_each_other(world):
    Appender.forget()  # as at the start of a transaction (the test's holds the world's acts)
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        first, second, third = (absence(world, day) for day in (2, 3, 4))

    assert head_reads(captured) == 1
    assert [first.ledger_seq + 1, first.ledger_seq + 2] == [second.ledger_seq, third.ledger_seq]
    assert_log_whole()


def test_the_root_after_an_act_is_the_stored_trees_without_reading_the_head(world):
    with transaction.atomic():
        absence(world, 2)
        with CaptureQueriesContext(connection) as captured:
            size, root = ledger_head()

        assert captured.captured_queries == []
        assert (size, root) == (store.size(), store.root(size))


def test_an_act_rolled_back_by_its_caller_leaves_its_number_to_the_next(world):
    with transaction.atomic():
        kept = absence(world, 2)
        with pytest.raises(Undone), transaction.atomic():
            absence(world, 3)
            raise Undone
        after = absence(world, 4)

    assert after.ledger_seq == kept.ledger_seq + 1
    assert not Absence.objects.filter(starts_on=datetime.date(2025, 6, 3)).exists()
    assert_log_whole()


def test_an_append_that_failed_leaves_the_next_act_its_number(world, monkeypatch):
    real = Appender.flush
    calls = []

    def fails_once(self, batch_size=2000):
        calls.append(self)
        if len(calls) == 1:
            raise RuntimeError("disk full")
        real(self, batch_size)

    with transaction.atomic():
        kept = absence(world, 2)
        monkeypatch.setattr(Appender, "flush", fails_once)
        with pytest.raises(RuntimeError):
            absence(world, 3)
        after = absence(world, 4)

    assert after.ledger_seq == kept.ledger_seq + 1
    assert_log_whole()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one writer at a time on SQLite")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_act_after_another_writers_transaction_follows_it():
    """What a committed transaction held is not taken for the head of the next: another
    writer may have appended in between."""
    system = Actor.system()

    def create(code: str) -> None:
        organisation.create_procuratorate(
            actor=system,
            code=code,
            name=f"测试院 {code}",
            short_name=code,
            level=Level.PROVINCE,
            parent=None,
        )

    def elsewhere() -> None:
        try:
            create("900002")
        finally:
            connection.close()  # this thread's own connection

    create("900001")
    other = threading.Thread(target=elsewhere)
    other.start()
    other.join()
    create("900003")

    created = Act.objects.filter(kind="org.procuratorate_created").order_by("seq")
    assert [a.body["code"] for a in created] == ["900001", "900002", "900003"]
    assert_log_whole()
