"""The whole API against its own OpenAPI schema (issue 10, "bad input never 500s").

schemathesis generates requests for every operation of the schema — valid ones and invalid
ones — and sends them through the real WSGI application (every middleware, no server) as an
anonymous visitor, a merchant user, an L1 agent, a supervisor and an integration account, over
a small data set of two merchants, so that lists and details answer with real rows. Every
response must pass four checks: no 5xx, a documented status code, a documented content type,
and a body that matches the documented schema. And the schema itself is generated without a
single drf-spectacular warning or error.

The run is bounded (`EXAMPLES` per operation, mode and role) and deterministic (`derandomize`),
so CI stays stable and takes a minute or two. A failure lists every distinct problem found —
operation, role, check, status — with a request that reproduces it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

# Generated requests per operation and generation mode (valid, invalid), each as one role.
EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ROLES = ["anonymous", "merchant", "agent", "supervisor", "integration"]
CST = dt.timezone(dt.timedelta(hours=8))


def openapi_document() -> dict[str, Any]:
    """The schema as /api/schema/ serves it, taken from the generator (the schema view may be
    for signed-in staff only; the document is the same)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated, renderer_context={}))


@dataclass
class Findings:
    cases: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    problems: dict[tuple[str, ...], str] = field(default_factory=dict)
    tracebacks: list[str] = field(default_factory=list)

    def count(self, status: int) -> None:
        self.cases += 1
        self.by_status[status] = self.by_status.get(status, 0) + 1

    def add(self, key: tuple[str, ...], detail: str) -> None:
        self.problems.setdefault(key, detail)

    def report(self) -> str:
        lines = [f"{len(self.problems)} distinct problems over {self.cases} requests:"]
        for key, detail in sorted(self.problems.items()):
            lines.append(" | ".join(key))
            lines.append("    " + detail.replace("\n", "\n    "))
        return "\n".join(lines)


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """The real WSGI application. Like Django's test client, it must not close the test's
    database connection at the end of each request (that would end the test transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    cache.clear()  # rate limits start afresh: the run is the same every time
    yield WSGIHandler()
    cache.clear()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def ledger_key(settings):
    from poscare_verify.note import Signer

    key = Signer.generate("poscare.test/ledger")
    settings.LEDGER_SIGNING_KEY = key.signer_key()
    settings.LEDGER_ORIGIN = "poscare.test/ledger"
    return key


@pytest.fixture
def api_data(
    alice, bob, agent, supervisor, make_user, merchant_a, terminal_a, terminal_b, ledger_key
) -> dict[str, Any]:
    """A little of everything the API shows, made through the API where it can be: merchant A
    (alice's) and merchant B (bob's) with transactions, a duplicate charge and its dispute, an
    investigation, payouts, a ticket with interactions and a commitment, a contact request, a
    scam report, ledger entries and a checkpoint. Returns the ids the path parameters use."""
    from payments.tests.factories import PayoutFactory, TransactionFactory

    integration = make_user("tms", role="integration")
    now = dt.datetime.now(CST).replace(microsecond=0)
    first: Any = TransactionFactory(terminal=terminal_a, local_time=now - dt.timedelta(hours=2))
    twin: Any = TransactionFactory(
        terminal=terminal_a, local_time=now - dt.timedelta(hours=2) + dt.timedelta(seconds=90)
    )
    TransactionFactory(
        terminal=terminal_a,
        local_time=now - dt.timedelta(days=3),
        status="declined",
        response_code="51",
    )
    TransactionFactory(terminal=terminal_b, local_time=now - dt.timedelta(days=1))
    PayoutFactory(merchant=merchant_a)
    PayoutFactory(
        merchant=merchant_a,
        status="held",
        reason="risk_hold",
        period_start=dt.date(2025, 10, 1),
        period_end=dt.date(2025, 10, 1),
    )

    client = APIClient()
    client.force_authenticate(alice)
    ticket = client.post(
        "/api/tickets/",
        {
            "merchant_id": merchant_a.merchant_id,
            "terminal_id": terminal_a.terminal_id,
            "category": "printer_paper",
            "description": "打印机不出纸",
        },
        format="json",
    )
    assert ticket.status_code == 201, ticket.content
    number = ticket.json()["number"]
    interactions = f"/api/tickets/{number}/interactions/"
    assert client.post(interactions, {"body": "还是不行"}, format="json").status_code == 201
    investigation = client.post(
        "/api/investigations/",
        {"merchant_id": merchant_a.merchant_id, "date": first.txn_date.isoformat()},
        format="json",
    )
    assert investigation.status_code == 201, investigation.content
    dispute = client.post("/api/disputes/", {"first": first.pk, "second": twin.pk}, format="json")
    assert dispute.status_code == 201, dispute.content
    scam = client.post(
        "/api/scam-reports/",
        {"number": "0755-8888 1234", "kind": "call", "claimed_to_be": "银联客服"},
        format="json",
    )
    assert scam.status_code == 201, scam.content

    client.force_authenticate(agent)
    call = client.post(interactions, {"kind": "call", "body": "已指导换纸"}, format="json")
    assert call.status_code == 201, call.content
    due = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)).isoformat()
    promise = client.post(
        f"/api/tickets/{number}/commitments/",
        {"promise": "15:00 前回电", "due_at": due},
        format="json",
    )
    assert promise.status_code == 201, promise.content
    request = client.post(
        "/api/contact-requests/",
        {
            "merchant_id": merchant_a.merchant_id,
            "purpose": "system_update",
            "urgency": "normal",
            "channels": ["inbox", "sms"],
            "subject": "终端固件升级",
            "content": "今晚 23:00 自动升级，约 10 分钟。",
            "dedupe_key": "schema-1",
        },
        format="json",
    )

    from ledger import checkpoints
    from ledger.models import LedgerEntry

    assert request.status_code == 201, request.content
    checkpoints.issue(force=True)
    return {
        "tokens": {
            "merchant": Token.objects.create(user=alice).key,
            "agent": Token.objects.create(user=agent).key,
            "supervisor": Token.objects.create(user=supervisor).key,
            "integration": Token.objects.create(user=integration).key,
        },
        "ids": {
            # an `id` by the collection it belongs to
            "/api/transactions/": first.pk,
            "/api/investigations/": investigation.json()["id"],
            "/api/disputes/": dispute.json()["id"],
            "/api/scam-reports/": scam.json()["id"],
            "/api/contact-requests/": request.json()["id"],
            "number": number,
            "merchant_id": merchant_a.merchant_id,
            "terminal_id": terminal_a.terminal_id,
            "code": "51",
            "index": LedgerEntry.objects.order_by("index").values_list("index", flat=True)[0],
            "adapter": "generic",
        },
    }


def _known_path_parameters(path: str, names: list[str], ids: dict[str, Any]) -> dict[str, Any]:
    """Path parameters naming the data set's own rows, or {} where the data set has none."""
    known = {}
    for name in names:
        if name == "id":
            collection = next((p for p in ids if p[0] == "/" and path.startswith(p)), None)
            if collection is None:
                return {}
            known[name] = ids[collection]
        elif name in ids:
            known[name] = ids[name]
        else:
            return {}
    return known


def _run_operation(
    operation: schemathesis.APIOperation,
    mode: GenerationMode,
    data: dict[str, Any],
    app: WSGIHandler,
    findings: Findings,
    path_parameters: dict[str, Any] | None = None,
) -> None:
    """Send EXAMPLES generated requests, each as the next of the roles in turn."""
    label = operation.label
    tokens = data["tokens"]
    turn = iter(range(10**6))

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def send(case: schemathesis.Case) -> None:
        role = ROLES[next(turn) % len(ROLES)]
        headers = {"Authorization": f"Token {tokens[role]}"} if role in tokens else {}
        before = len(findings.tracebacks)
        response = case.call(headers=headers, app=app)
        findings.count(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, BaseExceptionGroup) as error:  # collect every failure
            for failure in getattr(error, "exceptions", [error]):
                title = getattr(failure, "title", type(failure).__name__)
                detail = f"{case.as_curl_command(headers=headers)}\n{str(failure)[:1500]}"
                if len(findings.tracebacks) > before:
                    detail += "\n" + findings.tracebacks[-1][-2500:]
                findings.add((label, title, str(response.status_code)), f"[{role}] {detail}")

    try:
        send()
    except Unsatisfiable:
        # Nothing in this operation can be made invalid (no parameters, no body): no cases.
        assert mode is GenerationMode.NEGATIVE, label


def test_the_whole_api_holds_to_its_schema(api_data, wsgi_app):
    schema = schemathesis.openapi.from_dict(openapi_document())
    findings = Findings()

    def keep_traceback(sender: Any, request: Any = None, **kwargs: Any) -> None:
        findings.tracebacks.append(traceback.format_exc())

    got_request_exception.connect(keep_traceback)
    logging.disable(logging.CRITICAL)  # 4xx/5xx warnings of django.request: counted below
    try:
        for result in schema.get_all_operations():
            operation = result.ok()
            names = [p.name for p in operation.path_parameters]
            known = _known_path_parameters(operation.path, names, api_data["ids"]) if names else {}
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _run_operation(operation, mode, api_data, wsgi_app, findings)
            if known:  # and on the data set's own rows, so that details answer 200
                _run_operation(
                    operation, GenerationMode.POSITIVE, api_data, wsgi_app, findings, known
                )
    finally:
        logging.disable(logging.NOTSET)
        got_request_exception.disconnect(keep_traceback)
    statuses = sorted(findings.by_status.items())
    print(f"\nschemathesis: {findings.cases} requests, statuses {statuses}")
    assert findings.cases > 0
    assert not findings.problems, findings.report()


def test_the_schema_has_no_warnings(tmp_path):
    """drf-spectacular's own check: every view, parameter and serializer resolved, no enum
    name collisions, the document valid OpenAPI (`manage.py spectacular --validate`)."""
    GENERATOR_STATS.reset()
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3.")


def test_api_errors_outside_the_views_are_json_too(client):
    """A path under /api/ that matches no endpoint gets JSON, as the schema says (a page does
    not: it keeps the 404 page)."""
    missing = client.get("/api/tickets/no/such/path/")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
    assert set(missing.json()["detail"]) == {"zh", "en"}
    page = client.get("/no/such/page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
