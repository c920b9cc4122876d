"""Signed notes (C2SP, Ed25519) and the standalone receipt verifier `poscare_verify`."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ledger import merkle
from poscare_verify.__main__ import main
from poscare_verify.note import Checkpoint, NoteError, Signer, Verifier, open_note
from poscare_verify.receipt import FORMAT

VECTORS = Path(__file__).resolve().parents[2].parent / "shared" / "vectors"


def test_the_c2sp_example_note_verifies() -> None:
    example = json.loads((VECTORS / "signed-note.json").read_text())
    verifier = Verifier.parse(example["verifier_key"])
    assert open_note(example["signed_note"], verifier) == example["signed_text"]


def test_a_changed_note_or_another_key_is_rejected() -> None:
    example = json.loads((VECTORS / "signed-note.json").read_text())
    verifier = Verifier.parse(example["verifier_key"])
    with pytest.raises(NoteError):
        open_note(example["signed_note"].replace("example", "exemple", 1), verifier)
    other = Verifier.parse(Signer.generate("example.com/foo").verifier_key())
    with pytest.raises(NoteError):
        open_note(example["signed_note"], other)


def test_keys_round_trip_and_sign() -> None:
    signer = Signer.generate("poscare.test/ledger")
    again = Signer.parse(signer.signer_key())
    assert again.verifier_key() == signer.verifier_key()
    text = Checkpoint("poscare.test/ledger", 3, merkle.EMPTY_ROOT).text()
    note = again.sign(text)
    assert open_note(note, Verifier.parse(signer.verifier_key())) == text
    assert Checkpoint.parse(text).size == 3


@pytest.mark.parametrize(
    "vkey", ["", "a+b", "name+00000000+AAAA", "na me+1+2", "x+zz+!!"], ids=repr
)
def test_malformed_verifier_keys_are_refused(vkey: str) -> None:
    with pytest.raises(NoteError):
        Verifier.parse(vkey)


def _receipt(tmp_path: Path, signer: Signer, *, index: int = 2) -> tuple[Path, dict]:
    entries = [json.dumps({"kind": "test", "record": str(i)}) for i in range(5)]
    tree = merkle.MemoryTiles()
    tree.append([merkle.leaf_hash(entry.encode()) for entry in entries])
    checkpoint = signer.sign(Checkpoint(signer.name, tree.size, tree.root()).text())
    receipt = {
        "format": FORMAT,
        "entry": entries[index],
        "index": index,
        "inclusion_proof": [base64.b64encode(h).decode() for h in tree.inclusion_proof(index)],
        "checkpoint": checkpoint,
    }
    path = tmp_path / "receipt.json"
    path.write_text(json.dumps(receipt))
    return path, receipt


def test_verifier_accepts_a_good_receipt(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    signer = Signer.generate("poscare.test/ledger")
    path, _ = _receipt(tmp_path, signer)
    assert main([str(path), "--key", signer.verifier_key()]) == 0
    out = capsys.readouterr().out
    assert "包含证明正确" in out and "inclusion proof verified" in out


@pytest.mark.parametrize("damage", ["entry", "proof", "checkpoint", "key", "index"])
def test_verifier_rejects_tampering(
    tmp_path: Path, capsys: pytest.CaptureFixture, damage: str
) -> None:
    signer = Signer.generate("poscare.test/ledger")
    path, receipt = _receipt(tmp_path, signer)
    key = signer.verifier_key()
    if damage == "entry":
        receipt["entry"] = receipt["entry"].replace('"2"', '"3"')
    elif damage == "proof":
        first = bytearray(base64.b64decode(receipt["inclusion_proof"][0]))
        first[0] ^= 1
        receipt["inclusion_proof"][0] = base64.b64encode(bytes(first)).decode()
    elif damage == "checkpoint":  # a forged checkpoint: same key name, another key
        forger = Signer.generate(signer.name)
        receipt["checkpoint"] = forger.sign(open_note(receipt["checkpoint"], Verifier.parse(key)))
    elif damage == "key":
        key = Signer.generate(signer.name).verifier_key()
    else:
        receipt["index"] = 3
    path.write_text(json.dumps(receipt))
    assert main([str(path), "--key", key]) == 1
    err = capsys.readouterr().err
    assert "验证失败" in err and "NOT verified" in err


def test_verifier_runs_without_django(tmp_path: Path) -> None:
    """`python -m poscare_verify` in a clean interpreter that cannot import Django."""
    signer = Signer.generate("poscare.test/ledger")
    path, _ = _receipt(tmp_path, signer)
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "django.py").write_text("raise ImportError('no django here')\n")
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-m", "poscare_verify", str(path), "--key", signer.verifier_key()],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": f"{blocker}:{root}", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "checkpoint signature verified" in result.stdout


def test_verifier_reports_unreadable_input(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    key = Signer.generate("poscare.test/ledger").verifier_key()
    assert main([str(bad), "--key", key]) == 1
    assert main([str(tmp_path / "missing.json"), "--key", key]) == 2
    assert "回执不是有效的 JSON" in capsys.readouterr().err
