"""The benchmarks' own instruments: the simulator clock that notebook_times.py runs in every notebook."""
import sys
from pathlib import Path

import nbformat

from gancourse.data import brain
from gancourse.data.brain import BrainSimulator

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import notebook_times  # noqa: E402
import report  # noqa: E402
import simulator_clock  # noqa: E402


def test_the_clock_counts_each_request_once_even_when_it_is_rendered_in_chunks(monkeypatch):
    # monkeypatch restores the simulator's own methods after the test
    monkeypatch.setattr(BrainSimulator, "sample", BrainSimulator.sample)
    monkeypatch.setattr(BrainSimulator, "volumes", BrainSimulator.volumes)
    monkeypatch.setattr(brain, "CHUNK_PIXELS", 40 * 32 ** 2)  # a request of 100 slices renders as 40 + 40 + 20
    monkeypatch.setattr(simulator_clock, "_clock", {"seconds": 0.0, "slices": 0, "volumes": 0})
    simulator_clock.install()
    simulator_clock.install()  # a second install must not time every call twice
    simulator = BrainSimulator(32, seed=0)
    assert len(simulator.sample(100)) == 100
    simulator.sample(7)
    simulator.volumes(2, size=16)
    figures = simulator_clock.parse("other output\n" + simulator_clock.report() + "\n")
    assert figures["slices"] == 107 and figures["volumes"] == 2
    assert 0 < figures["seconds"] < 60


def test_parse_finds_no_figures_in_output_without_the_clock():
    assert simulator_clock.parse("a chapter's table\n| a | b |\n") is None


def test_notebook_times_adds_the_clock_around_a_notebook_without_changing_its_cells():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A chapter"),
                                               nbformat.v4.new_code_cell("x = 1")])
    clocked = notebook_times.with_simulator_clock(notebook)
    assert [cell.source for cell in clocked.cells[1:-1]] == ["# A chapter", "x = 1"]
    assert "simulator_clock.install()" in clocked.cells[0].source
    assert clocked.cells[-1].source == "print(simulator_clock.report())"
    assert len(notebook.cells) == 2  # the notebook itself is untouched


def test_the_share_table_judges_only_chapters_that_train():
    def run(seconds, simulating, slices):
        return {"cpu": {"seconds": seconds, "machine": "m", "date": "d",
                        "simulator": {"seconds": simulating, "slices": slices, "volumes": 0}}}
    times = {"00_getting_started": run(13.0, 2.0, 2000),  # ratio 5.5, but it trains nothing
             "3_1_gan": run(110.0, 10.0, 1000),  # rest 100 s / 10 s simulating: 10x, met
             "3_2_dcgan": run(45.0, 5.0, 1000),  # 8x, not met
             "3_3_pix2pix": {"smoke": {"seconds": 9.0, "machine": "m", "date": "d"}}}  # no cpu run: left out
    text = "\n".join(report.simulator_share(times))
    assert "| 3_1_gan | 1,000 | 0 | 10.0 s | 100 s | 9.1 % | 10x |" in text
    assert "In 1 of the 2 chapters that train a network" in text and "lowest ratio is 8x (3_2_dcgan)" in text
    assert "00_getting_started trains nothing" in text and "3_3_pix2pix" not in text
    assert report.simulator_share({"3_3_pix2pix": times["3_3_pix2pix"]}) == []


def test_a_chapters_displayed_tables_are_recorded_and_reported():
    table = "| method | Dice |\n|---|---|\n| U-Net | 0.41 |"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("show()")])
    notebook.cells[0].outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": "**Verdict**: no table here"}),
        nbformat.v4.new_output("display_data", data={"text/markdown": table + "\n"}),
        nbformat.v4.new_output("stream", text="| not | markdown |\n|---|---|\n")]
    assert notebook_times.result_tables(notebook) == [table]

    def run(tables):
        return {"cpu": {"seconds": 200.0, "machine": "m", "date": "2026-12-01", "tables": tables}}
    text = "\n".join(report.chapter_results({"4_2_segmentation": run([table]), "3_1_gan": run([]),
                                             "3_2_dcgan": {"cpu": {"seconds": 1.0, "machine": "m", "date": "d"}}}))
    assert "### 4_2_segmentation (2026-12-01, 200 s)\n\n" + table in text
    assert "### 3_1_gan (2026-12-01, 200 s)\n\nThis chapter displays no table." in text
    assert "### 3_2_dcgan (d, 1 s)\n\nTables not recorded in this run." in text
