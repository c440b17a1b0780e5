"""Telegram front end: handlers that call the shared service.engine.Engine (see bot.app)."""
