from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Annotations and review"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, post_save

        from annotations import tasks  # noqa: F401  (registers the task a cold read sends)
        from annotations.receivers import (
            install_gold_revisions,
            install_status_counts,
            start_status_counts,
        )
        from debate.models import Debate

        post_save.connect(start_status_counts, sender=Debate, dispatch_uid="status_counts_start")
        post_migrate.connect(install_status_counts, sender=self)
        post_migrate.connect(install_gold_revisions, sender=self)
