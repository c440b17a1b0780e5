"""Each document's status over the collection (index/validity.py), on the real seeds and laws, the date pinned."""
from __future__ import annotations

import datetime as dt

import pytest

from index.records import Filters
from index.validity import present_tense, validities, with_validity
from ingest.parse import parse_document
from tests.conftest import SHARED, seed_files

LAWS = SHARED / "bench/laws"
TODAY = dt.date(2026, 12, 2)
NEW_LAWS = ["Bo-Luat-lao-dong-2019-333670.txt", "Luat-Doanh-nghiep-2014-259730.txt",
            "Luat-Doanh-nghiep-so-59-2020-QH14-427301.txt", "Luat-Cong-doan-2012-142186.txt"]


def summary(path):
    return parse_document(path.read_text(encoding="utf-8"), path.name).summary()


@pytest.fixture(scope="module")
def docs():
    """Seeds + Bộ luật Lao động 2019 + Luật Doanh nghiệp 2014 and 2020 + Luật Công đoàn 2012, by file name."""
    return {p.name: summary(p) for p in [*seed_files(), *(LAWS / n for n in NEW_LAWS)]}


def status(docs, today=TODAY):
    found = validities(docs.values(), today)
    return {name: found[d.id] for name, d in docs.items()}


def named(docs, prefix):
    return next(d for name, d in docs.items() if name.startswith(prefix))


def test_the_2014_enterprise_law_is_replaced_by_the_2020_law(docs):
    got = status(docs)
    old, new = got["Luat-Doanh-nghiep-2014-259730.txt"], got["Luat-Doanh-nghiep-so-59-2020-QH14-427301.txt"]
    law_2020 = named(docs, "Luat-Doanh-nghiep-so-59")
    assert old.status == "replaced"
    assert [link.doc_id for link in old.replaced_by] == [law_2020.id]
    assert old.current.doc_id == law_2020.id
    assert old.valid_to == "2021-01-01"        # the day the 2020 law took effect
    assert new.status == "in_force"
    assert [link.doc_id for link in new.replaces] == [named(docs, "Luat-Doanh-nghiep-2014").id]


def test_the_2018_2023_programme_is_over_and_points_to_the_current_term(docs):
    got = status(docs)
    old = got[next(n for n in docs if n.startswith("2018"))]
    assert old.status == "term_ended"
    assert (old.valid_from, old.valid_to) == ("2018", "2023")
    assert old.current.doc_id == named(docs, "2023").id
    assert got[next(n for n in docs if n.startswith("2023"))].status == "in_force"


def test_the_report_implements_resolution_03_as_a_dangling_reference(docs):
    report = status(docs)[next(n for n in docs if n.startswith("2024-05-23"))]
    resolution = next(link for link in report.implements if "03/NQ-TLĐ" in link.text)
    assert resolution.doc_id is None
    assert report.status == "unknown"


def test_laws_replaced_outside_the_index_are_in_force_by_their_own_date(docs):
    got = status(docs)
    labour = got["Bo-Luat-lao-dong-2019-333670.txt"]
    assert labour.status == "in_force" and labour.valid_from == "2021-01-01"
    assert [(link.text, link.doc_id) for link in labour.replaces] == [("Bộ luật Lao động số 10/2012/QH13", None)]
    # "Luật Công đoàn năm 1990 hết hiệu lực": the 2012 law has the same name but another year
    union = got["Luat-Cong-doan-2012-142186.txt"]
    assert union.status == "in_force" and union.replaces[0].doc_id is None


def test_the_date_decides_terms_and_replacements(docs):
    before = status(docs, dt.date(2020, 12, 31))
    # the 2020 law was passed but not yet in effect: the 2014 law still was
    assert before["Luat-Doanh-nghiep-2014-259730.txt"].status == "in_force"
    assert before["Luat-Doanh-nghiep-2014-259730.txt"].replaced_by    # the relation is known all the same
    assert before[next(n for n in docs if n.startswith("2018"))].status == "in_force"
    # a term's last year is still the term
    assert status(docs, dt.date(2023, 12, 31))[next(n for n in docs if n.startswith("2018"))].status == "in_force"


def test_a_document_added_later_resolves_what_an_older_one_left_dangling(docs):
    without = {k: v for k, v in docs.items() if not k.startswith("Luat-Doanh-nghiep-so-59")}
    assert status(without)["Luat-Doanh-nghiep-2014-259730.txt"].status == "in_force"
    assert status(docs)["Luat-Doanh-nghiep-2014-259730.txt"].status == "replaced"


def test_the_status_filter_reads_the_derived_status(docs):
    dated = with_validity(docs.values(), TODAY)
    replaced = [d.name for d in dated if Filters(status="replaced").matches(d)]
    assert replaced == ["Luật Doanh nghiệp số 68/2014/QH13"]
    ended = [d.id for d in dated if Filters(status="term_ended").matches(d)]
    assert ended == [named(docs, "2018").id]
    # three programmes of current terms and three laws; the report states no validity
    assert len([d for d in dated if Filters(status="in_force").matches(d)]) == 6
    assert [d.meta.doc_type for d in dated if Filters(status="unknown").matches(d)] == ["Báo cáo"]


@pytest.mark.parametrize("question, now", [
    ("Thủ tục thành lập doanh nghiệp gồm những gì?", True),
    ("chỉ tiêu đào tạo chủ tịch CĐCS là gì?", True),
    ("Chỉ tiêu của nhiệm kỳ trước là bao nhiêu?", False),
    ("Năm 2019 Lai Châu có bao nhiêu đoàn viên?", False),
    ("tỷ lệ cán bộ nữ giai đoạn 2018-2023", False),
    ("quy định cũ về thành lập công ty", False),
    ("Trong 5 năm thực hiện Nghị quyết 03 đã cử bao nhiêu lượt cán bộ đi đào tạo?", True),
    ("chỉ tiêu cụ thể của từng đơn vị", True),
    ("Luật Doanh nghiệp đã hết hiệu lực chưa?", False),
])
def test_a_question_about_the_past_is_not_present_tense(question, now):
    assert present_tense(question) is now
