"""The Celery application; configuration lives in settings under the ``CELERY_`` prefix."""

import os

from celery import Celery
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("debatemap")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# A task's log lines carry the request id of the request that sent it (django-structlog).
app.steps["worker"].add(DjangoStructLogInitStep)
