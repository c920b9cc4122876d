from __future__ import annotations

import pytest

from poscare_verify.note import Signer


@pytest.fixture
def signer(settings) -> Signer:
    """A fresh signing key for the test, from the environment setting."""
    key = Signer.generate("poscare.test/ledger")
    settings.LEDGER_SIGNING_KEY = key.signer_key()
    settings.LEDGER_ORIGIN = "poscare.test/ledger"
    return key
