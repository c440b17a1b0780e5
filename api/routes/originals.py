"""A document's original file, as it was sent: public like the document itself (documents are public here),
always as a download (an uploaded .html never renders as a page of this site)."""
from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response

from api.deps import EngineDep
from service.originals import original_of

router = APIRouter(prefix="/documents", tags=["văn bản"])


@router.get("/{doc_id}/original", response_class=Response,
            responses={200: {"description": "the file's bytes"}, 404: {"description": "no such document, or "
                                                                                       "no original kept"}})
def download_original(engine: EngineDep, doc_id: str) -> Response:
    original = original_of(engine, doc_id)   # NotFound → 404, a shared number → 409 with the candidates
    return Response(original.data, media_type=original.media_type, headers={
        "Content-Disposition": disposition(original.filename),
        "Cache-Control": "no-cache",   # the same id can be updated with a new file
    })


def disposition(filename: str) -> str:
    """An attachment with the Vietnamese file name (RFC 6266 filename*) and an ASCII fallback for old clients."""
    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
