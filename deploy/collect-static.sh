#!/bin/sh
# Collect static files into STATIC_ROOT with hashed, compressed copies
# (WhiteNoise's manifest storage, which Django uses when DEBUG is off).
# collectstatic signs nothing, so a placeholder key is enough; the real one
# is only ever given to the running container.
set -eu
cd "$(dirname "$0")/.."

DEBUG=false SECRET_KEY=collectstatic-needs-no-real-key \
  python manage.py collectstatic --noinput
