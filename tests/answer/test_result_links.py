"""Which report result fills a programme target's "Kết quả" (answer/results.py), over the real seeds.

The seed report (2024-05-23) is the sơ kết of Nghị quyết 03/NQ-TLĐ and reports on it, on Kế hoạch 42/KH-TLĐ
and Kế hoạch 71/KH-LĐLĐ; none is a seed, so only its own six rows have a result. When the plan it names is
stored, the plan's targets take their results even where the report rewords them; a programme of another
province worded exactly like the report takes none, and neither does an unrelated target of the same value."""
from __future__ import annotations

import pytest

from answer.targets import target_table
from core.settings import Settings
from service.engine import Engine
from tests.conftest import seed_files

REPORT = "2024-05-23_bao-cao"
PLAN_71 = """LIÊN ĐOÀN LAO ĐỘNG TỈNH LAI CHÂU\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
BAN THƯỜNG VỤ\tĐộc lập - Tự do - Hạnh phúc
Số: 71/KH-LĐLĐ\tLai Châu, ngày 25 tháng 3 năm 2019

KẾ HOẠCH
Thực hiện Nghị quyết số 03/NQ-TLĐ về công tác cán bộ công đoàn trong tình hình mới

I. MỤC ĐÍCH, YÊU CẦU
Cụ thể hóa Nghị quyết số 03/NQ-TLĐ phù hợp với tình hình của Công đoàn tỉnh.
II. CHỈ TIÊU
- 100% cán bộ chủ chốt công đoàn các cấp được tuyên truyền, quán triệt nâng cao nhận thức về công tác cán bộ trong tình hình mới.
- Phấn đấu đến năm 2023, có 20% cán bộ lãnh đạo, quản lý cấp tỉnh sử dụng được ngoại ngữ trong công việc.
- 100% công đoàn cơ sở được kiểm tra việc thực hiện quy chế dân chủ ở cơ sở.
III. TỔ CHỨC THỰC HIỆN
Các cấp công đoàn xây dựng kế hoạch cụ thể để triển khai thực hiện.
"""
# Mục tiêu (1) of the seed report, word for word, in a programme of another province that it never names
ELSEWHERE = """CÔNG ĐOÀN VIÊN CHỨC TỈNH BÌNH ĐỊNH\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
\tĐộc lập - Tự do - Hạnh phúc
Số: 12/CTr-CĐVC\tBình Định, ngày 10 tháng 6 năm 2020

CHƯƠNG TRÌNH
Công tác cán bộ công đoàn năm 2020

I. MỤC TIÊU
Xây dựng đội ngũ cán bộ công đoàn đáp ứng yêu cầu nhiệm vụ.
II. CHỈ TIÊU
- 100% cán bộ chủ chốt công đoàn các cấp phải được tuyên truyền, quán triệt nâng cao nhận thức về cán bộ công đoàn và tầm quan trọng của công tác cán bộ trong tình hình mới.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("results"), cache_dir=tmp_path_factory.mktemp("c"),
                        embed_model="fake", llm_url=None, telegram_token=None)
    with Engine.open(settings) as engine:
        for f in seed_files():
            assert engine.add_bytes(f.read_bytes(), f.name).status == "added"
        yield engine


def results(rows, source: str) -> list[tuple[str, str]]:
    return [(r.target.value, r.verdict) for r in rows if r.document.source == source]


def test_over_the_seeds_only_the_reports_own_rows_have_a_result(engine):
    rows = target_table(engine)
    with_result = [r for r in rows if r.verdict]
    assert len(rows) == 46 and len(with_result) == 6
    assert {r.document.source[:len(REPORT)] for r in with_result} == {REPORT}
    assert all(r.verdict_source == "" for r in with_result)   # its own verdicts, not borrowed


def test_the_plan_the_report_names_takes_its_results_even_reworded(engine):
    plan = engine.add_bytes(PLAN_71.encode(), "kh-71-2019.txt")
    try:
        report = next(d for d in engine.documents() if d.source.startswith(REPORT))
        assert plan.doc_id in {link.doc_id for link in report.validity.implements}   # "Kế hoạch số 71/KH-LĐLD"
        rows = target_table(engine)
        # the foreign-language target is reworded (subject overlap .44, under the .5 an unnamed programme needs)
        assert results(rows, "kh-71-2019.txt") == [("100%", "Đạt"), ("20%", "Vượt, 100%"), ("100%", "")]
        sources = {r.verdict_source for r in rows if r.document.source == "kh-71-2019.txt" and r.verdict}
        assert all("Báo cáo" in s for s in sources), sources
        assert sum(1 for r in rows if r.verdict) == 6 + 2   # no seed row took anything from the plan
    finally:
        engine.delete(plan.doc_id)


def test_a_programme_of_another_province_worded_like_the_report_stays_empty(engine):
    other = engine.add_bytes(ELSEWHERE.encode(), "binh-dinh-2020.txt")
    try:
        assert results(target_table(engine), "binh-dinh-2020.txt") == [("100%", "")]
    finally:
        engine.delete(other.doc_id)
