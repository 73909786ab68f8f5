#!/usr/bin/env bash
# Upgrade after the new code is in /opt/noko/app (git pull, or an unpacked release):
# dependencies, a backup, migrations, static files, a graceful reload. On several hosts run it with
# --migrate on ONE host first, then without --migrate on the others (see docs/deploy.md).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
APP_DIR=${NOKO_APP_DIR:-/opt/noko/app}
MANAGE="$HERE/manage.sh"
migrate=0
backup=1
for arg in "$@"; do
    case $arg in
        --migrate) migrate=1 ;;
        --no-backup) backup=0 ;;
        *) echo "unknown option $arg"; exit 2 ;;
    esac
done

"$APP_DIR/.venv/bin/pip" install -q -r "$APP_DIR/requirements.txt"
"$MANAGE" check --deploy --fail-level WARNING
if [[ $migrate == 1 ]]; then
    [[ $backup == 1 ]] && "$MANAGE" backup
    "$MANAGE" migrate --no-input
    "$MANAGE" createcachetable
fi
"$MANAGE" compilemessages -l ru -v0 || echo "compilemessages skipped (gettext not installed)"
"$MANAGE" collectstatic --no-input -v0
# gunicorn replaces its workers one by one on HUP; workers finish their current job on SIGTERM
systemctl reload noko-web
systemctl restart 'noko-worker@*' || true
"$HERE/check-live.sh" "${NOKO_CHECK_URL:-http://127.0.0.1:8000}"
