"""Targets (chỉ tiêu) extracted from the seed programmes: a hand-made list of what the documents state."""
from __future__ import annotations

import pytest

from ingest.parse import parse_document
from ingest.readers import read_text
from ingest.targets import Target, extract_targets
from tests.conftest import CORPUS

# (file prefix, words of the subject, value, qualifier, period): read off the seeds by hand
EXPECTED = [
    ("2023_", "chủ tịch công đoàn cơ sở được đào tạo, bồi dưỡng", "100%", "", "hàng năm"),
    ("2023_", "đoàn viên, NLĐ được tuyên truyền", "98%", "trở lên", "hàng năm"),
    ("2023_", "công nhân lao động tại các doanh nghiệp tham gia học tập", "70%", "trở lên", "hàng năm"),
    ("2023_", "CĐCS doanh nghiệp khu vực ngoài nhà nước tham gia", "80%", "trở lên", "hàng năm"),
    ("2023_", "công đoàn cấp trên trực tiếp cơ sở", "90%", "", "hàng năm"),
    ("2023_", "CĐCS khu vực nhà nước", "85%", "", "hàng năm"),
    ("2023_", "đoàn viên ưu tú", "01", "ít nhất", "hàng năm"),
    ("2023_", "Ban Nữ công quần chúng", "90%", "", "hàng năm"),
    ("2023_", "ủng hộ quỹ", "95%", "trở lên", "hàng năm"),
    ("2023_", "được công đoàn cấp trên kiểm tra, giám sát tài chính", "15%", "ít nhất", "hàng năm"),
    ("2023_", "đoàn viên", "24.500", "phấn đấu", "nhiệm kỳ 2023–2028"),
    ("2023_", "tranh chấp lao động tại Tòa án", "90%", "trở lên", "nhiệm kỳ 2023–2028"),
    ("2023_", "thương lượng, ký kết", "85%", "", "nhiệm kỳ 2023–2028"),
    ("2023_", "đạt chuẩn văn hóa", "98%", "", "nhiệm kỳ 2023–2028"),
    ("2023_", "gia đình đoàn viên công đoàn đạt gia đình văn hóa", "90%", "trên", "nhiệm kỳ 2023–2028"),
    ("2026-", "cán bộ Công đoàn chuyên trách được đào tạo, bồi dưỡng lý luận", "100%", "", "hàng năm"),
    ("2026-", "cán bộ công đoàn chuyên trách có trình độ thạc sĩ", "50%", "phấn đấu", "đến năm 2030"),
    ("2026-", "có trình độ cao cấp", "80%", "trở lên", "đến năm 2030"),
    ("2026-", "cán bộ công đoàn không chuyên trách được tập huấn", "100%", "", "đến năm 2030"),
    ("2026-", "cán bộ nữ công được bồi dưỡng, tập huấn về bình đẳng giới", "100%", "", "đến năm 2030"),
    ("2026-", "xếp loại hoàn thành tốt nhiệm vụ trở lên", "100%", "", "đến năm 2030"),
    ("2024-09", "cán bộ công đoàn cơ sở được tập huấn, bồi dưỡng", "100%", "", "nhiệm kỳ 2023–2028"),
    ("2024-09", "CĐCS hoàn thành tốt nhiệm vụ", "90%", "trên", "hàng năm"),
    ("2024-09", "CĐCS hoàn thành xuất sắc nhiệm vụ", "20%", "", "hàng năm"),
    ("2018_", "cán bộ công đoàn các cấp được tập huấn", "4.000", "trên", "nhiệm kỳ 2018–2023"),
    ("2018_", "đạt tiêu chuẩn chức danh", "100%", "", "đến năm 2023"),
    ("2018_", "cán bộ trong diện quy hoạch", "từ 3 đến 4", "", "nhiệm kỳ 2018–2023"),
    ("2018_", "tỷ lệ cán bộ nữ tham gia ban chấp hành", "30%", "trở lên", ""),
    ("2018_", "tỷ lệ cán bộ trẻ", "10%", "không dưới", ""),
]


@pytest.fixture(scope="module")
def targets() -> dict[str, list[Target]]:
    return {f.name: extract_targets(parse_document(read_text(f), f.name)) for f in sorted(CORPUS.glob("*.txt"))}


def _of(targets: dict[str, list[Target]], prefix: str) -> list[Target]:
    return next(ts for name, ts in targets.items() if name.startswith(prefix))


@pytest.mark.parametrize(("prefix", "subject", "value", "qualifier", "period"), EXPECTED)
def test_every_hand_listed_target_is_extracted_with_its_value_and_period(targets, prefix, subject, value,
                                                                         qualifier, period):
    found = [t for t in _of(targets, prefix) if subject in t.subject and t.value == value]
    assert found, f"{value} {subject!r} missing from {prefix}"
    assert found[0].qualifier == qualifier and found[0].period == period, found[0]


def test_every_target_bullet_of_the_four_programmes_gives_a_row(targets):
    for prefix in ("2018_", "2023_", "2024-09", "2026-"):
        doc = next(f for f in CORPUS.glob("*.txt") if f.name.startswith(prefix))
        parsed = parse_document(read_text(doc), doc.name)
        bullets = [line for s in parsed.sections if any("chỉ tiêu" in h.lower() for h in s.heading_path)
                   for line in s.text.split("\n") if line.lstrip().startswith("-") and any(c.isdigit() for c in line)]
        rows = {t.text for t in _of(targets, prefix)}
        assert bullets and all(b.strip() in rows for b in bullets), prefix


def test_report_keeps_its_verdict_beside_each_goal(targets):
    report = _of(targets, "2024-05")
    verdicts = {(t.value, t.verdict) for t in report}
    assert ("20%", "Vượt, 100%") in verdicts
    assert sum(1 for t in report if t.verdict == "Đạt") >= 3


def test_closing_block_and_prose_without_quantities_give_no_targets(targets):
    assert all(t.section_id != "closing" for ts in targets.values() for t in ts)
    assert all(any(ch.isdigit() for ch in t.value) for ts in targets.values() for t in ts)
