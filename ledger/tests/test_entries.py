"""Entries are written with their records, sequenced into the tree, and signed."""

from __future__ import annotations

import json

import pytest

from desk.services import add_interaction, open_ticket
from ledger import checkpoints, log, merkle, services
from ledger.models import LedgerEntry
from poscare_verify.note import Checkpoint, Verifier, open_note
from poscare_verify.proofs import leaf_hash

pytestmark = pytest.mark.django_db


def _ticket(merchant, user):
    return open_ticket(
        merchant=merchant, category="other", description="x", channel="portal", opened_by=user
    )


def test_a_call_is_logged_with_its_agent_number(alice, agent, merchant_a, signer):
    ticket = _ticket(merchant_a, alice)
    call = add_interaction(ticket, by=agent, body="回电确认", kind="call")
    entry = LedgerEntry.objects.get(kind="interaction", record_id=call.pk)
    document = json.loads(entry.content)
    assert document["fields"]["agent_no"] == agent.agent_no
    assert document["fields"]["kind"] == "call"
    assert bytes(entry.leaf_hash) == leaf_hash(entry.content.encode())
    assert entry.index is None  # written without a lock; the sequencer places it
    assert LedgerEntry.objects.filter(kind="ticket_event").exists()  # the ticket's creation


def test_an_edit_appends_an_entry_naming_the_previous(alice, agent, merchant_a, signer):
    ticket = _ticket(merchant_a, alice)
    call = add_interaction(ticket, by=agent, body="回电确认", kind="call")
    first = LedgerEntry.objects.get(kind="interaction", record_id=call.pk)
    call.outcome = "已解决"
    call.save()
    call.save()  # unchanged: nothing new (idempotent)
    entries = list(LedgerEntry.objects.filter(kind="interaction", record_id=call.pk).order_by("id"))
    assert len(entries) == 2
    assert entries[1].previous_id == first.pk
    assert json.loads(entries[1].content)["previous"] == bytes(first.leaf_hash).hex()
    record_id = call.pk
    call.delete()
    tombstone = LedgerEntry.objects.filter(kind="interaction", record_id=record_id).last()
    assert json.loads(tombstone.content)["fields"] is None


def test_sequencer_builds_the_same_tree_as_the_entries(alice, agent, merchant_a, signer):
    ticket = _ticket(merchant_a, alice)
    for number in range(5):
        add_interaction(ticket, by=agent, body=f"第 {number} 次", kind="call")
    assert log.sequence(limit=3) == 3
    assert services.seal() == LedgerEntry.objects.count()
    hashes = [
        bytes(h) for h in LedgerEntry.objects.order_by("index").values_list("leaf_hash", flat=True)
    ]
    tree = merkle.MemoryTiles()
    tree.append(hashes)
    size = log.tree_size()
    assert log.root(size) == tree.root()
    for index in range(size):
        merkle.verify_inclusion(
            index, size, hashes[index], log.inclusion_proof(index, size), tree.root()
        )
    checkpoint = checkpoints.latest()
    text = open_note(checkpoint.note, Verifier.parse(signer.verifier_key()))
    parsed = Checkpoint.parse(text)
    assert parsed.size == size and parsed.root == tree.root()
    assert parsed.origin == "poscare.test/ledger"


def test_checkpoints_only_when_grown_and_at_most_once_a_minute(alice, agent, merchant_a, signer):
    ticket = _ticket(merchant_a, alice)
    log.sequence_all()
    first = checkpoints.issue()
    assert first is not None
    assert checkpoints.issue() is None  # the tree did not grow
    add_interaction(ticket, by=agent, body="再次来电", kind="call")
    log.sequence_all()
    assert checkpoints.issue() is None  # grown, but less than a minute later
    second = checkpoints.issue(force=True)
    assert second.size > first.size
    proof = log.consistency_proof(first.size, second.size)
    merkle.verify_consistency(
        first.size, second.size, proof, bytes(first.root_hash), bytes(second.root_hash)
    )


def test_no_checkpoint_that_contradicts_an_earlier_one(alice, agent, merchant_a, signer):
    ticket = _ticket(merchant_a, alice)
    services.seal()
    add_interaction(ticket, by=agent, body="再次来电", kind="call")
    log.sequence_all()
    # Someone rewrites a stored tile (the history): the new head no longer extends the old one.
    from ledger.models import LedgerTile

    tile = LedgerTile.objects.get(level=0, number=0)
    tile.hashes = b"\x00" * 32 + bytes(tile.hashes)[32:]
    tile.save()
    with pytest.raises(checkpoints.InconsistentTree):
        checkpoints.issue(force=True)


def test_rotation_signs_with_both_keys_and_lists_both(alice, merchant_a, signer, settings):
    from poscare_verify.note import Signer

    _ticket(merchant_a, alice)
    services.seal()
    new = Signer.generate("poscare.test/ledger")
    settings.LEDGER_SIGNING_KEY = f"{new.signer_key()},{signer.signer_key()}"
    _ticket(merchant_a, alice)
    services.seal()
    note = checkpoints.latest().note
    for key in (new, signer):
        open_note(note, Verifier.parse(key.verifier_key()))
    settings.LEDGER_SIGNING_KEY = new.signer_key()
    assert set(checkpoints.known_verifier_keys()) >= {new.verifier_key(), signer.verifier_key()}
