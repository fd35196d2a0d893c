"""Settings of the served benchmarks: the production settings plus the bare endpoint.

Only ``make bench`` (bench/run_bench.py) selects this module, for its gunicorn; the worker
and every other process use ``config.settings`` unchanged. Static files are collected into
``var/bench/static`` so a benchmark never touches the checkout's ``staticfiles/``.
"""

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = BASE_DIR / "var" / "bench" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
