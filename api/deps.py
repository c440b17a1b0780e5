"""FastAPI dependencies: the engine, the admin key, and filters from query parameters."""
from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Query, Request

from answer.engine import Engine
from core.settings import Settings
from index.records import Filters


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def require_key(settings: SettingsDep, x_api_key: Annotated[str | None, Header()] = None) -> None:
    """Uploads and deletions need X-API-Key = SOTAY_API_KEY, and are off when no key is set."""
    if not settings.api_key:
        raise HTTPException(403, "Tải lên/xóa văn bản đang tắt: chưa đặt SOTAY_API_KEY trên máy chủ")
    if not x_api_key or not hmac.compare_digest(x_api_key.encode(), settings.api_key.encode()):
        raise HTTPException(401, "Sai hoặc thiếu X-API-Key")


def get_filters(
    type: Annotated[str | None, Query(max_length=60, description="Loại văn bản, ví dụ 'Chương trình'")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    doc_id: Annotated[str | None, Query(max_length=200)] = None,
    issuer: Annotated[str | None, Query(max_length=200)] = None,
    date_from: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
    date_to: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
) -> Filters:
    return Filters(doc_type=type or None, year=year, doc_id=doc_id or None, issuer=issuer or None,
                   date_from=date_from, date_to=date_to)


FiltersDep = Annotated[Filters, Depends(get_filters)]
AdminDep = Depends(require_key)
