import logging
import os
import sys

from django.apps import AppConfig
from django.conf import settings

# The name operators already filter on for the start-up warning.
logger = logging.getLogger("debate")


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Plumbing"

    def ready(self) -> None:
        # runserver's autoreloader imports everything twice; log once, in the serving process.
        if (
            "runserver" in sys.argv
            and "--noreload" not in sys.argv
            and os.environ.get("RUN_MAIN") != "true"
        ):
            return
        if settings.CELERY_TASK_ALWAYS_EAGER and settings.CELERY_EAGER_REASON:
            logger.warning(
                "CELERY EAGER MODE: %s; background tasks run inside the web process.",
                settings.CELERY_EAGER_REASON,
            )
