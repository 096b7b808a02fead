"""An entry's proof bundle: one file a third party verifies offline, in the C2SP tlog-proof
form (c2sp.org/tlog-proof). The entry's canonical bytes travel as the `extra` data; the
verifier hashes them into the leaf itself, so nothing in the file is taken on trust:

    c2sp.org/tlog-proof@v1
    extra <base64 of the entry's canonical bytes>
    index <sequence number>
    <base64 hash of the inclusion proof, one per line>

    <the signed checkpoint>
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from procuracy.ledger.checkpoint import Checkpoint, CheckpointError
from procuracy.ledger.merkle import HASH_SIZE, ProofError, leaf_hash, verify_inclusion
from procuracy.ledger.note import NoteError, Verifier, open_note

HEADER = "c2sp.org/tlog-proof@v1"


class BundleError(ValueError):
    """A bundle that is malformed or does not prove its entry; the message says why."""


@dataclass(frozen=True)
class Bundle:
    entry: bytes
    index: int
    proof: list[bytes]
    checkpoint: str  # the signed note, verbatim

    def text(self) -> str:
        lines = [HEADER, f"extra {base64.b64encode(self.entry).decode()}", f"index {self.index}"]
        lines += [base64.b64encode(h).decode() for h in self.proof]
        return "\n".join(lines) + "\n\n" + self.checkpoint

    @classmethod
    def parse(cls, text: str) -> Bundle:
        head, sep, checkpoint = text.partition("\n\n")
        lines = head.split("\n")
        if not sep or lines[0] != HEADER:
            raise BundleError(f"a proof bundle starts with {HEADER} and a blank line ends it")
        lines = lines[1:]
        entry = b""
        try:
            if lines and lines[0].startswith("extra "):
                entry = base64.b64decode(lines.pop(0)[6:], validate=True)
            if not lines or not lines[0].startswith("index "):
                raise BundleError("no index line")
            index_text = lines.pop(0)[6:]
            if not index_text.isdigit():
                raise BundleError(f"not an index: {index_text!r}")
            proof = [base64.b64decode(line, validate=True) for line in lines]
        except binascii.Error as failure:
            raise BundleError(f"not base64: {failure}") from None
        if any(len(h) != HASH_SIZE for h in proof):
            raise BundleError(f"every proof hash is {HASH_SIZE} bytes")
        return cls(entry, int(index_text), proof, checkpoint)

    def verify(self, verifiers: list[Verifier], origin: str | None = None) -> Checkpoint:
        """Returns the checkpoint when a known key signed it and the entry is in its tree at
        `index`; raises BundleError otherwise."""
        try:
            text, _signers = open_note(self.checkpoint, verifiers)
            checkpoint = Checkpoint.parse(text)
        except (NoteError, CheckpointError) as failure:
            raise BundleError(f"the checkpoint: {failure}") from None
        if origin is not None and checkpoint.origin != origin:
            raise BundleError(f"the checkpoint is of another log: {checkpoint.origin}")
        try:
            verify_inclusion(
                self.index, checkpoint.size, leaf_hash(self.entry), self.proof, checkpoint.root
            )
        except ProofError as failure:
            raise BundleError(f"the entry is not in the checkpoint's tree: {failure}") from None
        return checkpoint
