"""The whole served app: the HTTP API with the Telegram and Zalo webhooks behind it (bot.served).
api/ never imports bot/: the two meet here, on top of both."""
from __future__ import annotations

from fastapi import FastAPI

from api.main import create_app as create_api
from bot.served import webhook_channels
from core.settings import Settings
from service.engine import Engine


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    return create_api(settings, engine=engine, channels=webhook_channels())
