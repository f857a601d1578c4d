#!/usr/bin/python3
"""instructions.py - instructions per operation under Callgrind, and the gate.

  instructions.py run  --build DIR [--filter RE] [--ops N] [--jobs J] [--exe NAME] --out FILE
      Runs every alloc_bench* executable in DIR/bench under
      `valgrind --tool=callgrind --collect-atstart=no` in its
      --cbench_instructions mode: each benchmark runs one warm-up batch, then
      about N operations with collection on (the timed region only), and
      dumps its counts under its own name.  Writes FILE (JSON): per benchmark
      the operations, the instructions and instructions per operation, and
      the compiler and flags of the build.

  instructions.py gate --baseline FILE --current FILE [--threshold PCT]
      Compares our allocators' figures with the committed baseline.  Prints
      the table of what moved; exits 1 if any of ours costs more than PCT
      percent (default 5) more instructions per operation than the baseline,
      or a baseline benchmark is missing, else 0.

  instructions.py table FILE
      Prints instructions per operation and the ratio to glibc.

Callgrind counts are deterministic for the same binary, input and
environment: the gate needs no repetitions and tolerates no noise.
"""
import argparse
import concurrent.futures
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

OURS = ("sca", "sca-fast", "sca-compact", "rp", "rp-nocache", "rp-64k", "rp-64k-16k", "sca-via-pointer")


def split_name(name):
    parts = name.split("/")
    return parts[0], (parts[1] if len(parts) > 1 else ""), "/".join(parts[2:])


def build_context(build):
    """Compiler, build type and flags from the CMake cache of `build`."""
    cache = {}
    path = os.path.join(build, "CMakeCache.txt")
    if os.path.exists(path):
        for line in open(path, encoding="utf-8", errors="replace"):
            m = re.match(r"^([A-Za-z_0-9]+):[A-Z]+=(.*)$", line.strip())
            if m:
                cache[m.group(1)] = m.group(2)
    compiler = cache.get("CMAKE_C_COMPILER", "cc")
    try:
        version = subprocess.run([compiler, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        version = compiler
    build_type = cache.get("CMAKE_BUILD_TYPE", "")
    flags = " ".join(x for x in (cache.get("CMAKE_C_FLAGS", ""),
                                 cache.get("CMAKE_C_FLAGS_" + build_type.upper(), "")) if x)
    try:
        vg = subprocess.run(["valgrind", "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        vg = "valgrind missing"
    return {"compiler": version, "build_type": build_type, "c_flags": flags,
            "alloc_debug": cache.get("ALLOC_DEBUG", ""), "valgrind": vg}


class Progress:
    """[k/N] on stderr as each benchmark's count arrives (threads share it)."""

    def __init__(self, total):
        self.total, self.done, self.lock = total, 0, threading.Lock()

    def tick(self, exe, bench):
        with self.lock:
            self.done += 1
            print("instructions: [%d/%d] %s (%s)" % (self.done, self.total, bench, exe), file=sys.stderr, flush=True)


def listed(exe, flt):
    """The benchmarks exe would count with this filter (for N in [k/N])."""
    cmd = [exe, "--cbench_instructions", "--cbench_list"] + (["--cbench_filter=" + flt] if flt else [])
    out = subprocess.run(cmd, capture_output=True, text=True)
    return [n.strip() for n in out.stdout.splitlines() if n.strip()]


def run_one(exe, flt, ops, workdir, progress):
    """Run one executable under Callgrind; return its list of results."""
    name = os.path.basename(exe)
    outdir = tempfile.mkdtemp(prefix=name + ".", dir=workdir)
    cmd = ["valgrind", "--tool=callgrind", "--collect-atstart=no",
           "--callgrind-out-file=" + os.path.join(outdir, "cg.%p"),
           exe, "--cbench_instructions", "--cbench_ops=%d" % ops]
    if flt:
        cmd.append("--cbench_filter=" + flt)
    ops_by_name = {}
    # Callgrind's own chatter goes to a file; each benchmark's line is read
    # as it comes, for the progress count.
    with open(os.path.join(outdir, "stderr.txt"), "w+", encoding="utf-8") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True, bufsize=1)
        for line in proc.stdout:
            fields = line.rstrip("\n").split("\t")
            if len(fields) == 3 and fields[0] == "cbench-instructions":
                ops_by_name[fields[1]] = int(fields[2])
                progress.tick(name, fields[1])
        rc = proc.wait()
        if rc != 0:
            err.seek(0)
            raise RuntimeError("%s failed (%d):\n%s" % (" ".join(cmd), rc, err.read()[-3000:]))
    counts = {}
    for dump in glob.glob(os.path.join(outdir, "cg.*")):
        trigger, total = None, None
        with open(dump, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("desc: Trigger: Client Request: "):
                    trigger = line[len("desc: Trigger: Client Request: "):].strip()
                elif line.startswith("summary:"):
                    total = int(line.split()[1])
                    break
        if trigger is not None and total is not None:
            counts[trigger] = total
    shutil.rmtree(outdir, ignore_errors=True)
    results = []
    for bench, n in ops_by_name.items():
        if bench not in counts:
            raise RuntimeError("%s: no Callgrind dump for %s" % (name, bench))
        w, a, arg = split_name(bench)
        results.append({"name": bench, "workload": w, "allocator": a, "arg": arg,
                        "executable": name, "ops": n, "instructions": counts[bench],
                        "per_op": counts[bench] / n})
    return results


def cmd_run(args):
    exes = sorted(glob.glob(os.path.join(args.build, "bench", "alloc_bench*")))
    exes = [e for e in exes if os.access(e, os.X_OK) and not e.endswith((".json", ".txt"))]
    if args.exe:
        exes = [e for e in exes if os.path.basename(e) in args.exe]
    if not exes:
        sys.exit("instructions.py: no alloc_bench executables in %s/bench (build first)" % args.build)
    if shutil.which("valgrind") is None:
        sys.exit("instructions.py: valgrind not found (apt-get install valgrind)")
    workdir = tempfile.mkdtemp(prefix="alloc-instr.")
    results = []
    progress = Progress(sum(len(listed(e, args.filter)) for e in exes))
    print("instructions: counting %d benchmarks under Callgrind, %d at a time"
          % (progress.total, args.jobs), file=sys.stderr, flush=True)
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = {pool.submit(run_one, e, args.filter, args.ops, workdir, progress): e for e in exes}
            for fut in concurrent.futures.as_completed(futures):
                res = fut.result()
                print("instructions: %-24s %3d benchmarks counted" % (os.path.basename(futures[fut]), len(res)),
                      file=sys.stderr, flush=True)
                results.extend(res)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results.sort(key=lambda r: r["name"])
    doc = {"tool": "callgrind", "ops_target": args.ops, "context": build_context(args.build),
           "benchmarks": results}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    return 0


def glibc_ratio(by_name, r):
    ref = by_name.get("/".join(x for x in (r["workload"], "glibc", r["arg"]) if x))
    return ref["per_op"] / r["per_op"] if ref and r["per_op"] else None


def cmd_table(args):
    doc = json.load(open(args.file, encoding="utf-8"))
    by_name = {r["name"]: r for r in doc["benchmarks"]}
    print("%-36s %12s %12s" % ("benchmark", "instr/op", "x glibc"))
    for r in doc["benchmarks"]:
        ratio = glibc_ratio(by_name, r)
        print("%-36s %12.1f %12s" % (r["name"], r["per_op"], "%.2f" % ratio if ratio else "-"))
    return 0


def cmd_gate(args):
    base = json.load(open(args.baseline, encoding="utf-8"))
    cur = json.load(open(args.current, encoding="utf-8"))
    for key in ("compiler", "build_type", "c_flags", "alloc_debug"):
        b, c = base.get("context", {}).get(key), cur.get("context", {}).get(key)
        if b != c:
            print("bench-gate: WARNING: %s differs from the baseline's (%r vs %r): counts may move for that reason"
                  % (key, c, b))
    cur_by = {r["name"]: r for r in cur["benchmarks"]}
    rows, failed = [], 0
    for b in base["benchmarks"]:
        if b["allocator"] not in OURS:
            continue
        c = cur_by.get(b["name"])
        if c is None:
            rows.append((b["name"], b["per_op"], None, None, "MISSING"))
            failed += 1
            continue
        change = (c["per_op"] - b["per_op"]) / b["per_op"] * 100.0
        if change > args.threshold:
            status = "SLOWER"
            failed += 1
        elif change < -args.threshold:
            status = "faster (refresh the baseline)"
        else:
            status = "ok"
        rows.append((b["name"], b["per_op"], c["per_op"], change, status))
    base_names = {b["name"] for b in base["benchmarks"]}
    for c in cur["benchmarks"]:
        if c["allocator"] in OURS and c["name"] not in base_names:
            rows.append((c["name"], None, c["per_op"], None, "new (not in baseline)"))
    moved = [r for r in rows if r[4] != "ok"]
    print("bench-gate: %d of our benchmarks compared, threshold +%.1f%% instructions/op"
          % (len([r for r in rows if r[1] is not None]), args.threshold))
    shown = rows if args.verbose or failed else moved
    if shown:
        print("%-36s %12s %12s %9s  %s" % ("benchmark", "baseline", "now", "change", "status"))
        for name, b, c, ch, st in shown:
            print("%-36s %12s %12s %9s  %s" % (name, "%.1f" % b if b is not None else "-",
                                                "%.1f" % c if c is not None else "-",
                                                "%+.1f%%" % ch if ch is not None else "-", st))
    if failed:
        print("bench-gate: FAILED: %d benchmark(s) above the baseline by more than %.1f%% (or missing)"
              % (failed, args.threshold))
        return 1
    print("bench-gate: passed (no benchmark of ours more than %.1f%% above its baseline)" % args.threshold)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--build", required=True)
    r.add_argument("--filter", default="")
    r.add_argument("--ops", type=int, default=20000)
    r.add_argument("--jobs", type=int, default=2)
    r.add_argument("--exe", action="append", help="only this executable (repeatable)")
    r.add_argument("--out", required=True)
    g = sub.add_parser("gate")
    g.add_argument("--baseline", required=True)
    g.add_argument("--current", required=True)
    g.add_argument("--threshold", type=float, default=5.0)
    g.add_argument("--verbose", action="store_true")
    t = sub.add_parser("table")
    t.add_argument("file")
    args = p.parse_args()
    try:
        return {"run": cmd_run, "gate": cmd_gate, "table": cmd_table}[args.cmd](args)
    except RuntimeError as e:
        print("instructions.py: %s" % e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
