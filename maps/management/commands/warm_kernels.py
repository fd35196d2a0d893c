"""Compile the Numba kernels into their cache now, so no request or task waits for it.

The cold agreement count (``annotations.review.agreement.kernel``) and the lexical merge
search (``maps.builder.forest_kernel``) are compiled on first use and kept in
``NUMBA_CACHE_DIR`` (``var/numba`` unless set): compiling costs a first request or build some
ten seconds. The container image runs this as it is built; ``make run`` and ``make bench`` run
it before they start serving.
"""

import os
import time

from django.core.management.base import BaseCommand

from annotations.review.agreement import kernel
from maps.builder import forest_kernel


class Command(BaseCommand):
    help = "Compile the agreement and lexical-merge kernels into NUMBA_CACHE_DIR now."

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        kernel.warm()
        forest_kernel.warm()
        self.stdout.write(
            f"Kernels ready in {os.environ.get('NUMBA_CACHE_DIR', '(Numba default)')} "
            f"({time.perf_counter() - started:.1f} s)."
        )
