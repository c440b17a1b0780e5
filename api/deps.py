"""FastAPI dependencies: the engine, the admin key, and filters from query parameters."""
from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Query, Request

from answer.engine import Engine
from api.schemas import FiltersIn
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


def get_filters(filters: Annotated[FiltersIn, Query()]) -> Filters:
    """The query parameters type, year, doc_id, issuer, date_from, date_to as the one Filters."""
    return filters.to_filters()


FiltersDep = Annotated[Filters, Depends(get_filters)]
AdminDep = Depends(require_key)
