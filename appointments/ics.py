"""iCalendar files for appointments: local Helsinki times with the time zone included."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Appointment


def appointment_ics(appointment: Appointment, *, cancel: bool = False) -> bytes:
    """One VEVENT in Europe/Helsinki, with its VTIMEZONE, and no personal data in it.

    `cancel`: METHOD:CANCEL with the same UID, so a calendar that has the time removes it."""
    tz = timezone.get_default_timezone()
    calendar = Calendar()
    calendar.add("prodid", "-//Perhelinja//perhelinja//FI")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "PUBLISH")
    event = Event()
    event.add("uid", f"appointment-{appointment.pk}@perhelinja")
    event.add("dtstamp", timezone.now())
    if cancel:
        event.add("status", "CANCELLED")
        event.add("sequence", 1)
    event.add("dtstart", appointment.starts_at.astimezone(tz))
    event.add("dtend", appointment.ends_at.astimezone(tz))
    event.add(
        "summary", _("Perhelinja appointment with %(org)s") % {"org": appointment.organization}
    )
    if appointment.site_id:
        event.add("location", f"{appointment.site.name}, {appointment.site.address}")
    else:
        event.add("location", appointment.get_mode_display())
    event.add("url", settings.SITE_URL)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
