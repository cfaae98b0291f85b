"""Load and fault scenarios against a real, throwaway production stack.

``python -m bench.resilience`` (``make resilience``) creates a scratch
PostgreSQL database, migrates it, stores the questionnaires, starts
gunicorn with ``deploy/gunicorn.conf.py`` and production settings on
127.0.0.1, drives it over HTTP, breaks things on purpose and checks what
the database holds afterwards. Everything it starts, it stops; the
database is dropped at the end. ``docs/resilience.md`` describes each
scenario and the figures measured.
"""
