"""Builds the FastAPI app: the engine is opened once at start-up and shared by every route."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Protocol

import httpx
from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api.middleware import Guard, install_handlers
from api.routes import docs, documents, edits, health, jobs, originals, search, trainers
from core import redact
from core.settings import Settings
from service.engine import Engine

log = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("static")


async def warm_routes(app: FastAPI) -> None:
    """A search and an answer through the app in-process, so the first user does not pay for route,
    dependency, serializer and worker-thread set-up (measured: first request 33-49 ms → 6 ms)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sotay.warmup") as client:
        await client.get("/search", params={"q": "công đoàn", "k": 1})
        await client.post("/ask", json={"question": "công đoàn cơ sở"})


class Channel(Protocol):
    """A front end served behind the API (bot.served's webhooks): its route, opened and closed with the app."""
    router: APIRouter

    async def open(self, app: FastAPI, settings: Settings, engine: Engine) -> None: ...

    async def close(self, app: FastAPI) -> None: ...


def create_app(settings: Settings | None = None, engine: Engine | None = None,
               channels: Sequence[Channel] = ()) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.settings = settings
        redact.install(settings)  # uvicorn has configured its loggers by now
        if not settings.log_queries:
            logging.getLogger("uvicorn.access").addFilter(redact.QueryFreeAccess())
        app.state.engine = engine or Engine.open(settings)
        await warm_routes(app)
        log.info("engine ready: %s", app.state.engine.stats())
        for channel in channels:
            await channel.open(app, settings, app.state.engine)
        yield
        for channel in reversed(channels):
            await channel.close(app)
        if engine is None:   # an engine handed in (tests) belongs to whoever opened it
            app.state.engine.close()

    # /docs is api/routes/docs.py (Swagger UI served here, not from a CDN the CSP blocks); no ReDoc
    app = FastAPI(title="Sổ tay API", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Hỏi đáp và tra cứu văn bản Công đoàn, trả lời kèm trích dẫn.")
    app.include_router(health.router)
    app.include_router(search.router)
    app.include_router(edits.router)
    app.include_router(originals.router)   # before documents': its /{doc_id:path} would take /…/original
    app.include_router(documents.router)
    app.include_router(jobs.router)
    app.include_router(trainers.router)
    for channel in channels:
        app.include_router(channel.router)
    if (assets := docs.assets_dir()) is not None:
        app.include_router(docs.router)
        app.mount(docs.ASSETS_URL, StaticFiles(directory=assets), name="docs-assets")

    install_handlers(app)
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:  # closed unless SOTAY_CORS_ORIGINS lists origins
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Content-Type", "X-API-Key"])
    app.add_middleware(Guard, settings=settings)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
