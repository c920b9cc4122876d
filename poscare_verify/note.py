"""C2SP signed notes (Ed25519) and tlog checkpoints: signing, parsing, verifying.

Format (c2sp.org/signed-note, c2sp.org/tlog-checkpoint):
  verifier key  <name>+<8 hex key id>+<base64(0x01 || 32-byte Ed25519 public key)>
  signer key    PRIVATE+KEY+<name>+<8 hex key id>+<base64(0x01 || 32-byte seed)>
  note          <text ending in a newline>\\n— <name> <base64(4-byte key id || signature)>\\n …
  checkpoint    the text "<origin>\\n<tree size>\\n<base64 root hash>\\n"
The key id is the first four bytes of SHA-256(name || 0x0A || 0x01 || public key).
Only the standard library and `cryptography` are used, so the standalone verifier can use it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ALG_ED25519 = 1
SIGNATURE_PREFIX = "— "  # an em dash and a space
MAX_NOTE_SIZE = 1_000_000


class NoteError(ValueError):
    """A key, note or checkpoint that is malformed or does not verify (English message)."""


def key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([ALG_ED25519]) + public_key).digest()[:4]


def _check_name(name: str) -> None:
    if not name or "+" in name or any(ch.isspace() for ch in name):
        raise NoteError(f"key name {name!r} must be non-empty, without '+' or spaces")


@dataclass(frozen=True)
class Verifier:
    name: str
    key_id: bytes
    public_key: Ed25519PublicKey

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3:
            raise NoteError("a verifier key has the form name+keyid+base64key")
        name, hex_id, encoded = parts
        _check_name(name)
        try:
            raw = base64.b64decode(encoded, validate=True)
            wanted_id = bytes.fromhex(hex_id)
        except (binascii.Error, ValueError) as error:
            raise NoteError("verifier key is not valid hex/base64") from error
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise NoteError("verifier key is not an Ed25519 key (type 0x01, 32 bytes)")
        if key_id(name, raw[1:]) != wanted_id:
            raise NoteError("verifier key id does not match its name and key")
        return cls(name, wanted_id, Ed25519PublicKey.from_public_bytes(raw[1:]))

    def verify(self, text: bytes, signature: bytes) -> bool:
        try:
            self.public_key.verify(signature, text)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    name: str
    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls, name: str) -> Signer:
        _check_name(name)
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def parse(cls, skey: str) -> Signer:
        parts = skey.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("a signer key has the form PRIVATE+KEY+name+keyid+base64key")
        name, hex_id, encoded = parts[2:]
        _check_name(name)
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error as error:
            raise NoteError("signer key is not valid base64") from error
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise NoteError("signer key is not an Ed25519 key (type 0x01, 32 bytes)")
        signer = cls(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
        if signer.key_id.hex() != hex_id.lower():
            raise NoteError("signer key id does not match its name and key")
        return signer

    @property
    def public_bytes(self) -> bytes:
        return self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.public_bytes)

    def verifier_key(self) -> str:
        encoded = base64.b64encode(bytes([ALG_ED25519]) + self.public_bytes).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    def signer_key(self) -> str:
        seed = self.private_key.private_bytes_raw()
        encoded = base64.b64encode(bytes([ALG_ED25519]) + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.key_id.hex()}+{encoded}"

    def sign(self, text: str) -> str:
        """The signed note: `text` (must end in a newline), a blank line, one signature."""
        if not text.endswith("\n") or "\n\n" in text:
            raise NoteError("note text must end in a newline and contain no blank line")
        signature = self.private_key.sign(text.encode())
        encoded = base64.b64encode(self.key_id + signature).decode()
        return f"{text}\n{SIGNATURE_PREFIX}{self.name} {encoded}\n"


def split_note(note: str) -> tuple[str, list[tuple[str, bytes]]]:
    """(text, [(signer name, key id + signature)]) of a signed note."""
    if len(note) > MAX_NOTE_SIZE:
        raise NoteError("note is too large")
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise NoteError("not a signed note: no blank line before the signatures")
    text, block = note[: cut + 1], note[cut + 2 :]
    signatures = []
    for line in block.splitlines():
        if not line.startswith(SIGNATURE_PREFIX) or line.count(" ") != 2:
            raise NoteError(f"malformed signature line {line!r}")
        name, encoded = line[len(SIGNATURE_PREFIX) :].split(" ")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error as error:
            raise NoteError("signature is not valid base64") from error
        if len(raw) < 5:
            raise NoteError("signature is too short")
        signatures.append((name, raw))
    if not signatures:
        raise NoteError("note has no signature")
    return text, signatures


def open_note(note: str, verifier: Verifier) -> str:
    """The text of `note` if it carries a valid signature by `verifier`, else NoteError."""
    text, signatures = split_note(note)
    for name, raw in signatures:
        if name == verifier.name and raw[:4] == verifier.key_id:
            if verifier.verify(text.encode(), raw[4:]):
                return text
            raise NoteError(f"the signature by {name} does not verify")
    raise NoteError(f"the note is not signed by {verifier.name}")


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode()]
        return "\n".join([*lines, *self.extensions]) + "\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise NoteError("a checkpoint has an origin, a size and a root hash, one a line")
        origin, size, root = lines[0], lines[1], lines[2]
        if not origin or not size.isdigit() or (size != "0" and size.startswith("0")):
            raise NoteError("checkpoint origin or tree size is malformed")
        try:
            root_bytes = base64.b64decode(root, validate=True)
        except binascii.Error as error:
            raise NoteError("checkpoint root hash is not valid base64") from error
        if len(root_bytes) != 32:
            raise NoteError("checkpoint root hash is not 32 bytes")
        return cls(origin, int(size), root_bytes, tuple(lines[3:-1]))
