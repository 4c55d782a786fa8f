"""Two explorers of the survey's tables: a static HTML table that filters itself with a few lines of plain
JavaScript (the online book, with no kernel and no network), and an ipywidgets one for Jupyter and Colab.

Each row links to its entry in the bibliography and to the book's chapters that build what it uses. In a
notebook the reference links point at the chapter's own References cell (``#survey16``); in the built book
the script finds the page's citation links to the bibliography (their titles say "Survey reference [16]")
and points the rows at the same entries, and turns the chapter links from ``.ipynb`` into ``.html``.
"""
from __future__ import annotations

import html
import itertools

from .tables import (APPLICATIONS, CHAPTER_TITLES, FAMILIES, MODALITIES, chapters_of, count, papers, searchable,
                     select)

COLUMNS = ("Table", "Paper", "Year", "Application", "GAN family", "Method and architecture", "Modality",
           "Data set", "Resolution or reported performance", "Chapters")
_ids = itertools.count()

_SCRIPT = """
(function () {
  var root = document.getElementById("%(id)s");
  var rows = Array.prototype.slice.call(root.querySelectorAll("tbody tr"));
  var controls = Array.prototype.slice.call(root.querySelectorAll("[data-filter]"));
  var order = %(applications)s;
  function update() {
    var want = {};
    controls.forEach(function (c) { want[c.getAttribute("data-filter")] = c.value.trim().toLowerCase(); });
    var shown = 0, refs = {}, per = {};
    rows.forEach(function (r) {
      var year = parseInt(r.getAttribute("data-year"), 10);
      var ok = (!want.application || r.getAttribute("data-application") === want.application)
        && (!want.family || r.getAttribute("data-family").toLowerCase() === want.family)
        && (!want.modality || r.getAttribute("data-modalities").toLowerCase().split("|").indexOf(want.modality) >= 0)
        && (!want.from || (year >= parseInt(want.from, 10)))
        && (!want.to || (year <= parseInt(want.to, 10)))
        && (!want.text || r.getAttribute("data-text").indexOf(want.text) >= 0);
      r.style.display = ok ? "" : "none";
      if (ok) {
        shown += 1;
        r.getAttribute("data-refs").split(" ").forEach(function (n) { refs[n] = true; });
        var a = r.getAttribute("data-application");
        per[a] = (per[a] || 0) + 1;
      }
    });
    var parts = order.filter(function (a) { return per[a]; }).map(function (a) { return a + " " + per[a]; });
    root.querySelector(".lit-count").textContent = shown + " of " + rows.length + " rows shown ("
      + Object.keys(refs).length + " papers)" + (parts.length ? ": " + parts.join(", ") : "");
  }
  controls.forEach(function (c) {
    c.addEventListener("input", update);
    c.addEventListener("change", update);
  });
  function link() {
    if (!/\\.html?$/.test(window.location.pathname)) { return; }  // a notebook: the links work as written
    root.querySelectorAll("a[data-chapter]").forEach(function (a) {
      a.setAttribute("href", a.getAttribute("data-chapter") + ".html");
    });
    var entries = {};
    document.querySelectorAll("a[href*='bibliography.html#']").forEach(function (a) {
      var m = (a.getAttribute("title") || "").match(/Survey reference \\[(\\d+)\\]/);
      if (m && !entries[m[1]]) { entries[m[1]] = a.getAttribute("href"); }
    });
    root.querySelectorAll("a[data-ref]").forEach(function (a) {
      a.setAttribute("href", entries[a.getAttribute("data-ref")] || "%(bibliography)s");
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", link); } else { link(); }
  update();
})();
"""

_STYLE = """
#%(id)s .lit-controls { display: flex; flex-wrap: wrap; gap: 0.4em 1em; margin-bottom: 0.5em; }
#%(id)s .lit-table-wrap { max-height: 38em; overflow: auto; }
#%(id)s table { border-collapse: collapse; font-size: 0.8em; }
#%(id)s th, #%(id)s td { border-bottom: 1px solid #ccc; padding: 0.2em 0.4em; vertical-align: top;
  text-align: left; }
#%(id)s th { position: sticky; top: 0; background: #f4f4f4; }
"""


def _cells(row) -> list:
    """A row's cells as HTML (escaped)."""
    e = html.escape
    paper = "<br>".join(f'<a data-ref="{n}" href="#{key}">[{n}]</a> {e(citation)}'
                        for n, key, citation in zip(row["refs"], row["keys"], row["citation"].split("; ")))
    method = f"<b>{e(row['method'])}</b>: " if row["method"] else ""
    losses = f"<br><i>losses:</i> {e(row['losses'])}" if row["losses"] else ""
    note = f"<br><i>note:</i> {e(row['note'])}" if row["note"] else ""
    category = f" ({e(row['category'])})" if row["category"] else ""
    chapters = "<br>".join(f'<a data-chapter="{c}" href="{c}.ipynb">{e(CHAPTER_TITLES[c])}</a>'
                           for c in chapters_of(row))
    return [str(row["table"]), paper, str(row["year"] or "n.d."), e(row["application"]) + category,
            e(row["family"]), method + e(row["architecture"]) + losses, e(row["modality"]), e(row["dataset"]),
            e(row["resolution"] or row["performance"]) + note, chapters]


def table_html(rows) -> str:
    """The rows as an HTML table, each ``<tr>`` carrying what the static filter reads."""
    body = []
    for row in rows:
        data = {"application": row["application"], "family": row["family"],
                "modalities": "|".join(row["modalities"]), "year": row["year"] or "",
                "refs": " ".join(str(n) for n in row["refs"]), "text": searchable(row)}
        attributes = " ".join(f'data-{k}="{html.escape(str(v))}"' for k, v in data.items())
        body.append(f"<tr {attributes}>" + "".join(f"<td>{c}</td>" for c in _cells(row)) + "</tr>")
    head = "".join(f"<th>{c}</th>" for c in COLUMNS)
    return f'<table class="lit-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _select(name, label, options) -> str:
    choices = "".join(f'<option value="{html.escape(o)}">{html.escape(o)}</option>' for o in options)
    return (f'<label>{label} <select data-filter="{name}"><option value="">all</option>{choices}'
            f"</select></label>")


def static_explorer(rows, *, bibliography: str = "../book/bibliography.html") -> str:
    """The whole explorer as one HTML fragment (controls, counts, table, style and script), with no external
    file: it works offline, in the built book and in a trusted notebook. ``bibliography`` is where a
    reference without a citation link on the page points in the built book."""
    ident = f"gancourse-literature-{next(_ids)}"
    years = sorted({row["year"] for row in rows if row["year"]})
    controls = "".join([
        f'<label>search <input type="search" data-filter="text" placeholder="SeGAN, BRATS, PSNR, ..." '
        f'size="22"></label>',
        _select("application", "application", [a for a in APPLICATIONS if count(rows, "application").get(a)]),
        _select("family", "GAN family", [f for f in FAMILIES if count(rows, "family").get(f)]),
        _select("modality", "modality", [m for m in MODALITIES if count(rows, "modality").get(m)]),
        _select("from", "from", [str(y) for y in years]),
        _select("to", "to", [str(y) for y in years]),
    ])
    script = _SCRIPT % {"id": ident, "applications": "[" + ", ".join(f'"{a}"' for a in APPLICATIONS) + "]",
                        "bibliography": bibliography}
    return (f'<div id="{ident}" class="gancourse-literature"><style>{_STYLE % {"id": ident}}</style>'
            f'<div class="lit-controls">{controls}</div>'
            f'<p class="lit-count">{len(rows)} rows ({papers(rows)} papers)</p>'
            f'<div class="lit-table-wrap">{table_html(rows)}</div><script>{script}</script></div>')


def show_static(rows):
    """Display the static explorer in a notebook (and in the book built from it)."""
    from IPython.display import HTML, display

    display(HTML(static_explorer(rows)))


def widget_explorer(rows):
    """The explorer as ipywidgets: the same filters, run by Python (needs a kernel). Returns the widget."""
    import ipywidgets as widgets

    years = sorted({row["year"] for row in rows if row["year"]})

    def dropdown(description, options):
        return widgets.Dropdown(options=[("all", None)] + [(o, o) for o in options], description=description)

    application = dropdown("application", [a for a in APPLICATIONS if count(rows, "application").get(a)])
    family = dropdown("GAN family", [f for f in FAMILIES if count(rows, "family").get(f)])
    modality = dropdown("modality", [m for m in MODALITIES if count(rows, "modality").get(m)])
    span = widgets.IntRangeSlider(value=(years[0], years[-1]), min=years[0], max=years[-1], description="years")
    text = widgets.Text(description="search", placeholder="SeGAN, BRATS, PSNR, ...")
    summary, table = widgets.HTML(), widgets.HTML()

    def update(*_):
        every_year = tuple(span.value) == (years[0], years[-1])
        shown = select(rows, application=application.value, family=family.value, modality=modality.value,
                       years=None if every_year else tuple(span.value), text=text.value.strip() or None)
        per = ", ".join(f"{k} {v}" for k, v in count(shown, "application").items())
        summary.value = (f"<p>{len(shown)} of {len(rows)} rows shown ({papers(shown)} papers)"
                         + (f": {per}" if per else "") + "</p>")
        table.value = f'<div style="max-height: 38em; overflow: auto">{table_html(shown)}</div>'

    for control in (application, family, modality, span, text):
        control.observe(update, names="value")
    update()
    return widgets.VBox([widgets.HBox([application, family, modality]), widgets.HBox([span, text]), summary,
                         table])
