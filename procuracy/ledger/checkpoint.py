"""The ledger's checkpoints in the C2SP tlog-checkpoint form (c2sp.org/tlog-checkpoint): the
body of a signed note that names the log (its origin), the tree size and the root hash.

    procuracy.example/620000
    1234
    <base64 of the 32-byte root>
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from procuracy.ledger.merkle import HASH_SIZE


class CheckpointError(ValueError):
    """A checkpoint body that is not one; the message says why."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def __post_init__(self):
        if not self.origin or "\n" in self.origin:
            raise CheckpointError("the origin is one non-empty line")
        if self.size < 0:
            raise CheckpointError("a tree size is not negative")
        if len(self.root) != HASH_SIZE:
            raise CheckpointError(f"a root hash is {HASH_SIZE} bytes")

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    @classmethod
    def parse(cls, body: str) -> Checkpoint:
        """The first three lines; any further lines are extensions, kept out of this form."""
        lines = body.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise CheckpointError("a checkpoint is origin, size and root, each on its line")
        origin, size, root = lines[:3]
        if not size.isdigit() or (size != "0" and size.startswith("0")):
            raise CheckpointError(f"not a tree size: {size!r}")
        try:
            raw = base64.b64decode(root, validate=True)
        except binascii.Error:
            raise CheckpointError(f"not a base64 root: {root!r}") from None
        return cls(origin, int(size), raw)
