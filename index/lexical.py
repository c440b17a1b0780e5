"""The lexical leg: BM25 over analysed tokens, kept as integer arrays so a document can be added or removed
without rebuilding the index, and so 19k passages hold no per-token Python strings.

Scores are bm25s's "lucene" BM25 (k1=1.2, b=0.75), which the first round measured and kept:
idf = ln(1 + (N - df + 0.5) / (df + 0.5)), tf part = tf / (k1 * (1 - b + b * dl / avgdl) + tf), a query token
counted as often as it occurs. N, df and avgdl are those of the live rows, so an incremental index scores
exactly like one built from scratch (pinned in tests against bm25s).

A `Lexical` is immutable: `added` and `removed` return a new one, so a reader never sees half a change.
Chroma's local mode has no sparse index; the tokens live in Chroma's passage metadata and this index is
derived from them, saved under SOTAY_DATA_DIR/lexical to make start-up cheap.
"""
from __future__ import annotations

import hashlib
import json
import logging
import shutil
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

log = logging.getLogger(__name__)
K1, B = 1.2, 0.75
FORMAT = "sotay-lexical-1"


def fingerprint(ids: list[str]) -> str:
    h = hashlib.sha256()
    for pid in ids:
        h.update(pid.encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class Lexical:
    vocab: dict[str, int]        # term → id; grows, never shrinks (a removed term keeps df 0)
    indptr: np.ndarray           # CSR over rows: row i's terms are indices[indptr[i]:indptr[i+1]]
    indices: np.ndarray          # int32 term ids
    tfs: np.ndarray              # float32 term frequency of each (row, term)
    lengths: np.ndarray          # float32 tokens per row
    df: np.ndarray               # int32 live rows per term id
    postings: sparse.csc_matrix  # the same matrix by column, for scoring

    @property
    def size(self) -> int:
        return len(self.lengths)

    @classmethod
    def empty(cls) -> Lexical:
        return cls._make({}, np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32),
                         np.zeros(0, np.float32), np.zeros(0, np.int32))

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> Lexical:
        return cls.empty().added(token_lists)

    @classmethod
    def _make(cls, vocab, indptr, indices, tfs, lengths, df) -> Lexical:
        matrix = sparse.csr_matrix((tfs, indices, indptr), shape=(len(lengths), max(len(vocab), 1)))
        return cls(vocab, indptr, indices, tfs, lengths, df, matrix.tocsc())

    def replaced(self, rows: np.ndarray, token_lists: list[list[str]]) -> Lexical:
        """Without the rows at these positions and with these rows appended, in one rebuild of the postings
        (the column view of 6M postings is the costly part of a change at 208-law scale)."""
        base = self._without(rows) if len(rows) else self
        return base.added(token_lists)

    def added(self, token_lists: list[list[str]]) -> Lexical:
        """A new index with these rows appended (row ids continue from `size`)."""
        vocab = dict(self.vocab)
        rows_idx, rows_tf, lengths = [], [], []
        for tokens in token_lists:
            counts = Counter(tokens)
            ids = np.fromiter((vocab.setdefault(t, len(vocab)) for t in counts), np.int32, len(counts))
            order = np.argsort(ids)
            rows_idx.append(ids[order])
            rows_tf.append(np.fromiter(counts.values(), np.float32, len(counts))[order])
            lengths.append(len(tokens))
        new_lengths = np.asarray(lengths, np.int64)
        nnz = np.asarray([len(r) for r in rows_idx], np.int64)
        indptr = np.concatenate([self.indptr, self.indptr[-1] + np.cumsum(nnz)])
        indices = np.concatenate([self.indices, *rows_idx]) if rows_idx else self.indices
        tfs = np.concatenate([self.tfs, *rows_tf]) if rows_tf else self.tfs
        df = np.zeros(len(vocab), np.int32)
        df[: len(self.df)] = self.df
        if rows_idx:
            np.add.at(df, np.concatenate(rows_idx), 1)
        return Lexical._make(vocab, indptr, indices.astype(np.int32, copy=False), tfs.astype(np.float32, copy=False),
                             np.concatenate([self.lengths, new_lengths.astype(np.float32)]), df)

    def removed(self, rows: np.ndarray) -> Lexical:
        """A new index without these row positions; the rows after them move up."""
        base = self._without(rows)
        return Lexical._make(base.vocab, base.indptr, base.indices, base.tfs, base.lengths, base.df)

    def _without(self, rows: np.ndarray) -> Lexical:
        """The row arrays without these positions, postings not rebuilt (only `added` may read the result)."""
        keep = np.ones(self.size, bool)
        keep[rows] = False
        counts = np.diff(self.indptr)
        keep_nnz = np.repeat(keep, counts)
        df = self.df.copy()
        np.subtract.at(df, self.indices[~keep_nnz], 1)
        indptr = np.concatenate([[0], np.cumsum(counts[keep])]).astype(np.int64)
        return Lexical(self.vocab, indptr, self.indices[keep_nnz], self.tfs[keep_nnz], self.lengths[keep], df,
                       postings=None)

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every row for a query's tokens (0 for rows sharing none)."""
        out = np.zeros(self.size, np.float32)
        live = self.size
        if not live or not tokens:
            return out
        avgdl = float(self.lengths.mean()) or 1.0
        norm = K1 * (1 - B + B * self.lengths / avgdl)
        p = self.postings
        for term, count in Counter(t for t in tokens if t in self.vocab).items():
            tid = self.vocab[term]
            df = int(self.df[tid])
            if df == 0:
                continue
            start, end = p.indptr[tid], p.indptr[tid + 1]
            rows, tf = p.indices[start:end], p.data[start:end]
            idf = np.log(1 + (live - df + 0.5) / (df + 0.5))
            out[rows] += count * idf * tf / (norm[rows] + tf)
        return out

    # persistence -------------------------------------------------------------------------------
    def save(self, folder: Path, key: str) -> None:
        """Write atomically to folder/key: a reader finds the old files or the new ones, never half."""
        tmp = folder / (key + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        np.savez(tmp / "arrays.npz", indptr=self.indptr, indices=self.indices, tfs=self.tfs,
                 lengths=self.lengths, df=self.df)
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        (tmp / "vocab.json").write_text(json.dumps({"format": FORMAT, "terms": terms}, ensure_ascii=False))
        final = folder / key
        shutil.rmtree(final, ignore_errors=True)
        tmp.rename(final)
        for other in folder.iterdir():   # older snapshots are no longer needed
            if other.name != key:
                shutil.rmtree(other, ignore_errors=True) if other.is_dir() else other.unlink(missing_ok=True)

    @classmethod
    def load(cls, folder: Path, key: str, rows: int) -> Lexical | None:
        """The saved index for exactly these rows, or None (missing, foreign or damaged: rebuild)."""
        path = folder / key
        try:
            meta = json.loads((path / "vocab.json").read_text(encoding="utf-8"))
            if meta.get("format") != FORMAT:
                log.warning("lexical index at %s is not ours (%s); rebuilding it", path, meta.get("format"))
                return None
            with np.load(path / "arrays.npz") as a:
                arrays = {k: a[k] for k in ("indptr", "indices", "tfs", "lengths", "df")}
            vocab = {t: i for i, t in enumerate(meta["terms"])}
            if len(arrays["lengths"]) != rows or len(arrays["df"]) != len(vocab):
                log.warning("lexical index at %s does not match the store; rebuilding it", path)
                return None
            return cls._make(vocab, **arrays)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as e:
            # damaged files are rebuilt, never fatal (a truncated npz raises BadZipFile, not OSError)
            log.warning("lexical index at %s unreadable (%s); rebuilding it", path, e)
            return None
