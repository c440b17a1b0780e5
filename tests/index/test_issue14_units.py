"""Pure pieces of issue 14: corpus diacritic restorer, named-document resolver, paragraph units."""
from __future__ import annotations

import numpy as np

from core.text import fold
from index.maxp import MAX_UNIT_CHARS, max_pool, paragraphs, units
from index.named import NamedDoc, keys_for, mentions, resolve, without_mentions
from index.restore import Restorer
from tests.conftest import seed_files


def test_restorer_restores_seed_phrases_from_the_corpus_counts():
    r = Restorer.build(p.read_text(encoding="utf-8") for p in seed_files())
    assert r.restore("can bo cong doan co so") == "cán bộ công đoàn cơ sở"
    assert r.restore("nang cao chat luong") == "nâng cao chất lượng"


def test_restorer_keeps_accented_and_unknown_syllables():
    r = Restorer.build(["Cán bộ công đoàn cơ sở được đào tạo"])
    assert r.restore("cán bo xyz") == "cán bộ xyz"
    assert r.restore("") == ""


def test_restorer_uses_pairs_to_choose_between_spellings():
    # "bao" alone is mostly "bảo"; after "mất" the corpus says "bao lâu"
    r = Restorer.build(["bảo hiểm bảo hiểm bảo vệ bảo đảm", "mất bao lâu", "bao lâu thì xong"])
    assert r.restore("mat bao lau") == "mất bao lâu"
    assert r.restore("bao hiem") == "bảo hiểm"


LAWS = [
    NamedDoc("cd", keys_for("Luật Công đoàn số 12/2012/QH13", "Luật", "12/2012/QH13", "Công đoàn")),
    NamedDoc("bdg", keys_for("Luật Bình đẳng giới số 73/2006/QH", "Luật", "73/2006/QH", "Bình đẳng giới")),
    NamedDoc("bll", keys_for("Bộ luật Lao động số 45/2019/QH14", "Bộ luật", "45/2019/QH14", "Lao động")),
    NamedDoc("ctr01", keys_for("Chương trình số 01/CTr-LĐLĐ", "Chương trình", "01/CTr-LĐLĐ", "Nâng cao chất lượng")),
    NamedDoc("bc", keys_for("Báo cáo sơ kết 05 năm thực hiện Nghị quyết số 03/NQ-TLĐ, ngày 11/01/2019", "Báo cáo",
                            None, "Sơ kết 05 năm thực hiện Nghị quyết số 03/NQ-TLĐ, ngày 11/01/2019")),
    NamedDoc("cth", keys_for("Chương trình hành động thực hiện Nghị quyết Đại hội Nhiệm kỳ 2023 - 2028",
                             "Chương trình hành động", None, "Thực hiện Nghị quyết Đại hội Nhiệm kỳ 2023 - 2028")),
]


def test_named_documents_resolve_by_name_number_and_term():
    assert resolve("Những hành vi bị nghiêm cấm theo Luật Công đoàn", LAWS) == {"cd"}
    assert resolve("nhung hanh vi bi nghiem cam theo luat cong doan", LAWS) == {"cd"}
    assert resolve("Nhiệm vụ khi triển khai Chương trình 01/CTr-LĐLĐ", LAWS) == {"ctr01"}
    assert resolve("Kết quả 5 năm thực hiện NQ 03", LAWS) == {"bc"}
    assert resolve("chương trình hành động nhiệm kỳ 2023-2028 có mấy nhiệm vụ", LAWS) == {"cth"}
    assert resolve("Luật Lao động quy định thời giờ làm việc", LAWS) == {"bll"}
    subject = "Người lao động Việt Nam đi làm việc ở nước ngoài theo hợp đồng"   # a law's name over 8 words
    long_name = NamedDoc("nlđ", keys_for(f"Luật {subject} số 69/2020/QH14", "Luật", "69/2020/QH14", subject))
    assert resolve("Luật Người lao động Việt Nam đi làm việc ở nước ngoài theo hợp đồng quy định gì về ký quỹ",
                   [*LAWS, long_name]) == {"nlđ"}


def test_named_documents_ignore_questions_that_name_none():
    assert resolve("Lao động nữ được nghỉ thai sản bao lâu?", LAWS) == set()
    assert resolve("ngày 11/01 có sự kiện gì", LAWS) == set()
    # "NQ 03" names the resolution; "nghị quyết 03 năm" counts years
    assert resolve("kết quả 03 năm thực hiện nghị quyết 03 tháng đầu", LAWS) == set()
    assert resolve("kết quả thực hiện nghị quyết 03 của Tổng Liên đoàn", LAWS) == {"bc"}


def test_named_documents_are_cut_from_the_ranking_text_with_the_words_that_introduce_them():
    def rest(question: str) -> str:
        return without_mentions(question, mentions(question, LAWS))

    assert rest("Những hành vi bị nghiêm cấm theo Luật Công đoàn") == "Những hành vi bị nghiêm cấm"
    assert rest("nhung hanh vi bi nghiem cam theo luat cong doan") == "nhung hanh vi bi nghiem cam"
    assert rest("Nhiệm vụ khi triển khai Chương trình số 01/CTr-LĐLĐ?") == "Nhiệm vụ khi triển khai ?"
    assert rest("01/CTr-LĐLĐ đặt chỉ tiêu gì đến 2030") == "đặt chỉ tiêu gì đến 2030"
    assert rest("chương trình hành động nhiệm kỳ 2023 - 2028 có mấy nhiệm vụ") == "có mấy nhiệm vụ"
    # the longer name wins: "Luật Lao động" inside nothing longer here, and questions naming none are kept
    assert rest("Luật Lao động quy định thời giờ làm việc") == "quy định thời giờ làm việc"
    assert rest("Lao động nữ được nghỉ thai sản bao lâu?") == "Lao động nữ được nghỉ thai sản bao lâu?"
    assert rest("Luật Công đoàn") == "Luật Công đoàn"   # nothing but the name: searched as typed
    spans = mentions("Theo Luật Công đoàn và Bộ luật Lao động", LAWS)
    assert {m.doc_id for m in spans} == {"cd", "bll"}


def test_paragraph_units_merge_short_lines_cut_long_ones_and_carry_the_heading():
    text = "a) Ngắn.\nb) Cũng ngắn nhưng được gộp với dòng trước cho đủ một đoạn có nghĩa khi đọc riêng.\n" + \
           "Đoạn dài " * 200
    parts = paragraphs(text)
    assert parts[0].startswith("a) Ngắn.\nb)")
    assert all(len(p) <= MAX_UNIT_CHARS for p in parts)
    assert fold(" ".join(parts)).count("doan dai") == 200
    out = units(("Chương I", "Điều 5. Hành vi bị nghiêm cấm"), text)
    assert len(out) == len(parts) and all(u.startswith("Điều 5. Hành vi bị nghiêm cấm\n") for u in out)
    assert units(("Điều 1",), "Một đoạn duy nhất.") == []


def test_max_pool_keeps_the_best_paragraph_and_the_passage_floor():
    sims = np.array([0.2, 0.9, 0.1], dtype=np.float32)
    owner = np.array([0, 0, 2])
    base = np.array([0.5, 0.4, 0.3], dtype=np.float32)
    assert max_pool(sims, owner, 3, base).tolist() == np.array([0.9, 0.4, 0.3], dtype=np.float32).tolist()


def test_restorer_merges_per_document_counts_like_one_build():
    from index.restore import count

    texts = [p.read_text(encoding="utf-8") for p in seed_files()]
    whole = Restorer.build(texts)
    merged = Restorer.merge([count([t]) for t in texts])
    assert merged == whole


def test_hints_after_a_change_equal_a_full_rebuild(tmp_path):
    """An ingest adjusts the totals by the changed documents' old and new texts only: the result must
    equal recounting all; the totals saved beside the lexical snapshot load back equal."""
    from types import SimpleNamespace

    from index.hints import Hints

    texts = [p.read_text(encoding="utf-8") for p in seed_files()]
    meta = SimpleNamespace(doc_type=None, number=None, title=None, place=None, issuer=None)
    docs = [SimpleNamespace(id=f"d{i}", name=f"văn bản {i}", meta=meta) for i in range(len(texts))]

    def rows(which: dict[str, str]):
        return [SimpleNamespace(doc_id=d, text=part) for d, text in which.items() for part in text.split("\n\n")]

    before_texts = {f"d{i}": t for i, t in enumerate(texts)}
    before = Hints.build(rows(before_texts), docs)
    # d0 updated (other text), d1 deleted, d9 added
    after_texts = {**before_texts, "d0": texts[2][:3000], "d9": texts[3][:5000]}
    del after_texts["d1"]
    changed = {"d0", "d1", "d9"}
    removed = [r.text for r in rows(before_texts) if r.doc_id in changed]
    added = [r.text for r in rows(after_texts) if r.doc_id in changed]
    incremental = before.changed(removed, added, docs)
    full = Hints.build(rows(after_texts), docs)
    assert incremental.totals == full.totals and not any(n <= 0 for n in incremental.totals[1].values())
    assert incremental.restorer == full.restorer
    assert before.restorer != full.restorer   # the change did change what restoration knows
    full.save(tmp_path / "restore.json")
    loaded = Hints.load(tmp_path / "restore.json", docs)
    assert loaded.totals == full.totals and loaded.restorer == full.restorer
    (tmp_path / "broken.json").write_text("{not json")
    assert Hints.load(tmp_path / "broken.json", docs) is None and Hints.load(tmp_path / "none.json", docs) is None
