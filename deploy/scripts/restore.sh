#!/usr/bin/env bash
# Disaster recovery on the CURRENT database: stop the application everywhere, restore, migrate, start.
#   deploy/scripts/restore.sh /var/backups/noko/noko-20261001-023000
# Run it on one host after stopping noko-web and noko-worker@* on every other host.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MANAGE="$HERE/manage.sh"
backup=${1:?usage: restore.sh BACKUP_DIRECTORY}

read -r -p "This REPLACES the database and media files with $backup. Type 'restore' to go on: " answer
[[ $answer == restore ]] || { echo "cancelled"; exit 1; }

systemctl stop noko-web 'noko-worker@*' || true
"$MANAGE" restore "$backup" --force
"$MANAGE" migrate --no-input
"$MANAGE" createcachetable
systemctl start noko-web
systemctl start 'noko-worker@*' || true
"$HERE/check-live.sh" "${NOKO_CHECK_URL:-http://127.0.0.1:8000}"
