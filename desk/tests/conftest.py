import pytest


@pytest.fixture
def desk_staff(agent, technician, supervisor):
    """The default queues (from the data migration) staffed: agent on L1, tech on L2."""
    from desk.defaults import ensure_defaults
    from desk.models import Queue

    ensure_defaults()  # a transactional test before this one may have flushed them
    Queue.objects.get(code="l1").members.add(agent)
    Queue.objects.get(code="l2-tech").members.add(technician)
    Queue.objects.get(code="supervisor").members.add(supervisor)
    return {"l1": agent, "l2": technician, "supervisor": supervisor}


@pytest.fixture
def ticket_a(merchant_a, terminal_a, alice, desk_staff):
    from desk.services import open_ticket

    return open_ticket(
        merchant=merchant_a,
        terminal=terminal_a,
        category="printer_paper",
        description="不出小票",
        channel="portal",
        facts={"symptom": "打印机不走纸"},
        opened_by=alice,
    )


@pytest.fixture
def ticket_b(merchant_b, terminal_b, bob, desk_staff):
    from desk.services import open_ticket

    return open_ticket(
        merchant=merchant_b,
        terminal=terminal_b,
        category="card_reading",
        description="刷卡没反应",
        channel="portal",
        opened_by=bob,
    )


def jpeg(name: str = "receipt.jpg", size: int = 2048):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"\xff\xd8\xff\xe0" + b"\0" * size, content_type="image/jpeg")
