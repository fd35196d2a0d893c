"""The Celery application; configuration lives in settings under the ``CELERY_`` prefix."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("debatemap")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
