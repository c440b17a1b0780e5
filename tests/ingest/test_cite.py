"""Citations as officials write them, from a passage's headings and its document's metadata (real seeds)."""
from __future__ import annotations

import pytest

from ingest.cite import cite, organisation, place_in_document, span_of
from ingest.passages import build_passages
from ingest.records import DocMeta
from tests.conftest import parsed_seed as parsed


def test_programme_section_is_cited_smallest_unit_first_with_date_and_issuer():
    doc = parsed("2026-01-21_01-CTr-LDLD")
    passages = {p.section_id: p for p in build_passages(doc)}
    assert cite(passages["III.2"].heading_path, doc.name, doc.meta) == \
        "mục 2, phần III, Chương trình số 01/CTr-LĐLĐ ngày 21/01/2026 của LĐLĐ tỉnh Lai Châu"
    grouped = passages["III.1"]   # the passage holding sub-sections 1.5 and 1.6
    assert cite(grouped.heading_path, doc.name, doc.meta, span_of(grouped.citation)).startswith(
        "mục 1.5 – 1.6, phần III, Chương trình số 01/CTr-LĐLĐ")


@pytest.mark.parametrize("path, span, expected", [
    (("II. MỤC TIÊU", "2. Chỉ tiêu", "2.1. Chỉ tiêu hàng năm"), None, "mục 2.1, phần II"),
    (("Phần thứ nhất. KẾT QUẢ", "IV. KẾT QUẢ THỰC HIỆN", "5. Tăng cường"), None, "mục IV.5, phần thứ nhất"),
    (("V. ĐÁNH GIÁ CHUNG",), ("1", "2"), "mục 1 – 2, phần V"),
    (("Chương III. HỢP ĐỒNG", "Điều 25. Thời gian thử việc", "1. Không quá 180 ngày", "b) Không quá 60 ngày"),
     None, "điểm b khoản 1 Điều 25"),
    (("Chương III. HỢP ĐỒNG", "Điều 25. Thời gian thử việc"), ("khoản 1", "khoản 3"), "khoản 1 – 3 Điều 25"),
    (("Chương II. QUYỀN",), ("Điều 5", "Điều 7"), "Điều 5 – 7, Chương II"),
    (("Phần mở đầu",), None, "phần mở đầu"),
])
def test_place_in_document(path, span, expected):
    assert place_in_document(path, span) == expected


def test_a_law_is_cited_by_name_and_number_alone():
    law = DocMeta(doc_type="Bộ luật", number="45/2019/QH14", title="Lao động", issuer="Quốc hội",
                  date="2019-11-20")
    assert cite(("Chương III", "Điều 25. Thời gian thử việc", "2. Không quá 60 ngày"),
                "Bộ luật Lao động số 45/2019/QH14", law) == "khoản 2 Điều 25, Bộ luật Lao động số 45/2019/QH14"


def test_issuer_is_shortened_and_not_repeated_when_the_name_holds_it():
    assert organisation("Liên đoàn Lao động tỉnh Lai Châu — Ban Chấp hành") == "LĐLĐ tỉnh Lai Châu"
    doc = parsed("2018_ctr-hanh-dong")   # its name already says "của Ban Thường vụ Liên đoàn Lao động tỉnh"
    assert " của LĐLĐ" not in cite(("I. MỤC ĐÍCH",), doc.name, doc.meta)
