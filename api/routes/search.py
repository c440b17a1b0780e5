"""GET /search and POST /ask."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import EngineDep, FiltersDep
from api.schemas import AskIn, AskOut, Result, SearchOut
from core.text import MAX_QUESTION

router = APIRouter(tags=["tìm kiếm"])


@router.get("/search", response_model=SearchOut)
def search(
    engine: EngineDep,
    filters: FiltersDep,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUESTION, description="Từ khóa hoặc câu hỏi")],
    k: Annotated[int, Query(ge=1, le=50)] = 10,
    offset: Annotated[int, Query(ge=0, le=1000)] = 0,
) -> SearchOut:
    hits = engine.search(q, k=k, filters=filters, offset=offset)
    return SearchOut(query=q, results=[Result.model_validate(h) for h in hits])


@router.post("/ask", response_model=AskOut)
def ask(engine: EngineDep, body: AskIn) -> AskOut:
    filters = body.filters.to_filters() if body.filters else None
    return AskOut.model_validate(engine.ask(body.question, filters=filters, history=tuple(body.history)))
