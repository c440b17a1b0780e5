"""Telegram front end: handlers that call the shared answer.engine.Engine (see bot.app)."""
