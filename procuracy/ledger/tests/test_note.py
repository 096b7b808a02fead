"""Signed notes and checkpoints, checked against the published example of Go's
golang.org/x/mod/sumdb/note (its PeterNeumann key) and against tampering."""

import pytest

from procuracy.ledger import merkle
from procuracy.ledger.checkpoint import Checkpoint, CheckpointError
from procuracy.ledger.note import NoteError, Signer, Verifier, open_note, sign

SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
SIGNED = (
    TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXg"
    "KvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_keys_and_signature_match_gos_published_example():
    signer = Signer.from_skey(SKEY)
    assert signer.verifier().vkey() == VKEY
    assert signer.skey() == SKEY
    assert sign(TEXT, signer) == SIGNED
    text, signed = open_note(SIGNED, [Verifier.from_vkey(VKEY)])
    assert text == TEXT and [v.name for v in signed] == ["PeterNeumann"]


def test_a_changed_text_or_signature_is_refused():
    verifier = Verifier.from_vkey(VKEY)
    with pytest.raises(NoteError, match="does not verify"):
        open_note(SIGNED.replace("cryptography", "cryptanalysis"), [verifier])
    with pytest.raises(NoteError):
        open_note(SIGNED.replace("x08go", "x08gp"), [verifier])


def test_a_note_no_known_key_signed_is_refused_and_others_signatures_are_passed_over():
    ours = Signer.generate("procuracy.example/620000")
    witness = Signer.generate("witness.example")
    note = sign(TEXT, ours, witness)
    with pytest.raises(NoteError, match="no known key"):
        open_note(note, [Verifier.from_vkey(VKEY)])
    assert open_note(note, [ours.verifier()])[1] == [ours.verifier()]


def test_a_verifier_key_whose_hash_does_not_match_is_refused():
    with pytest.raises(NoteError, match="does not match"):
        Verifier.from_vkey(VKEY.replace("c74f20a3", "c74f20a4"))
    with pytest.raises(NoteError):
        Verifier.from_vkey("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")


def test_a_checkpoint_is_origin_size_and_root_and_reads_back():
    root = merkle.root([merkle.leaf_hash(b"a"), merkle.leaf_hash(b"b")])
    checkpoint = Checkpoint("procuracy.example/620000", 2, root)
    body = checkpoint.body()
    assert body.splitlines()[:2] == ["procuracy.example/620000", "2"]
    assert Checkpoint.parse(body) == checkpoint
    signer = Signer.generate("procuracy.example/620000")
    text, _ = open_note(sign(body, signer), [signer.verifier()])
    assert Checkpoint.parse(text) == checkpoint


@pytest.mark.parametrize(
    "body",
    [
        "origin\n2\n",
        "origin\n-1\nAAAA\n",
        "origin\n02\n" + "A" * 43 + "=\n",
        "origin\n2\nnot base64!\n",
        "origin\n2\nAAAA\n",
    ],
)
def test_a_checkpoint_that_is_not_one_is_refused(body):
    with pytest.raises(CheckpointError):
        Checkpoint.parse(body)
