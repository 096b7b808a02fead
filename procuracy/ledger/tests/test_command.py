"""`procuracy ledger …`: what each subcommand prints and its exit code (0 all holds, 1 a
problem found, 2 bad usage); keys, rotation and the worker's checkpoints."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from procuracy.core import jobs
from procuracy.ledger import checkpoints, keys, store
from procuracy.ledger.bundle import Bundle
from procuracy.ledger.checkpoint import Checkpoint as Body
from procuracy.ledger.merkle import leaf_hash, verify_consistency, verify_inclusion
from procuracy.ledger.models import Checkpoint
from procuracy.ledger.note import Verifier, open_note
from procuracy.people import services as people


def ledger(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("ledger", *args, stdout=out)
    except SystemExit as exit:
        return int(exit.code), out.getvalue()
    return 0, out.getvalue()


def absence(world, day: int):
    return people.record_absence(
        actor=world.actor(world.grace),
        staff=world.bob,
        kind="leave",
        starts_on=datetime.date(2025, 4, day),
        ends_on=datetime.date(2025, 4, day),
    )


@pytest.fixture
def signed(world):
    keys.keygen()
    checkpoints.make()
    return world


def test_checkpoint_prints_a_signed_note_in_the_tlog_checkpoint_form(world):
    keys.keygen()

    code, out = ledger("checkpoint")

    assert code == 0
    text, signers = open_note(out, keys.verifiers())
    body = Body.parse(text)
    assert body.origin == "procuracy/620000"
    assert body.size == store.size()
    assert body.root == store.root(store.size())
    assert [s.name for s in signers] == ["procuracy/620000"]


def test_an_empty_log_has_no_checkpoint(db):
    keys.keygen()

    code, out = ledger("checkpoint")

    assert code == 1
    assert "账本为空" in out.splitlines()[-1]
    assert not Checkpoint.objects.exists()


def test_without_a_key_no_checkpoint_is_made_and_the_way_out_is_named(world):
    code, out = ledger("checkpoint")

    assert code == 1
    assert "procuracy ledger keygen" in out.splitlines()[-1]


def test_two_checkpoints_of_one_size_are_one_checkpoint(signed):
    first = Checkpoint.objects.get()

    assert checkpoints.make() == first
    absence(signed, 1)
    assert checkpoints.make().size == first.size + 1
    assert Checkpoint.objects.count() == 2


def test_prove_prints_an_inclusion_proof_that_verifies(signed):
    row = absence(signed, 2)
    checkpoints.make()

    code, out = ledger("prove", str(row.ledger_seq))

    assert code == 0
    proof = json.loads(out)
    assert proof["entry"]["seq"] == row.ledger_seq
    assert proof["index"] == row.ledger_seq
    assert proof["tree_size"] == Checkpoint.objects.last().size
    raw = store.entry_bytes(row.ledger_seq)
    assert proof["leaf_hash"] == leaf_hash(raw).hex()
    verify_inclusion(
        proof["index"],
        proof["tree_size"],
        bytes.fromhex(proof["leaf_hash"]),
        [bytes.fromhex(h) for h in proof["proof"]],
        bytes.fromhex(proof["root"]),
    )


def test_prove_at_an_older_size_and_out_of_range_is_bad_usage(signed):
    size = Checkpoint.objects.get().size
    code, out = ledger("prove", "3", "--size", "10")
    assert code == 0
    assert json.loads(out)["tree_size"] == 10

    with pytest.raises(CommandError) as refused:
        ledger("prove", str(size), "--size", str(size))
    assert refused.value.returncode == 2
    assert "不在大小为" in str(refused.value)


def test_consistency_prints_a_proof_between_two_sizes_that_verifies(signed):
    absence(signed, 3)
    absence(signed, 4)
    new = store.size()

    code, out = ledger("consistency", "7", str(new))

    assert code == 0
    proof = json.loads(out)
    assert set(proof) == {"size1", "size2", "root1", "root2", "proof"}
    verify_consistency(
        7,
        new,
        bytes.fromhex(proof["root1"]),
        bytes.fromhex(proof["root2"]),
        [bytes.fromhex(h) for h in proof["proof"]],
    )
    with pytest.raises(CommandError) as refused:
        ledger("consistency", str(new), "7")
    assert refused.value.returncode == 2


def test_pubkey_after_a_rotation_lists_both_keys_and_old_checkpoints_still_verify(signed):
    old = Checkpoint.objects.get()
    before = keys.verifiers()

    keys.rotate()
    absence(signed, 5)
    new = checkpoints.make()
    code, out = ledger("pubkey")

    assert code == 0
    lines = out.split()
    assert len(lines) == 2
    assert lines[0] == before[0].vkey()
    assert Verifier.from_vkey(lines[-1]) == keys.signer().verifier()
    open_note(old.note, keys.verifiers())
    _, signers = open_note(new.note, keys.verifiers())
    assert signers[0].vkey() == lines[-1]
    assert ledger("verify")[0] == 0


def test_the_signing_key_file_is_readable_by_its_owner_only(db):
    keys.keygen()

    assert oct(keys.key_file().stat().st_mode & 0o777) == "0o600"
    assert "PRIVATE+KEY+procuracy/620000+" in keys.key_file().read_text()
    assert "PRIVATE" not in keys.verifier_file().read_text()


def test_a_bundle_verifies_offline_and_a_doctored_one_does_not(signed, tmp_path):
    row = absence(signed, 6)
    checkpoints.make()
    path = tmp_path / "entry.tlog-proof"

    assert ledger("bundle", str(row.ledger_seq), "--output", str(path))[0] == 0
    bundle = Bundle.parse(path.read_text())
    assert bundle.verify(keys.verifiers()).size == store.size()
    assert ledger("check-bundle", str(path))[0] == 0

    doctored = path.read_text().replace(f"index {row.ledger_seq}", f"index {row.ledger_seq - 1}")
    path.write_text(doctored)
    code, out = ledger("check-bundle", str(path))
    assert code == 1
    assert "not in the checkpoint's tree" in out.splitlines()[-1]


def test_verify_against_a_witness_checkpoint_signed_with_the_given_key(signed, tmp_path):
    witness = tmp_path / "witness.txt"
    witness.write_text(Checkpoint.objects.get().note)
    pub = tmp_path / "ledger.pub"
    pub.write_text(keys.verifiers()[0].vkey() + "\n")
    absence(signed, 7)

    assert ledger("verify", "--checkpoint", str(witness), "--key", str(pub))[0] == 0

    stranger = tmp_path / "stranger.pub"
    from procuracy.ledger.note import Signer

    stranger.write_text(Signer.generate("procuracy/620000").verifier().vkey() + "\n")
    code, out = ledger("verify", "--checkpoint", str(witness), "--key", str(stranger))
    assert code == 1
    assert "bad signature" in out.splitlines()[-1]


def test_verify_with_an_unreadable_checkpoint_file_is_bad_usage(signed, tmp_path):
    with pytest.raises(CommandError) as refused:
        ledger("verify", "--checkpoint", str(tmp_path / "missing.txt"))
    assert refused.value.returncode == 2


def test_no_subcommand_is_bad_usage_exit_2():
    done = subprocess.run(
        [sys.executable, "-m", "procuracy.manage", "ledger", "prove"],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "procuracy.settings"},
    )
    assert done.returncode == 2


def test_the_worker_signs_after_n_entries_or_t_minutes_never_otherwise(signed, settings):
    settings.PROCURACY_LEDGER_CHECKPOINT_ENTRIES = 3
    settings.PROCURACY_LEDGER_CHECKPOINT_MINUTES = 10
    jobs.autodiscover()
    sign = jobs.JOBS["ledger_checkpoint"].run
    made = Checkpoint.objects.get().made_at

    absence(signed, 8)
    with time_machine.travel(made + datetime.timedelta(minutes=1)):
        sign()
    assert Checkpoint.objects.count() == 1  # one entry, one minute: not yet

    with time_machine.travel(made + datetime.timedelta(minutes=11)):
        sign()
    assert Checkpoint.objects.count() == 2  # ten minutes with something new

    later = Checkpoint.objects.last().made_at
    with time_machine.travel(later + datetime.timedelta(minutes=30)):
        sign()
    assert Checkpoint.objects.count() == 2  # nothing new: nothing to sign

    for day in (9, 10, 11):
        absence(signed, day)
    with time_machine.travel(later + datetime.timedelta(minutes=1)):
        sign()
    assert Checkpoint.objects.count() == 3  # three entries


def test_a_failed_append_rolls_the_act_back(world, monkeypatch):
    """No act without its entry: when the append fails, the absence is not written either."""
    from procuracy.ledger.log import Appender
    from procuracy.people.models import Absence

    def broken(self, batch_size=2000):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Appender, "flush", broken)
    before = (Absence.objects.count(), store.size())

    with pytest.raises(RuntimeError):
        absence(world, 12)

    assert (Absence.objects.count(), store.size()) == before
