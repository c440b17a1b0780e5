"""GET /docs: Swagger UI from the fastapi-offline wheel's copy (no CDN), started by a script file, so the
app's strict CSP (script-src 'self', no inline script) holds on this page too."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)
ASSETS_URL = "/docs-assets"


def assets_dir() -> Path | None:
    """Where fastapi-offline keeps swagger-ui-bundle.js and swagger-ui.css; None when it is not installed."""
    try:
        import fastapi_offline
    except ImportError:
        return None
    folder = Path(fastapi_offline.__file__).parent / "static"
    return folder if (folder / "swagger-ui-bundle.js").exists() else None


PAGE = f"""<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>Sổ tay API — tài liệu</title>
<link rel="stylesheet" href="{ASSETS_URL}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{ASSETS_URL}/swagger-ui-bundle.js"></script>
<script src="/static/docs/init.js"></script>
</body>
</html>
"""


@router.get("/docs")
def docs() -> HTMLResponse:
    return HTMLResponse(PAGE)
