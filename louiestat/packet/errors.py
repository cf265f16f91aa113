"""What the packet and the minutes refuse, in one tree (under ``louiestat.errors.LouieStatError``):

    PacketError
    ├── BriefingNotFound   no such department, month or meeting: the message lists what is accepted (CLI exit 2)
    └── MissingSystemPackage  a program the PDF needs is not installed: the message says what to install (exit 1)
"""

from louiestat.errors import LouieStatError


class PacketError(LouieStatError):
    """Base of the packet's and minutes' exceptions."""


class BriefingNotFound(PacketError, LookupError):
    """The department, month or meeting asked for does not exist; the message names what would be accepted."""


class MissingSystemPackage(PacketError):
    """A system program the packet needs (Chromium, which draws the charts) is missing; the message says which
    package to install."""
