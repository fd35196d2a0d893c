import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Everything loaded so far lives as long as the worker: keep it out of the cyclic collector's
# full passes, which otherwise walk the whole of Django on every one (docs/BENCHMARKS.md).
gc.freeze()
