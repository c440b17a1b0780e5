"""Opening the Engine for a CLI command, with an unusable data dir said in one line, not a traceback."""
from __future__ import annotations

import logging

from core.errors import SotayError
from core.settings import Settings

log = logging.getLogger(__name__)


def open_engine(engine_class, settings: Settings, **options):
    """Engine.open, with a data dir that cannot be used (file in the way, unreadable, read-only,
    foreign index files) reported as one clear line instead of a traceback."""
    try:
        return engine_class.open(settings, **options)
    except SotayError:
        raise
    except (OSError, ValueError, KeyError) as exc:
        log.debug("engine open failed", exc_info=exc)
        raise SotayError(f"không mở được thư mục dữ liệu {settings.data_dir} ({type(exc).__name__}: {exc}). "
                         "Kiểm tra quyền ghi, tệp nằm chắn đường dẫn, hoặc xóa chỉ mục để nạp lại.") from exc
