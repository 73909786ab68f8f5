"""The shipped deployment files work: systemd units, scripts, gunicorn config, nginx config, and the
whole production stack (nginx with TLS → gunicorn → Django in production mode, plus a worker) on
loopback, checked from outside with deploy/scripts/check-live.sh."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SCRIPTS = sorted((DEPLOY / "scripts").glob("*.sh"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _production_env(tmp_path: Path, **extra) -> dict[str, str]:
    dropped = ("NOKO_TESTING", "DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "TEST_DATABASE_NAME")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="localhost,127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'noko.sqlite3'}",
        NOKO_VAR_DIR=str(tmp_path),
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        BACKUP_DIR=str(tmp_path / "backups"),
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def _manage(env, *args, timeout=300) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_shell_scripts_parse():
    assert {p.name for p in SCRIPTS} >= {"manage.sh", "backup.sh", "restore.sh", "upgrade.sh", "check-live.sh"}
    for script in SCRIPTS:
        result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
        assert result.returncode == 0, (script.name, result.stderr)
        assert os.access(script, os.X_OK), f"{script.name} is not executable"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_units_verify(tmp_path):
    units = []
    for unit in sorted((DEPLOY / "systemd").iterdir()):
        text = unit.read_text().replace("/opt/noko/app", str(ROOT))
        name = unit.name.replace("@.service", "@1.service")
        (tmp_path / name).write_text(text)
        units.append(str(tmp_path / name))
    assert len(units) == 4
    result = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stderr.strip() == "", result.stderr


def test_gunicorn_config_loads_the_production_app(tmp_path):
    env = _production_env(tmp_path)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [str(gunicorn), "--check-config", "-c", str(DEPLOY / "gunicorn.conf.py"), "noko.wsgi:application"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]


def test_gunicorn_config_defaults_to_two_workers_per_core(monkeypatch):
    import runpy

    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["workers"] == 2 * os.cpu_count()
    assert config["worker_class"] == "sync"
    assert config["forwarded_allow_ips"] == os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1")


TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def _render_nginx(tmp_path: Path, *, app_port: int, http_port: int, https_port: int) -> Path:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    site = (DEPLOY / "nginx" / "noko.conf").read_text()
    site = re.sub(r"^\s*listen \[::\].*$", "", site, flags=re.M)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    site = site.replace("127.0.0.1:8000", f"127.0.0.1:{app_port}")
    site = site.replace("/etc/ssl/noko/fullchain.pem", str(cert)).replace("/etc/ssl/noko/privkey.pem", str(key))
    site = site.replace("/var/log/nginx/", f"{tmp_path}/").replace("/srv/noko-media/", f"{tmp_path}/media/")
    site = site.replace("server_name noko.example.ru;", "server_name localhost;")
    (tmp_path / "site.conf").write_text(site)
    user = "user root root;\n" if os.geteuid() == 0 else ""
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"{user}worker_processes 1;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/nginx-error.log warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n  include /etc/nginx/mime.types;\n"
        f"  access_log {tmp_path}/access.log;\n"
        + "".join(f"  {kind}_temp_path {tmp_path}/{kind};\n" for kind in TEMP_PATHS)
        + f"  include {tmp_path}/site.conf;\n}}\n"
    )  # fmt: skip
    return main


nginx_required = pytest.mark.skipif(
    shutil.which("nginx") is None, reason="nginx is not installed (apt-get install nginx)"
)


@nginx_required
def test_nginx_config_is_valid(tmp_path):
    main = _render_nginx(tmp_path, app_port=8000, http_port=_free_port(), https_port=_free_port())
    result = subprocess.run(["nginx", "-t", "-c", str(main), "-p", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def _wait_http(url: str, timeout: float = 60, **kwargs) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=10, allow_redirects=False, **kwargs)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.3)
    pytest.fail(f"{url} did not answer in {timeout} s")


@pytest.mark.slow
@nginx_required
def test_production_stack_behind_nginx(tmp_path):
    import requests

    app_port, http_port, https_port = _free_port(), _free_port(), _free_port()
    base = f"https://localhost:{https_port}"
    env = _production_env(
        tmp_path,
        GUNICORN_BIND=f"127.0.0.1:{app_port}",
        GUNICORN_WORKERS="2",
        CSRF_TRUSTED_ORIGINS=base,
        CACHE_URL="db://noko_cache",
        LOGIN_RATE_PER_USER="3/15m",
    )
    _manage(env, "migrate", "--no-input", "-v0")
    _manage(env, "createcachetable")
    _manage(env, "collectstatic", "--no-input", "-v0")
    _manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import User; User.objects.create_user('ops', password='Ops-pass-2026!')",
    )
    (tmp_path / "media").mkdir(exist_ok=True)
    (tmp_path / "media" / "secret.html").write_text("<script>alert(1)</script>")
    main = _render_nginx(tmp_path, app_port=app_port, http_port=http_port, https_port=https_port)
    cert = str(tmp_path / "cert.pem")

    gunicorn = Path(sys.executable).with_name("gunicorn")
    processes = [
        subprocess.Popen([str(gunicorn), "-c", str(DEPLOY / "gunicorn.conf.py"), "noko.wsgi:application"],
                         cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=(tmp_path / "gunicorn.log").open("w")),
        subprocess.Popen([sys.executable, "manage.py", "worker", "--no-reload", "--interval", "0.5", "-v0"],
                         cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        subprocess.Popen(["nginx", "-c", str(main), "-p", str(tmp_path), "-g", "daemon off;"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]  # fmt: skip
    try:
        _wait_http(f"http://127.0.0.1:{app_port}/healthz")
        _wait_http(f"{base}/healthz", verify=cert)

        # the operator's own check, from outside, through TLS
        check = subprocess.run(
            [str(DEPLOY / "scripts" / "check-live.sh"), base],
            env={**os.environ, "CURL_OPTS": f"--cacert {cert}", "NOKO_HTTP_URL": f"http://localhost:{http_port}"},
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert check.returncode == 0, check.stdout + check.stderr
        assert "health                                         ok" in check.stdout

        session = requests.Session()
        session.verify = cert
        session.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would override verify
        login_page = session.get(f"{base}/accounts/login/")
        assert login_page.status_code == 200
        assert login_page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        # hashed, compressed static files with far-future caching from WhiteNoise
        css = re.search(r'href="(/static/css/noko\.[0-9a-f]{12}\.css)"', login_page.text)
        assert css, "the stylesheet link carries a content hash"
        static = session.get(base + css[1], headers={"Accept-Encoding": "gzip, br"})
        assert static.status_code == 200
        assert "immutable" in static.headers["Cache-Control"]
        # uploaded files are never served straight from disk
        assert session.get(f"{base}/media/secret.html").status_code == 404

        # a real login through nginx with secure cookies and CSRF
        token = session.cookies["csrftoken"]
        form = {"username": "ops", "password": "Ops-pass-2026!", "csrfmiddlewaretoken": token}
        logged_in = session.post(
            f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/accounts/login/"}, allow_redirects=False
        )
        assert logged_in.status_code == 302, logged_in.text[:500]
        assert session.get(f"{base}/").status_code == 200

        # the lockout holds across gunicorn workers: counters live in the shared database cache
        stranger = requests.Session()
        stranger.verify = cert
        stranger.trust_env = False
        stranger.get(f"{base}/accounts/login/")
        bad = {"username": "ops", "password": "wrong", "csrfmiddlewaretoken": stranger.cookies["csrftoken"]}
        headers = {"Referer": f"{base}/accounts/login/"}
        statuses = [stranger.post(f"{base}/accounts/login/", data=bad, headers=headers).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]

        # a worker takes jobs from the queue in production mode
        probe = _manage(env, "queue_probe", "--count", "3", "--wait", "60")
        assert "done 3/3" in probe
        queue = session.get(f"{base}/healthz/queue")
        assert queue.status_code == 200 and queue.json()["checks"]["queue"]["waiting"] == 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGQUIT if process.args[0] == "nginx" else signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
