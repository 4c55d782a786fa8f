# ---
# jupyter:
#   accelerator: GPU
#   colab:
#     gpuType: T4
#     provenance: []
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: accelerator,colab
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 5.2 The literature, interactive
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gancourse/gancourse/blob/v0.2.0/notebooks/5_2_literature.ipynb)
#
# *About 25 minutes to read; in the cpu profile it runs in 3 s on 2 CPU cores (the book's benchmarks measure it).*
#
# > **Note.** This chapter trains nothing, and runs the same in every profile (its last code cell
# > prints how long it took).
#
# The survey this book follows [(Kazeminia et al., 2020)](#kazeminia2020gans) sums up each application
# area of its Section 4 in tables: seventeen of them, one row per method, with the GAN architecture, the
# losses where it gives them, the imaging modality, the data set, and either the resolution of the
# synthesised images (Tables 1-3) or the performance the paper reported (Tables 4-17). Read as a PDF,
# the tables answer one question at a time, in the order the survey chose. Read as data, they answer
# questions the survey did not ask: which GAN families serve which applications, which modalities the
# field worked on, which metrics it reported.
#
# This chapter turns the tables into data, with `gancourse.literature`, and asks those questions. It
# also shows what turning a PDF's tables into data costs: extracting tables from a PDF is lossy, so
# every cell changed is listed, with its reason, in the rows' `note` column, and a cell the extracted
# text does not recover is marked as such rather than guessed.
#
# **Learning goals**
# - load the survey's Tables 1-17 as rows, and know where each cell comes from and what was corrected;
# - filter and count the literature by application, GAN family, modality and year, in the explorer
#   below and in code;
# - redraw the survey's Figure 1 from the tables, and cut the same papers by GAN family and by
#   modality;
# - write a keyword rule that sorts architectures into GAN families, and see where such a rule fails;
# - read a table's reported numbers critically: units, and whether they agree with each other.

# %%
# Setup: on Colab this installs gancourse 0.2.0, the release this notebook belongs to;
# where gancourse is installed already, it installs nothing. Then it says what will run where.
try:
    import gancourse
except ImportError:
    # %pip install -q "gancourse @ git+https://github.com/gancourse/gancourse@v0.2.0"
    import gancourse
from gancourse.profiles import runtime_summary

print(runtime_summary(notebook_release="0.2.0"))

# %%
import re
import time

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display

from gancourse import literature
from gancourse.exercises import check
from gancourse.viz import markdown_table, say

chapter_start = time.perf_counter()

# %% [markdown]
# ## The tables as data
#
# `literature.load()` reads the rows from a CSV file that ships with the library, extracted from the
# survey's tables: the extraction strips the markup that a PDF's text leaves in the cells, looks up
# each reference in the book's bibliography for its year, and applies a short, explicit list of
# corrections (the extraction script, `book/extract_survey_tables.py`, lists each with its reason).
# Each row is a dictionary; here, the row of SegAN [(Xue et al., 2018)](#survey49), which the survey's
# table spells "SeGAN":

# %%
rows = literature.load()
segan = [row for row in rows if row["method"] == "SeGAN"][0]
for field in ["table", "application", "category", "refs", "keys", "citation", "year",
              "method", "architecture", "losses", "modality", "dataset", "performance",
              "family", "modalities"]:
    print(f"{field:>13}: {segan[field]}")

# %% [markdown]
# The last two fields are not in the survey: `family` and `modalities` are derived by keyword rules of
# the library (below). The others are the survey's cells. How many rows each table has, and how many
# papers they cite (two rows cite two papers each):

# %%
per_table = {}
for t, n in literature.count(rows, "table").items():
    in_table = literature.select(rows, table=t)
    per_table[f"Table {t}"] = {"application": in_table[0]["application"],
                               "category": in_table[0]["category"] or "–",
                               "rows": n, "papers": literature.papers(in_table)}
display(Markdown(markdown_table(per_table, index_name="table")))
stated_papers, stated_synthesis = 77, 28  # the survey's Section 5.1, in words
n_papers = literature.papers(rows)
n_synthesis = literature.papers(literature.select(rows, application="synthesis"))
say("The tables hold **{n_rows} rows** citing **{n_papers} distinct papers**; the "
    "survey's Section 5.1 says it shortlisted {stated} papers, {stated_syn} of them on "
    "synthesis, and the tables cite {n_syn} synthesis papers.", n_rows=len(rows),
    n_papers=n_papers, stated=stated_papers, stated_syn=stated_synthesis,
    n_syn=n_synthesis)
print("the tables' count of papers agrees with the survey's:",
      n_papers == stated_papers and n_synthesis == stated_synthesis)

# %% [markdown]
# ### What extraction loses, and what was done about it
#
# Extracting tables from a PDF is lossy. Most rows came out whole; some did not: Table 7 (abdomen)
# lost its first column, so its rows had no reference; Tables 8 and 13 spread each row over several
# lines; a few cells carry a line break's hyphen, an opening bracket lost, or Cyrillic letters that
# look like "CT", and a few carry the survey's own typos. The extraction fixes only what the survey's
# text supports (for Table 7, the paragraph of Section 4.2.4 names the three papers in the table's
# order, with their architectures) and writes `[garbled in source]` where the extracted text does not
# recover a cell (the PDF may show it: read it there). Every cell changed is listed, with its reason,
# in the row's `note`:

# %%
corrected = [row for row in rows if row["note"]]
display(Markdown(markdown_table(
    {f"{row['table']}: [{', '.join(map(str, row['refs']))}]": {"note": row["note"]}
     for row in corrected}, index_name="table: reference")))
garbled = [row for row in rows
           if any("[garbled in source]" in str(value) for value in row.values())]
say("{n} of the {total} rows carry a note; {g} still hold a cell that the extracted "
    "text does not recover.", n=len(corrected), total=len(rows), g=len(garbled))

# %% [markdown]
# ## The explorer
#
# Filter the rows by application, GAN family, modality and year, or search every cell (try `SeGAN`,
# `BRATS`, `PSNR`, `phantom`). The line above the table counts the rows and papers shown, per
# application. Each reference links to its entry in the bibliography, and the last column to the
# chapters of this book that build the row's GAN family, its application, or the paper itself. The
# table is plain HTML with a few lines of JavaScript: it works in the online book, offline, without a
# running kernel.

# %%
literature.show_static(rows)

# %% [markdown]
# In Jupyter or on Colab, the same filters run in Python as a widget (the book shows only its code; it
# needs a running kernel):

# %% tags=["remove-output"]
literature.widget_explorer(rows)

# %% [markdown]
# The explorer's filters are `literature.select`, and its counts `literature.count`, which you can
# call yourself. For example, the detection rows that used a Wasserstein GAN:

# %%
for row in literature.select(rows, application="detection", family="WGAN"):
    print(f"[{row['refs'][0]}] {row['citation']}: {row['method'] or '–'} "
          f"({row['architecture']}); {row['modality']}; {row['performance']}")

# %% [markdown]
# ## The survey's Figure 1, redrawn
#
# The survey's introduction shows the distribution of its papers among the application categories in
# its Figure 1. The tables allow a redraw from their rows, to compare with that figure. The redraw
# counts the papers the tables cite, per application; the survey's figure may have counted
# differently (its Section 5.1 speaks of 77 papers, of which 28 on synthesis, and does not say how the
# figure counted). Rows and papers differ where a row cites two papers.

# %%
applications = list(literature.count(rows, "application"))
papers_per_application = {a: literature.papers(literature.select(rows, application=a))
                          for a in applications}
rows_per_application = literature.count(rows, "application")

fig, ax = plt.subplots(figsize=(8, 3.6))
positions = np.arange(len(applications))
ax.bar(positions - 0.2, [papers_per_application[a] for a in applications], 0.4,
       label="papers")
ax.bar(positions + 0.2, [rows_per_application[a] for a in applications], 0.4,
       label="table rows")
for x, a in zip(positions, applications):
    ax.text(x - 0.2, papers_per_application[a] + 0.3, str(papers_per_application[a]),
            ha="center", fontsize=8)
ax.set_xticks(positions, applications, rotation=20, ha="right", rotation_mode="anchor")
ax.set_ylabel("count")
ax.legend()
ax.set_title("The survey's Figure 1 redrawn from Tables 1-17: papers per application")
fig.tight_layout()
plt.show()
largest = max(papers_per_application, key=papers_per_application.get)
first_two = sum(papers_per_application[a] for a in ["synthesis", "segmentation"])
say("Synthesis and segmentation together account for {two} of the {total} papers "
    "({share:.0f} %); the largest category is {largest}, with {n} papers.",
    two=first_two, total=n_papers, share=100 * first_two / n_papers, largest=largest,
    n=papers_per_application[largest])

# %% [markdown]
# ## What the survey does not show: GAN families and modalities
#
# The survey names each row's architecture in words ("3D cond. GAN", "Tumor-Aware CycleGAN", "c-GAN,
# MGAN"). `literature.family` sorts those words into the families of the book's Part I by keyword
# rules, tried in order; the first that matches wins, and a row no rule matches is "other":

# %%
for name, pattern in literature.FAMILY_RULES:
    print(f"{name:>14}: {pattern}")

# %% [markdown]
# The order matters. "c-GAN, MGAN" (Rezaei et al. [(Rezaei et al., 2017)](#survey50)) names a
# conditional GAN and a Markovian one; the rule calls it conditional, because the conditional rule
# comes first. The word boundaries matter too: "DCGAN" contains the letters "cgan" and is not a
# conditional GAN. Rows and families, application by application:

# %%
families = [f for f in literature.FAMILIES if literature.count(rows, "family").get(f)]
by_family = {a: literature.count(literature.select(rows, application=a), "family")
             for a in applications}
modality_names = list(literature.count(rows, "modality"))
by_modality = {a: literature.count(literature.select(rows, application=a), "modality")
               for a in applications}

fig, axes = plt.subplots(1, 2, figsize=(12, 4))
for ax, columns, table, title in [
        (axes[0], families, by_family, "Table rows by GAN family (keyword rules)"),
        (axes[1], modality_names, by_modality, "Table rows by imaging modality")]:
    bottom = np.zeros(len(columns))
    for a in applications:
        heights = np.array([table[a].get(c, 0) for c in columns])
        ax.bar(columns, heights, bottom=bottom, label=a)
        bottom += heights
    ax.set_title(title)
    ax.set_ylabel("rows")
    plt.setp(ax.get_xticklabels(), rotation=40, ha="right", rotation_mode="anchor")
handles, labels = axes[0].get_legend_handles_labels()
fig.legend(handles, labels, title="application", fontsize=8, loc="center right")
fig.suptitle("The survey's tables cut two ways it does not show; colours: application")
fig.tight_layout(rect=(0, 0, 0.86, 1))
plt.show()
display(Markdown(markdown_table(
    {a: {f: by_family[a].get(f, 0) for f in families} for a in applications},
    index_name="application")))

# %%
family_counts = literature.count(rows, "family")
named = {f: n for f, n in family_counts.items() if f != "other"}
top_family = max(named, key=named.get)
modality_counts = literature.count(rows, "modality")
top_modality = max(modality_counts, key=modality_counts.get)
multi = sum(len(row["modalities"]) > 1 for row in rows)
say("Of the named families, **{top}** covers the most rows ({n} of {total}); {other} "
    "rows name no family the rules know (a plain \"GAN\", a U-Net with an adversarial "
    "loss, an autocontext network). **{mod}** is the most frequent modality, in {m} "
    "rows; {multi} rows name two modalities (an MR-to-CT translation, say) and count "
    "for both, so the modality counts add up to {sum_m}.", top=top_family,
    n=named[top_family], total=len(rows), other=family_counts.get("other", 0),
    mod=top_modality, m=modality_counts[top_modality], multi=multi,
    sum_m=sum(modality_counts.values()))

# %% [markdown]
# A keyword rule is a reading aid, not a classification of the papers. It sees only the table's words:
# RefineGAN [(Quan et al., 2017)](#survey22) trains with cyclic losses but is not called a CycleGAN in
# the table, so the rule files it under "other"; SegAN [(Xue et al., 2018)](#survey49) ("SeGAN" in the
# survey's table), a U-Net with an adversarial multi-scale critic, is "other" too, although Chapter
# 4.2 builds it. The explorer's
# "Chapters" column therefore also lists the chapters that build a paper itself.
#
# ## The years
#
# The survey covers papers up to the end of 2018. The tables' years, from the bibliography:

# %%
years = {a: literature.count(literature.select(rows, application=a), "year")
         for a in applications}
all_years = sorted({row["year"] for row in rows if row["year"] is not None})
per_year = {a: {str(y): years[a].get(y, 0) for y in all_years} for a in applications}
undated = [row for row in rows if row["year"] is None]
if undated:  # a column only where some row lacks a year in the bibliography
    for a in applications:
        per_year[a]["no year"] = years[a].get(None, 0)
display(Markdown(markdown_table(per_year, index_name="application")))
dated = [f"{n} from {y}" for y, n in literature.count(rows, "year").items() if y]
say("The {total} rows by year: {dated}{undated}.", total=len(rows), dated=", ".join(dated),
    undated=f"; {len(undated)} have no year in the bibliography" if undated else "")

# %% [markdown]
# ## What the tables report
#
# The survey's Section 5.3 names evaluation as one of the three drawbacks of GANs in medical imaging:
# pixel metrics such as PSNR and MSE are what most papers report, although their blind spots were a
# reason to turn to GANs in the first place. The tables let us count which metrics were reported, by
# searching the performance cells for each metric's name:

# %%
METRICS = {"Dice": r"\bDice\b", "PSNR": r"PSNR", "SSIM": r"SSIM",
           "(N)MSE / RMSE": r"MSE", "AUC / ROC": r"\bAUC\b|\bROC\b",
           "precision / recall / F-score":
               r"(?i)precision|recall|sensitivity|F-score|F1",
           "Hausdorff / surface distance": r"(?i)hausdorff|HSD|MSD|ASD",
           "reader scores": r"MOS|Quality|Subjective"}
scored = [row for row in rows if row["performance"]]
metric_rows = {a: {m: sum(bool(re.search(p, row["performance"])) for row in scored
                          if row["application"] == a) for m, p in METRICS.items()}
               for a in applications if a != "synthesis"}
display(Markdown(markdown_table(metric_rows, index_name="application")))
pixel = [row for row in literature.select(rows, application="reconstruction")
         + literature.select(rows, application="de-noising")
         if re.search(r"PSNR|SSIM|MSE", row["performance"])]
n_pixel_pool = len(literature.select(rows, application="reconstruction")
                   + literature.select(rows, application="de-noising"))
say("Of the {n} reconstruction and de-noising rows, {p} report PSNR, SSIM or an MSE.",
    n=n_pixel_pool, p=len(pixel))

# %% [markdown]
# The numbers themselves are not comparable across rows, and the tables do not claim they are: the
# papers used different data, splits and definitions. Even units differ: Dice is a fraction between 0
# and 1 in most rows, and a percentage in the rows printed here:

# %%
for row in rows:
    values = re.findall(r"Dice\s*=\s*([0-9.]+)", row["performance"])
    percent = [v for v in values if float(v) > 1]
    if percent:
        print(f"Table {row['table']}, [{row['refs'][0]}] {row['citation']}: "
              f"Dice = {', '.join(percent)}")

# %% [markdown]
# ## Exercises
#
# **1. Build it: the family rule.** Write `my_family(text)` that returns the GAN family of an
# architecture-and-losses text, as `literature.family` does. Try the rules in this order, ignoring
# case, and return the first family that matches, else `"other"`:
#
# | family | the text contains |
# |---|---|
# | CycleGAN | `cyclegan` or `cycle-gan` |
# | AC-GAN | the word `acgan` or `ac-gan`, or `auxiliary classifier` |
# | WGAN | a word starting with `wgan`, or `wasserstein` |
# | LSGAN | the word `lsgan`, or `least squares` / `least-squares` |
# | pix2pix/cGAN | `pix2pix`, the word `cgan` or `c-gan`, a word starting with `cond.`, or `conditional` |
# | Markovian GAN | the word `mgan`, or `markovian`, `patchgan` or `patch-gan` |
# | DCGAN | the word `dcgan` |
#
# "The word" means whole words: `re.search(r"\bcgan\b", text)`, not `"cgan" in text` (which finds
# the "cgan" inside "DCGAN"). The check runs your function on the architecture and losses of all 75
# rows, and on a few texts the tables never use.

# %% tags=["answer"]
def my_family(text):
    ...  # your code: return one of literature.FAMILIES


# %%
check("5.2.1", my_family)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_family(text):
#     rules = [("CycleGAN", r"cycle-?gan"),
#              ("AC-GAN", r"\bac-?gan\b|auxiliary classifier"),
#              ("WGAN", r"\bwgan|wasserstein"),
#              ("LSGAN", r"\blsgan\b|least[ -]squares"),
#              ("pix2pix/cGAN", r"pix2pix|\bc-?gan\b|\bcond\.|conditional"),
#              ("Markovian GAN", r"\bmgan\b|markovian|patch-?gan"),
#              ("DCGAN", r"\bdcgan\b")]
#     for name, pattern in rules:
#         if re.search(pattern, text, re.IGNORECASE):
#             return name
#     return "other"
# ```
#
# The order is the rule: "c-GAN, MGAN" matches both the conditional and the Markovian patterns, and
# "AnoGAN, WGAN-GP" is a Wasserstein GAN although "AnoGAN" was built on a DCGAN. A rule with
# `"cgan" in text` files every DCGAN row as conditional. `\bwgan` has no closing boundary so that
# "WGAN-GP" and "WGANs" match; `\bcond\.` needs the dot, since "cond" alone starts many other words.
#
# </details>

# %% [markdown]
# **2. U-Nets in segmentation.** The survey says that U-Net and ResNet are the most popular networks
# among its GAN-based segmenters. How many rows of Tables 4-10 name a U-Net in their architecture
# (ignoring case, so that "U-net" and "ResU-net" count)? Use `rows` and `literature.select`.

# %% tags=["answer"]
answer = ...  # a whole number

# %%
check("5.2.2", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# segmentation = literature.select(rows, table=range(4, 11))
# answer = sum("u-net" in row["architecture"].lower() for row in segmentation)
# ```
#
# Table 7's rows of Yang et al. and Kim and Ye have their architecture from the survey's Section
# 4.2.4, since the table lost that column. Count "resnet" or "res" the same way to
# weigh the survey's claim about ResNets; a search of `literature.select(..., text="u-net")` looks in
# every cell, losses and notes included, and may count a different set.
#
# </details>

# %% [markdown]
# **3. Do the reported numbers agree?** An F-score is the harmonic mean of precision $P$ and recall
# $R$: $F = 2PR/(P+R)$. Table 8 reports, for Arbelle and Riklin-Raviv
# [(Arbelle and Riklin-Raviv, 2018)](#survey64), a precision, a recall and an F-score. Compute the
# F-score that its precision and recall imply (print the row's `performance` to read them), to three
# decimals.

# %% tags=["answer"]
answer = ...  # a number

# %%
check("5.2.3", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# row = [r for r in rows if r["refs"] == (64,)][0]
# precision = float(re.search(r"Precision\s*=\s*([0-9.]+)", row["performance"]).group(1))
# recall = float(re.search(r"Recall\s*=\s*([0-9.]+)", row["performance"]).group(1))
# answer = 2 * precision * recall / (precision + recall)
# ```
#
# Compare it with the F-score the table reports: F = 0.89, with P = 0.82 and R = 0.85. No definition
# of the F-score gives that. A harmonic mean lies between its two arguments, so F can never exceed
# the larger of P and R, here 0.85. Nor can an F-score averaged over images reach it: the harmonic
# mean is concave, so the average of per-image F-scores is at most the F-score of the averaged
# precision and recall, which is the value you computed. The 0.89 cannot follow from these P and R
# under either definition: one of the numbers was mistranscribed (in the survey or the paper), or
# they come from different subsets or thresholds. Averaging does explain a gap the other way: for
# the MetaXpress data of Sadanandan et al. (Table 8's first row) the table gives F = 0.64 with
# P = R = 0.66, whose harmonic mean is 0.66; an F averaged over images may fall below that, so those
# three numbers can all be right. The lesson for the tables in general: a reported number is a claim
# to check against the paper before it is compared with another.
#
# </details>

# %% [markdown]
# **4. Build it: papers per application.** Figure 1's redraw counts papers, not rows. Write
# `my_papers_per_application(rows)` that returns a dictionary from each application present in `rows`
# to the number of distinct papers (survey references, `row["refs"]`) its rows cite, without the
# library's `papers`, `count` or `select`. The check runs it on all rows, on Tables 1-3, on rows given
# twice (a paper counts once), and on no rows at all.

# %% tags=["answer"]
def my_papers_per_application(rows):
    ...  # your code: return {application: number of papers}


# %%
check("5.2.4", my_papers_per_application)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_papers_per_application(rows):
#     papers = {}
#     for row in rows:
#         papers.setdefault(row["application"], set()).update(row["refs"])
#     return {application: len(refs) for application, refs in papers.items()}
# ```
#
# A set per application does it: counting rows would give the synthesis tables one paper too few
# for each of the two rows that cite two papers ([19, 20] and [28, 29]).
#
# </details>

# %% [markdown]
# **5. A better rule?** Find the rows that the family rule files under "other" and read their
# architectures and losses in the explorer. Which of them would you place in a family of Part I, and
# by which words? Change the rule (for example, count "cyclic" as CycleGAN) and say which rows move,
# and whether each move is right by the paper's own description in the survey's Section 4.
#
# <details><summary>Solution</summary>
#
# ```python
# others = literature.select(rows, family="other")
# for row in others:
#     print(row["refs"], row["architecture"], "|", row["losses"])
# cyclic = [row["refs"] for row in others if "cyclic" in row["losses"].lower()
#           + row["architecture"].lower()]
# print("would move to CycleGAN:", cyclic)
# ```
#
# "Cyclic" moves two rows: RefineGAN [22], whose cyclic loss is a data-consistency cycle in
# reconstruction (two chained generators, not two translation directions), and Ravì et al. [88],
# whose Section 4.3.3 entry "modifies the cyclic consistency approach" and is close to a CycleGAN. A
# keyword cannot tell the two apart; the paper can. Many "other" rows are plain "GAN" with a U-Net or
# a ResNet generator: their family is the non-saturating GAN of Chapter 3.1 with a task network, which
# is a fair reading of the table but not a family of its own.
#
# </details>

# %%
print(f"chapter run time: {time.perf_counter() - chapter_start:.1f} s")

# %% [markdown]
# ## The papers of the tables
#
# Every paper the tables cite, by application, in the tables' order:
#
# - **Synthesis (Tables 1-3)**: [(Kitchen and Seah, 2017)](#survey16), [(Chuquicusma et al., 2018)](#survey15), [(Frid-Adar et al., 2018)](#survey14), [(Bermudez et al., 2018)](#survey18), [(Baur et al., 2018)](#survey19), [(Baur et al., 2018)](#survey20), [(Nie et al., 2017)](#survey21), [(Wolterink et al., 2017)](#survey23), [(Zhao et al., 2018)](#survey24), [(Chartsias et al., 2017)](#survey25), [(Jiang et al., 2018)](#survey27), [(Costa et al., 2017)](#survey28), [(Costa et al., 2018)](#survey29), [(Jin et al., 2018)](#survey46), [(Guibas et al., 2017)](#survey30), [(Zhao et al., 2017)](#survey31), [(Ben-Cohen et al., 2017)](#survey32), [(Bi et al., 2017)](#survey33), [(Hu et al., 2017)](#survey35), [(Tom and Sheet, 2018)](#survey37), [(Mahapatra et al., 2018)](#survey38), [(Cho et al., 2017)](#survey39), [(Bayramoglu et al., 2017)](#survey40), [(Bentaieb and Hamarneh, 2018)](#survey41), [(Shaban et al., 2018)](#survey42), [(Han and Yin, 2017)](#survey43), [(Wolterink et al., 2018)](#survey44), [(Olut et al., 2018)](#survey45).
# - **Segmentation (Tables 4-10)**: [(Xue et al., 2018)](#survey49), [(Rezaei et al., 2017)](#survey50), [(Moeskops et al., 2017)](#survey52), [(Li et al., 2017)](#survey51), [(Kamnitsas et al., 2017)](#survey53), [(Zhao et al., 2018)](#survey54), [(Dai et al., 2017)](#survey55), [(Son et al., 2017)](#survey56), [(Lahiri et al., 2017)](#survey57), [(Shankaranarayana et al., 2017)](#survey58), [(Huo et al., 2018)](#survey59), [(Yang et al., 2017)](#survey61), [(Kim and Ye, 2018)](#survey62), [(Sadanandan et al., 2017)](#survey63), [(Arbelle and Riklin-Raviv, 2018)](#survey64), [(Zhang et al., 2017)](#survey65), [(Dong et al., 2018)](#survey67), [(Chartsias et al., 2018)](#survey69), [(Joyce et al., 2018)](#survey70), [(Xu et al., 2018)](#survey71), [(Sekuboyina et al., 2018)](#survey72).
# - **Reconstruction (Tables 11-13)**: [(Yu et al., 2017)](#survey75), [(Yang et al., 2018)](#survey76), [(Seitzer et al., 2018)](#survey77), [(Quan et al., 2017)](#survey22), [(Sánchez and Vilaplana, 2018)](#survey79), [(Chen et al., 2018)](#survey82), [(Li et al., 2017)](#survey84), [(Mardani et al., 2017)](#survey85), [(Shitrit and Riklin-Raviv, 2017)](#survey86), [(Zhang et al., 2018)](#survey87), [(Ravì et al., 2018)](#survey88), [(Han and Yin, 2018)](#survey89), [(Mahapatra et al., 2017)](#survey91).
# - **Detection (Table 14)**: [(Schlegl et al., 2017)](#survey17), [(Chen and Konukoglu, 2018)](#survey94), [(Baumgartner et al., 2017)](#survey96), [(Kohl et al., 2017)](#survey98), [(Udrea and Mitra, 2017)](#survey100), [(Tuysuzoglu et al., 2018)](#survey99).
# - **De-noising (Table 15)**: [(Wolterink et al., 2017)](#survey101), [(Wang et al., 2018)](#survey102), [(Yang et al., 2018)](#survey103), [(Yi and Babyn, 2018)](#survey104).
# - **Registration (Table 16)**: [(Fan et al., 2018)](#survey105), [(Yan et al., 2018)](#survey106), [(Hu et al., 2018)](#survey107).
# - **Classification (Table 17)**: [(Zhang et al., 2017)](#survey108), [(Ren et al., 2018)](#survey109).

# %% [markdown]
# ## Summary
#
# - The survey's Tables 1-17 are data in `gancourse.literature`: one row per table row, with the
#   survey's cells, the references' keys and years from the book's bibliography, and a note wherever
#   the extraction corrected a cell or found it unrecoverable.
# - Rows and papers are different counts: a row may cite two papers. The chapter computes both, and
#   compares the papers the tables cite with the number the survey states.
# - The redrawn Figure 1 and its two new cuts, by GAN family and by modality, are computed from the
#   rows above; the family is a keyword rule on the table's words, a reading aid that a reader can
#   check and change, not a classification of the papers.
# - The performance cells are claims in mixed units and definitions: count them, and check them
#   against each other and against the papers, before comparing them.


# %% [markdown]
# ## References
#
# <!-- references: written by book/_ext/portable_markdown.py from the book's BibTeX files -->
#
# <a id="kazeminia2020gans"></a>Kazeminia, Salome, Baur, Christoph, Kuijper, Arjan, van Ginneken, Bram, Navab, Nassir, Albarqouni, Shadi, et al. (2020). GANs for medical image analysis. *Artificial Intelligence in Medicine*. [doi:10.1016/j.artmed.2020.101938](https://doi.org/10.1016/j.artmed.2020.101938)
#
# <a id="survey49"></a>Xue, Y., Xu, T., Zhang, H., Long, L. R., Huang, X. (2018). Segan: Adversarial network with multi-scale l 1 loss for medical image segmentation. *Neuroinformatics (2018) 1–10*. [doi:10.1007/s12021-018-9377-x](https://doi.org/10.1007/s12021-018-9377-x)
#
# <a id="survey50"></a>Rezaei, M., Harmuth, K., Gierke, W., Kellermeier, T., Fischer, M., Yang, H., et al. (2017). A conditional adversarial network for semantic segmentation of brain tumor. *in: BrainLes@MICCAI, 2017*.
#
# <a id="survey22"></a>Quan, T. M., Nguyen-Duc, T., Jeong, W.-K. (2017). Compressed sensing mri reconstruction with cyclic loss in generative adversarial networks. *CoRR abs/1709.00753*. [arXiv:1709.00753](https://arxiv.org/abs/1709.00753)
#
# <a id="survey64"></a>Arbelle, A., Riklin-Raviv, T. (2018). Microscopy cell segmentation via adversarial neural networks. *2018 IEEE 15th International Symposium on Biomedical Imaging (ISBI 2018) (2018) 645–648*.
#
# <a id="survey16"></a>Kitchen, A., Seah, J. (2017). Deep generative adversarial neural networks for realistic prostate lesion mri synthesis. *CoRR abs/1708.00129*. [arXiv:1708.00129](https://arxiv.org/abs/1708.00129)
#
# <a id="survey15"></a>Chuquicusma, M. J. M., Hussein, S., Burt, J. R., Bagci, U. (2018). How to fool radiologists with generative adversarial networks? a visual turing test for lung cancer diagnosis. *2018 IEEE 15th International Symposium on Biomedical Imaging (ISBI 2018) (2018) 240–244*.
#
# <a id="survey14"></a>Frid-Adar, M., Klang, E., Amitai, M., Goldberger, J., Greenspan, H. (2018). Synthetic data augmentation using gan for improved liver lesion classification. *2018 IEEE 15th International Symposium on Biomedical Imaging (ISBI 2018) (2018) 289–293*. [doi:10.1109/ISBI.2018.8363576](https://doi.org/10.1109/ISBI.2018.8363576)
#
# <a id="survey18"></a>Bermudez, C., Plassard, A. J., Davis, L. T., Newton, A. T., Resnick, S. M., Landman, B. A. (2018). Learning implicit brain mri manifolds with deep learning. *arXiv preprint arXiv:1801.01847*. [arXiv:1801.01847](https://arxiv.org/abs/1801.01847)
#
# <a id="survey19"></a>Baur, C., Albarqouni, S., Navab, N. (2018). Melanogans: High resolution skin lesion synthesis with gans. *CoRR abs/1804.04338*. [arXiv:1804.04338](https://arxiv.org/abs/1804.04338)
#
# <a id="survey20"></a>Baur, C., Albarqouni, S., Navab, N. (2018). Generating highly realistic images of skin lesions with gans. *arXiv preprint arXiv:1809.01410*. [arXiv:1809.01410](https://arxiv.org/abs/1809.01410)
#
# <a id="survey21"></a>Nie, D., Trullo, R., Lian, J., Petitjean, C., Ruan, S., Wang, Q., et al. (2017). Medical image synthesis with context-aware generative adversarial networks. *in: International Conference on Medical Image Computing and Computer-Assisted Intervention, Springer, 2017, pp. 417–425*. [doi:10.1007/978-3-319-66179-7_48](https://doi.org/10.1007/978-3-319-66179-7_48)
#
# <a id="survey23"></a>Wolterink, J. M., Dinkla, A. M., Savenije, M. H., Seevinck, P. R., Berg, C. A. van den, Išgum, I. (2017). Deep mr to ct synthesis using unpaired data. *in: International Workshop on Simulation and Synthesis in Medical Imaging, Springer, 2017, pp. 14–23*. [doi:10.1007/978-3-319-68127-6_2](https://doi.org/10.1007/978-3-319-68127-6_2)
#
# <a id="survey24"></a>Zhao, M., Wang, L., Chen, J., Nie, D., Cong, Y., Ahmad, S., et al. (2018). Craniomaxillofacial bony structures segmentation from mri with deep-supervision adversarial learning. *in: International Conference on Medical Image Computing and Computer-Assisted Intervention, Springer, 2018, pp. 720–727*.
#
# <a id="survey25"></a>Chartsias, A., Joyce, T., Dharmakumar, R., Tsaftaris, S. A. (2017). Adversarial image synthesis for unpaired multi-modal cardiac data. *in: International Workshop on Simulation and Synthesis in Medical Imaging, Springer, 2017, pp. 3–13*.
#
# <a id="survey27"></a>Jiang, J., Hu, Y.-C., Tyagi, N., Zhang, P., Rimner, A., Mageras, G. S., et al. (2018). Tumor-aware, adversarial domain adaptation from ct to mri for lung cancer segmentation. *in: International Conference on Medical Image Computing and Computer-Assisted Intervention, Springer, 2018, pp. 777–785*.
#
# <a id="survey28"></a>Costa, P., Galdran, A., Meyer, M. I., Abràmoff, M. D., Niemeijer, M., Mendona, A. M., et al. (2017). Towards adversarial retinal image synthesis. *CoRR abs/1701.08974*. [arXiv:1701.08974](https://arxiv.org/abs/1701.08974)
#
# <a id="survey29"></a>Costa, P., Galdran, A., Meyer, M. I., Niemeijer, M., Abràmoff, M., Mendonça, A. M., et al. (2018). End-to-end adversarial retinal image synthesis. *IEEE transactions on medical imaging 37 (3) (2018) 781–791*. [doi:10.1109/TMI.2017.2759102](https://doi.org/10.1109/TMI.2017.2759102)
#
# <a id="survey46"></a>Jin, D., Xu, Z., Tang, Y., Harrison, A. P., Mollura, D. J. (2018). Ct-realistic lung nodule simulation from 3d conditional generative adversarial networks for robust lung segmentation. *arXiv preprint arXiv:1806.04051*. [arXiv:1806.04051](https://arxiv.org/abs/1806.04051)
#
# <a id="survey30"></a>Guibas, J. T., Virdi, T. S., Li, P. S. (2017). Synthetic medical images from dual generative adversarial networks. *CoRR abs/1709.01872*. [arXiv:1709.01872](https://arxiv.org/abs/1709.01872)
#
# <a id="survey31"></a>Zhao, H., Li, H., Cheng, L. (2017). Synthesizing filamentary structured images with gans. *CoRR abs/1706.02185*. [arXiv:1706.02185](https://arxiv.org/abs/1706.02185)
#
# <a id="survey32"></a>Ben-Cohen, A., Klang, E., Raskin, S. P., Amitai, M. M., Greenspan, H. (2017). Virtual pet images from ct data using deep convolutional networks: Initial results. *in: International Workshop on Simulation and Synthesis in Medical Imaging, Springer, 2017, pp. 49–57*. [doi:10.1007/978-3-319-68127-6_6](https://doi.org/10.1007/978-3-319-68127-6_6)
#
# <a id="survey33"></a>Bi, L., Kim, J., Kumar, A., Feng, D., Fulham, M. (2017). Synthesis of positron emission tomography (pet) images via multi-channel generative adversarial networks (gans). *in: Molecular Imaging, Reconstruction and Analysis of Moving Body Organs, and Stroke Imaging and Treatment, Springer, 2017, pp. 43–51*.
#
# <a id="survey35"></a>Hu, Y., Gibson, E., Lee, L.-L., Xie, W., Barratt, D. C., Vercauteren, T., et al. (2017). Freehand ultrasound image simulation with spatially-conditioned generative adversarial networks. *in: Molecular Imaging, Reconstruction and Analysis of Moving Body Organs, and Stroke Imaging and Treatment, Springer, 2017, pp. 105–115*.
#
# <a id="survey37"></a>Tom, F., Sheet, D. (2018). Simulating patho-realistic ultrasound images using deep generative networks with adversarial learning. *2018 IEEE 15th International Symposium on Biomedical Imaging (ISBI 2018) (2018) 1174–1177*.
#
# <a id="survey38"></a>Mahapatra, D., Bozorgtabar, B., Thiran, J.-P., Reyes, M. (2018). Efficient active learning for image classification and segmentation using a sample selection and conditional generative adversarial network. *arXiv preprint arXiv:1806.05473*. [arXiv:1806.05473](https://arxiv.org/abs/1806.05473)
#
# <a id="survey39"></a>Cho, H., Lim, S., Choi, G., Min, H. (2017). Neural stain-style transfer learning using gan for histopathological images. *CoRR abs/1710.08543*. [arXiv:1710.08543](https://arxiv.org/abs/1710.08543)
#
# <a id="survey40"></a>Bayramoglu, N., Kaakinen, M., Eklund, L., Heikkilä, J. (2017). Towards virtual h&e staining of hyperspectral lung histology images using conditional generative adversarial networks. *2017 IEEE International Conference on Computer Vision Workshops (ICCVW) (2017) 64–71*. [doi:10.1109/ICCVW.2017.15](https://doi.org/10.1109/ICCVW.2017.15)
#
# <a id="survey41"></a>Bentaieb, A., Hamarneh, G. (2018). Adversarial stain transfer for histopathology image analysis. *IEEE Transactions on Medical Imaging 37 (3) (2018) 792–802*.
#
# <a id="survey42"></a>Shaban, M. T., Baur, C., Navab, N., Albarqouni, S. (2018). Staingan: Stain style transfer for digital histological images. *CoRR abs/1804.01601*. [arXiv:1804.01601](https://arxiv.org/abs/1804.01601)
#
# <a id="survey43"></a>Han, L., Yin, Z. (2017). Transferring microscopy image modalities with conditional generative adversarial networks. *in: Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition Workshops, 2017, pp. 99– 107*.
#
# <a id="survey44"></a>Wolterink, J. M., Leiner, T., Isgum, I. (2018). Blood vessel geometry synthesis using generative adversarial networks. *arXiv preprint arXiv:1804.04381*. [arXiv:1804.04381](https://arxiv.org/abs/1804.04381)
#
# <a id="survey45"></a>Olut, S., Sahin, Y. H., Demir, U., Unal, G. (2018). Generative adversarial training for mra image synthesis using multi-contrast mri. *arXiv preprint arXiv:1804.04366*. [arXiv:1804.04366](https://arxiv.org/abs/1804.04366)
#
# <a id="survey52"></a>Moeskops, P., Veta, M., Lafarge, M. W., Eppenhof, K. A., Pluim, J. P. (2017). Adversarial training and dilated convolutions for brain mri segmentation. *in: Deep Learning in Medical Image Analysis and Multimodal Learning for Clinical Decision Support, Springer, 2017, pp. 56–64*.
#
# <a id="survey51"></a>Li, Z., Wang, Y., Yu, J. (2017). Brain tumor segmentation using an adversarial network. *in: International MICCAI Brainlesion Workshop, Springer, 2017, pp. 123–132*.
#
# <a id="survey53"></a>Kamnitsas, K., Baumgartner, C., Ledig, C., Newcombe, V., Simpson, J., Kane, A., et al. (2017). Unsupervised domain adaptation in brain lesion segmentation with adversarial networks. *in: International Conference on Information Processing in Medical Imaging, Springer, 2017, pp. 597–609*. [doi:10.1007/978-3-319-59050-9_47](https://doi.org/10.1007/978-3-319-59050-9_47)
#
# <a id="survey54"></a>Zhao, M., Wang, L., Chen, J., Nie, D., Cong, Y., Ahmad, S., et al. (2018). Craniomaxillofacial bony structures segmentation from mri with deep-supervision adversarial learning. *in: MICCAI, 2018*.
#
# <a id="survey55"></a>Dai, W., Doyle, J., Liang, X., Zhang, H., Dong, N., Li, Y., et al. (2017). Scan: Structure correcting adversarial network for organ segmentation in chest x-rays. *2017*.
#
# <a id="survey56"></a>Son, J., Park, S. J., Jung, K.-H. (2017). Retinal vessel segmentation in fundoscopic images with generative adversarial networks. *CoRR abs/1706.09318*. [arXiv:1706.09318](https://arxiv.org/abs/1706.09318)
#
# <a id="survey57"></a>Lahiri, A., Ayush, K., Biswas, P. K., Mitra, P. (2017). Generative adversarial learning for reducing manual annotation in semantic segmentation on large scale miscroscopy images: Automated vessel segmentation in retinal fundus image as test case. *2017 IEEE Conference on Computer Vision and Pattern Recognition Workshops (CVPRW) (2017) 794–800*.
#
# <a id="survey58"></a>Shankaranarayana, S. M., Ram, K., Mitra, K., Sivaprakasam, M. (2017). Joint optic disc and cup segmentation using fully convolutional and adversarial networks. *in: Fetal, Infant and Ophthalmic Medical Image Analysis, Springer, 2017, pp. 168–176*.
#
# <a id="survey59"></a>Huo, Y., Xu, Z., Bao, S., Bermudez, C., Plassard, A. J., Liu, J., et al. (2018). Splenomegaly segmentation using global convolutional kernels and conditional generative adversarial networks. *in: Medical Imaging 2018: Image Processing, Vol. 10574, International Society for Optics and Photonics, 2018, p. 1057409*.
#
# <a id="survey61"></a>Yang, D., Xu, D., Zhou, S. K., Georgescu, B., Chen, M., Grbic, S., et al. (2017). Automatic liver segmentation using an adversarial imageto-image network. *in: International Conference on Medical Image Computing and Computer-Assisted Intervention, Springer, 2017, pp. 507–515*.
#
# <a id="survey62"></a>Kim, B., Ye, J. C. (2018). Cycle-consistent adversarial network with polyphase u-nets for liver lesion segmentation. *Medical Imaging with Deep Learning (MIDL)*.
#
# <a id="survey63"></a>Sadanandan, S. K., Karlsson, J., Wählby, C. (2017). Spheroid segmentation using multiscale deep adversarial networks. *2017 IEEE International Conference on Computer Vision Workshops (ICCVW) (2017) 36–41*.
#
# <a id="survey65"></a>Zhang, Y., Yang, L., Chen, J., Fredericksen, M., Hughes, D. P., Chen, D. Z. (2017). Deep adversarial networks for biomedical image segmentation utilizing unannotated images. *in: MICCAI, 2017*. [doi:10.1007/978-3-319-66179-7_47](https://doi.org/10.1007/978-3-319-66179-7_47)
#
# <a id="survey67"></a>Dong, S., Luo, G., Wang, K., Cao, S., Mercado, A., Shmuilovich, O., et al. (2018). Voxelatlasgan: 3d left ventricle segmentation on echocardiography with atlas guided generation and voxel-to-voxel discrimination. *CoRR abs/1806.03619*. [arXiv:1806.03619](https://arxiv.org/abs/1806.03619)
#
# <a id="survey69"></a>Chartsias, A., Joyce, T., Papanastasiou, G., Semple, S., Williams, M., Newby, D. E., et al. (2018). Factorised spatial representation learning: Application in semi-supervised myocardial segmentation. *in: MICCAI, 2018*.
#
# <a id="survey70"></a>Joyce, T., Chartsias, A., Tsaftaris, S. A. (2018). Deep multi-class segmentation without ground-truth labels. *2018*.
#
# <a id="survey71"></a>Xu, C., Xu, L., Brahm, G., Zhang, H., Li, S. (2018). Mutgan: Simultaneous segmentation and quantification of myocardial infarction without contrast agents via joint adversarial learning. *in: MICCAI, 2018*.
#
# <a id="survey72"></a>Sekuboyina, A., Rempfler, M., Kukacka, J., Tetteh, G., Valentinitsch, A., Kirschke, J. S., et al. (2018). Btrfly net: Vertebrae labelling with energy-based adversarial learning of local spine prior. *CoRR abs/1804.01307*. [arXiv:1804.01307](https://arxiv.org/abs/1804.01307)
#
# <a id="survey75"></a>Yu, S., Dong, H., Yang, G., Slabaugh, G. G., Dragotti, P. L., Ye, X., et al. (2017). Deep de-aliasing for fast compressive sensing mri. *CoRR abs/1705.07137*. [arXiv:1705.07137](https://arxiv.org/abs/1705.07137)
#
# <a id="survey76"></a>Yang, G., Yu, S., Dong, H., Slabaugh, G., Dragotti, P. L., Ye, X., et al. (2018). Dagan: Deep de-aliasing generative adversarial networks for fast compressed sensing mri reconstruction. *IEEE Transactions on Medical Imaging*. [doi:10.1109/TMI.2017.2785879](https://doi.org/10.1109/TMI.2017.2785879)
#
# <a id="survey77"></a>Seitzer, M., Yang, G., Schlemper, J., Oktay, O., Würfl, T., Christlein, V., et al. (2018). Adversarial and perceptual refinement for compressed sensing mri reconstruction. *CoRR abs/1806.11216*. [arXiv:1806.11216](https://arxiv.org/abs/1806.11216)
#
# <a id="survey79"></a>Sánchez, I., Vilaplana, V. (2018). Brain mri super-resolution using 3d generative adversarial networks. *2018*.
#
# <a id="survey82"></a>Chen, Y., Shi, F., Christodoulou, A. G., Zhou, Z., Xie, Y., Li, D. (2018). Efficient and accurate mri super-resolution using a generative adversarial network and 3d multi-level densely connected network. *CoRR abs/1803.01417*. [arXiv:1803.01417](https://arxiv.org/abs/1803.01417)
#
# <a id="survey84"></a>Li, Z., Wang, Y., Yu, J. (2017). Reconstruction of thin-slice medical images using generative adversarial network. *in: International Workshop on Machine Learning in Medical Imaging, Springer, 2017, pp. 325–333*.
#
# <a id="survey85"></a>Mardani, M., Gong, E., Cheng, J. Y., Vasanawala, S. S., Zaharchuk, G., Alley, M. T., et al. (2017). Deep generative adversarial networks for compressed sensing automates mri. *CoRR abs/1706.00051*. [arXiv:1706.00051](https://arxiv.org/abs/1706.00051)
#
# <a id="survey86"></a>Shitrit, O., Riklin-Raviv, T. (2017). Accelerated magnetic resonance imaging by adversarial neural network. *in: DLMIA/ML-CDS@MICCAI, 2017*.
#
# <a id="survey87"></a>Zhang, P., Wang, F., Xu, W., Li, Y. (2018). Multi-channel generative adversarial network for parallel magnetic resonance image reconstruction in k-space. *in: International Conference on Medical Image Computing and Computer-Assisted Intervention, Springer, 2018, pp. 180–188*.
#
# <a id="survey88"></a>Ravì, D., Szczotka, A. B., Shakir, D. I., Pereira, S. P., Vercauteren, T. (2018). Adversarial training with cycle consistency for unsupervised super-resolution in endomicroscopy. *2018*.
#
# <a id="survey89"></a>Han, L., Yin, Z. (2018). A cascaded refinement gan for phase contrast microscopy image super resolution. *in: MICCAI, 2018*.
#
# <a id="survey91"></a>Mahapatra, D., Bozorgtabar, B., Hewavitharanage, S., Garnavi, R. (2017). Image super resolution using generative adversarial networks and local saliency maps for retinal image analysis. *in: International Conference on Medical Image Computing and Computer-Assisted Intervention, Springer, 2017, pp. 382–390*.
#
# <a id="survey17"></a>Schlegl, T., Seeböck, P., Waldstein, S. M., Schmidt-Erfurth, U., Langs, G. (2017). Unsupervised anomaly detection with generative adversarial networks to guide marker discovery. *in: International Conference on Information Processing in Medical Imaging, Springer, 2017, pp. 146–157*. [doi:10.1007/978-3-319-59050-9_12](https://doi.org/10.1007/978-3-319-59050-9_12)
#
# <a id="survey94"></a>Chen, X., Konukoglu, E. (2018). Unsupervised detection of lesions in brain mri using constrained adversarial auto-encoders. *CoRR abs/1806.04972*. [arXiv:1806.04972](https://arxiv.org/abs/1806.04972)
#
# <a id="survey96"></a>Baumgartner, C. F., Koch, L. M., Tezcan, K. C., Ang, J. X., Konukoglu, E. (2017). Visual feature attribution using wasserstein gans. *CoRR abs/1711.08998*. [arXiv:1711.08998](https://arxiv.org/abs/1711.08998)
#
# <a id="survey98"></a>Kohl, S., Bonekamp, D., Schlemmer, H.-P., Yaqubi, K., Hohenfellner, M., Hadaschik, B., et al. (2017). Adversarial networks for the detection of aggressive prostate cancer. *CoRR abs/1702.08014*. [arXiv:1702.08014](https://arxiv.org/abs/1702.08014)
#
# <a id="survey100"></a>Udrea, A., Mitra, G. D. (2017). Generative adversarial neural networks for pigmented and non-pigmented skin lesions detection in clinical images. *in: Control Systems and Computer Science (CSCS), 2017 21st International Conference on, IEEE, 2017, pp. 364–368*.
#
# <a id="survey99"></a>Tuysuzoglu, A., Tan, J., Eissa, K., Kiraly, A. P., Diallo, M., Kamen, A. (2018). Deep adversarial context-aware landmark detection for ultrasound imaging. *CoRR abs/1805.10737*. [arXiv:1805.10737](https://arxiv.org/abs/1805.10737)
#
# <a id="survey101"></a>Wolterink, J. M., Leiner, T., Viergever, M. A., Išgum, I. (2017). Generative adversarial networks for noise reduction in low-dose ct. *IEEE transactions on medical imaging 36 (12) (2017) 2536–2545*.
#
# <a id="survey102"></a>Wang, J., Zhao, Y., Noble, J. H., Dawant, B. M. (2018). Conditional generative adversarial networks for metal artifact reduction in ct images of the ear. *in: International Conference on Medical Image Computing and Computer-Assisted Intervention, Springer, 2018, pp. 3–11*.
#
# <a id="survey103"></a>Yang, Q., Yan, P., Zhang, Y., Yu, H., Shi, Y., Mou, X., et al. (2018). Low dose ct image denoising using a generative adversarial network with wasserstein distance and perceptual loss. *IEEE Transactions on Medical Imaging*. [doi:10.1109/TMI.2018.2827462](https://doi.org/10.1109/TMI.2018.2827462)
#
# <a id="survey104"></a>Yi, X., Babyn, P. (2018). Sharpness-aware low-dose ct denoising using conditional generative adversarial network. *Journal of Digital Imaging (2018) 1–15*. [doi:10.1007/s10278-018-0056-0](https://doi.org/10.1007/s10278-018-0056-0)
#
# <a id="survey105"></a>Fan, J., Cao, X., Xue, Z., Yap, P.-T., Shen, D. (2018). Adversarial similarity network for evaluating image alignment in deep learning based registration. *in: International Conference on Medical Image Computing and Computer-Assisted Intervention, Springer, 2018, pp. 739–746*.
#
# <a id="survey106"></a>Yan, P., Xu, S., Rastinehad, A. R., Wood, B. J. (2018). Adversarial image registration with application for mr and trus image fusion. *in: MLMI@MICCAI, 2018*.
#
# <a id="survey107"></a>Hu, Y., Gibson, E., Ghavami, N., Bonmati, E., Moore, C. M., Emberton, M., et al. (2018). Adversarial deformation regularization for training image registration neural networks. *in: MICCAI, 2018*.
#
# <a id="survey108"></a>Zhang, L., Gooya, A., Frangi, A. F. (2017). Semi-supervised assessment of incomplete lv coverage in cardiac mri using generative adversarial nets. *in: International Workshop on Simulation and Synthesis in Medical Imaging, Springer, 2017, pp. 61–68*.
#
# <a id="survey109"></a>Ren, J., Hacihaliloglu, I., Singer, E. A., Foran, D. J., Qi, X. (2018). Adversarial domain adaptation for classification of prostate histopathology whole-slide images. *in: MICCAI, 2018*.
