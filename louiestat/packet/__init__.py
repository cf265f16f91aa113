"""The stat meeting on paper: the briefing packet (PDF) handed out before it and the minutes (PDF, Markdown)
sent after it, both printed from a ``louiestat.meetings.briefing.Briefing``. What they refuse is in ``louiestat.errors``
(``PacketError``)."""

from louiestat.packet.briefing_packet import packet_pdf
from louiestat.packet.chart_images import ChartRenderer
from louiestat.packet.minutes import minutes_markdown, minutes_pdf

__all__ = [
    "ChartRenderer",
    "minutes_markdown",
    "minutes_pdf",
    "packet_pdf",
]
