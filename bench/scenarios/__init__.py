"""The served benchmarks' data, one module per scenario; generate_bench_scenarios makes it."""
