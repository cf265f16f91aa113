"""The stat meeting on paper: the briefing packet (PDF) handed out before it and the minutes (PDF, Markdown)
sent after it, both printed from a ``louiestat.meetings.briefing.Briefing``."""

from louiestat.packet.briefing_packet import packet_pdf
from louiestat.packet.briefings import briefing_for
from louiestat.packet.chart_images import ChartRenderer
from louiestat.packet.errors import BriefingNotFound, MissingSystemPackage, PacketError
from louiestat.packet.minutes import minutes_markdown, minutes_pdf

__all__ = [
    "BriefingNotFound",
    "ChartRenderer",
    "MissingSystemPackage",
    "PacketError",
    "briefing_for",
    "minutes_markdown",
    "minutes_pdf",
    "packet_pdf",
]
