"""Settings of the benchmarks: the production settings plus the bench app and endpoints.

``make bench`` (bench/run_bench.py) selects this module for its gunicorn and its data
generators (``generate_bench_scenarios``, ``generate_bench_data``, commands of the bench app);
the Celery worker uses ``config.settings`` unchanged. Static files are collected into
``var/bench/static`` so a benchmark never touches the checkout's ``staticfiles/``.
"""

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR, INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
STATIC_ROOT = BASE_DIR / "var" / "bench" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
