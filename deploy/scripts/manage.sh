#!/usr/bin/env bash
# Run manage.py with the production environment: /etc/noko/noko.env plus the secret files.
#   deploy/scripts/manage.sh migrate --no-input
# Run as root it switches to the noko user, so files it creates belong to the service.
set -euo pipefail

APP_DIR=${NOKO_APP_DIR:-/opt/noko/app}
ENV_FILE=${NOKO_ENV_FILE:-/etc/noko/noko.env}
SECRETS_DIR=${NOKO_SECRETS_DIR:-/etc/noko}
SERVICE_USER=${NOKO_USER:-noko}

if [[ $(id -u) -eq 0 && $SERVICE_USER != root ]]; then
    exec runuser -u "$SERVICE_USER" -- "$0" "$@"
fi
if [[ -r $ENV_FILE ]]; then
    set -a
    # shellcheck disable=SC1090
    . "$ENV_FILE"
    set +a
fi
# systemd units pass secrets as credentials; by hand they are read from the secrets directory
if [[ -z ${SECRET_KEY:-} && -z ${SECRET_KEY_FILE:-} ]]; then
    export SECRET_KEY_FILE=${CREDENTIALS_DIRECTORY:-$SECRETS_DIR}/secret_key
fi
if [[ -z ${DATABASE_URL:-} && -z ${DATABASE_URL_FILE:-} ]]; then
    export DATABASE_URL_FILE=${CREDENTIALS_DIRECTORY:-$SECRETS_DIR}/database_url
fi
cd "$APP_DIR"
exec "$APP_DIR/.venv/bin/python" manage.py "$@"
