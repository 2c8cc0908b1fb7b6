"""Benchmarks of the course: the network's training step, the notebooks, the book build.

    python tools/bench.py                          # everything (make bench)
    python tools/bench.py --kernels-only           # only the training-step table
    python tools/bench.py --quick                  # a small training-step table (batch 256, one repeat)
    python tools/bench.py --torch-python /tmp/torchvenv/bin/python
                                                   # table measured by an interpreter that has PyTorch

1. One training step (forward, mean cross-entropy, backward, SGD update) at
   batch sizes 16, 256, 4096 in float32 and float64, of
   - the chapter 4 network (Dx = 64, H = 64, Dy = 10), ``cb.network_step``;
   - the general network of chapter 5 with sigmoid hidden layers of 64 units,
     depth L = 2 (64-64-10, the same shape as chapter 4) and L = 5
     (64-64-64-64-64-10): the step ``cb.train_deep`` runs on every mini-batch
     (input checked once per training run, not per step).
   Each against PyTorch CPU doing the same step (forward, ``cross_entropy``,
   autograd ``backward``, in-place update) with ``torch.set_num_threads``
   equal to NumPy's BLAS threads, measured in the same process, interleaved.
   Samples per second = batch / median time of one step over several repeats,
   after a warm-up.
2. Wall time of executing every chapter notebook (nbclient, nothing written).
3. Wall time of a cold book build (`make build`: the three editions
   and JupyterLite, from a copy of the sources in a temporary directory;
   ``_build`` is not touched).
4. Time until a chapter page is readable (``--readable-only`` for just this), for
   every chapter of every built edition in _build/html, served from this machine:
   Chromium (Debian's) on a phone profile (390 x 844, touch, the CPU slowed 4x
   through the DevTools protocol, as a mid-range phone) and on a desktop
   (1280 x 900). "Readable" is the moment the page has loaded, its fonts are in
   and its maths is typeset (the maths is typeset when the book is built, so that
   is the load; a page that still loads MathJax waits for it too). Median of 3
   loads, each in a fresh context (an empty cache). Targets (issue 22): 1.5 s on
   the phone profile, 0.5 s on the desktop.

PyTorch is not a dependency of the course; without it the table says so.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DX, H, DY = 64, 64, 10
BATCHES = (16, 256, 4096)
DTYPES = ("float32", "float64")
ETA = 0.01


def blas_threads() -> int:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return int(os.environ.get("OMP_NUM_THREADS", os.cpu_count() or 1))
    counts = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
    return max(counts) if counts else 1


#: The networks of the table: (name, depth L = number of weight layers).
NETWORKS = (("chapter4", 2), ("general", 2), ("general", 5))


def layer_sizes(depth: int) -> tuple:
    return (DX,) + (H,) * (depth - 1) + (DY,)


def numpy_step(network: str, depth: int, dtype: str, M: int):
    import ce_backprop as cb
    from ce_backprop.deep_network import _step

    rng = np.random.default_rng(0)
    x = rng.random((M, DX)).astype(dtype)
    y = rng.integers(0, DY, M)
    if network == "chapter4":
        params = cb.network_init(DX, H, DY, rng, dtype=dtype)
        return lambda: cb.network_step(params, x, y, ETA)
    params = cb.deep_init(layer_sizes(depth), rng, activation="sigmoid", init=1.0, dtype=dtype)
    return lambda: _step(params, x, y, ETA)       # what train_deep runs per mini-batch


def torch_step(depth: int, dtype: str, M: int):
    import torch

    tdtype = getattr(torch, dtype)
    g = torch.Generator().manual_seed(0)
    sizes = layer_sizes(depth)
    Ws = [(torch.randn(i, o, generator=g, dtype=tdtype) / i ** 0.5).requires_grad_()
          for i, o in zip(sizes[:-1], sizes[1:])]
    bs = [torch.zeros(o, dtype=tdtype, requires_grad=True) for o in sizes[1:]]
    params = (*Ws, *bs)
    x = torch.rand(M, DX, generator=g, dtype=tdtype)
    y = torch.randint(0, DY, (M,), generator=g)

    def step():
        a = x
        for W, b in zip(Ws[:-1], bs[:-1]):
            a = torch.sigmoid(a @ W + b)
        loss = torch.nn.functional.cross_entropy(a @ Ws[-1] + bs[-1], y)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= ETA * p.grad
                p.grad = None
        return loss

    return step


def time_per_step(step, target_seconds: float = 0.05) -> float:
    """Seconds per call: the mean over as many calls as fill about target_seconds."""
    t0 = time.perf_counter()
    step()
    n = max(1, min(100_000, int(target_seconds / max(time.perf_counter() - t0, 1e-7))))
    t0 = time.perf_counter()
    for _ in range(n):
        step()
    return (time.perf_counter() - t0) / n


def kernel_table(repeats: int, threads: int | None = None, quick: bool = False) -> None:
    if threads is not None:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            print("threadpoolctl is not installed: --threads ignored for NumPy")
        else:
            threadpool_limits(threads)
    threads = blas_threads()
    try:
        import torch
    except ImportError:
        torch = None
    batches = (256,) if quick else BATCHES
    target = 0.01 if quick else 0.05
    print("Training step: forward + mean cross-entropy + backward + SGD update; sigmoid hidden layers")
    print(f"  chapter4: cb.network_step, {DX}-{H}-{DY}.  general: the step of cb.train_deep, "
          f"depth 2 = {'-'.join(map(str, layer_sizes(2)))}, depth 5 = {'-'.join(map(str, layer_sizes(5)))}")
    print(f"NumPy {np.__version__}, BLAS threads: {threads}; median of {repeats} repeats after warm-up")
    if torch is None:
        print("PyTorch is not installed: only NumPy is measured "
              "(give --torch-python PATH for an interpreter that has it)")
    else:
        torch.set_num_threads(threads)
        print(f"PyTorch {torch.__version__} CPU, torch.set_num_threads({threads}), measured in the same process, interleaved")
    header = f"{'network':>8} {'dtype':>8} {'depth':>5} {'batch':>6} {'NumPy samples/s':>16}"
    if torch is not None:
        header += f" {'PyTorch samples/s':>18} {'NumPy / PyTorch':>16}"
    print(header)
    short = []
    for network, depth in NETWORKS:
        for dtype in DTYPES:
            for M in batches:
                steps = {"numpy": numpy_step(network, depth, dtype, M)}
                if torch is not None:
                    steps["torch"] = torch_step(depth, dtype, M)
                for step in steps.values():          # warm-up
                    for _ in range(2 if quick else 5):
                        step()
                times = {k: [] for k in steps}
                for _ in range(repeats):
                    for k, step in steps.items():    # interleaved: both see the same machine load
                        times[k].append(time_per_step(step, target))
                rate = {k: M / statistics.median(v) for k, v in times.items()}
                line = f"{network:>8} {dtype:>8} {depth:>5} {M:>6} {rate['numpy']:>16,.0f}"
                if torch is not None:
                    ratio = rate["numpy"] / rate["torch"]
                    line += f" {rate['torch']:>18,.0f} {ratio:>15.2f}×"
                    if ratio < 1:
                        short.append(f"{network} {dtype} depth {depth} batch {M} ({ratio:.2f}×)")
                print(line, flush=True)
    if short:
        print("Slower than PyTorch CPU at: " + ", ".join(short) + ". Why: each NumPy ufunc is a")
        print("separate pass over memory, while PyTorch fuses some element-wise work; at small")
        print("batches the fixed cost of each NumPy call (and chapter 4's input checks) dominates.")
    elif torch is not None:
        print("At least as fast as PyTorch CPU at every size measured.")


def notebook_times() -> None:
    try:
        import nbformat
        from nbclient import NotebookClient
    except ImportError:
        print("nbclient is not installed here; notebook timings skipped")
        return
    total = 0.0
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        t0 = time.perf_counter()
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        seconds = time.perf_counter() - t0
        total += seconds
        print(f"execute {path.relative_to(ROOT)}: {seconds:.1f} s", flush=True)
    print(f"execute all chapters: {total:.1f} s")


def book_build_time() -> None:
    """A cold build of the three editions and JupyterLite (`make build`) in a copy."""
    with tempfile.TemporaryDirectory(prefix="ce_bench_book_") as tmp:
        src = Path(tmp) / "book"
        shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns("_build", ".venv", ".git", "__pycache__", ".ipynb_checkpoints"))
        (src / ".venv").symlink_to(ROOT / ".venv")  # the same environment, already installed
        t0 = time.perf_counter()
        proc = subprocess.run(["make", "--no-print-directory", "build"], cwd=src, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
    status = "ok" if proc.returncode == 0 else f"FAILED (exit {proc.returncode})"
    print(f"cold book build (three editions + JupyterLite, temporary copy): {seconds:.1f} s, {status}")


READABLE = """() => Promise.all([
    document.fonts.ready,
    window.MathJax && MathJax.startup ? MathJax.startup.promise : null,
]).then(() => performance.now())"""


def readable_times(runs: int = 3) -> None:
    """Time until each chapter page is readable, phone profile (4x CPU slowdown) and desktop."""
    import functools
    import http.server
    import threading

    html = ROOT / "_build" / "html"
    editions = [e for e in ("zh", "en", "both") if (html / e / "index.html").exists()]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if not editions or not chromium or sync_playwright is None:
        print("time until readable: skipped (needs a built site in _build/html, Chromium and Playwright)")
        return

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    profiles = {
        "phone (390 px, CPU 4x slower)": ({"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}, 4),
        "desktop (1280 px)": ({"viewport": {"width": 1280, "height": 900}}, 1),
    }
    pages = [f"chapters/{p.stem}.html" for p in sorted((ROOT / "chapters").glob("*.ipynb"))]
    worst = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for name, (options, slowdown) in profiles.items():
            print(f"time until readable, {name}, median of {runs} cold loads:")
            for edition in editions:
                row = []
                for page_path in pages:
                    times = []
                    for _ in range(runs):
                        context = browser.new_context(**options)
                        page = context.new_page()
                        if slowdown > 1:
                            cdp = context.new_cdp_session(page)
                            cdp.send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
                        page.goto(base + f"{edition}/{page_path}", wait_until="load", timeout=120000)
                        times.append(page.evaluate(READABLE) / 1000)
                        context.close()
                    seconds = statistics.median(times)
                    worst[name] = max(worst.get(name, 0.0), seconds)
                    row.append(f"{page_path[9:11]} {seconds:.2f} s")
                print(f"  {edition:4} " + ", ".join(row), flush=True)
        browser.close()
    server.shutdown()
    for name, seconds in worst.items():
        print(f"time until readable, slowest chapter page, {name}: {seconds:.2f} s")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kernels-only", action="store_true", help="only the training-step table")
    ap.add_argument("--no-book", action="store_true", help="skip the cold book build")
    ap.add_argument("--readable-only", action="store_true",
                    help="only the time until each chapter page is readable (phone profile and desktop)")
    ap.add_argument("--runs", type=int, default=3, help="cold loads per page for the time until readable (median)")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--quick", action="store_true",
                    help="only a small training-step table: batch 256, one repeat (implies --kernels-only)")
    ap.add_argument("--threads", type=int, help="BLAS and PyTorch threads (default: NumPy's BLAS threads)")
    ap.add_argument("--torch-python", help="run the training-step table with this interpreter (one with PyTorch)")
    args = ap.parse_args(argv)
    if args.readable_only:
        readable_times(args.runs)
        return 0
    if args.quick:
        args.kernels_only, args.repeats = True, 1
    if args.torch_python:
        extra = ["--threads", str(args.threads)] if args.threads else []
        extra += ["--quick"] if args.quick else []
        subprocess.run([args.torch_python, __file__, "--kernels-only", "--repeats", str(args.repeats), *extra], check=True)
    else:
        kernel_table(args.repeats, args.threads, args.quick)
    if args.kernels_only:
        return 0
    print()
    notebook_times()
    if not args.no_book:
        book_build_time()
    print()
    readable_times()
    return 0


if __name__ == "__main__":
    sys.exit(main())
