"""The slice viewer works with ipywidgets 8 (the book's) and 7.7 (Colab's), and its embedded state drives it.

The same probe runs here (ipywidgets 8) and in a small virtual environment holding only ipywidgets 7.7, whose
other packages come from this one (a ``.pth`` file appends this environment's site-packages after its own, so
its ipywidgets wins). The small environment is cached in ``.pytest_cache``: the first run creates it with pip
from the package index (about 2 s), later runs reuse it. A browser test drives the embedded viewer with the
widget JavaScript the book serves (ipywidgets 8).
"""
import json
import os
import subprocess
import sys
import shutil
import sysconfig
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OLD_IPYWIDGETS = "ipywidgets==7.7.*"
# ipywidgets 7 imports ipython_genutils, which this environment does not need otherwise
OLD_PACKAGES = [OLD_IPYWIDGETS, "ipython_genutils"]
DEPTH, KEPT = 10, 4  # a volume of 10 slices viewed through 4: slices 0, 3, 6 and 9


def probe(html_path=None):
    """Build a viewer on a small volume with the ipywidgets of this interpreter and describe it, with what
    its embedded state holds (what the static book stores). Runs in either environment: the imports stay here.
    """
    import io

    import ipywidgets
    import matplotlib.pyplot as plt
    import torch
    from ipywidgets.embed import embed_data, embed_minimal_html

    from gancourse.viz import slice_viewer

    # slice d holds the value d everywhere, so each image's grey level says which slice it shows
    volume = torch.arange(float(DEPTH))[:, None, None].expand(DEPTH, 3, 5)
    viewer = slice_viewer(volume, max_slices=KEPT)
    slider, slices, *extra = viewer.children
    state = embed_data(views=[viewer])["manager_state"]["state"]
    links = [model["state"] for model in state.values() if model["model_name"] == "LinkModel"]
    ref = "IPY_MODEL_{}".format
    page = io.StringIO()
    embed_minimal_html(page, views=[viewer], title="slice viewer")
    if html_path:
        Path(html_path).write_text(page.getvalue())
    return {
        "version": ipywidgets.__version__,
        "file": ipywidgets.__file__,
        "container": type(slices).__name__,
        "slider": [type(slider).__name__, slider.min, slider.max, slider.value],
        "selected_index": slices.selected_index,
        "grey_levels": [round(float(plt.imread(io.BytesIO(image.value), format="png")[..., 0].mean()) * (DEPTH - 1),
                              1) for image in slices.children],
        "image_shapes": [list(plt.imread(io.BytesIO(image.value), format="png").shape[:2])
                         for image in slices.children],
        "dom_classes": list(slices._dom_classes),
        "extra": [[type(w).__name__, getattr(w, "value", "")] for w in extra],
        "links": [[link["source"], link["target"]] for link in links],
        "expected_link": [[ref(slider.model_id), "value"], [ref(slices.model_id), "selected_index"]],
        "embedded_children": state[slices.model_id]["state"]["children"],
        "expected_children": [ref(image.model_id) for image in slices.children],
        "embedded_images": sum(state[image.model_id]["model_name"] == "ImageModel" for image in slices.children),
        "html_has_state": "application/vnd.jupyter.widget-state+json" in page.getvalue()
                          and f'"model_id": "{viewer.model_id}"' in page.getvalue(),
    }


def check(described, major):
    assert described["version"].split(".")[0] == str(major), described["version"]
    assert described["slider"] == ["IntSlider", 0, KEPT - 1, KEPT // 2]
    assert described["selected_index"] == KEPT // 2
    assert described["grey_levels"] == [0.0, 3.0, 6.0, 9.0]  # evenly spaced, in order, one image per slice kept
    assert described["image_shapes"] == [[3, 5]] * KEPT
    # the slider moves the shown slice in the browser: a jslink in the embedded state, no kernel needed
    assert described["expected_link"] in described["links"], described["links"]
    assert described["embedded_children"] == described["expected_children"]
    assert described["embedded_images"] == KEPT
    assert described["html_has_state"]
    if major >= 8:
        assert described["container"] == "Stack" and described["extra"] == []
    else:  # no Stack in ipywidgets 7: a Tab whose tab bar a style element hides
        assert described["container"] == "Tab"
        assert [kind for kind, _ in described["extra"]] == ["HTML"], described["extra"]
        assert len(described["dom_classes"]) == 1, described["dom_classes"]
        style, css_class = described["extra"][0][1], described["dom_classes"][0]
        assert style.startswith("<style>")
        assert f".{css_class} > .widget-tab-bar {{ display: none !important; }}" in style


def test_slice_viewer_with_ipywidgets_8_in_this_environment():
    check(probe(), major=8)


def _site_packages(python):
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return Path(subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True).stdout.strip())


@pytest.fixture(scope="session")
def old_widgets_python(request):
    """A Python with ipywidgets 7.7 and, after it on sys.path, every package of this environment."""
    version = f"py{sys.version_info.major}{sys.version_info.minor}"
    cache = getattr(request.config, "cache", None)
    cache = Path(cache.mkdir("slice-viewer-venvs") if cache else tempfile.gettempdir())
    venv = cache / f"ipywidgets77-{version}"
    python = venv / "bin" / "python"
    if not (venv / "ready").exists():
        started = time.monotonic()
        building = Path(tempfile.mkdtemp(prefix=f"{venv.name}-", dir=cache))
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(building)], check=True)
        site = _site_packages(building / "bin" / "python")
        install = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                                  "--no-deps", "--target", str(site), *OLD_PACKAGES],
                                 capture_output=True, text=True)
        if install.returncode != 0:
            shutil.rmtree(building)
            pytest.fail(f"pip could not install {OLD_PACKAGES} (it needs the package index):\n{install.stderr[-3000:]}")
        # appended after the small environment's own site-packages, with its .pth files processed
        ours = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
        (site / "zz_main_environment.pth").write_text(
            "".join(f"import site; site.addsitedir({path!r})\n" for path in ours))
        (building / "ready").write_text(f"created in {time.monotonic() - started:.1f} s\n")
        # built aside, then renamed into place (a venv's python finds its prefix from its own path), so that an
        # interrupted run leaves no half-made environment behind and concurrent runs do not mix their files
        if venv.exists() and not (venv / "ready").exists():
            shutil.rmtree(venv)  # left by an older, interrupted run
        try:
            building.rename(venv)
        except OSError:  # another run finished first: use its environment
            shutil.rmtree(building)
    return python


def test_slice_viewer_with_ipywidgets_7_7_as_colab_ships_it(old_widgets_python, tmp_path):
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); from test_slice_viewer import probe; "
            "print(json.dumps(probe(sys.argv[2])))")
    env = dict(os.environ, PYTHONPATH=str(ROOT))  # the library of this checkout
    result = subprocess.run([str(old_widgets_python), "-c", code, str(Path(__file__).parent),
                             str(tmp_path / "viewer.html")], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-4000:]
    described = json.loads(result.stdout.strip().splitlines()[-1])
    assert described["version"].startswith("7.7."), described
    assert str(old_widgets_python.parent.parent) in described["file"]  # not this environment's ipywidgets 8
    check(described, major=7)


@pytest.fixture(scope="module")
def browser():
    from test_book import _browser  # the same headless Chromium, skipped or required as there

    driver = _browser()
    yield driver
    driver.quit()


SHOWN = """
const images = Array.from(document.querySelectorAll('.widget-image'));
const shown = images.filter(i => i.getBoundingClientRect().width > 0 && i.complete && i.naturalWidth > 0);
if (shown.length !== 1) return null;
const canvas = document.createElement('canvas');
canvas.width = shown[0].naturalWidth; canvas.height = shown[0].naturalHeight;
const context = canvas.getContext('2d');
context.drawImage(shown[0], 0, 0);
return context.getImageData(1, 1, 1, 1).data[0];
"""


def test_the_embedded_viewer_follows_its_slider_in_a_browser_without_kernel(browser, tmp_path):
    """The book's own widget JavaScript (book/static/widgets, ipywidgets 8) draws the embedded viewer, and the
    arrow keys on the slider change the slice shown, with no kernel."""
    from ipywidgets.embed import embed_data
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    import torch
    from gancourse.viz import slice_viewer

    viewer = slice_viewer(torch.arange(float(DEPTH))[:, None, None].expand(DEPTH, 12, 16), max_slices=KEPT)
    data = embed_data(views=[viewer])
    scripts = ROOT / "book" / "static" / "widgets"
    page = tmp_path / "viewer.html"
    page.write_text(f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<script src="{(scripts / 'require.js').as_uri()}"></script>
<script src="{(scripts / 'embed-amd.js').as_uri()}" data-jupyter-widgets-cdn=""></script>
<script type="application/vnd.jupyter.widget-state+json">{json.dumps(data["manager_state"])}</script>
</head><body>
<script type="application/vnd.jupyter.widget-view+json">{json.dumps(data["view_specs"][0])}</script>
</body></html>""")
    browser.get(page.as_uri())

    def shows(expected):  # the grey level of the one image shown, as a slice number (slice d is d / 9 of white)
        shown = None
        for _ in range(40):  # the widget manager draws asynchronously
            grey = browser.execute_script(SHOWN)
            shown = None if grey is None else round(grey / 255 * (DEPTH - 1))
            if shown == expected:
                break
            time.sleep(0.25)
        return shown

    assert shows(6) == 6  # the middle of 0, 3, 6, 9
    handle = browser.find_element(By.CSS_SELECTOR, ".noUi-handle, .ui-slider-handle")
    handle.click()
    handle.send_keys(Keys.ARROW_RIGHT)
    assert shows(9) == 9
    handle.send_keys(Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT)
    assert shows(0) == 0
    assert browser.execute_script("return document.querySelectorAll('.jupyter-widgets-error-widget').length;") == 0
