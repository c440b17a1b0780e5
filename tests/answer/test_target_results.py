"""A report's result ("Đạt") is linked to a programme's target worded the same way only when the programme
is not newer than the report: a 2022 report says nothing about a 2023 programme's target."""
from __future__ import annotations

from answer.targets import target_table
from core.settings import Settings
from service.engine import Engine
from tests.conftest import CORPUS

PROGRAMME_TYPE = "Chương trình hành động"
PROGRAMME = CORPUS / "2023_ctr-hanh-dong_lai-chau_nghi-quyet-dai-hoi-xiii-2023-2028.txt"


def report(year: int) -> str:
    return (f"LIÊN ĐOÀN LAO ĐỘNG TỈNH LAI CHÂU\nSố: {year % 100}/BC-LĐLĐ\nLai Châu, ngày 20 tháng 12 năm {year}\n"
            "BÁO CÁO\nKết quả thực hiện chỉ tiêu năm\nI. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU\n"
            "Mục tiêu (1): 100% chủ tịch công đoàn cơ sở được đào tạo, bồi dưỡng với hình thức phù hợp. (*Đạt*)\n")


def test_results_link_only_to_targets_set_before_the_report(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", embed_model="fake",
                        llm_url=None, telegram_token=None)
    with Engine.open(settings) as engine:
        engine.add_bytes(PROGRAMME.read_bytes(), PROGRAMME.name)
        engine.add_bytes(report(2022).encode(), "bao-cao-2022.txt")
        rows = target_table(engine, topic="chủ tịch công đoàn cơ sở được đào tạo")
        programme = [r for r in rows if r.document.meta.doc_type == PROGRAMME_TYPE and r.target.value == "100%"]
        assert programme and all(r.verdict == "" for r in programme)     # 2022 < 2023: no result for it
        engine.add_bytes(report(2024).encode(), "bao-cao-2024.txt")
        rows = target_table(engine, topic="chủ tịch công đoàn cơ sở được đào tạo")
        programme = [r for r in rows if r.document.meta.doc_type == PROGRAMME_TYPE and r.target.value == "100%"]
        assert [r.verdict for r in programme] == ["Đạt"]
        assert "24/BC-LĐLĐ" in programme[0].verdict_source
