"""The scale benchmark: `make bench` / `make bench-small`; see docs/benchmarks.md."""
