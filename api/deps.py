"""FastAPI dependencies: the engine, the admin key, and filters from query parameters."""
from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Query, Request

from api.schemas import FiltersIn
from core.settings import Settings
from index.records import Filters
from service.engine import Engine


# The dependencies below do no I/O, so they are coroutines: FastAPI runs a plain `def` dependency on a worker
# thread, and each hop costs a request a thread hand-over (four hops on /search before; measured in README)
async def get_engine(request: Request) -> Engine:
    return request.app.state.engine


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def key_problem(settings: Settings, given: str | None) -> tuple[int, str] | None:
    """(status, Vietnamese message) when X-API-Key does not unlock uploads/deletions, else None.
    Compared as bytes: the header's raw bytes (Starlette decodes headers as latin-1) against the
    configured key in UTF-8, so a non-ASCII key on either side is a plain match or mismatch, never a 500."""
    if not settings.api_key:
        return 403, "Tải lên/xóa văn bản đang tắt: chưa đặt SOTAY_API_KEY trên máy chủ"
    if not given or not hmac.compare_digest(raw(given), settings.api_key.encode("utf-8", "surrogatepass")):
        return 401, "Sai hoặc thiếu X-API-Key"
    return None


def raw(header: str) -> bytes:
    try:
        return header.encode("latin-1")
    except UnicodeEncodeError:  # already real text (a direct call, not a wire header)
        return header.encode("utf-8", "surrogatepass")


async def require_key(settings: SettingsDep, x_api_key: Annotated[str | None, Header()] = None) -> None:
    """Uploads and deletions need X-API-Key = SOTAY_API_KEY, and are off when no key is set."""
    problem = key_problem(settings, x_api_key)
    if problem:
        raise HTTPException(*problem)


async def get_filters(filters: Annotated[FiltersIn, Query()]) -> Filters:
    """The query parameters type, year, doc_id, issuer, date_from, date_to as the one Filters."""
    return filters.to_filters()


FiltersDep = Annotated[Filters, Depends(get_filters)]
AdminDep = Depends(require_key)
