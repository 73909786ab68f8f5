#!/usr/bin/env bash
# Check a running НОКО from outside: health, HTTPS redirect, security headers, no direct media.
#   deploy/scripts/check-live.sh https://noko.example.ru
# Exits non-zero and says what is wrong. Extra curl options (e.g. --cacert) via CURL_OPTS; the plain
# HTTP address, if not the same host on port 80, via NOKO_HTTP_URL.
set -uo pipefail
base=${1:?usage: check-live.sh BASE_URL}
base=${base%/}
fail=0
# shellcheck disable=SC2086
curl_() { curl -sS --max-time 20 ${CURL_OPTS:-} "$@"; }
say() { printf '%-46s %s\n' "$1" "$2"; }

body=$(curl_ -o - -w '\n%{http_code}' "$base/healthz") || body=$'\n000'
code=${body##*$'\n'}
if [[ $code == 200 && $body == *'"status": "ok"'* ]]; then
    say "health" "ok"
elif [[ $code == 200 ]]; then
    say "health" "DEGRADED: ${body%$'\n'*}"
else
    say "health" "FAIL ($code): ${body%$'\n'*}"; fail=1
fi

if [[ $base == https://* ]]; then
    plain=${NOKO_HTTP_URL:-http://${base#https://}}
    location=$(curl_ -o /dev/null -w '%{http_code} %{redirect_url}' "$plain/accounts/login/")
    if [[ $location == 301\ https://* ]]; then say "http → https" "ok"; else say "http → https" "FAIL: $location"; fail=1; fi
fi

headers=$(curl_ -D - -o /dev/null "$base/accounts/login/" | tr -d '\r')
check_header() {
    if grep -qi "^$1:.*$2" <<<"$headers"; then say "$1" "ok"; else say "$1" "MISSING or wrong (want $2)"; fail=1; fi
}
check_header "Content-Security-Policy" "default-src 'self'"
check_header "X-Frame-Options" "DENY"
check_header "X-Content-Type-Options" "nosniff"
check_header "Referrer-Policy" "same-origin"
if [[ $base == https://* ]]; then
    check_header "Strict-Transport-Security" "max-age="
    check_header "Set-Cookie" "csrftoken=.*Secure"
fi

media=$(curl_ -o /dev/null -w '%{http_code}' "$base/media/")
if [[ $media == 404 || $media == 403 ]]; then say "no direct /media/" "ok"; else say "no direct /media/" "FAIL ($media)"; fail=1; fi

exit $fail
