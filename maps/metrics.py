"""The map job's Prometheus metrics, exposed by ``core.metrics`` at ``/metrics``."""

from prometheus_client import Histogram
from prometheus_client.core import GaugeMetricFamily

MAP_BUILD_SECONDS = Histogram(
    "debatemap_map_build_seconds",
    "Wall time of a map build job, from claiming it to its version stored (or its failure).",
    labelnames=["outcome"],
    buckets=(0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, float("inf")),
)


class WaitingBuilds:
    """Map builds queued and running, counted at each scrape (``maps.apps`` registers it)."""

    def collect(self):
        from maps.models import MapBuild, MapBuildStatus

        builds = GaugeMetricFamily(
            "debatemap_map_builds", "Map builds by status (queued and running).", labels=["status"]
        )
        for status in (MapBuildStatus.QUEUED, MapBuildStatus.RUNNING):
            builds.add_metric([status.value], MapBuild.objects.filter(status=status).count())
        yield builds
