"""The HTML report renders: PNG plots are produced and are real pictures, and headless Chromium
shows index.html with every plot in it."""

import os
import re
import subprocess
import sys

import matplotlib.image as mpimg
import numpy as np
import pytest

import runfolders as rf


def _not_blank(path):
    pixels = mpimg.imread(path)[..., :3]
    # A plot has several distinct colours and the picture is not one flat tone.
    flat = pixels.reshape(-1, 3)
    distinct = len(np.unique((flat * 255).astype(np.uint8), axis=0))
    return distinct > 8 and float(pixels.std()) > 0.02


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = rf.write_run(str(tmp_path_factory.mktemp("runs") / "friends"), rf.FRIENDS,
                          rf.FRIENDS_EVENTS, roles=rf.FRIENDS_ROLES,
                          summary={"scenario": "hand-made", "nodes": 5})
    done = subprocess.run([sys.executable, "-m", "ikewot.analysis", "report", folder],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    index = os.path.join(folder, "report", "index.html")
    assert done.stdout.strip() == index
    return index


def test_pngs_are_real_plots(report):
    folder = os.path.dirname(report)
    pngs = sorted(f for f in os.listdir(folder) if f.endswith(".png"))
    for expected in ("growth.png", "verifications.png", "structure.png", "graph.png",
                     "degrees.png", "depth.png", "conditional.png", "connections.png"):
        assert expected in pngs
    for name in pngs:
        path = os.path.join(folder, name)
        assert os.path.getsize(path) > 10000, name
        assert _not_blank(path), name


def test_html_is_self_contained(report):
    text = open(report, encoding="utf-8").read()
    images = re.findall(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="([^"]+)"', text)
    pngs = sorted(f for f in os.listdir(os.path.dirname(report)) if f.endswith(".png"))
    assert sorted(images) == pngs
    assert "src=\"http" not in text and "<script" not in text
    assert "55.0%" in text  # the reachable fraction card (11 of 20 pairs)


def test_chromium_shows_the_plots(report, chromium, tmp_path):
    base = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}"]
    url = "file://" + report
    dom = subprocess.run(base + ["--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    pngs = sorted(f for f in os.listdir(os.path.dirname(report)) if f.endswith(".png"))
    shown = re.findall(r'<img src="data:image/png;base64,[^"]+" alt="([^"]+)"', dom.stdout)
    assert sorted(shown) == pngs
    shot = tmp_path / "shot.png"
    done = subprocess.run(base + [f"--screenshot={shot}", "--window-size=1000,1400", url],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    assert _not_blank(str(shot))
    # The first plot sits in the upper part of the page: the screenshot holds more than text.
    pixels = mpimg.imread(str(shot))[..., :3]
    colourful = np.abs(pixels - pixels.mean(axis=2, keepdims=True)).max(axis=2) > 0.15
    assert colourful.mean() > 0.002, "no coloured plot pixels in the screenshot"
