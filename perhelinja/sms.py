"""Text messages through a pluggable backend, like Django's email backends.

`SMS_BACKEND` names the class; the console backend prints, the locmem backend keeps messages
in `outbox` for tests. A real gateway is one more class with `send_messages`.

A backend is only ever given an E.164 number ("+358401234567"): whatever else reaches
`send_sms` (text a family's row held before phone numbers were checked, "=1+1") is not sent.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string
from phonenumber_field.phonenumber import to_python

logger = logging.getLogger(__name__)

outbox: list[SmsMessage] = []


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str


class BaseBackend:
    def send_messages(self, messages: list[SmsMessage]) -> int:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send_messages(self, messages: list[SmsMessage]) -> int:
        for message in messages:
            sys.stdout.write(f"SMS to {message.to}:\n{message.body}\n{'-' * 40}\n")
        return len(messages)


class LocmemBackend(BaseBackend):
    def send_messages(self, messages: list[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def send_sms(to: str, body: str) -> int:
    """Send `body` to the phone number `to` (any way of writing it); 0 when it is none."""
    number = to_python(to, region=settings.PHONENUMBER_DEFAULT_REGION)
    if not number or not number.is_valid():
        logger.warning("A text message was not sent: the recipient is no valid phone number.")
        return 0
    backend = import_string(settings.SMS_BACKEND)()
    return backend.send_messages([SmsMessage(to=number.as_e164, body=body)])
