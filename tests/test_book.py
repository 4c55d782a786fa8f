"""The whole book builds (smoke profile, warnings as errors), and a real browser reads it offline.

The build executes every notebook again, as `make book` does; the browser check opens the built chapter
pages from disk with headless Chromium (through Selenium and chromedriver) and asserts what a reader sees:
figures that load, citations that resolve to the bibliography, equations typeset, and the slice-viewer
widget drawn by JavaScript served with the book. Without Chromium the browser test is skipped, unless
GANCOURSE_REQUIRE_BROWSER=1 (as in CI), where it fails.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import load_book_script

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "_build" / "test-smoke"
HEADERS = load_book_script("sync_release")
HTML = OUTPUT / "_build" / "html"


@pytest.fixture(scope="module")
def built_book():
    env = dict(os.environ, GANCOURSE_PROFILE="smoke")
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run([str(jupyter_book), "build", str(ROOT), "-W", "-n", "--keep-going",
                             "--path-output", str(OUTPUT)], env=env, capture_output=True, text=True)
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"the book build failed:\n{log[-6000:]}"
    # -W already turns Sphinx's warnings ("file:line: WARNING: ...") into a failure; this names them
    assert ": WARNING:" not in log, f"the book build warned:\n{log[-6000:]}"
    return HTML


def test_every_chapter_is_built_with_outputs(built_book):
    for page in ["book/bibliography.html", "index.html"]:
        assert (built_book / page).exists(), page
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        chapter = (built_book / f"notebooks/{notebook.stem}.html").read_text()
        assert "cell_output" in chapter and "_images/" in chapter, notebook.name
        badge_target = HEADERS.badge(notebook.stem, HEADERS.repository_url(), HEADERS.release()).split("](")[-1]
        assert badge_target.rstrip(")") in chapter, notebook.name
        assert "Traceback" not in chapter, notebook.name
        # the chapter's plain Markdown became MyST (book/_ext/portable_markdown.py): citations link to the
        # bibliography, notes and solutions are admonitions, the notebook's own References cell is gone
        assert "](#" not in chapter and "&lt;details" not in chapter and "<strong>Note.</strong>" not in chapter
        assert "bibliography.html#" in chapter and "<h2>References" not in chapter, notebook.name


def test_a_table_printed_as_markdown_is_rendered_as_a_table(built_book):
    # chapter 3.8 displays its results table as Markdown; the book must show a table, not the source text
    chapter = (built_book / "notebooks/3_8_lsgan.html").read_text()
    table = chapter[chapter.index("<table"):chapter.index("</table>")]
    assert "Fréchet distance" in table and "WGAN-GP" in table and "hinge" in table


def test_widget_javascript_is_served_with_the_book(built_book):
    page = (built_book / "notebooks/00_getting_started.html").read_text()
    assert "application/vnd.jupyter.widget-state+json" in page
    assert "_static/widgets/embed-amd.js" in page and (built_book / "_static/widgets/embed-amd.js").exists()
    assert "cdn.jsdelivr.net" not in page and "cdnjs.cloudflare.com" not in page


def _browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not (chromium and driver):
        if os.environ.get("GANCOURSE_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium and chromedriver are required (apt-get install chromium chromium-driver)")
        pytest.skip("no Chromium/chromedriver on this machine (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--allow-file-access-from-files", "--window-size=1280,900"]:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)


@pytest.fixture(scope="module")
def browser():
    driver = _browser()
    yield driver
    driver.quit()


def test_chapter_shows_its_figures_and_resolved_citations(built_book, browser):
    browser.get((built_book / "notebooks/3_2_dcgan.html").as_uri())
    browser.implicitly_wait(5)
    figures = browser.execute_script(
        "return Array.from(document.querySelectorAll('.cell_output img'))"
        ".map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0]);")
    assert len(figures) >= 6, figures
    assert all(loaded for _, loaded in figures), [src for src, loaded in figures if not loaded]
    citations = browser.execute_script(
        "return Array.from(document.querySelectorAll('a')).filter(a => (a.getAttribute('href') || '')"
        ".includes('bibliography.html#id')).map(a => a.getAttribute('href'));")
    assert len(citations) >= 3, "the chapter's {cite} roles did not become links to the bibliography"
    text = browser.execute_script("return document.body.innerText;")
    assert "??" not in text and "survey18" not in text  # no unresolved citation keys
    equations = browser.execute_script("return document.querySelectorAll('mjx-container').length;")
    assert equations >= 1, "MathJax (served with the book) did not typeset the chapter's equations"
    anchor = citations[0].split("#")[1]
    browser.get((built_book / "book/bibliography.html").as_uri())
    assert browser.execute_script(f"return document.getElementById('{anchor}') !== null;")


def test_slice_viewer_widget_renders_offline(built_book, browser):
    browser.get((built_book / "notebooks/00_getting_started.html").as_uri())
    rendered = None
    for _ in range(40):  # the widget manager draws asynchronously
        rendered = browser.execute_script(
            "const s = document.querySelector('.widget-slider, .jupyter-widgets.widget-slider');"
            "const img = document.querySelector('.jupyter-widgets img, .widget-image');"
            "return [!!s, !!img && img.naturalWidth > 0];")
        if all(rendered):
            break
        browser.implicitly_wait(0)
        import time
        time.sleep(0.25)
    assert rendered == [True, True], f"slider drawn, image loaded: {rendered}"
    errors = browser.execute_script("return document.querySelectorAll('.jupyter-widgets-error-widget').length;")
    assert errors == 0


def test_library_appendix_renders_the_docstrings(built_book):
    # book/library/: gancourse's docstrings read by autodoc (book/_ext/gancourse_library.py), with their MyST
    # citations, their equations and every signature rendered, and every module of the library on a page
    import html
    import importlib
    import pkgutil
    import re

    pages = {name: (built_book / f"book/library/{name}.html").read_text()
             for name in ["index", "data", "nets", "losses", "metrics", "methods", "core", "exercises",
                          "literature"]}
    everything = "".join(pages.values())

    def section(page, anchor):
        text = pages[page]
        start = text.index(f'id="{anchor}"')
        return text[start:text.find("<section", start + 1)]

    # the pix2pix module's {cite}`survey4` is a link to its entry in the bibliography
    pix2pix = section("methods", "module-gancourse.methods.pix2pix")
    pix2pix = pix2pix[:pix2pix.index("</p>")]  # the module's first paragraph
    links = re.findall(r'<a class="reference internal" href="\.\./bibliography\.html#([\w-]+)" title="([^"]*)"',
                       pix2pix)
    isola = [anchor for anchor, title in links if "Image-to-image translation" in html.unescape(title)]
    assert isola, f"the pix2pix module's {{cite}}`survey4` did not become a link to the bibliography: {links}"
    assert f'id="{isola[0]}"' in (built_book / "book/bibliography.html").read_text()
    # an equation of gancourse.losses.adversarial is typeset, not shown as its source
    adversarial = section("losses", "module-gancourse.losses.adversarial")
    equations = re.findall(r'<span class="math notranslate nohighlight">(.*?)</span>', adversarial, re.S)
    assert any(r"\mathbb{E}_x[\log D(x)]" in html.unescape(eq) for eq in equations), equations[:3]
    # no role or citation key left as text
    text = html.unescape(re.sub(r"<[^>]+>", "", everything))
    assert not re.search(r"\{cite(:\w+)?\}|:cite:|:math:|:class:|:func:", text)
    # the signature of gancourse.train.Trainer.fit
    fit = pages["core"][pages["core"].index('id="gancourse.train.Trainer.fit"'):]
    fit = html.unescape(re.sub(r"<[^>]+>", "", fit[:fit.index("</dt>")]))
    assert "fit(*, steps: int | None = None, seconds: float | None = None, progress: bool = True)" in fit, fit
    # every module of the library has its section in the appendix
    library = importlib.import_module("gancourse")
    for module in pkgutil.walk_packages(library.__path__, "gancourse."):
        if module.name.startswith("gancourse.exercises.chapter_"):
            continue  # the answer modules: the expected values, deliberately not shown in the book
        assert f'id="module-{module.name}"' in everything, f"{module.name} is missing from book/library/"
