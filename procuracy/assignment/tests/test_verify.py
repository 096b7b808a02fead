"""Recomputing a draw from the ledger alone: it matches as recorded, and any change to the
committed inputs, the assignment, the recorded choice or the stored tree is reported in words;
every draw of the ledger is checked in batches, in as many queries for many draws as for few."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from procuracy.assignment import draw, services
from procuracy.assignment.models import Assignment
from procuracy.assignment.tests.test_services import receive
from procuracy.assignment.verify import verify_all, verify_case
from procuracy.core.actors import Actor
from procuracy.core.models import Act
from procuracy.ledger import store, tree
from procuracy.ledger.canonical import dumps
from procuracy.ledger.models import Node, node_key
from procuracy.people import services as people

AT = datetime.datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def drawn(world):
    people.appoint(
        actor=Actor.system(),
        staff=world.frank,
        kind="case_management",
        department=None,
        valid_from=datetime.date(2020, 1, 1),
    )
    clerk = world.actor(world.frank)
    return services.draw_case(actor=clerk, case=receive(world, clerk), occurred_at=AT)


def test_a_draw_recomputed_from_the_ledger_matches(drawn):
    [check] = verify_case(drawn.assignment.case)
    assert check.matches, check.problems
    assert check.recorded == check.outcome.chosen == drawn.assignment.org_id
    assert check.seq == drawn.seq
    assert "重算一致" in check.sentence


def test_the_recomputation_needs_nothing_but_the_entry_bytes_and_the_root(drawn):
    """What a third party does: the body of entry s, the root of the tree of size s + 1."""
    import json

    entry = json.loads(store.entry_bytes(drawn.seq))
    assert dumps(entry["body"]) == draw.commitment(drawn.inputs)
    outcome = draw.draw(draw.DrawInputs.from_json(entry["body"]), store.root(drawn.seq + 1))
    assert outcome.chosen == drawn.assignment.org_id


def test_a_changed_commitment_is_reported(drawn):
    act = Act.objects.get(seq=drawn.seq)
    body = dict(act.body)
    body["pool"] = [{**m, "load": m["load"] + 1000} for m in body["pool"]]
    Act.objects.filter(pk=act.pk).update(body=body)
    [check] = verify_case(drawn.assignment.case)
    assert not check.matches
    assert "可读副本与账本条目不符" in check.sentence


def test_a_changed_entry_is_reported_against_the_tree(drawn):
    act = Act.objects.get(seq=drawn.seq)
    raw = bytes(act.canonical).replace(b'"max_distance":300', b'"max_distance":900')
    Act.objects.filter(pk=act.pk).update(canonical=raw)
    [check] = verify_case(drawn.assignment.case)
    assert "与默克尔树不符" in check.sentence


def test_a_changed_assignment_is_reported(drawn):
    other = next(m.org for m in drawn.inputs.pool if m.org != drawn.assignment.org_id)
    Assignment.objects.filter(pk=drawn.assignment.pk).update(org_id=other)
    [check] = verify_case(drawn.assignment.case)
    assert not check.matches
    assert f"分案记录的办案组织是 {other}" in check.sentence


def test_a_changed_record_of_the_choice_is_reported(drawn):
    act = Act.objects.get(kind="assignment.drawn")
    Act.objects.filter(pk=act.pk).update(body={**act.body, "org": 0})
    [check] = verify_case(drawn.assignment.case)
    assert not check.matches


def test_verify_all_checks_every_draw(drawn):
    checks = verify_all()
    assert [c.seq for c in checks] == [drawn.seq]
    assert all(c.matches for c in checks)


def more_draws(world, n: int) -> list[services.Drawn]:
    clerk = world.actor(world.frank)
    return [
        services.draw_case(
            actor=clerk, case=receive(world, clerk), occurred_at=AT + datetime.timedelta(minutes=i)
        )
        for i in range(1, n + 1)
    ]


def test_verify_all_in_small_batches_finds_the_one_changed_draw(world, drawn):
    draws = [drawn, *more_draws(world, 4)]
    changed = draws[2]
    other = next(m.org for m in changed.inputs.pool if m.org != changed.assignment.org_id)
    Assignment.objects.filter(pk=changed.assignment.pk).update(org_id=other)
    checks = verify_all(batch=2)  # three batches: 2, 2 and 1
    assert [c.seq for c in checks] == [d.seq for d in draws]
    assert [c.case for c in checks] == [d.assignment.case.number for d in draws]
    assert [c.recorded for c in checks] == [
        other if d is changed else d.assignment.org_id for d in draws
    ]
    assert [c.matches for c in checks] == [True, True, False, True, True]
    assert checks[2].problems == [
        f"分案记录的办案组织是 {other},重算结果是 {changed.assignment.org_id}"
    ]


def test_verify_all_reads_as_many_queries_for_six_draws_as_for_two(world, drawn):
    more_draws(world, 1)
    with CaptureQueriesContext(connection) as few:
        assert len(verify_all()) == 2
    more_draws(world, 4)
    with CaptureQueriesContext(connection) as many:
        assert len(verify_all()) == 6
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as batched:
        assert len(verify_all(batch=4)) == 6
    assert len(batched) == 2 * len(few)  # each batch reads what a whole small ledger does


def test_a_missing_subtree_leaves_the_draw_unverifiable_and_says_so(drawn):
    level, index = tree.parts(0, drawn.seq + 1)[0]  # the largest subtree of the root
    assert level > 0  # not the entry's own leaf
    Node.objects.filter(key=node_key(level, index)).delete()
    [check] = verify_case(drawn.assignment.case)
    assert check.unverifiable and check.outcome is None
    assert check.problems == [f"账本第 {drawn.seq} 条无法据以重算"]


def test_the_ledger_verifies_after_a_draw_and_a_reassignment(world, drawn):
    from io import StringIO

    from django.core.management import call_command

    target = next(m.org for m in drawn.inputs.pool if m.org != drawn.assignment.org_id)
    services.reassign_case(
        actor=world.actor(world.chief),
        case=drawn.assignment.case,
        org=drawn.pool.orgs[target],
        reason="staff_change",
        reasoning="原承办检察官调离",
    )
    call_command("ledger", "verify", stdout=StringIO())  # exits non-zero on any problem
    [check] = verify_case(drawn.assignment.case)
    assert check.matches  # the ended draw still recomputes
