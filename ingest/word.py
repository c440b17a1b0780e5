"""DOCX → lines, as an office lays a document out (Nghị định 30/2020/NĐ-CP).

The top of a Vietnamese document is a two-column table or two tab-separated columns: the issuing body
and "Số: …" on the left, the national motto and "…, ngày … tháng … năm …" on the right; the signature
block at the end is another such table ("Nơi nhận:" | "TM. BAN THƯỜNG VỤ … name"). Flattened into one
line per row, "LĐLĐ TỈNH … CÔNG ĐOÀN NGÀNH … Số: 15/KH-CĐN | CỘNG HÒA … Lai Châu, ngày 10 …" hid the
number, the date and the issuer from the header parser (ingest/meta.py), which reads a line at a time.
So these layout tables, and the tab-separated header lines, give one line per paragraph, row by row,
each merged cell once; every other table keeps one line per row, cells joined by " | "."""
from __future__ import annotations

import io
import re

from core.errors import IngestError
from ingest.limits import ReadLimits, check_zip

# what only a header or signature table holds
_LAYOUT = re.compile(r"CỘNG H[ÒO]A XÃ H[ỘO]I|Độc lập\s*[-–]\s*Tự do|(?:^|\n)\s*Số\s*:|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}"
                     r"\s+năm\s+\d{4}|(?:^|\n)\s*N[ơo]i nhận|(?:^|\n)\s*(?:TM|KT|T/M)\.?\s", re.I)
# header lines written with tab stops are split into columns only near the top, where the two columns are;
# a tab in the body is a hanging indent ("a)<tab>text") and stays a space. The header of Nghị định 30 takes
# six lines; twelve allows for a parent body, rules and an empty paragraph or two
HEADER_LINES = 12


def read_docx(data: bytes, name: str, limits: ReadLimits) -> str:
    import docx  # imported here so the text path does not pay for python-docx/lxml

    check_zip(data, name, limits)  # from the zip directory, before anything is decompressed
    deadline = limits.deadline(name)
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for line in _blocks(document.element.body, document):
            lines.extend(_columns(line) if len(lines) < HEADER_LINES else [line])
            deadline.check()
    except IngestError:
        raise
    except Exception as exc:  # zipfile, lxml and python-docx raise many types; all mean "cannot open it"
        reason = f"tệp DOCX bị hỏng hoặc không đầy đủ (corrupt DOCX: {type(exc).__name__})"
        raise IngestError(f"{name}: {reason}") from exc
    return "\n".join(lines)


def _columns(line: str) -> list[str]:
    return [part for part in (p.strip() for p in line.split("\t")) if part] or [""]


def _blocks(container, document):
    """Paragraph and table lines in document order; content controls (w:sdt) are looked into."""
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for element in container.iterchildren():
        if element.tag == qn("w:p"):
            yield from Paragraph(element, document).text.split("\n")   # a line break (w:br) ends a line
        elif element.tag == qn("w:tbl"):
            table = Table(element, document)
            yield from (_layout_lines(table) if is_layout(table) else _table_rows(table))
        elif element.tag == qn("w:sdt"):
            content = element.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content, document)


def _cells(table):
    """Each row's distinct cells, a cell merged across rows or columns only where it starts."""
    seen: set[int] = set()
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(cell)
        yield cells


def is_layout(table) -> bool:
    """A header or signature table: two or three columns of short text naming body, number, date or signer."""
    rows = list(_cells(table))
    text = "\n".join(c.text for cells in rows for c in cells)
    return len(rows) <= 4 and max((len(c) for c in rows), default=0) <= 3 and len(text) < 2000 \
        and bool(_LAYOUT.search(text))


def _layout_lines(table) -> list[str]:
    """Row by row, left cell before right, one line per paragraph (tab stops inside a cell split too)."""
    lines: list[str] = []
    for cells in _cells(table):
        for cell in cells:
            for line in cell.text.split("\n"):
                lines.extend(p for p in _columns(line) if p)
    return lines


def _table_rows(table) -> list[str]:
    """One line per row, cells joined by " | "; a merged cell is reported once, not once per grid column."""
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            rows.append(" | ".join(cells))
    return rows
