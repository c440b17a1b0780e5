"""ASGI hardening around the app: request-body caps (by Content-Length and while streaming), the admin
key checked before an upload's body is read, security headers and Vietnamese JSON errors for what
FastAPI, Starlette and uvicorn would otherwise answer in English or plain text."""
from __future__ import annotations

import json
import logging
import uuid

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from uvicorn.protocols.http.h11_impl import H11Protocol

from api.deps import key_problem
from api.ratelimit import RateLimiter, retry_after
from core.errors import Ambiguous, Conflict, NotFound, SotayError, Unavailable
from core.settings import Settings
from index.chroma import UNREACHABLE, unreachable

log = logging.getLogger(__name__)

# script-src 'self' only: the page loads app.js as a file, never an inline script
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]

STATUS_TEXT = {
    400: "Yêu cầu không hợp lệ: không đọc được nội dung (JSON hoặc biểu mẫu hỏng)",
    401: "Sai hoặc thiếu X-API-Key",
    403: "Không được phép",
    404: "Không tìm thấy đường dẫn này",
    405: "Phương thức không được hỗ trợ cho đường dẫn này",
    413: "Nội dung yêu cầu quá lớn",
    415: "Kiểu nội dung không được hỗ trợ",
    422: "Yêu cầu không hợp lệ",
    429: "Quá nhiều yêu cầu, vui lòng thử lại sau",
}

# pydantic error types → Vietnamese; ctx values (min_length, ge, ...) are filled in
VALIDATION_TEXT = {
    "missing": "thiếu giá trị bắt buộc",
    "string_too_short": "quá ngắn (tối thiểu {min_length} ký tự)",
    "string_too_long": "quá dài (tối đa {max_length} ký tự)",
    "too_short": "quá ít phần tử (tối thiểu {min_length})",
    "too_long": "quá nhiều phần tử (tối đa {max_length})",
    "greater_than_equal": "phải lớn hơn hoặc bằng {ge}",
    "greater_than": "phải lớn hơn {gt}",
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
    "less_than": "phải nhỏ hơn {lt}",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "float_parsing": "phải là số",
    "string_type": "phải là chuỗi ký tự",
    "bool_parsing": "phải là true/false",
    "string_pattern_mismatch": "sai định dạng",
    "literal_error": "phải là một trong: {expected}",
    "json_invalid": "JSON không hợp lệ",
    "model_attributes_type": "phải là một đối tượng JSON",
    "dict_type": "phải là một đối tượng JSON",
    "list_type": "phải là một danh sách",
    "extra_forbidden": "trường không được phép",
    "value_error": "giá trị không hợp lệ",
    "date_from_datetime_parsing": "không phải ngày hợp lệ (YYYY-MM-DD)",
    "date_parsing": "không phải ngày hợp lệ (YYYY-MM-DD)",
}


# BadQuery, IngestError and any other SotayError: 422
DOMAIN_STATUS = {Ambiguous: 409, Conflict: 409, NotFound: 404, Unavailable: 503}


def error_body(status: int, detail: str, **extra) -> bytes:
    return json.dumps({"detail": detail, **extra}, ensure_ascii=False).encode()


def translate(error: dict) -> str:
    where = ".".join(str(x) for x in error.get("loc", ()) if x not in ("body", "query", "path", "header"))
    text = VALIDATION_TEXT.get(error.get("type", ""), "giá trị không hợp lệ")
    try:
        text = text.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        text = "giá trị không hợp lệ"
    return f"{where}: {text}" if where else text


def install_handlers(app: FastAPI) -> None:
    """Every error leaves as Vietnamese JSON; an unexpected one as a 500 with an id in the log."""

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(translate(e) for e in exc.errors())
        return JSONResponse(status_code=422, content={"detail": "Yêu cầu không hợp lệ — " + problems})

    @app.exception_handler(SotayError)
    async def domain_error(request: Request, exc: SotayError) -> JSONResponse:
        """Domain errors become HTTP codes here and only here; their message is meant for a person."""
        body: dict = {"detail": str(exc)}
        if isinstance(exc, Ambiguous):
            body["candidates"] = [{"id": i, "label": label} for i, label in exc.candidates]
        if isinstance(exc, Conflict):
            body["other"] = exc.other_id
        return JSONResponse(status_code=DOMAIN_STATUS.get(type(exc), 422), content=body)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail
        if not isinstance(detail, str) or detail.isascii():  # Starlette's own English phrases
            detail = STATUS_TEXT.get(exc.status_code, "Yêu cầu không thực hiện được")
        return JSONResponse(status_code=exc.status_code, content={"detail": detail}, headers=exc.headers)

    @app.exception_handler(ClientDisconnect)
    async def gone(request: Request, exc: ClientDisconnect) -> Response:
        """The client left mid-body (or was closed for sending too slowly): nobody reads a reply."""
        log.info("client disconnected during %s %s", request.method, request.url.path)
        return Response(status_code=400)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        if unreachable(exc):   # the Chroma server is down: the client may try again, nothing is lost
            log.warning("Chroma server unreachable on %s %s: %s", request.method, request.url.path, exc)
            return JSONResponse(status_code=503, content={"detail": UNREACHABLE}, headers={"Retry-After": "10"})
        error_id = uuid.uuid4().hex[:12]
        log.error("unexpected error %s on %s %s", error_id, request.method, request.url.path, exc_info=exc)
        return JSONResponse(status_code=500, content={
            "detail": f"Lỗi máy chủ ngoài dự kiến; mã lỗi {error_id}. Vui lòng báo quản trị viên.",
            "error_id": error_id})


class TooLarge(HTTPException):
    """Raised from receive() when a streamed body passes its cap; FastAPI re-raises HTTPExceptions
    from body parsing as they are, so the client gets this 413 and not a generic 400."""

    def __init__(self, label: str, limit: int) -> None:
        super().__init__(413, f"Nội dung yêu cầu vượt giới hạn {label}")
        self.limit = limit


class Guard:
    """Body caps per route, the admin key before an upload's body, per-client rate limits on the costly
    routes (api/ratelimit.py); security headers on every reply."""

    def __init__(self, app, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.limiter = RateLimiter(settings.rate_per_minute, settings.rate_burst)

    def cap(self, method: str, path: str) -> tuple[int, str]:
        if method == "POST" and path.rstrip("/") == "/documents":
            return self.settings.max_upload_mb * 1024 * 1024 + 64 * 1024, f"{self.settings.max_upload_mb} MB"
        if path.startswith("/telegram"):
            return self.settings.max_webhook_kb * 1024, f"{self.settings.max_webhook_kb} KB"
        return self.settings.max_body_kb * 1024, f"{self.settings.max_body_kb} KB"

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        async def refuse(status: int, detail: str, headers: tuple = (), **extra) -> None:
            body = error_body(status, detail, **extra)
            await send_with_headers({"type": "http.response.start", "status": status, "headers": [
                (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers]})
            await send({"type": "http.response.body", "body": body})

        method, path = scope["method"], scope["path"]
        client = (scope.get("client") or (None,))[0]
        if client is not None and self.limiter.applies(path, client) and (wait := self.limiter.wait(client)):
            await refuse(429, f"Bạn gửi quá nhiều câu hỏi; vui lòng thử lại sau {retry_after(wait)} giây",
                         headers=((b"retry-after", retry_after(wait).encode()),))
            return
        headers = {k.decode("latin-1").lower(): v for k, v in scope.get("headers", [])}
        if method in ("POST", "PATCH", "DELETE") and path.startswith("/documents"):
            given = headers.get("x-api-key")
            problem = key_problem(self.settings, given.decode("latin-1") if given is not None else None)
            if problem:
                await refuse(*problem)
                return
        limit, label = self.cap(method, path)
        message = f"Nội dung yêu cầu vượt giới hạn {label}"
        length = headers.get("content-length")
        if length is not None:
            try:
                too_big = int(length) > limit
            except ValueError:
                await refuse(400, "Content-Length không hợp lệ")
                return
            if too_big:
                await refuse(413, message, limit_bytes=limit)
                return
        seen = 0

        async def counted():
            nonlocal seen
            event = await receive()
            seen += len(event.get("body", b""))
            if seen > limit:
                raise TooLarge(label, limit)
            return event

        try:
            await self.app(scope, counted, send_with_headers)
        except TooLarge:  # raised outside the routes' own handling (e.g. a streaming reader)
            if not started:
                await refuse(413, message, limit_bytes=limit)


class VietnameseH11(H11Protocol):
    """uvicorn answers a request it cannot parse itself, before the app, in English plain text;
    this protocol sends the same 400 as Vietnamese JSON (`sotay serve` runs with http=VietnameseH11)."""

    def send_400_response(self, msg: str) -> None:
        import h11

        body = error_body(400, "Yêu cầu HTTP không hợp lệ (không đọc được dòng yêu cầu hoặc tiêu đề)")
        headers = [(b"content-type", b"application/json"), (b"connection", b"close"),
                   (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]
        self.transport.write(self.conn.send(h11.Response(status_code=400, headers=headers, reason=b"Bad Request")))
        self.transport.write(self.conn.send(h11.Data(data=body)))
        self.transport.close()
