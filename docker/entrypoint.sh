#!/bin/sh
# Start-up path of the web container: wait for the database, bring the schema
# and the collected static files up to date, optionally seed demo data, then
# become the given command (Daphne by default) so it receives signals directly.
set -eu

# Run from the project root whatever the caller's working directory.
cd "$(dirname "$0")/.."

python docker/wait_for_db.py
python manage.py migrate --noinput
python manage.py collectstatic --noinput --verbosity 0

if [ "${SEED_DEMO:-0}" = "1" ]; then
    python manage.py seed_demo
fi

exec "$@"
