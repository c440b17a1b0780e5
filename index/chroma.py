"""Connecting to Chroma: a server (SOTAY_CHROMA_URL) or a local data dir, and the embedding function that
keeps Chroma from ever downloading a model."""
from __future__ import annotations

import tempfile
from urllib.parse import urlparse

import chromadb
from chromadb import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings

from core.errors import SotayError, Unavailable
from core.settings import Settings

UNREACHABLE = ("Kho chỉ mục (máy chủ Chroma) đang không trả lời; dữ liệu không mất, "
               "vui lòng thử lại sau ít phút")


def unreachable(exc: BaseException) -> bool:
    """A Chroma server that is down or cut off: httpx's transport errors, or chromadb's own ValueError when a
    client is made while the server is down. Anything else is a real error."""
    import httpx

    return isinstance(exc, (httpx.TransportError, Unavailable)) or \
        (isinstance(exc, ValueError) and "Could not connect to a Chroma server" in str(exc))


class ExplicitOnly(EmbeddingFunction):
    """Stands in for Chroma's default embedding function, which would download a model: refuse instead."""

    def __init__(self) -> None:
        pass

    def __call__(self, input: Documents) -> Embeddings:
        raise SotayError("embeddings must be passed to Chroma explicitly")

    @staticmethod
    def name() -> str:
        return "sotay-explicit"

    def get_config(self) -> dict:
        return {}

    @staticmethod
    def build_from_config(config: dict) -> ExplicitOnly:
        return ExplicitOnly()


def chroma_client(settings: Settings):
    no_telemetry = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        try:
            return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                       ssl=url.scheme == "https", settings=no_telemetry)
        except ValueError as exc:
            if unreachable(exc):
                raise Unavailable(f"Không kết nối được máy chủ Chroma {settings.chroma_url} "
                                  "(SOTAY_CHROMA_URL): hãy chạy nó rồi thử lại") from exc
            raise
    usable_dir(settings.data_dir)
    usable_dir(settings.data_dir / "chroma")
    return chromadb.PersistentClient(path=str(settings.data_dir / "chroma"), settings=no_telemetry)


def usable_dir(path) -> None:
    """A local data dir takes writes (Chroma's SQLite, the lexical index, change marks), even to answer
    questions. A file in the way, a read-only mount or missing rights is one clear line, not a traceback
    from inside Chroma's native code."""
    if path.exists() and not path.is_dir():
        raise SotayError(f"{path} là một tệp, không phải thư mục: đặt SOTAY_DATA_DIR tới một thư mục "
                         "(hoặc chuyển tệp đó đi)")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".sotay-probe-"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise SotayError(f"không ghi được vào thư mục dữ liệu {path} ({reason}). Sổ tay cần quyền ghi ở "
                         "SOTAY_DATA_DIR, kể cả khi chỉ trả lời câu hỏi: cấp quyền ghi, hoặc chép chỉ mục "
                         "sang một thư mục ghi được.") from exc


def stored_model(settings: Settings) -> str | None:
    """The embedding model an existing index was built with (its passages collection's record), if any."""
    try:
        collection = chroma_client(settings).get_collection(f"{settings.collection}_passages")
    except Exception:   # no index yet (or not reachable: the store says so when it opens)
        return None
    return (collection.metadata or {}).get("embed_model") if collection.count() else None
