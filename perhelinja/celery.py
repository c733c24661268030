"""Celery application: tasks run eagerly unless CELERY_BROKER_URL names a broker."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perhelinja.settings")

app = Celery("perhelinja")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
