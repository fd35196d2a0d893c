import logging

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger("debate")


class DebateConfig(AppConfig):
    name = "debate"
    verbose_name = "Debates and corpus"

    def ready(self) -> None:
        if settings.CELERY_TASK_ALWAYS_EAGER and settings.CELERY_EAGER_REASON:
            logger.warning(
                "CELERY EAGER MODE: %s; background tasks run inside the web process.",
                settings.CELERY_EAGER_REASON,
            )
