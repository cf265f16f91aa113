"""Text from files or the URL made safe for markdown: shown literally wherever markdown is rendered (the pages'
``st.markdown``, captions, alerts and widget labels; the meeting minutes as a ``.md`` file), never a link, an
image, a tag, an icon, a colour or an emoji."""

import re

from louiestat.presentation.text import display_text

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-!|<>~:$])")


# GitHub-flavoured markdown turns bare URLs and e-mail addresses into links after escapes are read, so a word
# joiner (U+2060, invisible) goes where its patterns need a plain character: "http⁠://", "www⁠.", "ana@⁠city".
_AUTOLINKS = re.compile(r"(?i)(https?|ftp|mailto)(?=\\?:)|(www)(?=\.)|(@)")
# Streamlit reads ":material/warning:" as an icon even with its colons escaped (it rewrites the text before
# parsing it), and ":red[…]", ":small[…]" and ":smile:" begin with a colon too: a word joiner after every colon
# that a name could follow leaves nothing for those patterns to match.
_DIRECTIVES = re.compile(r"(?<=\\:)(?=\S)")


def escape_markdown(text: str) -> str:
    """Text from an upload or the URL (names, notes, parameters) shown literally in markdown: never a link,
    an image, a tag, an icon, a colour or an emoji, with no bare URL or address turned into a link and its
    bidirectional control characters shown as escapes (``presentation.text.display_text``)."""
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", display_text(text))
    escaped = _AUTOLINKS.sub(lambda m: m.group(0) + "\u2060", escaped)
    return _DIRECTIVES.sub("\u2060", escaped)
