"""How every page sits on the screen: titles near the top, the phone menu closed once a page is chosen, and
charts without plotly's toolbar (on a phone it covers the chart's title)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

STYLE = Path(__file__).with_name("screen.css")
PHONE_WIDTH = 640
"""Below this width (px) the scorecard shows cards (screen.css) and the menu closes after a choice."""

CHART_CONFIG = {"displayModeBar": False, "displaylogo": False}
"""Every page's plotly config. Streamlit's own element toolbar still offers full screen."""

# Streamlit closes the menu after a choice only when the browser says it is a phone; a narrow desktop
# window or an iPad (which reports a desktop browser) kept it open over the page.
_CLOSE_MENU = f"""
<span class="louiestat-menu-closer"></span>
<script>
if (!window.louiestatMenuCloser) {{
  window.louiestatMenuCloser = true;
  document.addEventListener("click", (event) => {{
    if (window.innerWidth > {PHONE_WIDTH} || !event.target.closest('[data-testid="stSidebarNav"] a')) return;
    setTimeout(() => {{
      const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (button && button.getAttribute("aria-expanded") === "true") button.click();
    }}, 0);
  }}, true);
}}
</script>
"""


def fit_to_screen() -> None:
    """Once per run, before the page: the page CSS and the phone menu's closer."""
    st.html(STYLE)
    st.html(_CLOSE_MENU, unsafe_allow_javascript=True)
