from django.apps import AppConfig


class MapsConfig(AppConfig):
    name = "maps"
    verbose_name = "Argument maps"

    def ready(self) -> None:
        from annotations.signals import document_adjudicated
        from maps import tasks  # noqa: F401  (registers the tasks map_build_dispatch sends)
        from maps.receivers import request_map_build

        document_adjudicated.connect(request_map_build, dispatch_uid="maps.request_map_build")

        from core.metrics import register_scrape_collector
        from maps.metrics import WaitingBuilds

        register_scrape_collector(WaitingBuilds())
