"""Pictures: grids laid out by hand, running means against NumPy, plots read back through matplotlib's own API,
tables rendered by a Markdown parser, and the slice viewer's widgets."""
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from gancourse.viz import image_grid, markdown_table, plot_losses, show_grid, slice_viewer, smooth  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# --------------------------------------------------------------------------- image_grid
def test_image_grid_layout_padding_and_value_range_by_hand():
    # three 2x2 grey images with values 0..4, two per row, one pixel of padding
    images = torch.tensor([[[0.0, 1.0], [2.0, 3.0]],
                           [[4.0, 4.0], [0.0, 0.0]],
                           [[2.0, 2.0], [2.0, 1.0]]])[:, None]
    grid = image_grid(images, nrow=2, padding=1, value_range=(0, 4))
    P = 1.0  # padding and the empty slot are white
    expected = np.array([
        [0.00, 0.25, P, 1.00, 1.00],
        [0.50, 0.75, P, 0.00, 0.00],
        [P, P, P, P, P],
        [0.50, 0.50, P, P, P],
        [0.50, 0.25, P, P, P],
    ])
    assert isinstance(grid, np.ndarray) and grid.shape == (5, 5)
    np.testing.assert_allclose(grid, expected, atol=1e-7)


def test_image_grid_default_range_is_the_batch_min_and_max():
    images = torch.tensor([[[-2.0, 6.0]], [[2.0, 0.0]]])[:, None]  # (2, 1, 1, 2); min -2, max 6
    grid = image_grid(images, nrow=8, padding=0)  # nrow larger than the batch: one row of two
    np.testing.assert_allclose(grid, [[0.0, 1.0, 0.5, 0.25]], atol=1e-7)


def test_image_grid_clamps_values_outside_the_range():
    images = torch.tensor([[[[-5.0, -1.0, 0.0, 1.0, 3.0]]]])
    grid = image_grid(images, value_range=(-1, 1), padding=0)
    np.testing.assert_allclose(grid, [[0.0, 0.0, 0.5, 1.0, 1.0]], atol=1e-7)


def test_image_grid_without_padding_is_the_tiled_batch():
    rng = np.random.default_rng(0)
    batch = rng.uniform(0, 1, size=(6, 1, 3, 4)).astype(np.float32)
    grid = image_grid(torch.from_numpy(batch), nrow=3, padding=0, value_range=(0, 1))
    expected = np.block([[batch[0, 0], batch[1, 0], batch[2, 0]],
                         [batch[3, 0], batch[4, 0], batch[5, 0]]])
    np.testing.assert_allclose(grid, expected, atol=1e-7)


def test_image_grid_of_colour_images_is_height_width_channels():
    images = torch.zeros(2, 3, 2, 2)
    images[0, 0] = 1.0  # red
    images[1, 2] = 1.0  # blue
    grid = image_grid(images, padding=1, value_range=(0, 1))
    assert grid.shape == (2, 5, 3)
    np.testing.assert_allclose(grid[:, :2], np.broadcast_to([1.0, 0.0, 0.0], (2, 2, 3)))
    np.testing.assert_allclose(grid[:, 2], np.ones((2, 3)))  # the white padding column
    np.testing.assert_allclose(grid[:, 3:], np.broadcast_to([0.0, 0.0, 1.0], (2, 2, 3)))


def test_image_grid_takes_a_batch_of_plain_images_and_refuses_two_channels():
    grid = image_grid(torch.tensor([[[0.0, 1.0]], [[1.0, 0.0]]]), padding=0, value_range=(0, 1))  # (B, H, W)
    np.testing.assert_allclose(grid, [[0.0, 1.0, 1.0, 0.0]])
    with pytest.raises(ValueError, match=r"\(B, 1 or 3, H, W\).*\(2, 2, 4, 4\)"):
        image_grid(torch.zeros(2, 2, 4, 4))


# --------------------------------------------------------------------------- smooth
def running_mean(values, window):
    """Each mean written out, independent of np.convolve."""
    return np.array([np.mean(values[i:i + window]) for i in range(len(values) - window + 1)])


@pytest.mark.parametrize("window", [2, 5, 25])
def test_smooth_is_the_running_mean(window):
    values = np.random.default_rng(1).normal(size=60)
    result = smooth(values, window)
    assert result.shape == (60 - window + 1,)
    np.testing.assert_allclose(result, running_mean(values, window), rtol=1e-12, atol=1e-12)


def test_smooth_by_hand():
    np.testing.assert_allclose(smooth([1, 2, 3, 4, 5, 6], window=3), [2, 3, 4, 5])
    np.testing.assert_allclose(smooth([1.0, 3.0, 8.0], window=3), [4.0])  # exactly one window


def test_smooth_leaves_short_inputs_and_window_one_unchanged():
    np.testing.assert_array_equal(smooth([3.0, 1.0, 2.0], window=25), [3.0, 1.0, 2.0])
    np.testing.assert_array_equal(smooth([3.0, 1.0, 2.0], window=1), [3.0, 1.0, 2.0])
    assert smooth([], window=5).shape == (0,)


# --------------------------------------------------------------------------- plot_losses
def a_history(n=40):
    rng = np.random.default_rng(2)
    return {"step": list(range(1, n + 1)), "seconds": list(np.linspace(0.1, 4, n)),
            "loss_g": list(rng.normal(2, 0.5, n)), "loss_d": list(rng.normal(1, 0.2, n)),
            "accuracy": list(rng.uniform(0, 1, n))}


def test_plot_losses_draws_raw_and_smoothed_line_for_every_loss():
    history, window = a_history(), 10
    ax = plot_losses(history, window=window)
    assert isinstance(ax, Axes)
    lines = ax.get_lines()
    assert len(lines) == 4  # loss_g and loss_d (not seconds, not accuracy), raw and smoothed each
    steps = np.array(history["step"])
    for (raw, trend), key in zip([lines[0:2], lines[2:4]], ["loss_g", "loss_d"]):
        np.testing.assert_array_equal(raw.get_xdata(), steps)
        np.testing.assert_allclose(raw.get_ydata(), history[key])
        np.testing.assert_array_equal(trend.get_xdata(), steps[window - 1:])  # a mean ends at its last step
        np.testing.assert_allclose(trend.get_ydata(), running_mean(np.array(history[key]), window))
        assert trend.get_label() == key and trend.get_color() == raw.get_color()
        assert raw.get_alpha() < 1
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["loss_g", "loss_d"]
    assert ax.get_xlabel() == "step" and ax.get_title() == "training losses"


def test_plot_losses_named_keys_on_a_given_axes():
    history = a_history(8)  # shorter than the window: the "trend" is the raw curve
    _, given = plt.subplots()
    ax = plot_losses(history, keys=["accuracy"], window=25, ax=given, title="accuracy")
    assert ax is given and len(ax.get_lines()) == 2
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), history["accuracy"])
    assert ax.get_title() == "accuracy"


def test_plot_losses_refuses_unknown_keys_and_non_histories():
    with pytest.raises(ValueError, match="no loss_x.*records step, seconds, loss_g"):
        plot_losses(a_history(), keys=["loss_g", "loss_x"])
    with pytest.raises(ValueError, match="'step' list"):
        plot_losses({"loss_g": [1.0, 2.0]})
    with pytest.raises(ValueError, match="'step' list"):
        plot_losses([1.0, 2.0])


# --------------------------------------------------------------------------- markdown_table
def test_markdown_table_exact_text():
    rows = [{"method": "pix2pix", "PSNR": 31.2345, "n": 3}, {"method": "L1 | only", "PSNR": 0.5, "n": 10}]
    assert markdown_table(rows) == (
        "| method | PSNR | n |\n"
        "|---|---|---|\n"
        "| pix2pix | 31.2 | 3 |\n"
        "| L1 \\| only | 0.5 | 10 |")


def test_markdown_table_columns_and_formats():
    rows = [{"method": "pix2pix", "PSNR": 31.2345, "n": 3}, {"method": "L1", "PSNR": 0.5}]
    assert markdown_table(rows, columns=["n", "PSNR"], formats={"PSNR": "{:.2f}"}) == (
        "| n | PSNR |\n"
        "|---|---|\n"
        "| 3 | 31.23 |\n"
        "|  | 0.50 |")  # a missing value is an empty cell
    assert markdown_table(rows, columns=["PSNR"], formats={"PSNR": "{:>6.1f}"}) == (
        "| PSNR |\n|---|\n|   31.2 |\n|    0.5 |")
    assert markdown_table([{"a|b": 1e-5}]) == "| a\\|b |\n|---|\n| 1e-05 |"


def test_markdown_table_missing_value_in_a_formatted_column_is_an_empty_cell():
    rows = [{"method": "pix2pix", "PSNR": 31.2345}, {"method": "L1"}]
    assert markdown_table(rows, formats={"PSNR": "{:.2f}"}) == (
        "| method | PSNR |\n|---|---|\n| pix2pix | 31.23 |\n| L1 |  |")


def test_markdown_table_from_a_dict_of_dicts():
    rows = {"pix2pix": {"L1": 0.1234, "FID": 12.0}, "baseline": {"L1": 0.2, "FID": 40.5}}
    assert markdown_table(rows) == (
        "|  | L1 | FID |\n"
        "|---|---|---|\n"
        "| pix2pix | 0.123 | 12 |\n"
        "| baseline | 0.2 | 40.5 |")


def test_markdown_table_renders_as_a_table_with_escaped_pipes():
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable("table").render(
        markdown_table([{"name": "a|b", "value": 1}, {"name": "c", "value": 2}]))
    assert html.count("<tr>") == 3 and html.count("<td>") == 4 and html.count("<th>") == 2
    assert "<td>a|b</td>" in html


@pytest.mark.parametrize("rows", [[], {}, [1, 2], [{"a": 1}, "b"]])
def test_markdown_table_refuses_empty_or_non_dict_rows(rows):
    with pytest.raises(ValueError, match="non-empty list of dicts"):
        markdown_table(rows)


# --------------------------------------------------------------------------- show_grid
def test_show_grid_draws_the_grid_in_grey_without_axes():
    images = torch.tensor([[[[-1.0, 0.0]]], [[[1.0, 0.5]]]])  # generator range [-1, 1]
    ax = show_grid(images, title="samples", nrow=2)
    assert isinstance(ax, Axes) and len(ax.get_images()) == 1
    picture = ax.get_images()[0]
    # padding 2 between the two 1x2 images; [-1, 1] -> [0, 1]
    np.testing.assert_allclose(np.asarray(picture.get_array()), [[0.0, 0.5, 1.0, 1.0, 1.0, 0.75]])
    assert picture.get_cmap().name == "gray" and picture.get_clim() == (0, 1)
    assert ax.get_title() == "samples" and not ax.axison


def test_show_grid_on_a_given_axes():
    _, given = plt.subplots()
    assert show_grid(torch.zeros(3, 1, 4, 4), ax=given) is given and len(given.get_images()) == 1
    assert given.get_title() == ""


# --------------------------------------------------------------------------- slice_viewer
def decode(png):
    return plt.imread(io.BytesIO(png), format="png")


def test_slice_viewer_keeps_at_most_max_slices():
    volume = torch.arange(10.0)[:, None, None].expand(10, 3, 5)  # slice d holds the value d everywhere
    viewer = slice_viewer(volume, max_slices=4)
    slider, stack = viewer.children
    assert len(stack.children) == 4  # min(10, 4)
    assert (slider.min, slider.max) == (0, 3)
    assert slider.value == stack.selected_index == 2
    # the slices kept are evenly spaced: 0, 3, 6, 9; slice 3 is 3/9 of the way from black to white
    for image, d in zip(stack.children, [0, 3, 6, 9]):
        pixels = decode(image.value)
        assert image.format == "png" and pixels.shape[:2] == (3, 5)
        np.testing.assert_allclose(pixels[..., :3], d / 9, atol=1 / 255 + 1e-6)


def test_slice_viewer_keeps_every_slice_of_a_thin_volume_and_other_axes():
    viewer = slice_viewer(torch.rand(1, 3, 6, 7))  # channel axis squeezed; depth 3 < 64
    assert len(viewer.children[1].children) == 3
    assert decode(viewer.children[1].children[0].value).shape[:2] == (6, 7)
    viewer = slice_viewer(torch.rand(3, 6, 7), axis=2, max_slices=64)
    assert len(viewer.children[1].children) == 7
    assert decode(viewer.children[1].children[0].value).shape[:2] == (3, 6)


def test_slice_viewer_refuses_images_that_are_not_volumes():
    with pytest.raises(ValueError, match=r"3-D volume \(D, H, W\).*\(4, 5\)"):
        slice_viewer(torch.zeros(4, 5))


def test_mean_and_spread_over_seeds_says_how_many_seeds_it_kept():
    import math

    from gancourse.viz import mean_and_spread

    assert mean_and_spread([0.4, 0.5, 0.6], 2) == "0.50 ± 0.10"  # sample sd of 0.4, 0.5, 0.6 is 0.1
    assert mean_and_spread([0.4, math.nan, 0.6], 2) == "0.50 ± 0.14 (2 of 3 seeds)"
    assert mean_and_spread([math.nan, 0.7, math.nan], 1) == "0.7 (1 of 3 seeds)"
    assert mean_and_spread([0.25], 2, signed=True) == "+0.25"
    assert mean_and_spread([math.nan, math.nan], 2) == "diverged"
    assert mean_and_spread([math.nan], 2, all_missing="no lesion predicted") == "no lesion predicted"


def test_say_fills_a_sentence_from_the_run(capsys):
    from gancourse.viz import say
    say("Minimax covers {mm} modes, non-saturating {ns}; gain {gain:+.1f} dB.", mm=8, ns=6, gain=1.234)
    assert capsys.readouterr().out == "Minimax covers 8 modes, non-saturating 6; gain +1.2 dB.\n"


@pytest.mark.parametrize("value", [None, float("nan")], ids=["None", "NaN"])
def test_say_refuses_a_value_the_run_did_not_produce(value):
    from gancourse.viz import say
    with pytest.raises(ValueError, match=r"\['gain'\] came out None or NaN"):
        say("The gain is {gain:.1f} dB.", gain=value)


def test_say_names_a_missing_value():
    from gancourse.viz import say
    with pytest.raises(ValueError, match=r"no value given for \['steps'\]"):
        say("After {steps} steps.")


def test_show_panels_places_each_image_with_its_style_title_and_outline():
    from gancourse.viz import show_panels
    a, b = torch.zeros(1, 4, 4), np.arange(16.0).reshape(4, 4)
    mask = np.zeros((4, 4))
    mask[1:3, 1:3] = 1
    fig = show_panels([[a, b], [b, a]], titles=[["A", "B"], ["C", "D"]],
                      style=lambda r, c: {"cmap": "magma", "vmin": 0, "vmax": 1} if c == 1 else {},
                      outline={(0, 0): mask})
    axes = fig.axes
    assert [ax.get_title() for ax in axes] == ["A", "B", "C", "D"]
    np.testing.assert_array_equal(axes[1].images[0].get_array(), b)  # row-major order, channel dropped
    assert axes[1].images[0].get_clim() == (0, 1) and axes[1].images[0].get_cmap().name == "magma"
    assert axes[0].images[0].get_cmap().name == "gray"
    assert len(axes[0].collections) > 0 and len(axes[2].collections) == 0  # the contour only where asked
    plt.close(fig)
    with pytest.raises(ValueError, match="same non-zero length"):
        show_panels([[a, b], [a]])
    with pytest.raises(ValueError, match="one 2-D image"):
        show_panels([[torch.zeros(2, 4, 4)]])
