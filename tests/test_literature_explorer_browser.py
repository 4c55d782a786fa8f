"""The literature explorer's static filter, run by a real browser (headless Chromium, as tests/test_book.py).

The first test opens the explorer as a page of its own and uses its controls; the second opens chapter 5.2 in
the book that tests/test_book.py builds (it runs first in a full test run: "test_book" sorts before
"test_literature...") and checks that the rows link to the bibliography's entries and to the chapters."""
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from test_book import HTML, _browser

from gancourse import literature

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def browser():
    driver = _browser()
    yield driver
    driver.quit()


def _visible_rows(browser):
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('.lit-table tbody tr'))"
        ".filter(r => r.style.display !== 'none').map(r => r.getAttribute('data-refs'));")


def test_the_static_filter_selects_rows_in_a_browser(browser, tmp_path):
    rows = literature.load()
    page = tmp_path / "explorer.html"
    page.write_text(f"<!DOCTYPE html><html><body>{literature.static_explorer(rows)}</body></html>")
    browser.get(page.as_uri())
    assert len(_visible_rows(browser)) == len(rows)
    counter = browser.find_element(By.CLASS_NAME, "lit-count")
    assert counter.text.startswith(f"{len(rows)} of {len(rows)} rows shown ({literature.papers(rows)} papers)")

    Select(browser.find_element(By.CSS_SELECTOR, "[data-filter=application]")).select_by_value("segmentation")
    # Tables 4-10 by hand: 6 + 1 + 3 + 3 + 3 + 4 + 1 rows
    assert len(_visible_rows(browser)) == 21
    assert counter.text.startswith("21 of 75 rows shown") and "segmentation 21" in counter.text

    search = browser.find_element(By.CSS_SELECTOR, "[data-filter=text]")
    search.send_keys("SeGAN")
    assert _visible_rows(browser) == ["49"]

    search.clear()
    search.send_keys("u-net")  # the search looks in every cell, losses and notes included
    expected = literature.select(rows, application="segmentation", text="u-net")
    assert sorted(_visible_rows(browser)) == sorted(" ".join(map(str, r["refs"])) for r in expected)

    search.clear()
    search.send_keys(" ")  # blank: every segmentation row again
    Select(browser.find_element(By.CSS_SELECTOR, "[data-filter=application]")).select_by_value("")
    Select(browser.find_element(By.CSS_SELECTOR, "[data-filter=family]")).select_by_value("WGAN")
    Select(browser.find_element(By.CSS_SELECTOR, "[data-filter=from]")).select_by_value("2018")
    # WGAN rows of 2018 by hand: [44], [82], [94], [103], [106] ([96] is 2017)
    assert sorted(_visible_rows(browser), key=int) == ["44", "82", "94", "103", "106"]
    Select(browser.find_element(By.CSS_SELECTOR, "[data-filter=modality]")).select_by_value("CT")
    assert sorted(_visible_rows(browser), key=int) == ["44", "103"]


def test_in_the_built_book_rows_link_to_the_bibliography_and_the_chapters(browser):
    toc = (ROOT / "_toc.yml").read_text()
    if "notebooks/5_2_literature" not in toc:
        pytest.skip("chapter 5.2 is not in _toc.yml")
    chapter = HTML / "notebooks" / "5_2_literature.html"
    if not (HTML / "index.html").exists():
        pytest.skip("no built book: run tests/test_book.py first (a full test run does)")
    assert chapter.exists(), "the built book has no chapter 5.2 although _toc.yml lists it"
    browser.get(chapter.as_uri())
    for _ in range(20):  # the script runs when the page has loaded
        links = browser.execute_script(
            "return Array.from(document.querySelectorAll('.lit-table a[data-ref]'))"
            ".map(a => [a.getAttribute('data-ref'), a.getAttribute('href')]);")
        if links and all("bibliography.html#" in href for _, href in links):
            break
        time.sleep(0.25)
    rows = literature.load()
    assert len(links) == sum(len(r["refs"]) for r in rows)
    unresolved = [ref for ref, href in links if "bibliography.html#" not in href]
    assert not unresolved, f"rows whose reference found no entry in the bibliography: {unresolved}"
    # each link goes to the entry of its own reference: the SegAN row's to the entry of [49]
    href = dict(links)["49"]
    bibliography = (HTML / "book" / "bibliography.html")
    browser.get(bibliography.as_uri())
    entry = browser.execute_script(f"return document.getElementById('{href.split('#')[1]}').innerText;")
    assert "Survey reference [49]" in entry and "Segan" in entry, entry
    browser.get(chapter.as_uri())
    chapters = browser.execute_script(
        "return Array.from(document.querySelectorAll('.lit-table a[data-chapter]')).map(a => a.getAttribute('href'));")
    assert chapters and all(href.endswith(".html") for href in chapters), chapters[:5]
    for href in set(chapters):
        assert (chapter.parent / href).exists(), href
    Select(browser.find_element(By.CSS_SELECTOR, "[data-filter=application]")).select_by_value("detection")
    assert len(_visible_rows(browser)) == 6
