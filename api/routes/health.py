"""GET /health."""
from __future__ import annotations

from fastapi import APIRouter

from api.deps import EngineDep

router = APIRouter(tags=["hệ thống"])


@router.get("/health")
async def health(engine: EngineDep) -> dict:
    """On the event loop: it reads the in-memory view only, so it answers even when every worker thread is
    busy, and never waits on a write."""
    return {"status": "ok", **engine.stats()}
