import logging
import os
import sys

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger("debate")


class DebateConfig(AppConfig):
    name = "debate"
    verbose_name = "Debates and corpus"

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
