#!/bin/sh
# Run once per release, before new web containers take traffic: bring the
# database schema up to date, store new questionnaire versions, and refuse
# the release if the deployment settings are unsafe.
set -eu
cd "$(dirname "$0")/.."

python manage.py migrate --noinput
python manage.py sync_questionnaires
python manage.py check --deploy --fail-level WARNING
