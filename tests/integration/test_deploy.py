"""The files of deploy/: systemd units checked by systemd-analyze, the nginx site run for real in
front of `htxbot serve`, and the Dockerfile and compose file checked against the code they run.

No container is built or started here (there is no Docker daemon where the tests run): the image's
`pip install .` is reproduced by building the same wheel from the same files.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import typer.main
import yaml

from bot.cli import app
from bot.settings import Settings
from bot.telegram.application import WEBHOOK_PATH
from bot.web.server import SHUTDOWN_MARGIN_S
from tests.helpers.serving import htxbot_serve
from tests.helpers.web import parse_sse
from tests.live_server import free_port

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
VENV_BIN = "/opt/htxbot/.venv/bin/"  # where the units expect the checkout's virtual environment
SERVICES = ["htxbot-web@.service", "htxbot-telegram.service", "htxbot-chroma.service", "htxbot-ingest.service"]
LONG_RUNNING = ["htxbot-web@.service", "htxbot-telegram.service", "htxbot-chroma.service"]
COMMANDS = typer.main.get_command(app).commands  # type: ignore[attr-defined]


def missing_tool(name: str, why: str) -> None:
    """Skip where a tool is not installed, with the reason; fail in CI, which installs it."""
    message = f"{name} is not installed ({why}; scripts/test.sh installs it as root)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def unit(name: str) -> dict[str, list[str]]:
    """Read a unit file into {key: [values]} (every section together; comments left out)."""
    keys: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text().splitlines():
        if line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            keys.setdefault(key.strip(), []).append(value.strip())
    return keys


def check_htxbot_command(argv: list[str], where: str) -> None:
    """``argv`` (after the program) must be a command of the CLI with options it has."""
    command = COMMANDS.get(argv[0])
    assert command is not None, f"{where}: htxbot has no command {argv[0]!r}"
    options = {opt for param in command.params for opt in param.opts}
    for arg in argv[1:]:
        if arg.startswith("--"):
            assert arg in options, f"{where}: 'htxbot {argv[0]}' has no option {arg}"


# --- systemd ----------------------------------------------------------------------------------------


@pytest.fixture
def rendered_units(tmp_path) -> Path:
    """The units with the paths of this checkout's virtual environment (systemd-analyze verify
    checks that each ExecStart program exists), and two instances of the web template."""
    folder = tmp_path / "units"
    folder.mkdir()
    venv_bin = f"{Path(sys.executable).parent}/"
    for path in [*DEPLOY.glob("*.service"), *DEPLOY.glob("*.timer")]:
        (folder / path.name).write_text(path.read_text().replace(VENV_BIN, venv_bin))
    for port in (8001, 8002):
        (folder / f"htxbot-web@{port}.service").symlink_to("htxbot-web@.service")
    return folder


def verify(folder: Path, *names: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *(f"./{name}" for name in names)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_units_pass_systemd_analyze_verify(rendered_units):
    if shutil.which("systemd-analyze") is None:
        missing_tool("systemd-analyze", "Debian's systemd package")
    names = ["htxbot-web@8001.service", "htxbot-web@8002.service", *SERVICES[1:], "htxbot-ingest.timer"]
    checked = verify(rendered_units, *names)
    # verify exits 0 on an unknown key or a bad value, and says so: any output is a failure
    assert checked.returncode == 0 and not (checked.stdout + checked.stderr).strip(), checked.stdout + checked.stderr

    # the same check catches a mistake
    broken = rendered_units / "htxbot-telegram.service"
    broken.write_text(broken.read_text().replace("ProtectSystem=strict", "ProtectSystem=stricter"))
    (rendered_units / "htxbot-chroma.service").write_text(
        (rendered_units / "htxbot-chroma.service").read_text().replace("/chroma run", "/chroma-server run")
    )
    caught = verify(rendered_units, "htxbot-telegram.service", "htxbot-chroma.service")
    assert "Failed to parse protect system value, ignoring: stricter" in caught.stderr
    assert "chroma-server is not executable: No such file or directory" in caught.stderr


def test_the_services_are_hardened_by_systemds_own_measure(rendered_units):
    if shutil.which("systemd-analyze") is None:
        missing_tool("systemd-analyze", "Debian's systemd package")
    for name in ["htxbot-web@8001.service", *SERVICES[1:]]:
        scored = subprocess.run(
            ["systemd-analyze", "security", "--offline=true", "--threshold=20", f"./{name}"],
            cwd=rendered_units,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert scored.returncode == 0, f"{name}: exposure above 2.0:\n{scored.stdout[-600:]}"


def test_each_unit_runs_a_real_command_as_its_own_user_on_a_read_only_system():
    for name in SERVICES:
        keys = unit(name)
        for required in ("User=htxbot", "ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes"):
            key, value = required.split("=")
            assert keys.get(key) == [value], f"{name}: {required}"
        assert keys["ReadWritePaths"] == ["/var/lib/htxbot"], name
        program, *argv = shlex.split(keys["ExecStart"][0])
        assert program.startswith(VENV_BIN), name
        if program.endswith("/htxbot"):
            check_htxbot_command([arg.replace("%i", "8001") for arg in argv], name)
            assert keys["EnvironmentFile"] == ["/etc/htxbot/htxbot.env"], name
        else:
            assert argv[:1] == ["run"] and program.endswith("/chroma"), name
    for name in LONG_RUNNING:
        assert unit(name)["Restart"] == ["on-failure"], name
    # systemd waits longer than the app's own graceful shutdown before it kills a replica
    stop_s = int(unit("htxbot-web@.service")["TimeoutStopSec"][0])
    assert stop_s > Settings().shutdown_timeout + SHUTDOWN_MARGIN_S
    assert unit("htxbot-ingest.timer")["OnCalendar"] == ["hourly"]


def test_the_environment_file_is_valid_settings():
    text = (DEPLOY / "htxbot.env").read_text()
    names = re.findall(r"^(HTX_\w+)=", text, flags=re.MULTILINE)
    known = {f"HTX_{name.upper()}" for name in Settings.model_fields}
    assert names and set(names) <= known, set(names) - known
    settings = Settings(_env_file=DEPLOY / "htxbot.env")  # type: ignore[call-arg]
    assert settings.trusted_proxies == ["127.0.0.1"] and settings.log_format == "json"
    assert str(settings.data_dir) == "/var/lib/htxbot/data"
    commented = set(re.findall(r"^#(HTX_\w+)=", text, flags=re.MULTILINE))
    assert commented <= known, commented - known


# --- nginx ------------------------------------------------------------------------------------------


def self_signed(folder: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        missing_tool("openssl", "Debian's openssl package")
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    made = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=bot.example.vn"]
        + ["-keyout", str(key), "-out", str(cert)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    return cert, key


def render_nginx(folder: Path, upstream_port: int, http_port: int, https_port: int) -> Path:
    """The site of deploy/ with a self-signed certificate, free ports and one real upstream,
    inside a minimal nginx.conf whose files all live in ``folder``."""
    cert, key = self_signed(folder)
    site = (DEPLOY / "nginx-htxbot.conf").read_text()
    for old, new in {
        "/etc/letsencrypt/live/bot.example.vn/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/bot.example.vn/privkey.pem": str(key),
        "/var/www/letsencrypt": str(folder / "acme"),
        "127.0.0.1:8001": f"127.0.0.1:{upstream_port}",
        "127.0.0.1:8002": f"127.0.0.1:{upstream_port}",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
    }.items():
        assert old in site, old
        site = site.replace(old, new)
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)  # no IPv6 needed here
    (folder / "htxbot.conf").write_text(site)
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    conf = folder / "nginx.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"pid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} warn;\nevents {{}}\nhttp {{\n"
        + f"    access_log {folder / 'access.log'};\n"
        + f"    client_body_temp_path {temp['body']};\n    proxy_temp_path {temp['proxy']};\n"
        + f"    fastcgi_temp_path {temp['fastcgi']};\n    uwsgi_temp_path {temp['uwsgi']};\n"
        + f"    scgi_temp_path {temp['scgi']};\n"
        + f"    include {folder / 'htxbot.conf'};\n}}\n"
    )
    return conf


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        missing_tool("nginx", "Debian's nginx package")
    assert found is not None
    return found


def test_the_stream_location_is_unbuffered_and_the_webhook_has_its_path():
    site = (DEPLOY / "nginx-htxbot.conf").read_text()
    stream = re.search(r"location = /api/ask/stream \{(.*?)\n    \}", site, flags=re.DOTALL)
    assert stream and "proxy_buffering off;" in stream.group(1)
    assert f"location = {WEBHOOK_PATH} {{" in site
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in site
    assert "listen 443 ssl http2;" in site and "ssl_certificate " in site


def test_nginx_accepts_the_site_and_serves_the_bot_over_tls(private_lexical_dir, tmp_path):
    nginx = nginx_binary()
    folder = tmp_path / "nginx"
    folder.mkdir()
    http_port, https_port = free_port(), free_port()
    with htxbot_serve(private_lexical_dir, tmp_path / "serve.log", trusted_proxies='["127.0.0.1"]') as served:
        conf = render_nginx(folder, served.port, http_port, https_port)
        tested = subprocess.run([nginx, "-t", "-c", str(conf)], capture_output=True, text=True, timeout=60)
        assert tested.returncode == 0, tested.stderr
        assert "syntax is ok" in tested.stderr and "test is successful" in tested.stderr

        proxy = subprocess.Popen([nginx, "-c", str(conf), "-g", "daemon off;"], stderr=subprocess.PIPE)
        try:
            site = f"https://127.0.0.1:{https_port}"
            with httpx.Client(verify=False, timeout=10) as client:  # a self-signed certificate
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline and proxy.poll() is None:
                    try:
                        health = client.get(site + "/healthz")
                        break
                    except httpx.TransportError:
                        time.sleep(0.1)
                else:
                    pytest.fail(f"nginx did not start: {proxy.stderr.read().decode() if proxy.stderr else ''}")
                assert health.status_code == 200 and health.json()["documents"] == 5
                assert health.headers["strict-transport-security"] == "max-age=31536000"

                with client.stream(
                    "POST", site + "/api/ask/stream", json={"question": "Chợ Đồn có bao nhiêu HTX?"}
                ) as r:
                    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
                    events = parse_sse(r.read().decode())
                assert [name for name, _ in events][-1] == "done"
                assert "42 HTX" in "".join(data["text"] for name, data in events if name == "delta")

                plain = client.get(f"http://127.0.0.1:{http_port}/stats?place=x", follow_redirects=False)
                assert plain.status_code == 301
                assert plain.headers["location"] == "https://127.0.0.1/stats?place=x"

                # from 127.0.0.1: monitoring allowed; Telegram's webhook refused by nginx itself
                assert client.get(site + "/readyz").json()["status"] == "ready"
                assert "htxbot_requests_total" in client.get(site + "/metrics").text
                refused = client.post(site + WEBHOOK_PATH, json={"update_id": 1})
                assert refused.status_code == 403 and "nginx" in refused.text
                assert client.post(site + "/api/ask", content=b"x" * 300_000).status_code == 413
        finally:
            proxy.terminate()
            proxy.wait(10)


# --- Docker -----------------------------------------------------------------------------------------


def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (INSTRUCTION, arguments), continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (DEPLOY / "Dockerfile").read_text())
    return [
        (line.split(maxsplit=1)[0].upper(), line.split(maxsplit=1)[1] if " " in line.strip() else "")
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def test_the_dockerfile_copies_what_exists_and_runs_real_commands():
    steps = dockerfile()
    ignored = [
        line.strip()
        for line in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for instruction, args in steps:
        if instruction == "COPY":
            *sources, _target = args.split()
            for source in sources:
                assert (REPO / source).exists(), f"COPY {source}: no such file in the build context"
                assert source not in ignored, f"COPY {source}: left out by Dockerfile.dockerignore"
        if instruction == "ENV":
            for name in re.findall(r"\b(HTX_\w+)=", args):
                assert name.lower().removeprefix("htx_") in Settings.model_fields, name
    cmd = next(args for instruction, args in steps if instruction == "CMD")
    assert cmd == '["htxbot", "serve"]'
    run = " ".join(args for instruction, args in steps if instruction == "RUN")
    assert "pip install --index-url https://download.pytorch.org/whl/cpu torch==" in run
    torch_pin = re.search(r"torch==([\d.]+)", run)
    assert torch_pin and f'"torch=={torch_pin.group(1)}"' in (REPO / "pyproject.toml").read_text()
    assert next(args for instruction, args in steps if instruction == "USER") == "10001:10001"


def test_the_images_pip_install_carries_the_web_files_and_prompts(tmp_path):
    """`pip install .` in the image installs a wheel, not the checkout: build that wheel from the
    files the Dockerfile copies, and look for what the app reads at run time."""
    import zipfile

    context = tmp_path / "context"
    context.mkdir()
    for instruction, args in dockerfile():
        if instruction == "COPY" and "seeds" not in args:
            *sources, target = args.split()
            for source in sources:
                destination = context / (source if target.endswith("/") or target == "./" else target)
                if (REPO / source).is_dir():
                    shutil.copytree(REPO / source, destination, ignore=shutil.ignore_patterns("__pycache__"))
                else:
                    shutil.copy(REPO / source, destination)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", ".", "-w", "dist"],
        cwd=context,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    names = set(zipfile.ZipFile(next((context / "dist").glob("htxbot-*.whl"))).namelist())
    needed = [f"bot/web/static/{p.name}" for p in (REPO / "bot/web/static").iterdir() if p.is_file()]
    needed += [f"prompts/{p.name}" for p in (REPO / "prompts").glob("*.txt")]
    needed += ["retrieval/sentence_ranker.json", "retrieval/glossary_en_vi.tsv"]
    assert needed and not [name for name in needed if name not in names]


def test_the_compose_file_runs_the_bot_as_the_nginx_site_expects():
    text = (DEPLOY / "compose.yaml").read_text()
    compose = yaml.safe_load(text)
    services = compose["services"]
    assert set(services) == {"chroma", "postgres", "ingest", "web-1", "web-2", "telegram"}
    assert (REPO / services["web-1"]["build"]["dockerfile"]).is_file()  # context: .. (the checkout)
    assert services["web-1"]["build"]["context"] == ".."
    for name in ("ingest", "web-1", "web-2", "telegram"):
        command = services[name]["command"]
        argv = shlex.split(command[2].split("||")[0]) if command[0] == "sh" else command
        assert argv[0] == "htxbot", name
        check_htxbot_command(argv[1:], f"compose {name}")
        variables = set(services[name]["environment"])
        known = {f"HTX_{field.upper()}" for field in Settings.model_fields}
        assert variables <= known, variables - known
        assert services[name]["stop_grace_period"] == "45s"
    assert services["web-1"]["depends_on"]["ingest"]["condition"] == "service_completed_successfully"
    # the replicas are published where deploy/nginx-htxbot.conf's upstream looks for them
    site = (DEPLOY / "nginx-htxbot.conf").read_text()
    for name, port in (("web-1", 8001), ("web-2", 8002)):
        assert services[name]["ports"] == [f"127.0.0.1:{port}:8000"]
        assert f"server 127.0.0.1:{port} " in site
    assert services["telegram"]["profiles"] == ["telegram"]
    assert "HTX_TELEGRAM_TOKEN" in services["telegram"]["environment"]
    assert "HTX_TELEGRAM_TOKEN" not in services["web-1"]["environment"]  # the token only where it is used
    assert services["chroma"]["image"].startswith("chromadb/chroma:")
    assert "${POSTGRES_PASSWORD:?" in text  # no default password
