"""The lexical leg: an incremental BM25 over term ids, persisted in SOTAY_DATA_DIR.

Chroma's local mode has no sparse index, so BM25 lives in-process. It keeps only integers: one
sparse (passages × terms) matrix of term frequencies in column order (a posting list per term),
the passage lengths, and one vocabulary shared by every version. Document frequencies are the column
lengths. Scores are computed at query time, so adding or removing rows needs no rebuild and gives the
same scores as indexing the new set from scratch: BM25 k1=1.2 b=0.75 with Lucene's idf
ln(1 + (N - df + .5) / (df + .5)) and tf / (tf + k1 (1 - b + b dl/avgdl)), bm25s's default "lucene"
method. Everything is derived from the tokens stored in Chroma's passage metadata, so any replica
sharing one Chroma server can rebuild it; a missing, foreign or damaged file is rebuilt with a warning.
"""
from __future__ import annotations

import hashlib
import logging
import math
import os
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse as sp

log = logging.getLogger(__name__)

K1 = 1.2
B = 0.75
FORMAT = "sotay-lexical-1"
FILE = "lexical.npz"


def tokens_of(lex: str | list[str]) -> list[str]:
    """Chroma stores a passage's analysed tokens as one space-joined string."""
    return lex.split() if isinstance(lex, str) else list(lex)


def row_hashes(ids: list[str], lexes: list) -> np.ndarray:
    """A 64-bit hash of each passage id with its tokens. Their sum identifies the set of passages
    whatever order Chroma returns them in, and follows additions and removals without re-reading."""
    return np.array([int.from_bytes(hashlib.blake2b(f"{pid}\0{_joined(lex)}".encode(),
                                                    digest_size=8).digest(), "little")
                     for pid, lex in zip(ids, lexes)], dtype=np.uint64)


def _joined(lex: str | list[str]) -> str:
    return lex if isinstance(lex, str) else " ".join(lex)


def key_of(hashes: np.ndarray) -> str:
    return f"{len(hashes)}-{int(hashes.sum(dtype=np.uint64)):016x}"


class Vocabulary:
    """Term → id, append-only and shared by every version of the index: a writer only adds terms, so a
    reader holding an older version never sees an id move (ids past its width are simply unknown)."""

    def __init__(self, terms: list[str] | None = None) -> None:
        self.terms: list[str] = list(terms or [])
        self.ids: dict[str, int] = {t: i for i, t in enumerate(self.terms)}

    def add(self, term: str) -> int:
        tid = self.ids.get(term)
        if tid is None:
            tid = len(self.terms)
            self.terms.append(term)
            self.ids[term] = tid
        return tid


class Lexical:
    """One immutable version: posting lists (CSC) over rows, row lengths, and the shared vocabulary."""

    def __init__(self, vocab: Vocabulary, postings: sp.csc_matrix, lengths: np.ndarray,
                 hashes: np.ndarray) -> None:
        self.vocab = vocab
        self.hashes = hashes
        self.postings = postings
        self.lengths = lengths
        self.size = postings.shape[0]
        self.df = np.diff(postings.indptr).astype(np.int32)
        avg = float(lengths.mean()) if self.size else 1.0
        self._norm = (K1 * ((1 - B) + B * lengths / (avg or 1.0))).astype(np.float32)

    # building ---------------------------------------------------------------------
    @classmethod
    def build(cls, ids: list[str], lexes: list) -> Lexical:
        vocab = Vocabulary()
        rows = _rows(lexes, vocab)
        return cls(vocab, rows.tocsc(), _lengths(rows), row_hashes(ids, lexes))

    @property
    def key(self) -> str:
        return key_of(self.hashes)

    def apply(self, keep: np.ndarray, ids: list[str], lexes: list) -> Lexical:
        """A new version with only the rows where `keep` is true, then one row per new token list
        appended. Costs O(postings) in numpy, never a re-read of tokens."""
        new = _rows(lexes, self.vocab)
        width = len(self.vocab.terms)
        old = self.postings[np.flatnonzero(keep)] if not keep.all() else self.postings
        old = sp.csc_matrix((old.data, old.indices, np.concatenate(
            [old.indptr, np.full(width - old.shape[1], old.indptr[-1], dtype=old.indptr.dtype)])),
            shape=(old.shape[0], width))
        postings = sp.vstack([old, new], format="csc")
        return Lexical(self.vocab, postings, np.concatenate([self.lengths[keep], _lengths(new)]),
                       np.concatenate([self.hashes[keep], row_hashes(ids, lexes)]))

    # querying -----------------------------------------------------------------------
    def doc_freq(self, term: str) -> int:
        tid = self.vocab.ids.get(term)
        return int(self.df[tid]) if tid is not None and tid < len(self.df) else 0

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 of every row for the query tokens (a repeated token counts again, as in bm25s)."""
        out = np.zeros(self.size, dtype=np.float32)
        indptr, indices, data = self.postings.indptr, self.postings.indices, self.postings.data
        for term in tokens:
            tid = self.vocab.ids.get(term)
            if tid is None or tid >= len(self.df) or not self.df[tid]:
                continue
            start, end = indptr[tid], indptr[tid + 1]
            rows, tf = indices[start:end], data[start:end]
            df = int(self.df[tid])
            idf = math.log(1 + (self.size - df + 0.5) / (df + 0.5))
            out[rows] += np.float32(idf) * tf / (tf + self._norm[rows])
        return out

    # persistence ----------------------------------------------------------------------
    def save(self, folder: Path, ids: list[str]) -> None:
        """Write atomically; a file standing where the folder should be only costs a warning."""
        try:
            if folder.exists() and not folder.is_dir():
                log.warning("%s is a file, not a folder: the lexical index is kept in memory only", folder)
                return
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.iterdir():      # an older (bm25s) index is only a cache: drop it
                if old.name != FILE and not old.name.endswith(".tmp.npz"):
                    shutil.rmtree(old) if old.is_dir() else old.unlink()
            tmp = folder / f"{FILE}.{os.getpid()}.tmp.npz"
            p = self.postings
            np.savez(tmp, format=np.array(FORMAT), key=np.array(self.key), indptr=p.indptr, indices=p.indices,
                     data=p.data, lengths=self.lengths, hashes=self.hashes, shape=np.array(p.shape),
                     terms=_blob(self.vocab.terms), ids=_blob(ids))
            os.replace(tmp, folder / FILE)
        except OSError as e:
            log.warning("could not save the lexical index in %s (%s); it stays in memory", folder, e)

    @classmethod
    def load(cls, folder: Path, key: str) -> tuple[Lexical, list[str]] | None:
        """The saved index and its row ids, if it was built from exactly this set of passages."""
        path = folder / FILE
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as z:
                if str(z["format"]) != FORMAT or str(z["key"]) != key:
                    return None
                shape = tuple(int(x) for x in z["shape"])
                postings = sp.csc_matrix((z["data"], z["indices"], z["indptr"]), shape=shape)
                terms, ids, lengths, hashes = _unblob(z["terms"]), _unblob(z["ids"]), z["lengths"], z["hashes"]
            if len(terms) != shape[1] or not len(ids) == len(lengths) == len(hashes) == shape[0]:
                raise ValueError("inconsistent shapes")
            postings.check_format(full_check=True)
            return cls(Vocabulary(terms), postings, lengths, hashes), ids
        except Exception as e:  # a damaged file is rebuilt, never fatal
            log.warning("lexical index at %s unreadable (%s); rebuilding", path, e)
            return None


def _rows(lexes: list, vocab: Vocabulary) -> sp.csr_matrix:
    """Term-frequency rows. Counter and map run in C; measured 1.1 s for 4.8k passages (3.4M tokens)
    on a loaded 2-core machine, half the time of a flattened COO build."""
    indptr, indices, data = [0], [], []
    known = vocab.ids
    for lex in lexes:
        counts = Counter(tokens_of(lex))
        for term in [t for t in counts if t not in known]:   # not keys() - keys(): that walks the vocabulary
            vocab.add(term)
        indices.extend(map(known.__getitem__, counts))
        data.extend(counts.values())
        indptr.append(len(indices))
    return sp.csr_matrix((np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32),
                          np.asarray(indptr, dtype=np.int64)), shape=(len(lexes), len(vocab.terms)))


def _lengths(rows: sp.csr_matrix) -> np.ndarray:
    return np.asarray(rows.sum(axis=1), dtype=np.float32).ravel()


def _blob(strings: list[str]) -> np.ndarray:
    return np.frombuffer("\n".join(strings).encode(), dtype=np.uint8)


def _unblob(blob: np.ndarray) -> list[str]:
    text = blob.tobytes().decode()
    return text.split("\n") if text else []
