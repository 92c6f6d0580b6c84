"""The scale benchmark (issue #8): `make bench` / `make bench-small`; see docs/benchmarks.md."""
