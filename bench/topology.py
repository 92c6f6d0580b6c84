"""The production topology on this machine: nginx (TLS, deploy/nginx/) in front of two gunicorn instances.

nginx runs the repository's own site file with only its names, ports and
paths replaced, so the load test measures what deploy/ ships.
"""

import getpass
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process=None, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"the process for port {port} exited with {process.returncode}") from None
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def self_signed_certificate(directory):
    crt, key = directory / "load.crt", directory / "load.key"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(crt),
        ],
        check=True,
        capture_output=True,
    )
    return crt, key


class Gunicorn:
    """One gunicorn instance with deploy/gunicorn.conf.py, in its own process group (so a drill can kill it)."""

    def __init__(self, port, env, log_path):
        self.port, self.env, self.log_path, self.process = port, env, log_path, None

    def start(self):
        log = open(self.log_path, "a")  # noqa: SIM115 - kept open for the process's life
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "caracom_register.wsgi",
                "-c",
                "deploy/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for_port(self.port, self.process)

    def kill(self):
        # The whole instance at once, as a crashed host or an OOM kill would take it.
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


class Nginx:
    def __init__(self, directory, upstream_ports, static_root):
        self.directory = Path(directory)
        self.https_port, self.http_port = free_port(), free_port()
        self.upstream_ports, self.static_root, self.process = upstream_ports, static_root, None

    def configure(self):
        d = self.directory
        crt, key = self_signed_certificate(d)
        site = (ROOT / "deploy/nginx/caracom-register.conf").read_text()
        first, second = self.upstream_ports
        for old, new in {
            "127.0.0.1:8000": f"127.0.0.1:{first}",
            "127.0.0.1:8001": f"127.0.0.1:{second}",
            "listen 80;": f"listen 127.0.0.1:{self.http_port};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.https_port} ssl http2;",
            "asiakasrekisteri.caracom.fi": "127.0.0.1",
            "/etc/ssl/caracom/asiakasrekisteri.crt": str(crt),
            "/etc/ssl/caracom/asiakasrekisteri.key": str(key),
            "/srv/caracom-register/staticfiles/": f"{self.static_root}/",
            "/var/log/nginx/caracom-register.access.log": str(d / "access.log"),
            "/etc/nginx/caracom-register-proxy.conf": str(d / "proxy.conf"),
        }.items():
            if old not in site:
                raise RuntimeError(f"deploy/nginx/caracom-register.conf no longer contains {old!r}")
            site = site.replace(old, new)
        site = "\n".join(line for line in site.splitlines() if "[::]" not in line)
        (d / "site.conf").write_text(site)
        (d / "proxy.conf").write_text((ROOT / "deploy/nginx/caracom-register-proxy.conf").read_text())
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (d / sub).mkdir(exist_ok=True)
        (d / "nginx.conf").write_text(
            f"""user {getpass.getuser()};
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    include {d}/site.conf;
}}
"""
        )

    def start(self):
        self.configure()
        conf = str(self.directory / "nginx.conf")
        subprocess.run(["nginx", "-t", "-q", "-c", conf], check=True)
        self.process = subprocess.Popen(["nginx", "-c", conf, "-g", "daemon off;"], start_new_session=True)
        wait_for_port(self.https_port, self.process)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            self.process.wait(timeout=30)
