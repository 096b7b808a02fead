"""C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys: the envelope of the ledger's
checkpoints, in the format Go's golang.org/x/mod/sumdb/note reads and writes.

A note is text ending in a newline, a blank line, then one line per signature:
"— <key name> <base64(key hash ‖ signature)>". A key hash is the first four bytes of
SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public key); a verifier key is written "name+hash+base64(0x01 ‖
public key)", a signing key "PRIVATE+KEY+name+hash+base64(0x01 ‖ seed)".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = b"\x01"
DASH = "\u2014 "


class NoteError(ValueError):
    """A malformed key or note, or a note no known key signed; the message says which."""


def _check_name(name: str) -> str:
    if not name or "+" in name or any(c.isspace() for c in name):
        raise NoteError(f"a key name has no '+' and no spaces: {name!r}")
    return name


def _key_hash(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public_key).digest()[:4]


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise NoteError(f"not base64: {text!r}") from None


@dataclass(frozen=True)
class Verifier:
    name: str
    public_key: bytes = field(repr=False)

    @property
    def key_hash(self) -> bytes:
        return _key_hash(self.name, self.public_key)

    @classmethod
    def from_vkey(cls, vkey: str) -> Verifier:
        try:
            name, hash_hex, key = vkey.strip().split("+", 2)
        except ValueError:
            raise NoteError(f"a verifier key is name+hash+key: {vkey!r}") from None
        raw = _b64(key)
        if len(raw) != 33 or raw[:1] != ED25519:
            raise NoteError("only Ed25519 verifier keys are known here")
        verifier = cls(_check_name(name), raw[1:])
        if verifier.key_hash.hex() != hash_hex:
            raise NoteError(f"the key hash of {name} does not match its key")
        return verifier

    def vkey(self) -> str:
        key = base64.b64encode(ED25519 + self.public_key).decode()
        return f"{self.name}+{self.key_hash.hex()}+{key}"

    def verifies(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    name: str
    private_key: Ed25519PrivateKey = field(repr=False)

    @classmethod
    def generate(cls, name: str) -> Signer:
        return cls(_check_name(name), Ed25519PrivateKey.generate())

    @classmethod
    def from_skey(cls, skey: str) -> Signer:
        try:
            private, key_word, name, hash_hex, key = skey.strip().split("+", 4)
        except ValueError:
            raise NoteError("a signing key is PRIVATE+KEY+name+hash+key") from None
        raw = _b64(key)
        if (private, key_word) != ("PRIVATE", "KEY") or len(raw) != 33 or raw[:1] != ED25519:
            raise NoteError("not an Ed25519 signing key")
        signer = cls(_check_name(name), Ed25519PrivateKey.from_private_bytes(raw[1:]))
        if signer.verifier().key_hash.hex() != hash_hex:
            raise NoteError(f"the key hash of {name} does not match its key")
        return signer

    def skey(self) -> str:
        seed = self.private_key.private_bytes_raw()
        key = base64.b64encode(ED25519 + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier().key_hash.hex()}+{key}"

    def verifier(self) -> Verifier:
        public = self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return Verifier(self.name, public)

    def signature_line(self, text: str) -> str:
        signature = self.private_key.sign(text.encode())
        blob = base64.b64encode(self.verifier().key_hash + signature).decode()
        return f"{DASH}{self.name} {blob}\n"


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("a note's text ends with a newline")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteError("a note's text has no control characters but newlines")


def sign(text: str, *signers: Signer) -> str:
    """The signed note: the text, a blank line, one signature line per signer."""
    _check_text(text)
    return text + "\n" + "".join(s.signature_line(text) for s in signers)


def open_note(note: str, verifiers: list[Verifier]) -> tuple[str, list[Verifier]]:
    """The note's text and which of `verifiers` signed it. Raises NoteError when the note is
    malformed, a signature by a known key is bad, or no known key signed it."""
    text, sep, signatures = note.rpartition("\n\n")
    if not sep or not signatures.endswith("\n"):
        raise NoteError("a signed note is text, a blank line, then signature lines")
    text += "\n"
    _check_text(text)
    known = {(v.name, v.key_hash): v for v in verifiers}
    signed: list[Verifier] = []
    for line in signatures.splitlines():
        if not line.startswith(DASH) or line.count(" ") != 2:
            raise NoteError(f"not a signature line: {line!r}")
        name, blob = line[len(DASH) :].split(" ")
        raw = _b64(blob)
        if len(raw) < 5:
            raise NoteError(f"a signature too short to hold a key hash: {line!r}")
        verifier = known.get((name, raw[:4]))
        if verifier is None:
            continue  # someone else's signature (a witness's): not ours to judge
        if not verifier.verifies(text.encode(), raw[4:]):
            raise NoteError(f"the signature of {name} does not verify")
        signed.append(verifier)
    if not signed:
        raise NoteError("no known key signed this note")
    return text, signed
