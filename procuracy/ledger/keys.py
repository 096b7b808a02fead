"""The checkpoint signing key and the verifier keys, kept in files in the data folder and
never in the database: whoever can write the database must not be able to sign for it.

- The signing key (C2SP "PRIVATE+KEY+…" form) is made at set-up (`procuracy ledger keygen`),
  readable by its owner only, and read only by whoever makes checkpoints.
- The verifier file lists every verifier key the installation has signed with, the current
  one last, so that after a rotation (`procuracy ledger rotate-key`) old checkpoints still
  verify. docs/ledger.md says how to back both up.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from procuracy.ledger.note import NoteError, Signer, Verifier


class KeyMissing(Exception):
    """No signing key in the data folder; the message says how to make one."""


def origin() -> str:
    return settings.PROCURACY_LEDGER_ORIGIN


def key_file() -> Path:
    return Path(settings.PROCURACY_LEDGER_KEY_FILE)


def verifier_file() -> Path:
    return Path(settings.PROCURACY_LEDGER_VERIFIER_FILE)


def _write_private(path: Path, text: str) -> None:
    """Write-then-rename, readable by the owner only."""
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(temporary, path)


def _add_verifier(verifier: Verifier) -> None:
    keys = [v.vkey() for v in verifiers()]
    if verifier.vkey() not in keys:
        keys.append(verifier.vkey())
    temporary = verifier_file().with_suffix(".tmp")
    temporary.write_text("".join(k + "\n" for k in keys))
    os.replace(temporary, verifier_file())


def signer() -> Signer:
    try:
        return Signer.from_skey(key_file().read_text())
    except FileNotFoundError:
        raise KeyMissing(
            _("没有账本签名密钥 %(file)s;请运行 procuracy ledger keygen。") % {"file": key_file()}
        ) from None


def verifiers() -> list[Verifier]:
    """Every verifier key the installation has used, oldest first."""
    try:
        lines = verifier_file().read_text().splitlines()
    except FileNotFoundError:
        return []
    return [Verifier.from_vkey(line) for line in lines if line.strip()]


def keygen() -> tuple[Verifier, bool]:
    """Make the signing key if there is none. Returns its verifier and whether it is new."""
    if key_file().exists():
        current = signer()
        _add_verifier(current.verifier())
        return current.verifier(), False
    made = Signer.generate(origin())
    _add_verifier(made.verifier())
    _write_private(key_file(), made.skey() + "\n")
    return made.verifier(), True


def rotate() -> Verifier:
    """Replace the signing key with a new one. The old verifier key stays in the verifier
    file (old checkpoints go on verifying); the old signing key is overwritten."""
    signer()  # there must be a key to rotate (KeyMissing says how to make one)
    made = Signer.generate(origin())
    _add_verifier(made.verifier())
    _write_private(key_file(), made.skey() + "\n")
    return made.verifier()


__all__ = ["KeyMissing", "NoteError", "keygen", "origin", "rotate", "signer", "verifiers"]
