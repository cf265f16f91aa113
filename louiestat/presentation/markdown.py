"""Text from files or the URL made safe for markdown: shown literally wherever markdown is rendered (the pages'
``st.markdown``, the meeting minutes as a ``.md`` file), never a link, an image or a tag."""

import re

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-!|<>~:$])")


# GitHub-flavoured markdown turns bare URLs and e-mail addresses into links after escapes are read, so a word
# joiner (U+2060, invisible) goes where its patterns need a plain character: "http⁠://", "www⁠.", "ana@⁠city".
_AUTOLINKS = re.compile(r"(?i)(https?|ftp|mailto)(?=\\?:)|(www)(?=\.)|(@)")


def escape_markdown(text: str) -> str:
    """Text from an upload or the URL (names, notes, parameters) shown literally in markdown: never a link,
    an image or a tag, and no bare URL or address turned into a link."""
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))
    return _AUTOLINKS.sub(lambda m: m.group(0) + "\u2060", escaped)
