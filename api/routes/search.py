"""GET /search and POST /ask."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from api.deps import EngineDep, FiltersDep
from api.schemas import AskIn, AskOut, Result, SearchOut
from core.text import MAX_QUESTION

router = APIRouter(tags=["tìm kiếm"])


def as_json(body: BaseModel) -> Response:
    """The body serialised once. Returned as a model, FastAPI dumps it, validates the dump against the
    response model on a worker thread, then serialises it: two extra passes over ten passages' text on the
    path every question takes. `response_model` still documents the shape."""
    return Response(body.model_dump_json(), media_type="application/json")


@router.get("/search", response_model=SearchOut)
def search(
    engine: EngineDep,
    filters: FiltersDep,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUESTION, description="Từ khóa hoặc câu hỏi")],
    k: Annotated[int, Query(ge=1, le=50)] = 10,
    offset: Annotated[int, Query(ge=0, le=1000)] = 0,
) -> Response:
    hits = engine.search(q, k=k, filters=filters, offset=offset)
    return as_json(SearchOut(query=q, results=[Result.model_validate(h) for h in hits]))


@router.post("/ask", response_model=AskOut)
def ask(engine: EngineDep, body: AskIn,
        explain: Annotated[bool, Query(description="also say how the question was read and answered")] = False,
        ) -> Response:
    filters = body.filters.to_filters() if body.filters else None
    answer = engine.ask(body.question, filters=filters, history=tuple(body.history))
    out = AskOut.model_validate(answer)
    if explain:
        out.explain = answer.explanation()
    return as_json(out)
