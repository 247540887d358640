"""One replica against two, on one Chroma server, and how soon an ingest reaches both.

    python -m bench.replicas [--corpus seeds|coop] [--clients 4] [--rounds 4] [--repeat 3] [--trials 2] [--work DIR]

Starts a real `chroma run` on 127.0.0.1, ingests the corpus into it with `htxbot ingest` (the
default embedder unless --embedder names another), and starts two `htxbot serve` processes with
data folders of their own pointed at it. Then the same question list (the eval kit's dev questions,
--rounds passes, --clients threads) is asked of one replica, and of both through a tiny
round-robin client, --repeat times each, alternated; as a reference, of one `htxbot serve` with the
embedded Chroma. Last, an article is ingested (then changed) by a third process, --trials times
with idle replicas and as many with traffic, and the time from that process's exit until both
replicas answer from it is measured (polled every 50 ms). Prints Markdown tables; every process
started is stopped at the end. "cores busy" is CPU time over wall time during a run: of the
replicas and the Chroma server ("ours"), of this client, and of whatever else ran on the machine
meanwhile (/proc/stat), so that a run shared with other work shows it.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
QUESTIONS = SHARED / "eval" / "questions.jsonl"
COOP = SHARED / "data" / "coop_articles.jsonl.gz"
NEW_QUESTION = "Huyện Ba Bể có bao nhiêu hợp tác xã?"
POLL_S = 0.05


def percentile(values: Sequence[float], q: float) -> float:
    """Return the ``q`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def free_port() -> int:
    """Return a port of 127.0.0.1 that is free now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(**settings: str) -> dict[str, str]:
    """This process's environment without HTX_* settings, plus ``settings``."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("HTX_")}
    env.update(ANONYMIZED_TELEMETRY="False", PYTHONPATH=str(REPO), **settings)
    return env


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask a process of ours to end; kill it after 10 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    """Wait until ``url`` answers 200, or fail with the end of the process's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} did not answer: {log.read_text(errors='replace')[-2000:]}")


def cpu_seconds(pids: Sequence[int]) -> float:
    """Return the CPU time (user + system) these processes and their waited-for children have used."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += sum(int(f) for f in fields[11:15]) / ticks  # utime stime cutime cstime
    return total


def machine_busy_seconds() -> float:
    """Return the CPU time every process of the machine has used (all cores, from /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    """A process started here: its URL and process id."""

    url: str
    pid: int


@contextmanager
def chroma_server(folder: Path) -> Iterator[Server]:
    """A `chroma run` on a free port with its data in ``folder``."""
    port = free_port()
    log = folder.with_suffix(".log")
    chroma = Path(sys.executable).parent / "chroma"
    command = [str(chroma), "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=environment())
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(url + "/api/v2/heartbeat", process, log, 30)
        yield Server(url, process.pid)
    finally:
        stop(process)


@dataclass
class Replica:
    """A running `htxbot serve`: its URL and how long it took to answer /readyz after its start."""

    url: str
    ready_s: float
    pid: int


@contextmanager
def serve(data_dir: Path, settings: dict[str, str]) -> Iterator[Replica]:
    """An `htxbot serve` on a free port; yields once /readyz answers 200."""
    port = free_port()
    log = data_dir.with_suffix(".log")
    env = environment(
        HTX_DATA_DIR=str(data_dir), HTX_HOST="127.0.0.1", HTX_PORT=str(port), HTX_RATE_LIMIT="100000/minute", **settings
    )
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(url + "/readyz", process, log, 600)
        yield Replica(url, time.perf_counter() - started, process.pid)
    finally:
        stop(process)


def ingest(data_dir: Path, paths: Sequence[Path], settings: dict[str, str]) -> float:
    """Run `htxbot ingest` as its own process; return its wall time in seconds."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ingest", *map(str, paths)],
        env=environment(HTX_DATA_DIR=str(data_dir), **settings),
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if done.returncode not in (0, 1):  # 1: a record could not be read (two of the coop file have no text)
        raise SystemExit(f"htxbot ingest failed: {done.stdout}{done.stderr}")
    return time.perf_counter() - started


def corpus(name: str, work: Path) -> list[Path]:
    """The articles to ingest: the seeds, or the seeds and the 813 cooperative articles."""
    if name == "seeds":
        return [REPO / "seeds"]
    coop = work / "coop_articles.jsonl.gz"
    shutil.copyfile(COOP, coop)
    return [REPO / "seeds", coop]


def load(
    replicas: Sequence[str], questions: Sequence[str], clients: int, rounds: int, watch: Sequence[int] = ()
) -> dict[str, float]:
    """``clients`` threads ask every question ``rounds`` times in all, each request going to the
    next replica in turn; return questions/s, p50, p95, errors, and the cores kept busy meanwhile by
    the processes ``watch`` (replicas, Chroma) and by this client."""
    turn = itertools.count()
    work = [q for _ in range(rounds) for q in questions]
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def client(n: int) -> None:
        nonlocal errors
        with httpx.Client(timeout=60) as http:
            for question in work[n::clients]:
                url = replicas[next(turn) % len(replicas)]
                started = time.perf_counter()
                try:
                    ok = http.post(url + "/api/ask", json={"question": question}).status_code == 200
                except httpx.HTTPError:
                    ok = False
                with lock:
                    latencies.append(1000 * (time.perf_counter() - started))
                    errors += not ok

    started = time.perf_counter()
    cpu_before, client_before, machine_before = cpu_seconds(watch), time.process_time(), machine_busy_seconds()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    servers_cpu, client_cpu = cpu_seconds(watch) - cpu_before, time.process_time() - client_before
    machine_cpu = machine_busy_seconds() - machine_before
    return {
        "servers_cores": servers_cpu / elapsed,
        "client_cores": client_cpu / elapsed,
        "other_cores": max(0.0, machine_cpu - servers_cpu - client_cpu) / elapsed,
        "requests": len(latencies),
        "qps": len(latencies) / elapsed,
        "p50": percentile(latencies, 0.5),
        "p95": percentile(latencies, 0.95),
        "errors": errors,
    }


def answers_from(url: str, figure: str) -> bool:
    """Tell whether a replica answers the new article's question with ``figure`` from it."""
    body = httpx.post(url + "/api/ask", json={"question": NEW_QUESTION}, timeout=30).json()
    return bool(body.get("found")) and figure in body["answer"] and body["citations"][0]["source"] == "ba-be"


def visible_after(replicas: Sequence[str], figure: str, timeout: float = 60) -> list[float]:
    """Poll every replica until it answers with ``figure``; return the seconds each took."""
    started = time.perf_counter()
    seen: dict[int, float] = {}
    while len(seen) < len(replicas) and time.perf_counter() - started < timeout:
        for n, url in enumerate(replicas):
            if n not in seen and answers_from(url, figure):
                seen[n] = time.perf_counter() - started
        time.sleep(POLL_S)
    return [seen.get(n, float("nan")) for n in range(len(replicas))]


@contextmanager
def background_traffic(replicas: Sequence[str], questions: Sequence[str], every_s: float = 0.25) -> Iterator[None]:
    """Ask each replica one question every ``every_s`` seconds meanwhile (a replica with traffic
    looks at the server every 2 s; an idle one at its next question)."""
    done = threading.Event()

    def ask(url: str) -> None:
        with httpx.Client(timeout=60) as http:
            for question in itertools.cycle(questions):
                if done.wait(every_s):
                    return
                http.post(url + "/api/ask", json={"question": question})

    threads = [threading.Thread(target=ask, args=(url,)) for url in replicas]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        done.set()
        for thread in threads:
            thread.join()


def summary(runs: Sequence[dict[str, float]]) -> dict[str, float]:
    """The median of each figure over the runs of one setup, and the range of questions/s."""
    out = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    out["qps_min"], out["qps_max"] = min(r["qps"] for r in runs), max(r["qps"] for r in runs)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", choices=["seeds", "coop"], default="seeds", help="coop: seeds + 813 articles")
    parser.add_argument("--embedder", default="e5-engine", help="HTX_EMBEDDER of every process")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--rounds", type=int, default=4, help="passes over the question list per setup")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each setup, alternated (medians are shown)")
    parser.add_argument(
        "--trials", type=int, default=2, help="ingests of the article with idle replicas, and again with traffic"
    )
    parser.add_argument("--no-reference", action="store_true", help="skip the embedded-Chroma reference row")
    parser.add_argument("--work", type=Path, help="folder for the data (default: a temporary one, removed)")
    args = parser.parse_args()

    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line]
    with ExitStack() as stack:
        work = args.work or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="htx-replicas-")))
        work.mkdir(parents=True, exist_ok=True)
        paths = corpus(args.corpus, work)
        chroma = stack.enter_context(chroma_server(work / "chroma-server"))
        url = chroma.url
        server = {"HTX_CHROMA_URL": url, "HTX_EMBEDDER": args.embedder}
        seconds = ingest(work / "writer", paths, server)
        print(f"corpus {args.corpus}: ingested into the Chroma server {url} in {seconds:.1f} s", file=sys.stderr)
        replicas = [stack.enter_context(serve(work / f"replica-{n}", server)) for n in (1, 2)]
        urls = [r.url for r in replicas]
        for replica in urls:  # warm: the first answers load what each process caches
            load([replica], questions, 1, 1)
        pids = [chroma.pid, *(r.pid for r in replicas)]
        one: list[dict[str, float]] = []
        two: list[dict[str, float]] = []
        for _ in range(args.repeat):
            one.append(load(urls[:1], questions, args.clients, args.rounds, pids))
            two.append(load(urls, questions, args.clients, args.rounds, pids))
        rows = [("1 replica, Chroma server", summary(one)), ("2 replicas, round-robin, Chroma server", summary(two))]

        article = work / "new" / "ba-be.txt"
        article.parent.mkdir()
        trials = []
        for n in range(2 * args.trials):
            figure, busy = str(37 + n), n >= args.trials
            article.write_text(
                "Kinh tế tập thể ở Ba Bể\nĐến hết năm 2021, huyện Ba Bể có "
                f"{figure} hợp tác xã đang hoạt động, thu hút hơn 600 thành viên.\n",
                encoding="utf-8",
            )
            with background_traffic(urls, questions) if busy else contextlib.nullcontext():
                took = ingest(work / "third", [article.parent], server)
                trials.append((figure, busy, took, visible_after(urls, figure)))

        if not args.no_reference:
            embedded = work / "embedded"
            shutil.copytree(work / "writer", embedded)  # its embedding cache: the vectors are not embedded again
            ingest(embedded, paths, {"HTX_EMBEDDER": args.embedder})
            with serve(embedded, {"HTX_EMBEDDER": args.embedder}) as reference:
                load([reference.url], questions, 1, 1)
                runs = [load([reference.url], questions, args.clients, args.rounds, [reference.pid]) for _ in one]
                rows.append(("1 process, embedded Chroma (reference)", summary(runs)))

    print(
        f"\n{len(questions)} dev questions × {args.rounds} rounds, {args.clients} client threads, "
        f"corpus {args.corpus}, embedder {args.embedder}, {os.cpu_count()} CPU cores; "
        f"median of {args.repeat} runs per setup, alternated\n"
    )
    print("| setup | requests | questions/s (min–max) | p50 ms | p95 ms | errors | cores busy: ours + client + other |")
    print("|---|---|---|---|---|---|---|")
    for name, row in rows:
        qps = f"{row['qps']:.1f} ({row['qps_min']:.1f}–{row['qps_max']:.1f})"
        cells = [f"{row['requests']:.0f}", qps, f"{row['p50']:.0f}", f"{row['p95']:.0f}", f"{row['errors']:.0f}"]
        busy = f"{row['servers_cores']:.2f} + {row['client_cores']:.2f} + {row['other_cores']:.2f}"
        print(f"| {name} | {' | '.join(cells)} | {busy} |")
    starts = ", ".join(f"{r.ready_s:.1f} s" for r in replicas)
    print(f"\nreplica start to ready (reads the index from the server): {starts}\n")
    print("| ingest | replicas | `htxbot ingest` process s | visible on replica 1 s | visible on replica 2 s |")
    print("|---|---|---|---|---|")
    for n, (figure, busy, took, seen) in enumerate(trials, 1):
        kind = "new article" if n == 1 else "changed article"
        load_kind = "4 questions/s each" if busy else "idle"
        print(f"| {n}: {kind} ({figure} HTX) | {load_kind} | {took:.1f} | {seen[0]:.2f} | {seen[1]:.2f} |")
    print(
        "\n(visible: seconds from the ingest process's exit until the replica answers from the article; polled every "
        f"{POLL_S * 1000:.0f} ms; a replica looks at the server at most every 2 s, and at once when a question "
        "comes after a quiet 2 s)"
    )


if __name__ == "__main__":
    main()
