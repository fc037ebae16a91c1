"""The 季度简报 as a Word document (opens in Word and WPS): title, paragraph,
headline table, charts, 需要关注 and the 口径 notes."""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from reports.briefing import Attention

BODY_FONT, HEADING_FONT = "宋体", "黑体"  # on every Chinese Windows, and WPS
PICTURE_CM = 16  # the text width of an A4 page with 2.5 cm margins (reports/images.PAGE_WIDTH is drawn for it)


@dataclass(frozen=True)
class Chart:
    title: str
    png: bytes
    note: str


def briefing_docx(
    title: str, subtitle: str, paragraph: str, headline: list[list[str]], charts: list[Chart],
    attention: list[Attention], definitions: list[tuple[str, str]],
) -> bytes:
    """The briefing as .docx bytes. `headline` is a table whose first row is the header."""
    document = Document()
    _base_style(document)
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(2.5)
    _heading(document, title, size=20, center=True)
    _line(document, subtitle, size=10.5, center=True)
    _heading(document, "一、总体情况", size=15)
    _line(document, paragraph, size=12, indent=True)
    _heading(document, "二、主要指标", size=15)
    _table(document, headline)
    if charts:
        _heading(document, "三、图表", size=15)
        for number, chart in enumerate(charts, start=1):
            # The picture stays on the page of its caption (never a caption alone at a page top);
            # its 口径 note is in the picture itself.
            document.add_picture(io.BytesIO(chart.png), width=Cm(PICTURE_CM))
            picture = document.paragraphs[-1]
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture.paragraph_format.keep_with_next = True
            _line(document, f"图{number}　{chart.title}", size=10, center=True)
    if attention:
        _heading(document, "四、需要关注", size=15)
        for item in attention:
            _line(document, item.title, size=12, bold=True, keep_with_next=True)
            document.paragraphs[-1].paragraph_format.space_before = Pt(12)
            rows = item.rows[list(item.columns)].astype(str).head(30)
            _table(document, [list(item.columns.values()), *rows.values.tolist()])
            if len(item.rows) > 30:
                _line(document, f"（共 {len(item.rows)} 项，此处列出前 30 项，完整清单见看板）", size=9)
    _heading(document, "附：指标口径", size=13)
    for name, definition in definitions:
        _line(document, f"{name}：{definition}", size=9)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _base_style(document) -> None:
    """Chinese text needs its East Asian font set explicitly, or Word falls back to a Latin one."""
    style = document.styles["Normal"]
    style.font.name = BODY_FONT
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)


def _font(run, name: str) -> None:
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _heading(document, text: str, size: float, center: bool = False) -> None:
    """A heading never ends a page: it keeps with the paragraph, table or picture under it."""
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(size)
    _font(run, HEADING_FONT)
    paragraph.paragraph_format.keep_with_next = True
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _line(document, text: str, size: float, center=False, bold=False, indent=False, keep_with_next=False) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    _font(run, BODY_FONT)
    paragraph.paragraph_format.keep_with_next = keep_with_next
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
        paragraph.paragraph_format.line_spacing = 1.5


def _table(document, rows: list[list[str]]) -> None:
    """A table whose header repeats on every page, whose rows never split across pages,
    whose first rows stay with the title above it, and whose columns are as wide as
    their content asks (a long summary gets room, an id does not wrap)."""
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = _column_widths(rows)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid LibreOffice and WPS lay out by
    for r, values in enumerate(rows):
        for c, width in enumerate(widths):
            table.cell(r, c).width = width  # the cell widths Word lays out by
        row = table.rows[r]
        properties = row._tr.get_or_add_trPr()
        properties.append(_on("w:cantSplit"))
        if r == 0:
            properties.append(_on("w:tblHeader"))
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = ""
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.keep_with_next = r < 2  # the header and first row stay together
            run = paragraph.add_run(str(value))
            run.font.size = Pt(10)
            run.bold = r == 0
            _font(run, HEADING_FONT if r == 0 else BODY_FONT)


HALF_WIDTH_CM = 0.19  # a Latin character of 10 pt; a CJK one is two


def _column_widths(rows: list[list[str]], total_cm: float = PICTURE_CM) -> list:
    """Every column as wide as its longest text when they all fit; otherwise the narrow ones
    (ids, names, counts) keep theirs and the widest are cut down to what is left, wrapping."""
    natural = [0.35 + HALF_WIDTH_CM * max(_display_width(str(row[c])) for row in rows) for c in range(len(rows[0]))]
    if sum(natural) <= total_cm:
        return [Cm(w * total_cm / sum(natural)) for w in natural]
    widths = list(natural)
    while sum(widths) > total_cm + 1e-9:  # lower the widest columns, level by level
        top = max(widths)
        others = [w for w in widths if w < top - 1e-9]
        level = (total_cm - sum(others)) / (len(widths) - len(others))
        next_level = max(others, default=0)
        widths = [max(level, next_level) if w >= top - 1e-9 else w for w in widths]
        if level >= next_level:
            break
    return [Cm(max(1.2, w)) for w in widths]


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _on(tag: str):
    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    return element
