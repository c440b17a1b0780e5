"""GET /dossier and GET /targets: material for trainers, as JSON or as files (Markdown, Word, CSV)."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse, Response

from answer import export
from answer.dossier import build_dossier
from answer.targets import target_table
from api.deps import EngineDep, FiltersDep
from core.text import slug

router = APIRouter(tags=["tập huấn"])
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _attachment(name: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@router.get("/dossier", response_model=None)
def dossier(
    engine: EngineDep,
    filters: FiltersDep,
    topic: Annotated[str, Query(min_length=1, max_length=200, description="Chủ đề, ví dụ 'đào tạo cán bộ'")],
    format: Annotated[Literal["json", "md", "docx"], Query()] = "json",
) -> dict | Response:
    d = build_dossier(engine, topic, filters)
    name = f"ho-so-{slug(topic)[:60] or 'chu-de'}"
    if format == "md":
        return PlainTextResponse(export.dossier_markdown(d), media_type="text/markdown; charset=utf-8",
                                 headers=_attachment(name + ".md"))
    if format == "docx":
        return Response(export.dossier_docx(d), media_type=DOCX, headers=_attachment(name + ".docx"))
    return export.dossier_dict(d)


@router.get("/targets", response_model=None)
def targets(
    engine: EngineDep,
    filters: FiltersDep,
    topic: Annotated[str | None, Query(max_length=200, description="Lọc theo chủ đề")] = None,
    format: Annotated[Literal["json", "md", "csv"], Query()] = "json",
) -> dict | Response:
    rows = target_table(engine, topic=topic, filters=filters)
    if format == "md":
        return PlainTextResponse(export.targets_markdown(rows), media_type="text/markdown; charset=utf-8")
    if format == "csv":
        return Response(export.targets_csv(rows), media_type="text/csv; charset=utf-8",
                        headers=_attachment("chi-tieu.csv"))
    return {"topic": topic, "count": len(rows), "targets": export.target_dicts(rows)}
