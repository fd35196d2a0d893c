from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmarks' data generators, installed by ``bench.settings`` only."""

    name = "bench"
    verbose_name = "Benchmarks"
