"""GET /health."""
from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import EngineDep

router = APIRouter(tags=["hệ thống"])


@router.get("/health", response_model=None)
async def health(engine: EngineDep) -> dict | JSONResponse:
    """On the event loop: it reads the in-memory view only, so it answers even when every worker thread is
    busy, and never waits on a write."""
    body = engine.health()
    return body if body["status"] == "ok" else JSONResponse(status_code=503, content=body)
