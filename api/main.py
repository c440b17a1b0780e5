"""Builds the FastAPI app: the engine is opened once at start-up and shared by every route."""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from answer.engine import Engine
from api.middleware import Guard, install_handlers
from api.routes import docs, documents, health, jobs, search, telegram, trainers, zalo
from core import redact
from core.errors import SotayError
from core.settings import Settings

log = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("static")


async def warm_routes(app: FastAPI) -> None:
    """A search and an answer through the app in-process, so the first user does not pay for route,
    dependency, serializer and worker-thread set-up (measured: first request 33-49 ms → 6 ms)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sotay.warmup") as client:
        await client.get("/search", params={"q": "công đoàn", "k": 1})
        await client.post("/ask", json={"question": "công đoàn cơ sở"})


async def start_with_retry(application, startup, first_wait: float = 2.0, max_wait: float = 300.0,
                           name: str = "telegram") -> None:
    """Call the bot's webhook start-up until it succeeds, waiting 2, 4, 8 … up to 300 s between tries."""
    wait = first_wait
    while True:
        try:
            await startup(application, polling=False)
            log.info("%s webhook registered", name)
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # network errors of every kind: log one line, try again later
            if application.running:  # started but set_webhook failed: stop so the next try can start
                await application.stop()
            log.warning("%s start-up failed (%s: %s); retrying in %.0f s", name, type(exc).__name__, exc, wait)
            await asyncio.sleep(wait)
            wait = min(wait * 2, max_wait)


async def zalo_startup(channel, polling: bool = False) -> None:
    await channel.start(polling=polling)


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
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
        app.state.telegram = None
        if settings.telegram_token and settings.telegram_webhook_url:
            from bot.app import build_application, shutdown, startup

            app.state.telegram = build_application(settings, engine=app.state.engine)
            # the API starts even when Telegram is unreachable; set_webhook is retried in the background
            retry = asyncio.create_task(start_with_retry(app.state.telegram, startup))
        app.state.zalo = None
        if settings.zalo_token and settings.zalo_webhook_url:
            from bot.zalo.app import ZaloChannel, check_webhook

            try:
                check_webhook(settings)
            except SotayError as e:   # the API still serves; POST /zalo/webhook stays 404
                log.error("Zalo webhook not started: %s", e)
            else:
                app.state.zalo = ZaloChannel(settings, engine=app.state.engine)
                zalo_retry = asyncio.create_task(start_with_retry(app.state.zalo, zalo_startup, name="zalo"))
        yield
        if app.state.zalo is not None:
            zalo_retry.cancel()
            await app.state.zalo.stop()
        if app.state.telegram is not None:
            retry.cancel()
            await shutdown(app.state.telegram)
        if engine is None:   # an engine handed in (tests) belongs to whoever opened it
            app.state.engine.close()

    # /docs is api/routes/docs.py (Swagger UI served here, not from a CDN the CSP blocks); no ReDoc
    app = FastAPI(title="Sổ tay API", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Hỏi đáp và tra cứu văn bản Công đoàn, trả lời kèm trích dẫn.")
    app.include_router(health.router)
    app.include_router(search.router)
    app.include_router(documents.router)
    app.include_router(jobs.router)
    app.include_router(telegram.router)
    app.include_router(trainers.router)
    app.include_router(zalo.router)
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
