"""Relations and validity read from the documents' own text (ingest/relations.py), on the seeds and real laws."""
from __future__ import annotations

import pytest

from ingest.parse import parse_document
from ingest.records import DocMeta
from ingest.relations import references, replaced_in, term, with_relations
from tests.conftest import SHARED, parsed_seed

LAWS = SHARED / "bench/laws"


def law(name: str):
    path = LAWS / name
    return parse_document(path.read_text(encoding="utf-8"), path.name)


def refs(doc, kind: str) -> list[tuple[str | None, str | None, int | None]]:
    return [(r.number, r.name, r.year) for r in doc.meta.references if r.kind == kind]


def test_a_law_that_says_the_old_law_is_no_longer_in_force_replaces_it():
    new = law("Luat-Doanh-nghiep-so-59-2020-QH14-427301.txt")
    assert refs(new, "replaces") == [("68/2014/QH13", "Doanh nghiệp", 2014)]
    assert new.meta.valid_from == "2021-01-01"
    labour = law("Bo-Luat-lao-dong-2019-333670.txt")
    assert refs(labour, "replaces") == [("10/2012/QH13", "Lao động", 2012)]


def test_replacing_a_phrase_in_another_law_is_not_replacing_that_law():
    # Luật Doanh nghiệp 2020, Điều 218: "Thay thế cụm từ … của Luật Ngân sách nhà nước số 83/2015/QH13"
    new = law("Luat-Doanh-nghiep-so-59-2020-QH14-427301.txt")
    numbers = {r.number for r in new.meta.references}
    assert "83/2015/QH13" not in numbers and "08/2017/QH14" not in numbers


def test_a_law_named_by_its_year_without_a_number_is_kept_with_its_year():
    union = law("Luat-Cong-doan-2012-142186.txt")
    assert refs(union, "replaces") == [(None, "Công đoàn", 1990)]
    assert union.meta.valid_from == "2013-01-01"


def test_amendments_name_the_amended_law_not_its_earlier_amendments():
    labour = law("Bo-Luat-lao-dong-2019-333670.txt")
    assert [n for n, _, _ in refs(labour, "amends")] == ["58/2014/QH13", "92/2015/QH13"]
    # "Luật sửa đổi, bổ sung Điều 170 của Luật doanh nghiệp số 37/2013/QH13" inside a sentence is a name
    old = law("Luat-Doanh-nghiep-2014-259730.txt")
    assert refs(old, "amends") == []
    # "… và Luật sửa đổi, bổ sung Điều 170 của Luật doanh nghiệp số 37/2013/QH13 hết hiệu lực": the number is the
    # amending law's, written after "của" as if of a part; only the 2005 law is read as replaced
    assert [n for n, _, _ in refs(old, "replaces")] == ["60/2005/QH11"]


def test_articles_of_a_law_that_end_do_not_end_the_law():
    # "Các quy định về bảo hiểm tai nạn lao động … của Luật bảo hiểm xã hội số 58/2014/QH13 hết hiệu lực"
    safety = law("Luat-an-toan-ve-sinh-lao-dong-2015-281961.txt")
    assert refs(safety, "replaces") == []


def test_a_replaced_law_is_named_without_the_laws_that_amended_it():
    # "Luật Thi đua, khen thưởng số 15/2003/QH11 đã được sửa đổi, bổ sung … theo Luật số 47/2005/QH11, …"
    awards = law("Luat-Thi-dua-Khen-thuong-2022-418232.txt")
    assert refs(awards, "replaces") == [("15/2003/QH11", "Thi đua, khen thưởng", 2003)]


def test_the_report_carries_out_resolution_03_named_in_its_title_and_opening():
    report = parsed_seed("2024-05-23")
    numbers = [n for n, _, _ in refs(report, "implements")]
    assert numbers == ["03/NQ-TLĐ", "42/KH-TLĐ", "71/KH-LĐLD"]
    assert report.meta.valid_from is None and report.meta.valid_to is None


def test_a_programme_takes_its_term_from_its_title():
    old = parsed_seed("2018")
    assert (old.meta.valid_from, old.meta.valid_to) == ("2018", "2023")
    # the opening names the Tỉnh ủy's programme of 2015-2020: the title's term wins
    assert ("08-CTr/TU", None, 2016) in refs(old, "implements")
    current = parsed_seed("2023")
    assert (current.meta.valid_from, current.meta.valid_to) == ("2023", "2028")
    assert refs(current, "implements") == [(None, "Đại hội Công đoàn tỉnh Lai Châu lần thứ XIII", None)]


def test_the_opening_stops_at_its_own_subject():
    # "… Ban Thường vụ Liên đoàn Lao động tỉnh xây dựng Chương trình hành động …" is the programme itself
    old = parsed_seed("2018")
    assert all(r.doc_type != "Chương trình hành động" or r.number for r in old.meta.references)
    cdvc = parsed_seed("2024-09-16")
    # "Quyết định số 3169/QĐ-TLĐ … về việc ban hành Quy định tiêu chuẩn …": the decision, not what it issued
    assert [r.doc_type for r in cdvc.meta.references if r.doc_type.startswith("Quy")] == ["Quyết định", "Quyết định"]


@pytest.mark.parametrize("text, expected", [
    ("Quyết định này có hiệu lực kể từ ngày ký và thay thế Quyết định số 1234/QĐ-TLĐ ngày 05/3/2019.",
     [("1234/QĐ-TLĐ", 2019)]),
    ("Bãi bỏ Chỉ thị số 05/CT-TU ngày 01 tháng 02 năm 2016 của Ban Thường vụ Tỉnh ủy.", [("05/CT-TU", 2016)]),
    ("b) Bãi bỏ khoản 2 Điều 32.", []),
    ("Luật này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2015.", []),
])
def test_replacement_wordings(text, expected):
    assert [(r.number, r.year) for r in replaced_in(text)] == expected


def test_validity_dates_as_written():
    meta = with_relations(DocMeta(date="2025-03-10"), "", "Kế hoạch này có hiệu lực kể từ ngày ký.")
    assert meta.valid_from == "2025-03-10"
    meta = with_relations(DocMeta(), "", "Quy chế này có hiệu lực thi hành từ ngày 01/7/2024 đến hết ngày 31/12/2025.")
    assert (meta.valid_from, meta.valid_to) == ("2024-07-01", "2025-12-31")
    assert term("Kế hoạch giai đoạn 2021 – 2025", "") == ("2021", "2025")
    assert term("", "") is None


def test_a_document_never_references_itself():
    meta = with_relations(DocMeta(number="01/CTr-LĐLĐ"), "Thực hiện Chương trình số 01/CTr-LĐLĐ;", "")
    assert meta.references == ()
    assert [r.text for r in references("Luật này và Luật số 84/2015/QH13", "amends")] == ["Luật số 84/2015/QH13"]


def test_every_law_of_the_haystack_parses_with_relations():
    """No law's text breaks the reader, and each in-force date is a real ISO day."""
    for name in (SHARED / "bench/haystack/LAWS.txt").read_text().split():
        doc = law(name)
        assert doc.meta.valid_from is None or len(doc.meta.valid_from) == 10, (name, doc.meta.valid_from)
        assert all(r.number or r.name for r in doc.meta.references), name


def test_a_transition_that_runs_to_a_date_does_not_end_the_law():
    # "… trước ngày Luật này có hiệu lực thi hành thì được tiếp tục thực hiện đến hết ngày 31 tháng 12 năm 2021"
    architecture = law("Luat-Kien-truc-2019-384114.txt")
    assert (architecture.meta.valid_from, architecture.meta.valid_to) == ("2020-07-01", None)
    identity = law("Luat-Can-cuoc-cong-dan-2014-259782.txt")
    assert (identity.meta.valid_from, identity.meta.valid_to) == ("2016-01-01", None)
