#!/usr/bin/env bash
# Nightly backup (noko-backup.service): database + media into BACKUP_DIR, keep BACKUP_KEEP backups,
# then — with BACKUP_VERIFY=1 — restore the new backup into a scratch database and drop it again,
# so every night proves the backup can be restored (the database role needs CREATEDB for that).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MANAGE="$HERE/manage.sh"

output=$("$MANAGE" backup --keep "${BACKUP_KEEP:-14}")
echo "$output"
latest=$(echo "$output" | head -n1 | cut -d: -f1)

if [[ ${BACKUP_VERIFY:-0} == 1 && -d $latest ]]; then
    scratch_root=$(mktemp -d)
    trap 'rm -rf "$scratch_root"' EXIT
    "$MANAGE" verify_backup "$latest" --media-root "$scratch_root/media"
fi
if [[ -n ${BACKUP_COPY_TO:-} ]]; then
    # an off-site copy: rsync target such as backup@archive.internal:/srv/noko-backups/
    rsync -a --partial "$latest" "$BACKUP_COPY_TO"
fi
