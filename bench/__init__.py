"""Benchmarks: ``make bench`` (``python -m bench``) prints their figures.

Each ``bench/bench_*.py`` module has a ``run()`` that returns figures.
Benchmarks that need a database get a fresh test database, created and
dropped around the run, on whatever ``DATABASE_URL`` names.
"""
