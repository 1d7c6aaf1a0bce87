"""The demo: `seed_demo` and the steps it runs, one package for each app's demo data.

The top layer: it imports every app and nothing imports it. Each step is deterministic (its
own random generator) and idempotent (natural keys), and the command refuses to run with
DEBUG off. See docs/demo.md.
"""
