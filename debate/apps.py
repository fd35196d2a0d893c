from django.apps import AppConfig


class DebateConfig(AppConfig):
    name = "debate"
    verbose_name = "Debates and corpus"
