"""Pictures: image grids, loss curves, and a slice viewer for volumes that works in the static book."""
from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import torch


def image_grid(images, nrow: int = 8, padding: int = 2, value_range=None) -> np.ndarray:
    """Tile a batch ``(B, C, H, W)`` (C = 1 or 3) into one ``(rows*H, nrow*W[, 3])`` array in [0, 1].

    ``value_range=(low, high)`` maps that span to [0, 1] (e.g. ``(-1, 1)`` for generator output); by default
    the batch's own minimum and maximum are used.
    """
    x = torch.as_tensor(images).detach().cpu().float()
    if x.dim() == 3:
        x = x[:, None]
    if x.dim() != 4 or x.shape[1] not in (1, 3):
        raise ValueError(f"image_grid takes a batch (B, 1 or 3, H, W); got shape {tuple(x.shape)}.")
    low, high = value_range if value_range is not None else (float(x.min()), float(x.max()))
    x = ((x - low) / max(high - low, 1e-12)).clamp(0, 1)
    b, c, h, w = x.shape
    ncol = min(nrow, b)
    rows = -(-b // ncol)
    grid = torch.ones(c, rows * (h + padding) - padding, ncol * (w + padding) - padding)
    for i in range(b):
        r, col = divmod(i, ncol)
        grid[:, r * (h + padding): r * (h + padding) + h, col * (w + padding): col * (w + padding) + w] = x[i]
    grid = grid.numpy()
    return grid[0] if c == 1 else grid.transpose(1, 2, 0)


def show_grid(images, title=None, nrow=8, value_range=(-1, 1), ax=None, figsize=None):
    """Show a batch of images as a grid (grey scale for one channel)."""
    grid = image_grid(images, nrow=nrow, value_range=value_range)
    if ax is None:
        _, ax = plt.subplots(figsize=figsize or (min(12, 1.4 * min(nrow, len(images))), 1.4 * -(-len(images) // nrow)))
    ax.imshow(grid, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def smooth(values, window: int = 25) -> np.ndarray:
    """A running mean, to see a trend through noisy per-step losses."""
    values = np.asarray(values, dtype=float)
    if len(values) < window or window <= 1:
        return values
    kernel = np.ones(window) / window
    return np.convolve(values, kernel, mode="valid")


def plot_losses(history, keys=None, window: int = 25, ax=None, title="training losses"):
    """Loss curves from the history of any trainer of :mod:`gancourse.train` (raw in light colour, running
    mean on top): the values named ``keys``, or every value whose name starts with ``loss``."""
    if not isinstance(history, dict) or "step" not in history:
        raise ValueError("plot_losses takes the history a trainer's fit() returns: a dict with a 'step' list and "
                         "one list per value recorded.")
    keys = [k for k in history if k.startswith("loss")] if keys is None else list(keys)
    unknown = [k for k in keys if k not in history]
    if unknown:
        raise ValueError(f"the history has no {', '.join(unknown)}; it records {', '.join(history)}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3))
    steps = np.asarray(history["step"])
    for key in keys:
        values = np.asarray(history[key])
        line, = ax.plot(steps, values, alpha=0.25)
        trend = smooth(values, window)
        ax.plot(steps[len(steps) - len(trend):], trend, color=line.get_color(), label=key)
    ax.set_xlabel("step")
    ax.set_title(title)
    ax.legend()
    return ax


def markdown_table(rows, columns=None, formats=None, index_name: str = ""):
    """A Markdown table from ``rows`` (a list of dicts, one per row, or a dict of dicts keyed by the row's
    name, which becomes a first column headed ``index_name``), to show with ``IPython.display.Markdown``:
    the book renders it as a table.

    ``columns``: which keys, in order (default: the first row's); ``formats``: a format per column, such as
    ``{"PSNR": "{:.1f}"}`` (default: ``{:.3g}`` for floats, ``str`` otherwise). A ``|`` inside a cell is
    escaped so that it cannot split the table.
    """
    if isinstance(rows, dict):
        if columns is not None:
            columns = [index_name, *columns]
        rows = [{index_name: name, **row} for name, row in rows.items()]
    rows = list(rows)
    if not rows or not all(isinstance(row, dict) for row in rows):
        raise ValueError("markdown_table takes a non-empty list of dicts (one per row) or a dict of dicts.")
    columns = list(columns) if columns is not None else list(rows[0])
    formats = formats or {}

    def cell(row, column):
        if column not in row:
            return ""
        value = row[column]
        if column in formats:
            text = formats[column].format(value)
        elif isinstance(value, float):
            text = f"{value:.3g}"
        else:
            text = str(value)
        return text.replace("|", "\\|")

    lines = ["| " + " | ".join(str(c).replace("|", "\\|") for c in columns) + " |",
             "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row, c) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def say(text: str, **values):
    """Show a sentence of the chapter's prose whose numbers come from this run: ``text`` is Markdown with
    ``{name}`` fields (format specs allowed, ``{gain:.1f}``) filled from ``values``. The book and Colab both
    render it as text. A value that is missing (None) or not a number (NaN) raises instead of printing
    "None" into the prose, so a chapter cannot state a result its run did not produce."""
    import string
    fields = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    missing = sorted(fields - set(values))
    if missing:
        raise ValueError(f"say(): no value given for {missing}; pass them as keywords, e.g. say(text, {missing[0]}=...)")
    empty = sorted(name for name in fields if values[name] is None
                   or (isinstance(values[name], (float, np.floating)) and np.isnan(values[name])))
    if empty:
        raise ValueError(f"say(): {empty} came out None or NaN; the run did not produce them, so the sentence "
                         "would be false. Check the cells that compute them.")
    rendered = text.format(**values)
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
        if get_ipython() is not None:
            display(Markdown(rendered))
            return
    except ImportError:
        pass
    print(rendered)


def mean_and_spread(values, digits: int = 0, signed: bool = False, all_missing: str = "diverged") -> str:
    """``"mean ± standard deviation"`` of ``values`` over seeds; the mean alone for one value. NaN entries
    (runs that failed, or had nothing to measure) are left out, and then the count kept is said:
    ``"0.41 ± 0.05 (2 of 3 seeds)"``; ``all_missing`` is written when every value is NaN. ``signed`` writes a +
    before a positive mean (for gains)."""
    values = np.asarray(values, dtype=float)
    if values.size == 0 or np.all(np.isnan(values)):
        return all_missing
    kept = values[~np.isnan(values)]
    sign = "+" if signed else ""
    counted = f" ({len(kept)} of {values.size} seeds)" if len(kept) < values.size else ""
    if len(kept) == 1:
        return f"{kept[0]:{sign}.{digits}f}{counted}"
    return f"{kept.mean():{sign}.{digits}f} ± {kept.std(ddof=1):.{digits}f}{counted}"


def _png(array, vmin, vmax, cmap):
    buffer = io.BytesIO()
    plt.imsave(buffer, array, cmap=cmap, vmin=vmin, vmax=vmax, format="png")
    return buffer.getvalue()


# ipywidgets 7 has no Stack: its slices go in a Tab whose tab bar and page frame these rules hide, so that it looks
# like a Stack (the class scopes them to the viewer; ``widget-tab-bar`` and ``widget-tab-contents`` are the class
# names of ipywidgets 7 and 8 alike)
_SLICES_CLASS = "gancourse-slice-viewer-slices"
_HIDE_TAB_BAR = (f"<style>.{_SLICES_CLASS} > .widget-tab-bar {{ display: none !important; }} "
                 f".{_SLICES_CLASS} > .widget-tab-contents {{ border: 0 !important; padding: 0 !important; }}</style>")


def _one_at_a_time(widgets, images, selected: int):
    """A container that shows one of ``images``, the one at its ``selected_index``, plus the extra widgets it
    needs: a ``Stack`` in ipywidgets 8; in ipywidgets 7, which has no Stack, a ``Tab`` with its tab bar hidden
    by a style element."""
    if hasattr(widgets, "Stack"):
        return widgets.Stack(images, selected_index=selected), []
    tab = widgets.Tab(images)
    tab.selected_index = selected  # after the children, which bound it
    tab.add_class(_SLICES_CLASS)
    return tab, [widgets.HTML(_HIDE_TAB_BAR)]


def slice_viewer(volume, axis: int = 0, cmap: str = "gray", vmin=None, vmax=None, max_slices: int = 64, width=256):
    """An ipywidgets slider through the slices of a 3-D volume.

    Every slice (at most ``max_slices``, evenly spaced) is rendered once to a PNG image, and the slider is
    linked to the container that shows one image at a time in the browser (``jslink``), so the viewer also
    works in the static HTML book, where no Python kernel runs.

    Works with ipywidgets 7.7 (Colab's) and 8. The viewer is a ``VBox`` whose first child is the slider and
    whose second holds the slices: with ipywidgets 8 a ``Stack``; with ipywidgets 7, which has no Stack, a
    ``Tab`` whose tab bar is hidden by a third child, an ``HTML`` widget holding a style element. Either
    way the slider's ``value`` is linked to the container's ``selected_index``.
    """
    import ipywidgets as widgets

    v = torch.as_tensor(volume).detach().cpu().float().squeeze()
    if v.dim() != 3:
        raise ValueError(f"slice_viewer takes one 3-D volume (D, H, W); got shape {tuple(torch.as_tensor(volume).shape)}.")
    v = v.movedim(axis, 0).numpy()
    vmin = float(v.min()) if vmin is None else vmin
    vmax = float(v.max()) if vmax is None else vmax
    index = np.unique(np.linspace(0, v.shape[0] - 1, min(max_slices, v.shape[0])).round().astype(int))
    images = [widgets.Image(value=_png(v[i], vmin, vmax, cmap), format="png", width=width) for i in index]
    slices, extra = _one_at_a_time(widgets, images, selected=len(images) // 2)
    slider = widgets.IntSlider(value=len(images) // 2, min=0, max=len(images) - 1, description="slice",
                               continuous_update=True)
    widgets.jslink((slider, "value"), (slices, "selected_index"))
    return widgets.VBox([slider, slices, *extra])


def show_panels(panels, titles=None, style=None, outline=None, figsize=None, suptitle=None):
    """A grid of single images with a title each, for a figure whose columns (or rows) mean different things.

    ``panels``: a list of rows, each a list of images (tensors or arrays of shape ``(H, W)``; leading axes of
    size 1, such as a channel, are dropped). ``titles``: the same nesting of strings, or None. ``style(row,
    col)``: keyword arguments for ``imshow`` (``cmap``, ``vmin``, ``vmax``); grey on the image's own range by
    default. ``outline``: ``{(row, col): mask}``, a mask drawn as a red contour on that panel. Returns the
    figure."""
    if not panels or not all(len(row) == len(panels[0]) and len(row) for row in panels):
        raise ValueError("panels is a list of rows of images, every row the same non-zero length; got rows of "
                         f"lengths {[len(row) for row in panels]}.")
    n_rows, n_cols = len(panels), len(panels[0])
    fig, axes = plt.subplots(n_rows, n_cols, figsize=figsize or (2.2 * n_cols, 2.2 * n_rows), squeeze=False)
    for r, row in enumerate(panels):
        for c, image in enumerate(row):
            image = torch.as_tensor(image).detach().cpu().squeeze()
            if image.dim() != 2:
                raise ValueError(f"panel ({r}, {c}) must be one 2-D image; got shape {tuple(image.shape)}.")
            ax = axes[r, c]
            ax.imshow(image.numpy(), **({"cmap": "gray"} | (style(r, c) if style else {})))
            if titles is not None:
                ax.set_title(titles[r][c], fontsize=8)
            if outline and (r, c) in outline:
                ax.contour(torch.as_tensor(outline[r, c]).detach().cpu().squeeze().numpy(), [0.5],
                           colors="red", linewidths=0.6)
            ax.axis("off")
    if suptitle:
        fig.suptitle(suptitle)
    plt.tight_layout()
    return fig
