"""Prometheus metrics at ``/metrics``: requests and latencies (django-prometheus's middleware),
map build durations and the builds waiting (``maps.metrics``), and the length of each Celery
queue (read at each scrape).

Several gunicorn workers and Celery workers each count their own: with
``PROMETHEUS_MULTIPROC_DIR`` set (the same empty, writable directory for every process of a
host, cleared at each start; docs/DEPLOY.md), prometheus_client writes each process's samples
there and a scrape of any web worker reads them all. Without it (development), a scrape sees
the process that answers.

Who may scrape: a caller with ``Authorization: Bearer <METRICS_TOKEN>`` when that setting is
set; without it, nobody in production and only the machine itself (a loopback address) in
development. Anyone else gets 404, as if there were nothing here.
"""

from __future__ import annotations

import hmac
import ipaddress
import os

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

from core.network import client_ip

# Collectors read at each scrape, registered by the apps whose data they read (``maps.apps``
# adds the waiting map builds), so core never imports an app above it.
SCRAPE_COLLECTORS: list = []


def register_scrape_collector(collector) -> None:
    """Add a collector whose ``collect()`` runs at each scrape of ``/metrics``."""
    if collector not in SCRAPE_COLLECTORS:
        SCRAPE_COLLECTORS.append(collector)


class CeleryQueues:
    """The length of each Celery queue the site sends tasks to (the broker's list)."""

    def collect(self):
        if settings.CELERY_TASK_ALWAYS_EAGER:
            return
        import redis

        queues = GaugeMetricFamily(
            "debatemap_celery_queue_length",
            "Tasks waiting in each Celery queue (the broker's list length).",
            labels=["queue"],
        )
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1)
        try:
            for queue in sorted(set(settings.HEALTH_WORKER_QUEUES)):
                queues.add_metric([queue], client.llen(queue))
        except redis.RedisError:
            return
        finally:
            client.close()
        yield queues


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Everything())
    for collector in [CeleryQueues(), *SCRAPE_COLLECTORS]:
        registry.register(collector)
    return registry


class _Everything:
    """The process's own registry, under a fresh one that adds the scrape-time collector."""

    def collect(self):
        yield from REGISTRY.collect()


def _allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    if settings.PRODUCTION:
        return False
    try:
        return ipaddress.ip_address(client_ip(request) or "").is_loopback
    except ValueError:
        return False


@never_cache
def metrics(request):
    """Answer the metrics in Prometheus's text format, to an allowed caller only."""
    if not _allowed(request):
        raise Http404
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
