#!/bin/sh
# Build the virtual environment the app runs from, in the directory named
# by the first argument: the runtime dependencies listed in pyproject.toml,
# each at the version pinned in requirements.lock. The lock also pins the
# development tools, which stay out of the image.
#
# Run from the project directory. PYTHON names the interpreter (python3).
set -eu
venv="$1"
python="${PYTHON:-python3}"

"$python" -m venv "$venv"
requirements="$venv/runtime-requirements.txt"
"$venv/bin/python" - pyproject.toml > "$requirements" <<'PY'
import sys
import tomllib

with open(sys.argv[1], "rb") as file:
    print("\n".join(tomllib.load(file)["project"]["dependencies"]))
PY
# Wheels only: the slim image has no compiler, and a missing wheel should
# fail here rather than half-build.
"$venv/bin/python" -m pip install --no-input --disable-pip-version-check \
  --only-binary=:all: --requirement "$requirements" --constraint requirements.lock
