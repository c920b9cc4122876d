"""Imports and exports of the directory of merchants and terminals."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from defusedcsv import csv as defusedcsv
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from core.errors import in_both_languages
from core.importing import Importer, ImportResult
from core.models import ImportJob
from core.tabular import TabularError, iter_rows

logger = logging.getLogger(__name__)
if TYPE_CHECKING:
    from accounts.models import User
    from core.types import Viewer

MAX_STORED_ERRORS = 2000


def importer_for(kind: str, user: User | None = None) -> Importer:
    from merchants.importers import MerchantImporter
    from terminals.importers import TerminalImporter

    importers: dict[str, type[Importer]] = {
        ImportJob.Kind.MERCHANTS: MerchantImporter,
        ImportJob.Kind.TERMINALS: TerminalImporter,
    }
    return importers[kind](user)


def import_file(
    kind: str,
    source: str | Path | IO[bytes],
    filename: str | None = None,
    user: User | None = None,
    progress: Any = None,
) -> ImportResult:
    """Import a CSV/XLSX file now; raises TabularError when the file as a whole is unreadable."""
    importer = importer_for(kind, user)
    return importer.run(iter_rows(source, filename), progress=progress)


def start_import(kind: str, upload: UploadedFile, user: User) -> ImportJob:
    """Keep the uploaded file and queue its import; the job page shows the progress."""
    job = ImportJob.objects.create(
        kind=kind, file=upload, original_name=upload.name or "upload", created_by=user
    )
    transaction.on_commit(lambda: run_import_job.enqueue(job.pk))
    return job


def run_import(job: ImportJob) -> ImportJob:
    job.status = ImportJob.Status.RUNNING
    job.save(update_fields=["status"])

    def progress(result: ImportResult) -> None:
        job.total_rows = result.total
        job.error_rows = result.error_count
        job.save(update_fields=["total_rows", "error_rows"])

    try:
        with job.file.open("rb") as handle:
            result = import_file(job.kind, handle, job.original_name, job.created_by, progress)
    except TabularError as error:
        job.status = ImportJob.Status.FAILED
        texts = error.messages
        job.failure = f"{texts['zh']} / {texts['en']}"
    except Exception:
        # Whatever went wrong, the job must not stay "running" for ever.
        logger.exception("import job %s failed", job.pk)
        job.status = ImportJob.Status.FAILED
        job.failure = "导入意外中断，请联系管理员 / The import stopped unexpectedly."
    else:
        job.status = ImportJob.Status.DONE
        job.total_rows = result.total
        job.created_count = result.created
        job.updated_count = result.updated
        job.unchanged_count = result.unchanged
        job.error_rows = result.error_count
        job.errors = [e.as_dict() for e in result.errors[:MAX_STORED_ERRORS]]
    job.finished_at = timezone.now()
    # The raw file holds settlement accounts and phones in full: it goes once it is read.
    job.file.delete(save=False)
    job.save()
    return job


@task()
def run_import_job(job_id: int) -> None:
    """The background task `start_import` queues: run the stored upload's import."""
    run_import(ImportJob.objects.get(pk=job_id))


def errors_csv(errors: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = defusedcsv.writer(buffer)
    writer.writerow(["row", "column", "value", "reason_zh", "reason_en"])
    for e in errors:
        writer.writerow([e["row"], e["column"], e["value"], e["zh"], e["en"]])
    return buffer.getvalue()


# -- exports: the same columns the importers read, so a file round-trips ---------------------

MERCHANT_EXPORT_COLUMNS = [
    "merchant_id",
    "name",
    "short_name",
    "mcc",
    "region_code",
    "address",
    "settlement_cycle",
    "settlement_bank",
    "settlement_account_name",
    "status",
    "acquirer",
]
TERMINAL_EXPORT_COLUMNS = [
    "terminal_id",
    "serial_number",
    "merchant_id",
    "model",
    "store_code",
    "firmware_version",
    "app_version",
    "comm_type",
    "install_date",
    "warranty_end",
    "status",
]


def export_rows(kind: str, user: Viewer) -> tuple[list[str], Iterator[list[str]]]:
    from merchants.models import Merchant
    from terminals.models import Terminal

    if kind == ImportJob.Kind.MERCHANTS:
        merchants = (
            Merchant.objects.visible_to(user).select_related("acquirer").order_by("merchant_id")
        )

        def merchant_rows() -> Iterator[list[str]]:
            for m in merchants.iterator(chunk_size=2000):
                yield [
                    m.merchant_id,
                    m.name,
                    m.short_name,
                    m.mcc,
                    m.region_code,
                    m.address,
                    m.settlement_cycle,
                    m.settlement_bank,
                    m.settlement_account_name,
                    m.status,
                    m.acquirer.code if m.acquirer else "",
                ]

        return MERCHANT_EXPORT_COLUMNS, merchant_rows()
    terminals = (
        Terminal.objects.visible_to(user)
        .select_related("merchant", "model", "store")
        .order_by("terminal_id")
    )

    def terminal_rows() -> Iterator[list[str]]:
        for t in terminals.iterator(chunk_size=2000):
            yield [
                t.terminal_id,
                t.serial_number,
                t.merchant.merchant_id,
                t.model.code,
                t.store.store_code if t.store else "",
                t.firmware_version,
                t.app_version,
                t.comm_type,
                t.install_date.isoformat() if t.install_date else "",
                t.warranty_end.isoformat() if t.warranty_end else "",
                t.status,
            ]

    return TERMINAL_EXPORT_COLUMNS, terminal_rows()


def bilingual(message: Any) -> str:
    texts = in_both_languages(message)
    return f"{texts['zh']} / {texts['en']}"
