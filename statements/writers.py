"""A statement as CSV (cells a spreadsheet would run as a formula are escaped: defusedcsv)
and as PDF (ReportLab, pure Python, with its built-in Adobe CID font STSong-Light for the
Chinese text, so no font file is shipped or needed on the server)."""

from __future__ import annotations

import io

from defusedcsv import csv
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from statements.build import Statement

CJK_FONT = "STSong-Light"


def to_csv(statement: Statement) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [statement.title, statement.merchant.merchant_id, statement.merchant.name, statement.period]
    )
    writer.writerow(statement.columns)
    writer.writerows(statement.rows)
    writer.writerow([])
    writer.writerows([[label, value] for label, value in statement.summary])
    if statement.payouts:
        writer.writerow([])
        writer.writerow(statement.payout_columns)
        writer.writerows(statement.payouts)
    # A byte-order mark so spreadsheet programs open the UTF-8 file with its Chinese intact.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT


def to_pdf(statement: Statement) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _font()
    title = ParagraphStyle("title", fontName=font, fontSize=14, leading=18)
    text = ParagraphStyle("text", fontName=font, fontSize=9, leading=12)
    grid = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ]
    )
    merchant = statement.merchant
    generated = _("生成时间")
    story = [
        Paragraph(f"{statement.title} {statement.period}", title),
        Paragraph(f"{merchant.name} · {merchant.merchant_id}", text),
        Paragraph(f"{generated}: {statement.generated_at}", text),
        Spacer(1, 8),
    ]
    table = Table(
        [statement.columns, *statement.rows] if statement.rows else [statement.columns],
        repeatRows=1,
    )
    table.setStyle(grid)
    story += [table, Spacer(1, 8)]
    summary = Table([list(pair) for pair in statement.summary])
    summary.setStyle(grid)
    story += [summary]
    if statement.payouts:
        payouts = Table([statement.payout_columns, *statement.payouts], repeatRows=1)
        payouts.setStyle(grid)
        story += [Spacer(1, 8), Paragraph(pgettext("plural", "结算付款"), text), payouts]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), title=f"{statement.title} {statement.period}"
    )
    document.build(story)
    return buffer.getvalue()
