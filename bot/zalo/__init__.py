"""The Zalo channel: a thin transport over the shared conversation core (bot.core)."""
