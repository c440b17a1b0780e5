"""Real files that keep a reader busy inside one call, where no deadline check can run: a one-page PDF whose
content stream repeats a text operator (pypdf's extract_text is linear in it: 100,000 repeats took 5.5 s,
a 3.7 KB file), a valid DOCX of 20 MB of paragraphs (5 MB zipped, ratio 4:1; 22 s and 340 MB to read),
and a long RTF for LibreOffice. (A 5 MB HTML page of 200,000 short paragraphs takes BeautifulSoup 36 s.)"""
from __future__ import annotations

import io
import os
import random
import time
import zipfile
import zlib
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def looping_pdf(repeats: int) -> bytes:
    """A valid one-page PDF whose Flate-compressed content shows "ab" `repeats` times."""
    content = b"BT /F1 12 Tf 72 720 Td " + b"(ab) Tj 0 -1 Td " * repeats + b"ET"
    stream = zlib.compress(content, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def big_docx(mb: float, seed: int = 7) -> bytes:
    """A valid DOCX whose document.xml is `mb` MB of short paragraphs of varied words."""
    rng = random.Random(seed)
    words = [f"{rng.randrange(16**6):06x}" for _ in range(5000)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats'
                    b'.org/wordprocessingml/2006/main"><w:body>')
            size = 0
            while size < mb * 2**20:
                chunk = "".join(f"<w:p><w:r><w:t>{' '.join(rng.choices(words, k=4))}</w:t></w:r></w:p>"
                                for _ in range(1000)).encode()
                f.write(chunk)
                size += len(chunk)
            f.write(b"</w:body></w:document>")
    return out.getvalue()


def rtf_of(text: str) -> bytes:
    """Plain RTF, non-ASCII letters as \\uN escapes (how Word writes Vietnamese)."""
    def escaped(line: str) -> str:
        return "".join(c if ord(c) < 128 and c not in "\\{}" else f"\\u{ord(c) if ord(c) < 32768 else ord(c) - 65536}?"
                       for c in line)
    body = "".join(f"\\par {escaped(line)}\n" for line in text.splitlines())
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}}\n" + body + "}").encode()


def descendants(root: int | None = None) -> list[tuple[int, str, str]]:
    """(pid, command, state) of every process under `root` (this one), from /proc."""
    root = root or os.getpid()
    parents: dict[int, list[tuple[int, str, str]]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        pid = int(text.split(" ", 1)[0])
        command = text[text.index("(") + 1:text.rindex(")")]
        state, ppid = text[text.rindex(")") + 2:].split()[:2]
        parents.setdefault(int(ppid), []).append((pid, command, state))
    out, todo = [], [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child[0])
    return out


def readers_left() -> list[tuple[int, str, str]]:
    """LibreOffice, Tesseract or reader children still under this process, alive or zombie; and any
    process anywhere whose command line holds a reader's scratch dir (/tmp/sotay-read-…: LibreOffice's
    profile, Tesseract's page image), so one that escaped to init is caught too."""
    # the serving process is the readers' subreaper (ingest/bounded.py), so in one test run it also inherits
    # the orphans of the other tests' subprocesses (Chromium's crash handlers; the forkserver and resource
    # tracker of a killed `sotay serve`), left as zombies named "chrome_crashpad" or "python": readers count here
    readers = ("soffice", "oosplash", "tesseract", "sotay-read")
    left = [p for p in descendants() if any(n in p[1] for n in readers)]
    return left + [(pid, "escaped", "?") for pid in escaped()]


def escaped() -> list[int]:
    """Processes anywhere whose command line holds a reader's scratch dir (/tmp/sotay-read-…)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if b"sotay-read-" in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


def bad_then_good(engine, bad, good, seconds: float):
    """Wait (at most `seconds`) for a pathological upload and the one queued after it to end; returns both
    jobs and the wall time the second one left the queue (None if it never did)."""
    started = None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if started is None and engine.job(good.id).status != "queued":
            started = time.time()
        # the two lanes (service/jobs.py): the second may finish first; both must end
        if all(engine.job(j.id).status in ("done", "failed") for j in (bad, good)):
            break
        time.sleep(0.02)
    return engine.job(bad.id), engine.job(good.id), started

