"""Two units' plans with the same number ("12/KH-CĐCS"): looking one up or deleting it by that number is
refused with both candidates listed, and their citations tell them apart by the organisation above the unit."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from core.errors import Ambiguous
from service.engine import Engine
from sotay import cli

PLAN = """LIÊN ĐOÀN LAO ĐỘNG HUYỆN {parent}\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
CÔNG ĐOÀN CƠ SỞ\tĐộc lập - Tự do - Hạnh phúc
Số: 12/KH-CĐCS\t{place}, ngày 12 tháng 3 năm 2025

KẾ HOẠCH
Tổ chức hội thao chào mừng ngày thành lập Công đoàn Việt Nam

I. MỤC ĐÍCH, YÊU CẦU
1. Động viên đoàn viên {place} tham gia rèn luyện thân thể, nâng cao sức khỏe.
2. Tổ chức an toàn, tiết kiệm, hiệu quả.
"""
UNITS = {"MƯỜNG TÈ": "Mường Tè", "SÌN HỒ": "Sìn Hồ"}


@pytest.fixture(scope="module")
def settings(seed_settings, tmp_path_factory):
    return seed_settings.model_copy(update={"data_dir": tmp_path_factory.mktemp("ambiguous")})


@pytest.fixture(scope="module")
def ids(settings):
    with Engine.open(settings) as engine:
        return [engine.add_bytes(PLAN.format(parent=p, place=place).encode(), f"kh-{place}.txt").doc_id
                for p, place in UNITS.items()]


def test_the_number_is_refused_with_both_candidates_and_the_citations_differ(settings, ids):
    with Engine.open(settings, watch=False) as engine:
        with pytest.raises(Ambiguous) as refused:
            engine.document("12/KH-CĐCS")
        assert sorted(i for i, _ in refused.value.candidates) == sorted(ids)
        assert all(engine.document(i).meta.number == "12/KH-CĐCS" for i in ids)   # each id still opens
        citations = {h.doc_id: h.citation for h in engine.search("hội thao rèn luyện thân thể", k=10)}
        assert "Liên đoàn Lao động huyện Mường Tè" in citations[ids[0]]
        assert "Liên đoàn Lao động huyện Sìn Hồ" in citations[ids[1]]


def test_get_by_the_shared_number_is_409_listing_the_candidates(settings, ids):
    with Engine.open(settings, watch=False) as engine, TestClient(create_app(settings, engine=engine)) as client:
        r = client.get("/documents/12/KH-CĐCS")
        assert r.status_code == 409
        assert sorted(c["id"] for c in r.json()["candidates"]) == sorted(ids)
        assert all(i in r.json()["detail"] for i in ids) and "Mường Tè" in r.json()["detail"]
        assert client.get(f"/documents/{ids[0]}").status_code == 200


def test_sotay_delete_by_the_shared_number_deletes_nothing(settings, ids, monkeypatch, capsys):
    monkeypatch.setenv("SOTAY_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("SOTAY_CACHE_DIR", str(settings.cache_dir))
    assert cli.main(["delete", "12/KH-CĐCS"]) == 2
    err = capsys.readouterr().err
    assert all(i in err for i in ids) and "Sìn Hồ" in err
    with Engine.open(settings, watch=False) as engine:
        assert {d.id for d in engine.documents()} == set(ids)
    assert cli.main(["delete", ids[1]]) == 0
    with Engine.open(settings, watch=False) as engine:
        assert {d.id for d in engine.documents()} == {ids[0]}
        assert engine.document("12/KH-CĐCS").id == ids[0]    # one left: the number opens it again
