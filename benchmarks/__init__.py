"""Scripts that measure speed, run on purpose as `python benchmarks/<name>.py`; figures in
docs/performance.md. `harness` holds what they share."""
