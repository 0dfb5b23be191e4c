"""``python -m benchmarks``: options, the run over every size, the results."""

from __future__ import annotations

import argparse
import compileall
import shlex
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import qualytics_ci
from benchmarks import calibrate, folders, instructions, other_cli, report
from benchmarks.report_writes import cpu_target_n
from benchmarks.sandbox import Sandbox
from benchmarks.scenarios import PER_SIZE, SCENARIOS, WRITES, Bench, Measurement
from benchmarks.tools import OTHER, OURS, Tool, other, ours
from benchmarks.writes import WriteBench, WriteOptions, parse_concurrency

HERE = Path(__file__).resolve().parent


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument("--quick", action="store_true",
                   help="smoke run: N = 1,000 and sizes 1,000 only")
    p.add_argument("--n", type=int, default=None,
                   help="the N the targets are judged at (default 10,000)")
    p.add_argument("--sizes", default=None,
                   help="comma list of N to run, for the plot (default 1000,5000,10000)")
    p.add_argument("--latency-ms", type=float, default=25.0,
                   help="latency the sandbox adds to every request (default 25)")
    p.add_argument("--tools", default=f"{OURS},{OTHER}",
                   help=f"comma list of {OURS},{OTHER} (default both)")
    p.add_argument("--scenarios", default=",".join(SCENARIOS),
                   help="comma list of scenarios to run (default all)")
    p.add_argument("--write-checks", type=int, default=None,
                   help="checks in the concurrency sweep and the rate-limited import, "
                        "whatever N (default 2000; --quick: 200)")
    p.add_argument("--sweep-concurrency", default=None,
                   help="comma list of --concurrency points, 'default' for none "
                        "(default 4,8,16,32,64,default; --quick: 8,default)")
    p.add_argument("--sweep-latencies", default=None,
                   help="comma list of latencies in ms for the sweep (default 25,100; "
                        "--quick: 25)")
    p.add_argument("--rate-limit", type=float, default=100.0,
                   help="requests per second of the rate-limited import (default 100)")
    p.add_argument("--repeats", type=int, default=None,
                   help="runs of qualytics-ci's plan and export at each size, the median's "
                        "CPU recorded (default 3; --quick: 1)")
    p.add_argument("--no-instructions", action="store_true",
                   help="do not count qualytics-ci's instructions under valgrind (counted "
                        "when valgrind is installed, except with --quick)")
    p.add_argument("--no-install", action="store_true",
                   help=f"do not install {OTHER}; run without it when it is missing")
    p.add_argument("--no-plot", action="store_true", help="skip the PNG plot")
    p.add_argument("--output-dir", type=Path, default=HERE,
                   help="where RESULTS.md, results.json and results.png go")
    p.add_argument("--render-only", action="store_true",
                   help="only rewrite RESULTS.md and the plot from results.json")
    p.add_argument("--workdir", type=Path, default=None,
                   help="keep exported folders and logs here (default: a temp dir)")
    args = p.parse_args(argv)
    n = args.n or (1000 if args.quick else 10000)
    default_sizes = str(n) if args.quick else "1000,5000,10000"
    sizes = sorted({int(s) for s in (args.sizes or default_sizes).split(",") if s.strip()})
    args.n = n
    args.repeats = args.repeats or (1 if args.quick else 3)
    if args.repeats < 1:
        p.error("--repeats must be at least 1")
    args.sizes = sorted(set(sizes) | {n})
    args.instructions = not (args.no_instructions or args.quick) and instructions.available()
    args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = [s for s in args.scenarios if s not in SCENARIOS]
    if unknown:
        p.error(f"unknown scenario(s): {', '.join(unknown)}")
    sweep = args.sweep_concurrency or ("8,default" if args.quick else "4,8,16,32,64,default")
    latencies = args.sweep_latencies or ("25" if args.quick else "25,100")
    try:
        args.writes = WriteOptions(
            checks=args.write_checks or (200 if args.quick else 2000),
            concurrency=parse_concurrency(sweep),
            latencies=tuple(float(x) for x in latencies.split(",") if x.strip()),
            rate_limit=args.rate_limit)
    except ValueError as exc:
        p.error(f"--sweep-concurrency/--sweep-latencies: {exc}")
    if args.writes.checks < 1 or args.writes.rate_limit <= 0:
        p.error("--write-checks and --rate-limit must be positive")
    return args


def tools_for(args: argparse.Namespace, notes: list[str]) -> list[Tool]:
    chosen: list[Tool] = []
    if OURS in args.tools:
        chosen.append(ours())
    if OTHER in args.tools:
        binary = other_cli.ensure(install=not args.no_install)
        if binary is None:
            notes.append(f"{OTHER} {other_cli.VERSION} was not available: qualytics-ci only.")
        else:
            chosen.append(other(binary))
    return chosen


def run_size(n: int, args: argparse.Namespace, tools: list[Tool],
             workdir: Path) -> list[Measurement]:
    print(f"N = {n}: starting sandbox (seed bench:{n}, {args.latency_ms:g} ms)",
          file=sys.stderr)
    sizedir = workdir / f"n{n}"
    sizedir.mkdir(parents=True, exist_ok=True)
    with Sandbox(f"bench:{n}", latency_ms=args.latency_ms, workdir=sizedir) as sandbox:
        bench = Bench(sandbox, tools, sizedir, n, repeats=args.repeats,
                      count_instructions=args.instructions and n == cpu_target_n(args.sizes))
        return bench.run_all([s for s in args.scenarios if s in PER_SIZE])


def run_writes(args: argparse.Namespace, tools: list[Tool], workdir: Path) -> list[Measurement]:
    n = args.writes.checks
    print(f"write scenarios, {n} checks: starting sandbox (seed bench:{n})", file=sys.stderr)
    writedir = workdir / f"writes{n}"
    writedir.mkdir(parents=True, exist_ok=True)
    with Sandbox(f"bench:{n}", latency_ms=args.latency_ms, workdir=writedir) as sandbox:
        bench = WriteBench(sandbox, tools, writedir, n)
        return bench.run_writes(args.scenarios, args.writes)


def render(out: Path, results: list[Measurement], meta: dict[str, Any], *, plot: bool,
           notes: list[str]) -> None:
    """RESULTS.md, results.json and (unless ``plot`` is false) results.png in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    sizes = [int(n) for n in meta["sizes"]]
    picture = report.plot(out / "results.png", results, sizes) if plot else None
    report.write_markdown(out / "RESULTS.md", results, sizes=sizes, main_n=int(meta["n"]),
                          latency_ms=float(meta["latency_ms"]), command=str(meta["command"]),
                          info=dict(meta["machine"]), plot=picture,
                          notes=[*meta.get("notes", []), *notes])
    report.write_json(out / "results.json", results, {**meta, "notes": meta.get("notes", [])})


def compile_package() -> None:
    """Byte-compile qualytics-ci as installing it does, so that no measured run compiles
    it (an editable install under PYTHONDONTWRITEBYTECODE would recompile every module
    in every run; qualytics-cli, installed by pip, is compiled once at install)."""
    compileall.compile_dir(str(Path(qualytics_ci.__file__).parent), quiet=1)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    notes: list[str] = []
    if args.render_only:
        saved, saved_meta = report.read_json(args.output_dir / "results.json")
        render(args.output_dir, saved, saved_meta, plot=not args.no_plot, notes=[])
        return 0
    tools = tools_for(args, notes)
    if not tools:
        print("no tool to run", file=sys.stderr)
        return 1
    compile_package()
    command = " ".join(["python -m benchmarks",
                        shlex.join(sys.argv[1:] if argv is None else argv)]).strip()
    results: list[Measurement] = []
    before = calibrate.reference_cpu()
    with tempfile.TemporaryDirectory(prefix="qci-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        try:
            if any(s in PER_SIZE for s in args.scenarios):
                for n in args.sizes:
                    results += run_size(n, args, tools, workdir)
            if any(s in WRITES for s in args.scenarios):
                results += run_writes(args, tools, workdir)
        finally:
            folders.remove_set_aside()
    if any(s == "concurrency_sweep" for s in args.scenarios) and OTHER in args.tools:
        notes.append(f"The concurrency sweep is qualytics-ci's only: {OTHER} sends one "
                     "request at a time and has no concurrency setting.")
    machine = {**report.machine(),
               "reference_cpu": calibrate.described(before, calibrate.reference_cpu())}
    if args.instructions:
        with tempfile.TemporaryDirectory(prefix="qci-reference-") as tmp:
            machine["reference_instructions"] = instructions.described(
                instructions.reference(Path(tmp)))
    meta: dict[str, Any] = {"command": command, "machine": machine, "sizes": args.sizes,
            "n": args.n, "latency_ms": args.latency_ms, "notes": notes}
    render(args.output_dir, results, meta, plot=not args.no_plot, notes=[])
    failed = [m for m in results if m.tool == OURS and not m.ok]
    for m in failed:
        print(f"FAILED {m.scenario} N={m.n}: {m.check} {m.note}", file=sys.stderr)
    print(f"wrote {args.output_dir / 'RESULTS.md'}", file=sys.stderr)
    return 1 if failed else 0
