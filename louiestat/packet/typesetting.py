"""PDF typesetting with typst: a template from ``templates/`` reads its data from a JSON file, so text from the
data is only ever a typst string (printed as it is, never read as markup: a KPI named ``#set page(...)`` or
``*x*`` prints literally) and the templates need no escaping of their own. Every string of the data is printed
text: it goes through ``presentation.text.display_text`` (bidirectional controls shown as escapes), so the
templates cannot forget it."""

from __future__ import annotations

import json
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from louiestat.presentation.text import display_text

if TYPE_CHECKING:
    import typst

TEMPLATES = Path(__file__).resolve().parent / "templates"
FONT_FOLDERS = (Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/opentype/noto"))
"""Debian's fonts-noto-core, fonts-noto-cjk and fonts-noto-color-emoji, named in ``templates/common.typ`` after
DejaVu Sans for what it lacks (Chinese, Japanese and Korean, emoji); typst also finds the system's fonts. Where
they are missing typst draws those characters as empty boxes, and the PDF is still written."""


@lru_cache(maxsize=1)
def print_fonts() -> typst.Fonts:
    """The fonts the packet and the minutes are set in, found once per process (a search takes about 0.4 s)."""
    import typst

    return typst.Fonts(font_paths=[str(folder) for folder in FONT_FOLDERS if folder.is_dir()])


def printed(value: Any) -> Any:
    """``value`` (a JSON-ready structure) with every string shown by ``display_text``."""
    if isinstance(value, str):
        return display_text(value)
    if isinstance(value, list):
        return [printed(item) for item in value]
    if isinstance(value, dict):
        return {key: printed(item) for key, item in value.items()}
    return value


def typeset(template: str, data: BaseModel, images: dict[str, bytes] | None = None,
            fonts: typst.Fonts | None = None) -> bytes:
    """The PDF of ``templates/<template>`` with ``data`` as its ``data.json`` and ``images`` beside it by name;
    ``fonts`` defaults to ``print_fonts()``."""
    import typst

    with tempfile.TemporaryDirectory(prefix="louiestat-typst-") as folder:
        root = Path(folder)
        shutil.copy(TEMPLATES / "common.typ", root / "common.typ")
        shutil.copy(TEMPLATES / template, root / template)
        text = json.dumps(printed(data.model_dump(mode="json")), ensure_ascii=False)
        (root / "data.json").write_text(text, encoding="utf-8")
        for name, content in (images or {}).items():
            (root / name).write_bytes(content)
        return typst.compile(root / template, root=root, format="pdf", font_paths=fonts or print_fonts())
