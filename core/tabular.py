"""Reading spreadsheets exported by people: CSV (UTF-8, UTF-8 with BOM, or GBK/GB18030 as
Excel on a Chinese Windows writes it) and .xlsx. Rows stream one at a time; memory does not
grow with the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext_lazy as _

from core.errors import BilingualError, lazy_format

SNIFF_BYTES = 256 * 1024


class TabularError(BilingualError):
    """The file as a whole cannot be read (encoding, format, missing header)."""


def detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) when the bytes decode as such, else GB18030 (a superset of
    GBK and GB2312), else refuse. A multi-byte character cut by the sniff window is allowed."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        raise TabularError(_("无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV 文件")) from None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def normalize_header(name: str) -> str:
    return name.strip().lstrip("\ufeff").lower().replace(" ", "_")


def iter_rows(
    source: str | Path | IO[bytes], filename: str | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number as a spreadsheet shows it, {normalised header: cell text}).

    The header is row 1, so the first data row is row 2 — the number a user sees in Excel.
    """
    name = str(filename or getattr(source, "name", "") or source)
    if name.lower().endswith(".xlsx"):
        yield from _iter_xlsx(source)
    elif name.lower().endswith((".csv", ".txt")):
        yield from _iter_csv(source)
    else:
        raise TabularError(
            lazy_format(_("不支持的文件类型“%(name)s”：请上传 .csv 或 .xlsx"), name=name)
        )


def _open_binary(source: str | Path | IO[bytes]) -> IO[bytes]:
    if isinstance(source, str | Path):
        return open(source, "rb")  # noqa: SIM115 - closed by the caller's generator
    return source


def _iter_csv(source: str | Path | IO[bytes]) -> Iterator[tuple[int, dict[str, str]]]:
    binary = _open_binary(source)
    try:
        buffered = binary if isinstance(binary, io.BufferedReader) else io.BufferedReader(binary)  # type: ignore[arg-type,type-var]
        head = buffered.peek(SNIFF_BYTES)[:SNIFF_BYTES]
        encoding = detect_encoding(head)
        text = io.TextIOWrapper(buffered, encoding=encoding, newline="")
        reader = csv.reader(text)
        try:
            header = next(reader)
        except StopIteration:
            raise TabularError(_("文件是空的")) from None
        except csv.Error:
            raise TabularError(_("表头行有超长或损坏的单元格")) from None
        except UnicodeDecodeError:
            raise TabularError(
                _("无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV 文件")
            ) from None
        columns = [normalize_header(h) for h in header]
        row_number = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except UnicodeDecodeError:
                raise TabularError(
                    lazy_format(
                        _("第 %(row)s 行之后的内容不是 %(encoding)s 编码，文件已停止读取"),
                        row=row_number,
                        encoding=encoding,
                    )
                ) from None
            except csv.Error:  # a cell over 128 KB, or a NUL byte: not a spreadsheet we read
                raise TabularError(
                    lazy_format(
                        _("第 %(row)s 行有超长（超过 128 KB）或损坏的单元格，文件已停止读取"),
                        row=row_number + 1,
                    )
                ) from None
            row_number += 1
            if not any(cell.strip() for cell in cells):
                continue
            yield (
                row_number,
                {
                    column: (cells[i].strip() if i < len(cells) else "")
                    for i, column in enumerate(columns)
                },
            )
    finally:
        if isinstance(source, str | Path):
            binary.close()


def _iter_xlsx(source: str | Path | IO[bytes]) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception:
        raise TabularError(_("无法打开 Excel 文件：文件已损坏或不是 .xlsx 格式")) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        try:
            header = next(rows)
        except StopIteration:
            raise TabularError(_("文件是空的")) from None
        columns = [normalize_header(_cell_text(h)) for h in header]
        for row_number, values in enumerate(rows, start=2):
            cells = [_cell_text(v) for v in values]
            if not any(cells):
                continue
            yield (
                row_number,
                {column: (cells[i] if i < len(cells) else "") for i, column in enumerate(columns)},
            )
    finally:
        workbook.close()
