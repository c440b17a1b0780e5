"""Upload read limits come from settings (SOTAY_MAX_PDF_PAGES, SOTAY_MAX_UNZIPPED_MB), not only defaults:
an administrator who lowers them is obeyed on every write path, and the refusal names the setting."""
from __future__ import annotations

import io

import docx
import pytest
from fpdf import FPDF

from core.errors import IngestError
from core.settings import Settings
from service.engine import Engine


def pdf_with_pages(n: int) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for i in range(n):
        pdf.add_page()
        pdf.multi_cell(0, 8, f"Page {i + 1}. " + "Union members plan annual training programmes. " * 20)
    return bytes(pdf.output())


def docx_of_mb(mb: float) -> bytes:
    """A DOCX whose XML expands past `mb` MB with varied text (ratio well under the ratio cap)."""
    import random

    rng = random.Random(7)
    document = docx.Document()
    size = 0
    while size < mb * 2**20:
        line = " ".join(f"{rng.randrange(10**9):x}" for _ in range(40))
        document.add_paragraph(line)
        size += len(line) + 60
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture()
def strict_engine(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", embed_model="fake",
                        max_pdf_pages=2, max_unzipped_mb=1, telegram_token=None, llm_url=None)
    engine = Engine.open(settings)
    yield engine
    engine.close()


def test_pdf_page_cap_comes_from_settings(strict_engine):
    with pytest.raises(IngestError, match="SOTAY_MAX_PDF_PAGES") as refused:
        strict_engine.add_bytes(pdf_with_pages(3), "ba-trang.pdf")
    assert "3 trang" in str(refused.value) and "2 trang" in str(refused.value)
    assert strict_engine.add_bytes(pdf_with_pages(2), "hai-trang.pdf").status == "added"


def test_unzipped_cap_comes_from_settings(strict_engine):
    with pytest.raises(IngestError, match="SOTAY_MAX_UNZIPPED_MB"):
        strict_engine.add_bytes(docx_of_mb(1.5), "lon.docx")
    assert strict_engine.store.list_documents() == []
