#!/bin/sh
# Start-up path of the web container: wait for the database, migrate, collect
# static files and seed demo data when SEED_DEMO=1 (all in docker/prepare.py),
# then become the given command (Daphne by default) so it receives signals.
set -eu

# Run from the project root whatever the caller's working directory.
cd "$(dirname "$0")/.."

python docker/prepare.py
exec "$@"
