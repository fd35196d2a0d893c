"""Gunicorn settings of a web node, as docs/DEPLOY.md gives them, each from the environment.

Threaded workers (gthread): a worker waits for requests in a poller and hands a thread only a
complete request, so idle keep-alive or slow clients never hold every worker. Defaults:
2 x CPUs + 1 workers, 4 threads each, 60 s timeout, access log on stdout.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * multiprocessing.cpu_count() + 1)
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
accesslog = "-"
errorlog = "-"
# Workers' heartbeat files in memory, not on the container's overlay disk (gunicorn's advice
# for containers); only gunicorn's own processes write there.
worker_tmp_dir = "/dev/shm"  # noqa: S108
# gunicornc's control socket: by default under $HOME, which the application's user may not
# write in the image; /app/var is its one writable folder.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or "/app/var/gunicorn.ctl"
