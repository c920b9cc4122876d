"""manage.py ledger_keygen: make an Ed25519 signing key for the ledger's checkpoints."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from poscare_verify.note import Signer


class Command(BaseCommand):
    help = "Print a new signing key (keep it secret) and its verifier key (publish it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", default=settings.LEDGER_ORIGIN, help="the log's origin")

    def handle(self, *args: Any, name: str, **options: Any) -> None:
        signer = Signer.generate(name)
        self.stdout.write(f"LEDGER_SIGNING_KEY={signer.signer_key()}")
        self.stdout.write(f"# verifier key: {signer.verifier_key()}")
