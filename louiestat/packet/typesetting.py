"""PDF typesetting with typst: a template from ``templates/`` reads its data from a JSON file, so text from the
data is only ever a typst string (printed as it is, never read as markup: a KPI named ``#set page(...)`` or
``*x*`` prints literally) and the templates need no escaping of their own."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from pydantic import BaseModel

TEMPLATES = Path(__file__).resolve().parent / "templates"


def typeset(template: str, data: BaseModel, images: dict[str, bytes] | None = None) -> bytes:
    """The PDF of ``templates/<template>`` with ``data`` as its ``data.json`` and ``images`` beside it by name."""
    import typst

    with tempfile.TemporaryDirectory(prefix="louiestat-typst-") as folder:
        root = Path(folder)
        shutil.copy(TEMPLATES / "common.typ", root / "common.typ")
        shutil.copy(TEMPLATES / template, root / template)
        (root / "data.json").write_text(data.model_dump_json(), encoding="utf-8")
        for name, content in (images or {}).items():
            (root / name).write_bytes(content)
        return typst.compile(root / template, root=root, format="pdf")
