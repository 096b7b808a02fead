"""Each kind of tampering, done the way an insider would do it — plain SQL around the
application — and `procuracy ledger verify` naming it: the first bad entry and what is wrong."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command
from django.db import connection

from procuracy.caseorgs.models import Membership
from procuracy.core.models import Act
from procuracy.ledger import checkpoints, keys
from procuracy.ledger.canonical import commitment, content, dumps
from procuracy.ledger.merkle import leaf_hash
from procuracy.ledger.models import Checkpoint, Head, Node, node_key
from procuracy.ledger.tree import push
from procuracy.ledger.verify import verify
from procuracy.people import services as people


@pytest.fixture
def signed(world):
    """The world's log with a checkpoint over all of it."""
    keys.keygen()
    checkpoints.make()
    return world


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def run_verify(*args) -> tuple[int, list[str]]:
    """Exit code and output lines of `procuracy ledger verify`."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("ledger", "verify", *args, stdout=out)
    except SystemExit as exit:
        return int(exit.code), out.getvalue().splitlines()
    return 0, out.getvalue().splitlines()


def rebuild_tree() -> list[bytes]:
    """What an insider who knows the construction does: store every hash afresh."""
    sql("DELETE FROM ledger_node")
    peaks: list[bytes] = []
    nodes = []
    for i, raw in enumerate(Act.objects.order_by("seq").values_list("canonical", flat=True)):
        for level, index, h in push(i, peaks, leaf_hash(bytes(raw))):
            nodes.append(Node(key=node_key(level, index), hash=h))
    Node.objects.bulk_create(nodes)
    return peaks


def rewrite_entry_and_tree(seq: int, raw: bytes) -> None:
    sql("UPDATE core_act SET canonical = %s WHERE seq = %s", [raw, seq])
    Head.objects.update(peaks=b"".join(rebuild_tree()))


def sick_leave_of_bob(world):
    """An absence whose note is personal content: a reason for leave."""
    return people.record_absence(
        actor=world.actor(world.grace),
        staff=world.bob,
        kind="sick",
        starts_on=datetime.date(2025, 6, 2),
        ends_on=datetime.date(2025, 6, 3),
        note="住院治疗",
    )


def act(kind: str) -> Act:
    return Act.objects.filter(kind=kind).order_by("seq").first()


def test_an_untouched_log_verifies(signed):
    code, lines = run_verify()
    assert code == 0
    assert lines[-1].startswith("无误")


def test_editing_an_entrys_bytes_is_found(signed):
    target = act("org.team_formed")
    entry = json.loads(bytes(target.canonical))
    entry["actor"]["label"] = "某人"
    sql("UPDATE core_act SET canonical = %s WHERE seq = %s", [dumps(entry), target.seq])

    code, lines = run_verify()

    assert code == 1
    assert f"#{target.seq}: edited" in lines[-1]


def test_editing_an_acts_column_is_found(signed):
    target = act("people.position_appointed")
    sql("UPDATE core_act SET actor_label = %s WHERE seq = %s", ["某人", target.seq])

    report = verify()

    assert report.first().seq == target.seq
    assert report.first().what == "edited"
    assert "actor_label" in report.first().detail


def test_deleting_an_entry_is_found(signed):
    target = act("people.staff_registered")
    sql("DELETE FROM core_act WHERE seq = %s", [target.seq])

    code, lines = run_verify()

    assert code == 1
    assert f"#{target.seq}: deleted" in lines[-1]


def test_inserting_an_entry_is_found(signed):
    size = Head.objects.get().size
    forged = dumps({"seq": size, "kind": "org.member_added", "body": {}})
    sql(
        "INSERT INTO core_act (seq, kind, actor_label, subject_type, subject_id, occurred_at,"
        " recorded_at, body, visibility, canonical) VALUES"
        " (%s, 'org.member_added', '某人', 'caseorgs.membership', 1, %s, %s, '{}',"
        " 'procuratorate', %s)",
        [size, datetime.datetime.now(datetime.UTC), datetime.datetime.now(datetime.UTC), forged],
    )

    code, lines = run_verify()

    assert code == 1
    assert f"#{size}: inserted" in lines[-1]


def test_reordering_two_entries_is_found(signed):
    first, second = act("org.sole_formed").seq, act("org.team_formed").seq
    sql("UPDATE core_act SET seq = -1 WHERE seq = %s", [first])
    sql("UPDATE core_act SET seq = %s WHERE seq = %s", [first, second])
    sql("UPDATE core_act SET seq = %s WHERE seq = -1", [second])

    code, lines = run_verify()

    assert code == 1
    assert f"#{first}: reordered" in lines[-1]


def test_a_forged_checkpoint_signature_is_found(signed):
    row = Checkpoint.objects.get()
    note = row.note.replace(f"\n{row.size}\n", f"\n{row.size + 1}\n")
    sql("UPDATE ledger_checkpoint SET note = %s WHERE id = %s", [note, row.pk])

    code, lines = run_verify()

    assert code == 1
    assert "bad signature" in lines[-1]


def test_editing_a_membership_row_is_found(signed):
    membership = Membership.objects.get(org=signed.team, staff=signed.dave)
    sql("UPDATE caseorgs_membership SET role = 'lead' WHERE id = %s", [membership.pk])

    code, lines = run_verify()

    assert code == 1
    assert f"#{membership.ledger_seq}: row differs" in lines[-1]
    assert f"caseorgs.membership {membership.pk}" in lines[-1]


def test_a_row_written_around_the_application_is_found(signed):
    sql(
        "INSERT INTO people_absence (staff_id, kind, starts_on, ends_on, note, ledger_salt,"
        " ledger_hash) VALUES (%s, 'leave', '2025-05-01', '2025-05-02', '', '', '')",
        [signed.bob.pk],
    )

    report = verify()

    assert [p.what for p in report.problems] == ["row differs"]
    assert "around the application" in report.problems[0].detail


def test_deleting_a_row_an_act_wrote_is_found(signed):
    absence = people.record_absence(
        actor=signed.actor(signed.grace),
        staff=signed.bob,
        kind="leave",
        starts_on=datetime.date(2025, 5, 6),
        ends_on=datetime.date(2025, 5, 7),
    )
    sql("DELETE FROM people_absence WHERE id = %s", [absence.pk])

    report = verify()

    assert report.first().seq == absence.ledger_seq
    assert "is gone" in report.first().detail


def test_rewriting_an_entry_and_the_whole_tree_is_still_found_by_the_checkpoint(signed):
    """An insider who knows the construction edits an entry and rebuilds every stored hash
    to match: the tree is consistent again, but the signed checkpoint is not."""
    target = act("org.team_formed")
    entry = json.loads(bytes(target.canonical))
    entry["actor"]["label"] = "某人"
    sql("UPDATE core_act SET actor_label = %s WHERE seq = %s", ["某人", target.seq])
    rewrite_entry_and_tree(target.seq, dumps(entry))

    report = verify()

    assert [p.what for p in report.problems] == ["edited"]
    assert "checkpoint" in report.problems[0].detail


def test_truncating_the_log_is_found_by_a_witness_checkpoint(signed, tmp_path):
    witness = tmp_path / "witness.txt"
    witness.write_text(Checkpoint.objects.get().note)
    size = Head.objects.get().size
    # Cut the last entry and every trace of it, checkpoints included.
    sql("DELETE FROM core_act WHERE seq = %s", [size - 1])
    sql("DELETE FROM ledger_checkpoint")
    peaks = rebuild_tree()
    Head.objects.update(size=size - 1, peaks=b"".join(peaks))
    sql("UPDATE people_staff SET ledger_seq = NULL WHERE ledger_seq = %s", [size - 1])

    assert run_verify("--log-only")[0] == 0  # the database alone cannot tell
    code, lines = run_verify("--log-only", "--checkpoint", str(witness))

    assert code == 1
    assert f"#{size - 1}: deleted" in lines[-1]


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE core_act SET canonical = %s WHERE seq = 3",
        "UPDATE ledger_node SET hash = %s WHERE key = 0",
        "UPDATE ledger_head SET peaks = %s",
        "UPDATE ledger_checkpoint SET note = %s",
    ],
)
def test_a_corrupted_database_is_reported_never_crashed_on(signed, damage):
    sql(damage, [b"\xff\x00 not json"] if "note" not in damage else ["garbage\n"])

    code, lines = run_verify()

    assert code == 1
    assert "发现" in lines[-1]


def test_the_salted_hash_keeps_personal_content_out_of_the_entry(signed):
    absence = sick_leave_of_bob(signed)
    raw = bytes(Act.objects.get(seq=absence.ledger_seq).canonical)

    assert "住院治疗".encode() not in raw
    assert b"sick" not in raw
    assert absence.ledger_hash.encode() in raw


def test_a_rewrite_is_placed_after_the_last_checkpoint_that_still_holds(signed):
    absence = people.record_absence(
        actor=signed.actor(signed.grace),
        staff=signed.bob,
        kind="leave",
        starts_on=datetime.date(2025, 5, 6),
        ends_on=datetime.date(2025, 5, 7),
    )
    held = checkpoints.make().size - 1
    people.record_absence(
        actor=signed.actor(signed.grace),
        staff=signed.bob,
        kind="leave",
        starts_on=datetime.date(2025, 5, 12),
        ends_on=datetime.date(2025, 5, 13),
    )
    checkpoints.make()
    target = Act.objects.get(seq=absence.ledger_seq + 1)
    entry = json.loads(bytes(target.canonical))
    entry["body"]["staff"] = signed.alice.pk
    rewrite_entry_and_tree(target.seq, dumps(entry))

    report = verify(records=False)

    assert report.first().seq == held + 1
    assert f"from #{held + 1} to #{held + 1}" in report.first().detail


def test_changing_a_departments_business_lines_around_the_application_is_found(signed):
    department = signed.criminal
    sql(
        "DELETE FROM organisation_department_business_lines WHERE department_id = %s",
        [department.pk],
    )

    report = verify()

    assert report.first().seq == department.ledger_seq
    assert f"organisation.department {department.pk}" in report.first().detail


def test_withholding_personal_content_by_an_act_verifies_and_the_old_entry_still_binds(signed):
    absence = sick_leave_of_bob(signed)
    before = (absence.ledger_seq, bytes.fromhex(absence.ledger_salt), content(absence))

    people.correct_absence_note(actor=signed.actor(signed.grace), absence=absence, note="")

    assert verify().ok
    seq, salt, old = before
    (listed,) = json.loads(bytes(Act.objects.get(seq=seq).canonical))["rows"]
    assert listed["hash"] == commitment(salt, old)  # whoever kept the old content can show it
    assert absence.ledger_seq > seq
    assert "住院治疗".encode() not in bytes(Act.objects.get(seq=absence.ledger_seq).canonical)
