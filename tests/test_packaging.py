"""The package installs as a whole: its wheel holds every module, the files the code reads beside them (CSS,
templates, migrations, the sample city) and the ``louiestat`` console script, and nothing the code reads is left
out of it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True)
    (built,) = out.glob("louiestat-*.whl")
    return zipfile.ZipFile(built)


def test_the_wheel_holds_every_module_and_every_file_beside_them(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for package in ("louiestat", "metrics"):
        for path in (ROOT / package).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                assert str(path.relative_to(ROOT)) in names, f"{path.relative_to(ROOT)} is not in the wheel"


def test_the_wheel_installs_the_louiestat_command(wheel: zipfile.ZipFile) -> None:
    (entry_points,) = [n for n in wheel.namelist() if n.endswith("entry_points.txt")]
    assert "louiestat = louiestat.cli:main" in wheel.read(entry_points).decode()
    (metadata,) = [n for n in wheel.namelist() if n.endswith("METADATA")]
    text = wheel.read(metadata).decode()
    assert "Requires-Python: >=3.11" in text and "Requires-Dist: streamlit==" in text
    assert "Requires-Dist: pytest" in text and 'extra == "test"' in text  # test tools only as the test extra
