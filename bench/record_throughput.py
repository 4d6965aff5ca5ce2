"""Record throughput: 200 single-turn trials at concurrency 50 against the local fake Messages
API answering after 200 ms, through the real `record` code (sessions, streaming, transcripts
written and fsynced, classification). The ideal is 200 / 50 x 0.2 s = 0.8 s.

Measured in the same run and printed side by side (median of --repeat runs each):
- record, server in-process: the server's threads share the interpreter (and its GIL);
- record, server in a subprocess: the server has its own process, as a real API would;
- SDK alone, server in a subprocess: the same number of bare streamed requests at the same
  concurrency and nothing else, the floor set by the client library on this machine; the
  last column is record's time over that floor, i.e. what the game itself adds.

The `cpu` column is the CPU time this process used (for the in-process row it includes the
server's threads). When it approaches the elapsed time the client is CPU-bound: a few ms of
Python per request (the SDK's HTTP stack and stream parsing, then the engine, classifier and
transcript writes) spent on one core, which no amount of concurrency hides.

Run: .venv/bin/python bench/record_throughput.py [--trials 200] [--concurrency 50] [--latency 0.2]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from game.assistants.live import LiveSettings  # noqa: E402
from game.scenario.condition import all_conditions  # noqa: E402
from game.scenario.load import load_scenario  # noqa: E402
from game.session.trials import RecordOptions, run_record  # noqa: E402
from tests.fakeapi import FakeAnthropic  # noqa: E402

SCENARIO = ROOT / "tests" / "data" / "mini.yaml"
KEY = "bench-key"

SERVER = """
import sys, time
sys.path.insert(0, {root!r})
from tests.fakeapi import FakeAnthropic
api = FakeAnthropic(latency={latency}).start()
print(api.base_url, flush=True)
sys.stdin.read()  # until the parent closes our stdin
api.stop()
"""


def samples_for(trials: int) -> int:
    scenario = load_scenario(SCENARIO)
    cells = 2 * len(list(all_conditions(scenario)))
    if trials % cells:
        raise SystemExit(f"--trials must be a multiple of {cells} (conditions x roles of the test scenario)")
    return trials // cells


async def record(base_url: str, samples: int, concurrency: int) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as out:
        options = RecordOptions(
            scenario_path=SCENARIO,
            out=Path(out),
            settings=LiveSettings(model="claude-fake-1", max_tokens=1024),
            samples=samples,
            concurrency=concurrency,
            api_key=KEY,
            base_url=base_url,
        )
        started, cpu = time.perf_counter(), time.process_time()
        summary = await run_record(options)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        if summary.failed:
            raise SystemExit(f"{summary.failed} trial(s) failed: {summary.errors[:3]}")
        return elapsed, cpu, summary.recorded


def in_process(latency: float, samples: int, concurrency: int) -> tuple[float, float, int, int]:
    with FakeAnthropic(latency=latency) as api:
        elapsed, cpu, done = asyncio.run(record(api.base_url, samples, concurrency))
        return elapsed, cpu, done, api.request_count


class ServerProcess:
    def __init__(self, latency: float):
        code = SERVER.format(root=str(ROOT), latency=latency)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.base_url = self.proc.stdout.readline().strip()  # type: ignore[union-attr]

    def close(self) -> None:
        self.proc.stdin.close()  # type: ignore[union-attr]
        self.proc.wait(timeout=10)


def in_subprocess(server: ServerProcess, samples: int, concurrency: int) -> tuple[float, float, int]:
    return asyncio.run(record(server.base_url, samples, concurrency))


async def bare_sdk(base_url: str, trials: int, concurrency: int) -> tuple[float, float]:
    import anthropic

    client = anthropic.AsyncAnthropic(api_key=KEY, base_url=base_url)
    gate = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with gate:
            async with client.messages.stream(
                model="claude-fake-1", max_tokens=64, messages=[{"role": "user", "content": "hello"}]
            ) as stream:
                await stream.get_final_message()

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(one() for _ in range(trials)))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    await client.close()
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    samples = samples_for(args.trials)
    ideal = args.trials / args.concurrency * args.latency

    # Warm up once (imports the SDK, compiles the classifier's patterns) so neither timed run
    # pays for that.
    in_process(0.0, 1, 8)

    times: dict[str, list[tuple[float, float]]] = {
        "record, server in-process": [],
        "record, server in a subprocess": [],
        "SDK alone, subprocess": [],
    }
    server = ServerProcess(args.latency)
    try:
        for _ in range(args.repeat):
            elapsed, cpu, done, requests = in_process(args.latency, samples, args.concurrency)
            assert done == args.trials and requests == args.trials, (done, requests)
            times["record, server in-process"].append((elapsed, cpu))
            elapsed, cpu, done = in_subprocess(server, samples, args.concurrency)
            assert done == args.trials
            times["record, server in a subprocess"].append((elapsed, cpu))
            times["SDK alone, subprocess"].append(asyncio.run(bare_sdk(server.base_url, args.trials, args.concurrency)))
    finally:
        server.close()
    rows = []
    for name, runs in times.items():
        walls = [wall for wall, _ in runs]
        rows.append((name, statistics.median(walls), min(walls), max(walls), statistics.median(c for _, c in runs)))
    floor = rows[-1][1]

    print(f"{args.trials} single-turn trials, concurrency {args.concurrency}, latency {args.latency * 1000:.0f} ms")
    print(f"(median of {args.repeat} runs each)")
    print(f"{'':<32} {'elapsed':>8} {'range':>12} {'cpu':>7} {'ideal':>7} {'/ideal':>7} {'/SDK':>6}")
    for name, seconds, low, high, cpu in rows:
        spread = f"{low:.2f}-{high:.2f}s"
        print(
            f"{name:<32} {seconds:>7.2f}s {spread:>12} {cpu:>6.2f}s {ideal:>6.2f}s {seconds / ideal:>7.2f}"
            f" {seconds / floor:>6.2f}"
        )


if __name__ == "__main__":
    main()
