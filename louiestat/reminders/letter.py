"""What a reminder says: the month, each late KPI by department with the day it was due, and for each department the
address of the page where its values are entered; as plain text and as simple HTML (no images, no styles a mail
program would have to fetch)."""

from __future__ import annotations

from html import escape
from itertools import groupby
from urllib.parse import urlencode

from louiestat.mail import Outgoing
from louiestat.presentation.agenda import date_words
from louiestat.presentation.text import display_text
from louiestat.presentation.values import month_label
from louiestat.presentation.words import counted
from louiestat.reminders.plan import LateKpi, Reminder

KIND = "reminder"
OWNER_NOTE = ("You get this because the KPI definitions name you as the person who reports these KPIs. If someone "
              "else reports one now, tell the performance office so that its definition names them.")


def entry_link(base_url: str, department: str, month: str) -> str:
    """The address of the page where ``department``'s values for ``month`` are entered."""
    return f"{base_url.rstrip('/')}/enter?{urlencode({'department': department, 'month': month})}"


def subject(reminder: Reminder) -> str:
    """'Reminder: 3 LouieStat values for June 2016 are late' (one value: 'is late')."""
    count = len(reminder.kpis)
    return (f"Reminder: {counted(count, 'LouieStat value')} for {month_label(reminder.month)} "
            f"{'is' if count == 1 else 'are'} late")


def reminder_message(reminder: Reminder, base_url: str, sequence: int) -> Outgoing:
    """The outbox message of ``reminder``; ``sequence`` counts the reminders its owner has had for the month (1 for
    the first), so that one sent again (``--again``) is a message of its own."""
    month = month_label(reminder.month)
    intro = f"LouieStat has no value yet for {month} for these KPIs, which name you as the person who reports them:"
    text, html = ["Hello,", "", intro], ["<p>Hello,</p>", f"<p>{escape(intro)}</p>"]
    for (slug, name), kpis in groupby(reminder.kpis, key=lambda k: (k.department, k.department_name)):
        listed = list(kpis)
        link = entry_link(base_url, slug, reminder.month)
        text += ["", display_text(name), *(f"  - {_line(k)}" for k in listed), f"  Enter them at {link}"]
        html += [
            f'<h2 style="font-size:1.1em;margin:1.2em 0 0.3em">{escape(display_text(name))}</h2>',
            '<ul style="margin:0 0 0.5em;padding-left:1.4em">',
            *(f"<li>{escape(_line(k))}</li>" for k in listed),
            "</ul>",
            f'<p><a href="{escape(link)}">Enter the {escape(month)} values of {escape(display_text(name))}</a></p>',
        ]
    text += ["", OWNER_NOTE, "", f"LouieStat, {base_url}", ""]
    html += [f'<p style="margin-top:2em">{escape(OWNER_NOTE)}</p>',
             f'<p>LouieStat, <a href="{escape(base_url)}">{escape(base_url)}</a></p>']
    title = subject(reminder)
    page = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title></head>\n"
            '<body style="font-family:sans-serif;line-height:1.5;color:#1a1a1a;max-width:40em;margin:0 auto;'
            'padding:1em;overflow-wrap:anywhere">\n' + "\n".join(html) + "\n</body></html>\n")
    return Outgoing(key=f"{KIND}/{reminder.month}/{reminder.to}/{sequence}", kind=KIND, to=reminder.to,
                    subject=title, text="\n".join(text), html=page)


def _line(kpi: LateKpi) -> str:
    return f"{display_text(kpi.kpi_name)}, due {date_words(kpi.due)}"
