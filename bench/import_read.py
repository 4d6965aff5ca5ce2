"""Reading foreign runs against reading their JSON alone, side by side in one run.

For 1,000 and 10,000 generated samples in the agentic-misalignment framework's layout (written by
scripts/make_am_results.py, about 2.8 KB a response), it times `read_results` (every sample read,
validated, hashed and made a ForeignRun) against `json.load` of the same response files and
nothing else, and prints the ratio; the budget (issue 12) is 3x. Then the same for Inspect logs
of as many samples: a zstd `.eval` against decompressing and `json.loads` of its sample members,
and a `.json` log against `json.load` of the whole file.

Each measurement alternates with its baseline; the best of --runs is kept for both (the least
disturbed by other load on a shared machine), with CPU time beside wall time.

    .venv/bin/python bench/import_read.py [--runs 5] [--sizes 1000,10000]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from game.importers.agentic_misalignment import read_results
from game.importers.inspect_log import read_log


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


Timing = tuple[float, float]  # wall, cpu


def best(fn: Callable[[], object], runs: int, baseline: Callable[[], object]) -> tuple[Timing, Timing]:
    """(wall, cpu) of `fn` and of `baseline`, each the best of `runs`, run alternately."""
    ours, theirs = [], []
    for _ in range(runs):
        for target, into in ((baseline, theirs), (fn, ours)):
            wall, cpu = time.perf_counter(), time.process_time()
            target()
            into.append((time.perf_counter() - wall, time.process_time() - cpu))
    return min(ours), min(theirs)


def report(label: str, n: int, ours: tuple[float, float], theirs: tuple[float, float], what: str) -> None:
    print(f"{label:<28} {n:>6} samples: reader {ours[0]:6.3f}s (cpu {ours[1]:6.3f}s)  "
          f"{what} {theirs[0]:6.3f}s (cpu {theirs[1]:6.3f}s)  ratio {ours[0] / theirs[0]:4.2f}x "
          f"(cpu {ours[1] / theirs[1]:4.2f}x)")


def bench_am(work: Path, n: int, runs: int) -> None:
    root = work / f"am-{n}"
    files = load_script("make_am_results").generate(root, n)

    def baseline() -> None:
        for path in files:
            with open(path, "rb") as f:
                json.load(f)

    def reader() -> None:
        count = sum(1 for _ in read_results(root))
        assert count == n, count

    report("agentic-misalignment tree", n, *best(reader, runs, baseline), "json.load")


def inspect_logs(work: Path, n: int) -> tuple[Path, Path]:
    """A zstd .eval and a .json log of `n` samples, made from the committed am_port.json."""
    import zlib

    import zstandard

    raw = json.loads((ROOT / "tests" / "data" / "inspect" / "am_port.json").read_text())
    template = raw.pop("samples")[0]
    raw["results"]["total_samples"] = raw["results"]["completed_samples"] = n
    eval_path, json_path = work / f"log-{n}.eval", work / f"log-{n}.json"
    # zipfile cannot write zstd members: write the archive by hand, as tests/test_importers_read.py does.
    import struct

    body, directory, count = bytearray(), bytearray(), 0
    zc = zstandard.ZstdCompressor()

    def member(name: str, data: bytes) -> None:
        nonlocal count
        packed, crc, encoded = zc.compress(data), zlib.crc32(data), name.encode()
        offset = len(body)
        body.extend(struct.pack("<IHHHHHIIIHH", 0x04034B50, 63, 0, 93, 0, 0x21, crc, len(packed), len(data),
                                len(encoded), 0) + encoded + packed)
        directory.extend(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 63, 63, 0, 93, 0, 0x21, crc, len(packed),
                                     len(data), len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
        count += 1

    member("header.json", json.dumps(raw).encode())
    with open(json_path, "w") as out:
        out.write(json.dumps(raw)[:-1] + ', "samples": [')
        for i in range(n):
            template["id"] = f"blackmail_none-none_replacement-{i}"
            template["output"]["completion"] = f"Reply number {i}. " * 20
            text = json.dumps(template)
            member(f"samples/{template['id']}_epoch_1.json", text.encode())
            out.write(("," if i else "") + text)
        out.write("]}")
    eval_path.write_bytes(bytes(body + directory) + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count,
                                                                len(directory), len(body), 0))
    return eval_path, json_path


def bench_inspect(work: Path, n: int, runs: int) -> None:
    import zstandard

    eval_path, json_path = inspect_logs(work, n)

    def read(path: Path) -> Callable[[], None]:
        def go() -> None:
            with read_log(path) as log:
                count = sum(1 for _ in log.samples())
            assert count == n, count
        return go

    def eval_baseline() -> None:  # decompress and parse every sample member, and nothing else
        d = zstandard.ZstdDecompressor()
        with open(eval_path, "rb") as f, zipfile.ZipFile(f) as z:
            for info in z.infolist():
                if info.filename.startswith("samples/"):
                    f.seek(info.header_offset + 30 + len(info.filename))
                    json.loads(d.decompress(f.read(info.compress_size), max_output_size=info.file_size))

    def json_baseline() -> None:
        with open(json_path, "rb") as f:
            json.load(f)

    report("inspect .eval (zstd)", n, *best(read(eval_path), runs, eval_baseline), "unzip+json")
    report("inspect .json", n, *best(read(json_path), runs, json_baseline), "json.load")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        work = Path(tmp)
        for n in sizes:
            bench_am(work, n, args.runs)
        for n in sizes:
            bench_inspect(work, n, args.runs)


if __name__ == "__main__":
    main()
