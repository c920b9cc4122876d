import pytest


@pytest.fixture
def help_articles(db):
    """The help centre's articles, loaded from the data files as the demo and `load_help` do."""
    from helpcentre.services import sync_articles

    sync_articles()


@pytest.fixture
def ticket_a(merchant_a, terminal_a, alice, agent):
    from desk.defaults import ensure_defaults
    from desk.services import open_ticket

    ensure_defaults()
    return open_ticket(
        merchant=merchant_a,
        terminal=terminal_a,
        category="printer_paper",
        description="不出小票",
        channel="portal",
        opened_by=alice,
    )
