"""Deployment defaults in .streamlit/config.toml: safe for a first run, each changeable by an environment
variable, and each a value the installed Streamlit accepts."""

import os
import subprocess
import sys
import tomllib

from tests.conftest import ROOT

CONFIG = ROOT / ".streamlit" / "config.toml"


def _shown(env: dict[str, str] | None = None) -> dict[str, str]:
    """The options `streamlit config show` reports from the repository's folder (what `streamlit run` uses)."""
    out = subprocess.run([sys.executable, "-m", "streamlit", "config", "show"], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout
    wanted = ("address", "maxUploadSize", "showErrorDetails", "enableXsrfProtection")
    return dict(line.split(" = ", 1) for line in out.splitlines() if line.startswith(wanted))


def test_the_defaults_listen_locally_take_50_mb_show_visitors_no_traceback_and_keep_xsrf_on() -> None:
    config = tomllib.loads(CONFIG.read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["maxUploadSize"] == 50
    assert config["server"]["enableXsrfProtection"] is True
    assert config["client"]["showErrorDetails"] == "none"
    assert _shown() == {"address": '"127.0.0.1"', "maxUploadSize": "50", "showErrorDetails": '"none"',
                        "enableXsrfProtection": "true"}


def test_environment_variables_override_each_default() -> None:
    env = {**os.environ, "STREAMLIT_SERVER_ADDRESS": "0.0.0.0", "STREAMLIT_SERVER_MAX_UPLOAD_SIZE": "5",
           "STREAMLIT_CLIENT_SHOW_ERROR_DETAILS": "type"}
    assert _shown(env) == {"address": '"0.0.0.0"', "maxUploadSize": "5", "showErrorDetails": '"type"',
                           "enableXsrfProtection": "true"}
