from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _install_status_counts(sender, using: str, **kwargs) -> None:
    # After every migrate, also of a database made without migrations (the test suite's),
    # so the triggers always match the tables there are.
    from annotations.review.selectors.status_counts import status_counts_install

    status_counts_install(connection=connections[using])


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Annotations and review"

    def ready(self) -> None:
        post_migrate.connect(_install_status_counts, sender=self)
