from django.apps import AppConfig


class SuggestionsConfig(AppConfig):
    name = "suggestions"
    verbose_name = "Suggestions"

    def ready(self) -> None:
        from annotations.signals import document_adjudicated
        from suggestions import tasks  # noqa: F401  (registers the task the service sends)
        from suggestions.receivers import request_training

        document_adjudicated.connect(request_training, dispatch_uid="suggestions.request_training")
