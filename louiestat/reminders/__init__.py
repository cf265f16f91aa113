"""Reminders of late values: for a month, one message to each KPI owner (``owner_email``) with a KPI whose value is
missing past its due date, listing those KPIs by department with their due dates and the address of the entry page;
recorded in the outbox before it is sent, and sent once (``plan``: who is reminded of what; ``letter``: what the
message says; ``sending``: recording and sending)."""

from louiestat.reminders.letter import entry_link, reminder_message
from louiestat.reminders.plan import LateKpi, Reminder, default_month, due_reminders
from louiestat.reminders.sending import Reminded, RemindRun, remind

__all__ = [
    "LateKpi", "RemindRun", "Reminded", "Reminder", "default_month", "due_reminders", "entry_link", "remind",
    "reminder_message",
]
