"""Kampung's benchmarks. `make bench` runs them all; `make bench BENCH=name` runs one.
Each writes its figures as JSON to var/bench/<name>.json."""
