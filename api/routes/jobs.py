"""GET /jobs/{id}: how an upload is doing — status, stage, progress, what was recognised, or the error."""
from __future__ import annotations

from fastapi import APIRouter

from api.deps import EngineDep
from api.schemas import JobOut

router = APIRouter(prefix="/jobs", tags=["văn bản"])


@router.get("/{job_id}", response_model=JobOut)
def get_job(engine: EngineDep, job_id: str) -> JobOut:
    return JobOut.model_validate(engine.job(job_id))
