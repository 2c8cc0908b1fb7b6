"""Binder for real: a fresh environment built from requirements.txt, apt.txt and
runtime.txt alone (what repo2docker reads) runs every chapter.

A package that a chapter imports but requirements.txt forgets fails here, not
in a learner's Binder session. The environment shares nothing with .venv.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CHAPTERS, ROOT


def test_runtime_txt_names_the_python_the_course_runs_on():
    runtime = (ROOT / "runtime.txt").read_text(encoding="utf-8").strip()
    assert runtime == f"python-{sys.version_info.major}.{sys.version_info.minor}"


def test_apt_txt_packages_are_installed():
    if shutil.which("dpkg") is None:
        pytest.skip("not a Debian system: apt.txt cannot be checked here")
    lines = (ROOT / "apt.txt").read_text(encoding="utf-8").splitlines()
    packages = [p for line in lines if (p := line.split("#")[0].strip())]
    assert packages
    # repo2docker installs exactly these (`make fonts` does here); figures need their CJK glyphs
    for package in packages:
        assert subprocess.run(["dpkg", "-s", package], capture_output=True).returncode == 0, package


@pytest.fixture(scope="module")
def binder_python(tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("binder") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    uv = Path(sys.executable).with_name("uv")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    if uv.exists():
        cmd = [str(uv), "pip", "install", "--quiet", "--python", str(python), "-r", "requirements.txt"]
    else:
        cmd = [str(python), "-m", "pip", "install", "--quiet", "-r", "requirements.txt"]
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return python


# building the environment (its setup) counts too: more than pytest.ini's timeout on a cold cache
@pytest.mark.timeout(900)
def test_every_chapter_runs_in_an_environment_built_from_requirements_alone(binder_python, tmp_path):
    # (bytecode is written as on Binder: the first kernel compiles the libraries, the next ones reuse it)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "MPLBACKEND", "PYTHONDONTWRITEBYTECODE")}
    env["MPLCONFIGDIR"] = str(tmp_path / "mpl")  # a learner's fresh Matplotlib, no shared cache
    # Each kernel talks over Unix sockets (transport "ipc"), not TCP: under xdist, nbval's kernels start
    # beside these, and TCP ports picked by two processes at once can collide and stall a kernel.
    code = (
        "import os, sys, tempfile, nbformat\n"
        "from jupyter_client.manager import KernelManager\n"
        "from nbclient import NotebookClient\n"
        "sockets = tempfile.mkdtemp(prefix='k')  # short: a socket path has at most 107 bytes\n"
        "for n, path in enumerate(sys.argv[1:]):\n"
        "    nb = nbformat.read(path, as_version=4)\n"
        "    km = KernelManager(kernel_name='python3', transport='ipc',\n"
        "                       connection_file=os.path.join(sockets, f'{n}.json'))\n"
        "    NotebookClient(nb, km=km, timeout=600,\n"
        "                   resources={'metadata': {'path': 'chapters'}}).execute()\n"
        "    print('ran', path)\n"
    )
    result = subprocess.run(
        [str(binder_python), "-c", code, *[str(p) for p in CHAPTERS]],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert result.stdout.count("ran ") == len(CHAPTERS)
    # the kernel was the fresh environment's, not the project's .venv
    kernel = subprocess.run(
        [str(binder_python), "-c", "import ce_backprop, sys; print(sys.prefix)"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert Path(kernel.stdout.strip()) == binder_python.parent.parent
