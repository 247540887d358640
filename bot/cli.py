"""The htxbot command line: ask, ingest, sources, stats, eval, serve, telegram, backup, restore."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError
from pydantic_settings import SettingsError

from bot.formatting import format_answer_text
from bot.logs import configure_logging
from bot.settings import Settings
from retrieval.errors import ConfigError, HtxError, InputError

if TYPE_CHECKING:
    from bot.wiring import Services

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Answers questions about cooperative (HTX) statistics from news articles, with citations.",
)


@dataclass
class RunOptions:
    """The root options of one run (``ctx.obj``), and the settings once they are read."""

    data_dir: Path | None = None
    verbose: bool = False
    settings: Settings | None = None


def _show_version(value: bool) -> None:
    """Print the installed version and stop (the --version option)."""
    if value:
        from bot.wiring import app_version

        typer.echo(f"htxbot {app_version()}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    data_dir: Annotated[Path | None, typer.Option("--data-dir", help="data folder (overrides HTX_DATA_DIR)")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="log progress details")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="print the version and exit")
    ] = False,
) -> None:
    """Keep the root options for the command that follows."""
    ctx.obj = RunOptions(data_dir=data_dir, verbose=verbose)


def _read_settings(data_dir: Path | None = None) -> Settings:
    """Read the settings from the environment and .env; a bad value is a ConfigError naming it."""
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        field = "HTX_" + str(first["loc"][0]).upper() if first.get("loc") else "a setting"
        reason = str(first["ctx"]["error"]) if first["type"] == "value_error" else first["msg"]
        raise ConfigError(f"{field}: {reason} (got {first.get('input')!r})") from exc
    except SettingsError as exc:  # a list setting that is not JSON
        raise ConfigError(f"{exc} (list settings are JSON, e.g. HTX_CORS_ORIGINS='[\"https://example.org\"]')") from exc
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    return settings


def _settings(ctx: typer.Context) -> Settings:
    """Return the run's settings, read (and logging configured from them) on first use."""
    options: RunOptions = ctx.obj
    if options.settings is None:
        options.settings = _read_settings(options.data_dir)
        level = logging.INFO if options.verbose else getattr(logging, options.settings.log_level)
        configure_logging(level, options.settings.log_format)
    return options.settings


def _services(ctx: typer.Context, progress: bool = False, reset: bool = False) -> Services:
    from bot.wiring import build_services

    return build_services(_settings(ctx), progress=progress, reset=reset)


@app.command()
def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="the question, in Vietnamese or English")],
    as_json: Annotated[bool, typer.Option("--json", help="print one results-format JSON object")] = False,
) -> None:
    """Answer one question (ingests the seed articles first if the index is empty)."""
    services = _services(ctx, progress=True)
    try:
        report = services.ensure_seeded()
        if report is not None and not as_json:
            typer.echo(f"(first run: indexed the seed articles — {report.summary()})", err=True)
        answer = services.answerer.answer(question)
    finally:
        services.close()
    if as_json:
        typer.echo(json.dumps(answer.to_result(), ensure_ascii=False, indent=2))
    else:
        typer.echo(format_answer_text(answer))


@app.command()
def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="files or folders: .txt .md .html .jsonl .jsonl.gz")],
    rebuild: Annotated[bool, typer.Option("--rebuild", help="drop the index and build it again")] = False,
    prune: Annotated[
        bool,
        typer.Option("--prune", help="allow removing more than half of the indexed documents (their files are gone)"),
    ] = False,
) -> None:
    """Add or update articles; unchanged ones are skipped, ones whose file is gone are removed.

    A file that cannot be read keeps the documents it held, and the command exits with 1 naming it.
    """
    missing = [str(p) for p in paths if not p.exists()]
    if missing and len(missing) == len(paths):
        raise InputError(f"no such file or folder: {', '.join(missing)}")
    services = _services(ctx, progress=True, reset=rebuild)
    try:
        report = services.index.ingest(paths, rebuild=rebuild, prune=prune)
    finally:
        services.close()
    for problem in report.problems:
        typer.echo(f"could not read {problem.path}: {problem.reason}", err=True)
    for note in report.notes:
        typer.echo(f"note: {note.path}: {note.message}", err=True)
    if report.kept:
        typer.echo(
            f"kept {report.kept} documents of files that could not be read: fix the files and ingest again", err=True
        )
    if report.withheld:
        typer.echo(
            f"held back: this run would remove {len(report.withheld)} documents, more than half of the "
            f"index (their files are gone, e.g. {report.withheld[0]}); if that is meant, run it again with "
            "--prune",
            err=True,
        )
    typer.echo(report.summary())
    if report.failed:
        raise typer.Exit(1)


@app.command()
def sources(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False) -> None:
    """List the indexed articles with title, date, place and chunk count."""
    services = _services(ctx)
    try:
        services.ensure_seeded()
        documents = services.index.documents()
    finally:
        services.close()
    if as_json:
        typer.echo(json.dumps([d.to_dict() | {"chunks": n} for d, n in documents], ensure_ascii=False, indent=2))
        return
    for document, count in documents:
        typer.echo(
            f"{document.cited_as}  {document.date or 'không rõ ngày'}  {document.place or 'không rõ địa phương'}  "
            f"{count} chunks\n    {document.title}"
        )
    typer.echo(f"{len(documents)} documents")


@app.command()
def stats(
    ctx: typer.Context,
    place: Annotated[
        str | None, typer.Option("--place", help="a place, old or 2025 unit: 'Chợ Đồn', 'Thái Nguyên'")
    ] = None,
    measure: Annotated[
        str | None, typer.Option("--measure", help="htx_count, tht_count, members, workers, revenue, profit, income…")
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="the year the figures refer to")] = None,
    status: Annotated[str | None, typer.Option("--status", help="actual or target")] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="print CSV")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """List every figure the articles state: place, measure, value, period and source."""
    from bot.stats_table import MEASURE_NAMES, row_views, to_csv, to_text
    from retrieval.stats import StatsQuery

    if measure is not None and measure not in MEASURE_NAMES:
        raise InputError(f"unknown measure {measure!r}; expected one of {', '.join(MEASURE_NAMES)}")
    if status is not None and status not in ("actual", "target"):
        raise InputError(f"unknown status {status!r}; expected actual or target")
    services = _services(ctx)
    try:
        services.ensure_seeded()
        rows = services.index.stats(StatsQuery(place=place, measure=measure, year=year, status=status))
        views = row_views(services.index, rows)
    finally:
        services.close()
    if as_csv:
        typer.echo(to_csv(views), nl=False)
    elif as_json:
        typer.echo(json.dumps(views, ensure_ascii=False, indent=2))
    else:
        if views:
            typer.echo(to_text(views))
        typer.echo(f"{len(views)} figures", err=not views)


@app.command("eval")
def evaluate(
    ctx: typer.Context,
    questions: Annotated[Path, typer.Argument(help="questions JSONL (see ../shared/eval/README.md)")],
    out: Annotated[Path, typer.Option("--out", help="results JSONL to write")] = Path("results.jsonl"),
) -> None:
    """Answer a question set in one process and write one results line per question."""
    if not questions.is_file():
        raise InputError(f"no such questions file: {questions}")
    try:
        items = [json.loads(line) for line in questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{questions} is not UTF-8 JSON lines: {exc}") from exc
    if not all(isinstance(item, dict) for item in items):
        raise InputError(f"{questions}: every line must be a JSON object with a 'question'")
    if not out.parent.is_dir():
        raise InputError(f"cannot write {out}: there is no folder {out.parent}")
    services = _services(ctx, progress=True)
    latencies: list[float] = []
    found = 0
    started = time.perf_counter()
    try:
        services.ensure_seeded()
        services.answerer.answer("warm-up: Chợ Đồn có bao nhiêu HTX?")  # loads models outside the timings
        try:
            fh = out.open("w", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {out}: {exc.strerror}") from exc
        with fh:
            for number, item in enumerate(items, 1):
                try:
                    answer = services.answerer.answer(item.get("question"), item.get("history"))
                except InputError as exc:  # one bad question is one refused result, not a lost run
                    typer.echo(f"question {item.get('id') or number}: {exc}", err=True)
                    result = {
                        "id": item.get("id"),
                        "question": item.get("question"),
                        "answer": f"error: {exc}",
                        "found": False,
                        "citations": [],
                        "passages": [],
                        "error": str(exc),
                    }
                    fh.write(json.dumps(result, ensure_ascii=False) + "\n")
                    continue
                fh.write(json.dumps(answer.to_result(item.get("id")), ensure_ascii=False) + "\n")
                latencies.append(answer.latency_ms)
                found += answer.found
    finally:
        services.close()
    latencies.sort()

    def p(q: float) -> float:
        return latencies[min(len(latencies) - 1, round(q * (len(latencies) - 1)))] if latencies else 0.0

    typer.echo(
        f"{len(items)} questions, {found} answered, {len(items) - found} refused; latency p50 {p(0.5):.1f} ms, "
        f"p95 {p(0.95):.1f} ms; total {time.perf_counter() - started:.1f} s; wrote {out}"
    )


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="address to listen on (HTX_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="port (HTX_PORT)")] = None,
) -> None:
    """Run the web API, the chat widget and its demo page (and the Telegram webhook when configured)."""
    import uvicorn

    from bot.web.app import create_app
    from bot.web.server import server_options

    services = _services(ctx)
    settings = services.settings
    try:
        _seed_unless_store_down(services)
        telegram_application = None
        if settings.telegram_mode == "webhook" and settings.telegram_token:
            from bot.telegram.application import build_application

            if not settings.public_url or not settings.telegram_webhook_secret:
                raise ConfigError("webhook mode needs HTX_PUBLIC_URL and HTX_TELEGRAM_WEBHOOK_SECRET")
            telegram_application = build_application(services)
        app_ = create_app(services, telegram_application=telegram_application)
        # uvicorn handles SIGTERM/SIGINT while it serves (a graceful shutdown), then raises the signal
        # again under the handler found before it: a no-op here, so that the services are closed
        # and the exit status is 0 after a clean stop.
        signal.signal(signal.SIGTERM, _after_graceful_shutdown)
        uvicorn.run(app_, **server_options(settings, host=host, port=port))
    finally:
        services.close()


def _seed_unless_store_down(services: Services) -> None:
    """Ingest the seeds into an empty index; a Chroma server that is down does not stop a server or
    the Telegram bot from starting: they answer that the index is unavailable (503 on the web, with
    /readyz naming the server) until it is back."""
    from retrieval.store import StoreUnavailable

    try:
        services.ensure_seeded()
    except StoreUnavailable as exc:
        logging.getLogger(__name__).error("%s", exc)


def _after_graceful_shutdown(signum: int, frame: object) -> None:
    """Take the SIGTERM uvicorn raises again once it has shut down gracefully (see serve)."""


@app.command()
def telegram(ctx: typer.Context) -> None:
    """Run the Telegram bot with long polling (HTX_TELEGRAM_TOKEN)."""
    from bot.telegram.application import run_polling

    services = _services(ctx)
    try:
        _seed_unless_store_down(services)
        services.warm_up()
        run_polling(services)
    finally:
        services.close()


@app.command()
def backup(
    ctx: typer.Context,
    archive: Annotated[Path, typer.Argument(help="the .tar.gz file to write (replaced if it exists)")],
    wait: Annotated[float, typer.Option("--wait", help="seconds to wait for a running ingest to finish")] = 600.0,
) -> None:
    """Copy the data folder into one archive, consistent while servers run (it waits for a running ingest)."""
    from bot.backup import backup as write_backup
    from bot.wiring import app_version

    data_dir = _settings(ctx).data_dir
    report = write_backup(data_dir, archive, wait_s=wait, version=app_version())
    typer.echo(f"{report.summary('backed up')} of {data_dir} to {archive}")


@app.command()
def restore(
    ctx: typer.Context,
    archive: Annotated[Path, typer.Argument(help="a file written by 'htxbot backup'")],
    force: Annotated[
        bool, typer.Option("--force", help="replace the contents of a data folder that is not empty")
    ] = False,
    wait: Annotated[float, typer.Option("--wait", help="seconds to wait for a running ingest to finish")] = 600.0,
) -> None:
    """Restore a backup into the data folder (an empty or new one; --force replaces a folder's contents)."""
    from bot.backup import restore as read_backup

    data_dir = _settings(ctx).data_dir
    report = read_backup(archive, data_dir, force=force, wait_s=wait)
    typer.echo(f"{report.summary('restored')} from {archive} into {data_dir}")


def main() -> None:
    """Run the CLI, turning our errors into one-line messages and a non-zero exit."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    try:
        code = app(standalone_mode=False)
    except HtxError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        typer.echo("interrupted; the previous index is still usable", err=True)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # click's usage errors and the like
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
