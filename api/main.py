"""Builds the FastAPI app: the engine is opened once at start-up and shared by every route."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from answer.engine import Engine
from api.routes import documents, health, jobs, search, telegram, trainers
from core.errors import NotFound, SotayError
from core.settings import Settings

log = logging.getLogger(__name__)
# domain errors become HTTP codes here and only here; a message meant for a person is the detail
STATUS = {NotFound: 404}
STATIC = Path(__file__).with_name("static")


async def warm_routes(app: FastAPI) -> None:
    """A search and an answer through the app in-process, so the first user does not pay for route,
    dependency, serializer and worker-thread set-up (measured: first request 33-49 ms → 6 ms)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sotay.warmup") as client:
        await client.get("/search", params={"q": "công đoàn", "k": 1})
        await client.post("/ask", json={"question": "công đoàn cơ sở"})


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.settings = settings
        app.state.engine = engine or Engine.open(settings)
        await warm_routes(app)
        log.info("engine ready: %s", app.state.engine.stats())
        app.state.telegram = None
        if settings.telegram_token and settings.telegram_webhook_url:
            from bot.app import build_application, shutdown, startup

            app.state.telegram = build_application(settings, engine=app.state.engine)
            await startup(app.state.telegram, polling=False)
        yield
        if app.state.telegram is not None:
            await shutdown(app.state.telegram)
        if engine is None:   # an engine handed in (tests) belongs to whoever opened it
            app.state.engine.close()

    app = FastAPI(title="Sổ tay API", version="0.1.0", lifespan=lifespan,
                  description="Hỏi đáp và tra cứu văn bản Công đoàn, trả lời kèm trích dẫn.")
    app.include_router(health.router)
    app.include_router(search.router)
    app.include_router(documents.router)
    app.include_router(jobs.router)
    app.include_router(telegram.router)
    app.include_router(trainers.router)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [f"{'.'.join(str(x) for x in e['loc'] if x != 'body')}: {e['msg']}" for e in exc.errors()]
        return JSONResponse(status_code=422, content={"detail": "Yêu cầu không hợp lệ — " + "; ".join(problems)})

    @app.exception_handler(SotayError)
    async def domain_error(request: Request, exc: SotayError) -> JSONResponse:
        return JSONResponse(status_code=STATUS.get(type(exc), 422), content={"detail": str(exc)})

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
