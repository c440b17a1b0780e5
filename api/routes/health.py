"""GET /health."""
from __future__ import annotations

from fastapi import APIRouter

from api.deps import EngineDep

router = APIRouter(tags=["hệ thống"])


@router.get("/health")
def health(engine: EngineDep) -> dict:
    return {"status": "ok", **engine.stats()}
