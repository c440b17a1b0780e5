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


def test_subjects_read_as_whole_noun_phrases(targets):
    """The subjects issue 22 found broken: "(tỷ lệ cán bộ trẻ)", "có trình độ cao cấp", a bare "công đoàn cấp
    trên trực tiếp cơ sở" cut from the predicate it shares, "đoàn viên (Hết nhiệm kỳ, phấn đấu …)"."""
    every = [t for ts in targets.values() for t in ts]
    assert not [t.subject for t in every if t.subject.startswith("(") or not t.subject]
    by = {(t.value, t.subject) for t in every}
    assert ("10%", "tỷ lệ cán bộ trẻ") in by
    assert ("30%", "tỷ lệ cán bộ nữ tham gia ban chấp hành") in by
    assert ("30%", "bầu cử và bổ nhiệm các chức danh lãnh đạo, quản lý đổi mới") in by
    assert ("từ 1,5 đến 2 lần", "tỷ lệ cán bộ đưa vào quy hoạch, so với số cán bộ đương nhiệm") in by
    assert ("24.500", "đoàn viên (Công đoàn tỉnh Lai Châu)") in by
    assert ("80%", "cán bộ có trình độ lý luận chính trị từ trung cấp trở lên — trong đó có trình độ cao cấp") in by
    shared = "xếp loại hoàn thành tốt nhiệm vụ trở lên"
    for value, unit in (("90%", "công đoàn cấp trên trực tiếp cơ sở"), ("85%", "CĐCS khu vực nhà nước"),
                        ("80%", "CĐCS khu vực ngoài nhà nước")):
        assert (value, f"{unit} {shared}") in by


def test_a_goal_cut_by_a_footnote_takes_the_verdict_of_its_second_half(targets):
    report = _of(targets, "2024-05")
    certified = next(t for t in report if "cấp chứng chỉ lý luận nghiệp vụ" in t.subject)
    assert certified.verdict == "Đạt"


@pytest.mark.parametrize(("value", "unit", "number"), [
    ("100%", "%", 100.0), ("24.500", "số", 24500.0), ("từ 1,5 đến 2 lần", "lần", 1.5), ("từ 3 đến 4", "số", 3.0),
    ("01", "số", 1.0), ("4.000", "số", 4000.0), ("12,5%", "%", 12.5)])
def test_values_carry_their_unit_and_number(value, unit, number):
    target = Target(doc_id="d", section_id="s", subject="x", value=value, qualifier="", period="", text=value)
    assert (target.unit, target.number) == (unit, number)
