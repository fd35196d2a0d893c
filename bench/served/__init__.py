"""The served benchmarks of ``make bench``, one module per job; bench/run_bench.py runs them."""
