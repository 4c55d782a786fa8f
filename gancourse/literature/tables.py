"""The survey's Tables 1-17 as data: one row per table row, read from the CSV that ships with the library.

Each row says what the survey's table says (references, method, architecture, losses, modality, data set,
resolution or reported performance, with the conversion's garbled cells corrected or marked, see
``book/extract_survey_tables.py``), plus two fields derived here by keyword rules: the GAN ``family`` of its
architecture and losses, and the imaging ``modalities`` of its modality cell. The rules are deliberately
simple (a reader can check them against the table in a minute) and deliberately crude: a table cell that
says "Cyclic" without "CycleGAN" is not counted as a CycleGAN, and so on.
"""
from __future__ import annotations

import csv
import io
import re
from importlib import resources

APPLICATIONS = ("synthesis", "segmentation", "reconstruction", "detection", "de-noising", "registration",
                "classification")

# Family rules, in order of precedence: a row is in the first family whose pattern matches its architecture
# and losses. Word boundaries matter: "DCGAN" contains "cgan", and is not a conditional GAN.
FAMILY_RULES = (
    ("CycleGAN", r"cycle-?gan"),
    ("AC-GAN", r"\bac-?gan\b|auxiliary classifier"),
    ("WGAN", r"\bwgan|wasserstein"),
    ("LSGAN", r"\blsgan\b|least[ -]squares"),
    ("pix2pix/cGAN", r"pix2pix|\bc-?gan\b|\bcond\.|conditional"),
    ("Markovian GAN", r"\bmgan\b|markovian|patch-?gan"),
    ("DCGAN", r"\bdcgan\b"),
)
FAMILIES = tuple(name for name, _ in FAMILY_RULES) + ("other",)

# Modality rules: a row has every modality whose pattern matches its modality cell (an MR-to-CT row has two).
MODALITY_RULES = (
    ("MRI", r"(?<![A-Za-z])MR|T1|T2w"),
    ("CT", r"(?<![A-Za-z])CT(?![A-Za-z])|CCTA"),
    ("PET", r"\bPET\b"),
    ("X-ray", r"(?i)x-?ray"),
    ("ultrasound", r"(?<![A-Za-z])US(?![A-Za-z])|TRUS|(?i:ultra-?sound|echocardio)"),
    ("retinal fundus", r"(?i)fundus|retina"),
    ("OCT", r"(?<![A-Za-z])OCT(?![A-Za-z])"),
    ("microscopy & histology", r"(?i)microscop|histopath|\bcell\b|H&E|fungus|\bDIC\b"),
    ("dermoscopy", r"(?i)dermoscop"),
    # "Natural Image (Skin Lesion)" ([100]): skin photographed with an ordinary camera, not a dermoscope
    ("clinical photograph", r"(?i)natural image|photograph"),
)
MODALITIES = tuple(name for name, _ in MODALITY_RULES) + ("other",)

# The book's chapters that build what a row uses. Only chapters in the book's table of contents (a test
# checks it): its GAN family, its application, and a few papers the chapters build themselves.
CHAPTER_TITLES = {
    "3_2_dcgan": "3.2 DCGAN", "3_3_pix2pix": "3.3 cGAN and pix2pix", "3_4_markovian": "3.4 Markovian GAN",
    "3_5_cyclegan": "3.5 CycleGAN", "3_6_acgan": "3.6 AC-GAN", "3_7_wgan": "3.7 WGAN",
    "3_8_lsgan": "3.8 LSGAN", "4_1_synthesis": "4.1 Synthesis", "4_2_segmentation": "4.2 Segmentation",
    "4_3_reconstruction": "4.3 Reconstruction", "4_4_detection": "4.4 Detection",
    "4_5_denoising": "4.5 De-noising", "4_6_registration": "4.6 Registration",
    "4_7_classification": "4.7 Classification",
}
FAMILY_CHAPTERS = {"DCGAN": "3_2_dcgan", "pix2pix/cGAN": "3_3_pix2pix", "Markovian GAN": "3_4_markovian",
                   "CycleGAN": "3_5_cyclegan", "AC-GAN": "3_6_acgan", "WGAN": "3_7_wgan", "LSGAN": "3_8_lsgan"}
APPLICATION_CHAPTERS = {"synthesis": "4_1_synthesis", "segmentation": "4_2_segmentation",
                        "reconstruction": "4_3_reconstruction", "detection": "4_4_detection",
                        "de-noising": "4_5_denoising", "registration": "4_6_registration",
                        "classification": "4_7_classification"}
REFERENCE_CHAPTERS = {
    17: "4_4_detection",      # Schlegl et al.: AnoGAN's latent search
    18: "3_2_dcgan",          # Bermudez et al.: unconditional brain MR slices
    23: "3_5_cyclegan",       # Wolterink et al.: unpaired MR to CT
    49: "4_2_segmentation",   # SegAN's multi-scale L1 critic
    52: "4_2_segmentation",   # Moeskops et al.: a conditional discriminator
    53: "4_2_segmentation",   # Kamnitsas et al.: adversarial domain adaptation
    76: "4_3_reconstruction", # DAGAN
    101: "4_5_denoising",     # Wolterink et al.: MSE + adversarial, low-dose CT
    103: "4_5_denoising",     # Yang et al.: Wasserstein + perceptual (WGAN-VGG)
    105: "4_6_registration",  # Fan et al.: adversarial similarity
}


def family(text: str) -> str:
    """The GAN family of an architecture/losses description: the first of FAMILY_RULES that matches,
    else "other". ``family("U-Net, GAN Loss: Adv")`` is "other"; ``family("c-GAN, MGAN")`` "pix2pix/cGAN"."""
    for name in families(text):
        return name
    return "other"


def families(text: str) -> list:
    """Every family of FAMILY_RULES whose pattern matches ``text``, in order of precedence."""
    _check_text(text, "family")
    return [name for name, pattern in FAMILY_RULES if re.search(pattern, text, re.IGNORECASE)]


def modalities(text: str) -> tuple:
    """The imaging modalities named in a modality cell: ``("MRI", "CT")`` for "MR to CT"; ``("other",)``
    when no rule matches."""
    _check_text(text, "modalities")
    found = tuple(name for name, pattern in MODALITY_RULES if re.search(pattern, text))
    return found or ("other",)


def _check_text(text, name):
    if not isinstance(text, str):
        raise TypeError(f"{name}() takes a table cell as a string, got {type(text).__name__}; "
                        f"pass row['architecture'] + ' ' + row['losses'] or row['modality']")


def load() -> list:
    """Every row of the survey's Tables 1-17, in the survey's order, as a list of dicts (a fresh copy).

    Fields: ``table`` (int), ``application``, ``category`` (the organ of Tables 4-10, the kind of synthesis or
    reconstruction), ``refs`` (tuple of the survey's reference numbers), ``keys`` (their keys in the book's
    bibliography), ``citation``, ``year`` (int, or None where the reference has none), ``method`` (where the
    table names one), ``architecture``, ``losses``, ``modality``, ``dataset``, ``resolution`` (Tables 1-3),
    ``performance`` (Tables 4-17), ``note`` (what was corrected or is garbled), and the derived ``family``
    and ``modalities``."""
    text = resources.files(__package__).joinpath("survey_tables.csv").read_text(encoding="utf-8")
    rows = []
    for raw in csv.DictReader(io.StringIO(text)):
        row = dict(raw)
        row["table"] = int(row["table"])
        row["refs"] = tuple(int(n) for n in row["refs"].split(";"))
        row["keys"] = tuple(row["keys"].split(";"))
        row["year"] = int(row["year"]) if row["year"] else None
        row["family"] = family(f"{row['architecture']} {row['losses']}")
        row["modalities"] = modalities(row["modality"])
        rows.append(row)
    return rows


def select(rows, *, application=None, family=None, modality=None, years=None, table=None, text=None) -> list:
    """The rows that pass every filter given: ``application``, ``family``, ``modality`` (one of a row's
    modalities), ``years`` (an inclusive ``(first, last)``; a row without a year passes only when no years
    are given), ``table`` (a number or a collection of numbers), ``text`` (case-insensitive, anywhere in the
    row's cells)."""
    for name, value, allowed in [("application", application, APPLICATIONS), ("family", family, FAMILIES),
                                 ("modality", modality, MODALITIES)]:
        if value is not None and value not in allowed:
            raise ValueError(f"unknown {name} {value!r}; choose one of {', '.join(allowed)}")
    tables = {table} if isinstance(table, int) else set(table) if table is not None else None
    out = []
    for row in rows:
        if application and row["application"] != application or family and row["family"] != family:
            continue
        if modality and modality not in row["modalities"] or tables is not None and row["table"] not in tables:
            continue
        if years is not None and (row["year"] is None or not years[0] <= row["year"] <= years[1]):
            continue
        if text and text.lower() not in searchable(row):
            continue
        out.append(row)
    return out


def searchable(row) -> str:
    """All of a row's cells as one lower-case string (what a text search looks in)."""
    cells = [str(row[k]) for k in ("method", "architecture", "losses", "modality", "dataset", "resolution",
                                   "performance", "citation", "category", "application", "family")]
    return " ".join(cells + [f"[{n}]" for n in row["refs"]] + list(row["modalities"])).lower()


def count(rows, by: str) -> dict:
    """How many rows fall in each value of ``by`` ("application", "family", "modality", "year", "table",
    "category"), in the book's order, categories with none left out. A row with two modalities counts once
    for each, so the modality counts can add up to more than the rows."""
    order = {"application": APPLICATIONS, "family": FAMILIES, "modality": MODALITIES}
    counts = {}
    for row in rows:
        values = row["modalities"] if by == "modality" else (row[by],)
        for value in values:
            counts[value] = counts.get(value, 0) + 1
    if by in order:
        return {k: counts[k] for k in order[by] if k in counts}
    return dict(sorted(counts.items(), key=lambda item: (item[0] is None, item[0])))


def papers(rows) -> int:
    """How many distinct papers (survey references) the rows cite: rows [19, 20] and [28, 29] cite two."""
    return len({n for row in rows for n in row["refs"]})


def chapters_of(row) -> list:
    """The book's chapters that build what this row uses, as notebook names, in the book's order."""
    found = {REFERENCE_CHAPTERS[n] for n in row["refs"] if n in REFERENCE_CHAPTERS}
    found |= {c for c in (FAMILY_CHAPTERS.get(row["family"]), APPLICATION_CHAPTERS.get(row["application"])) if c}
    return sorted(found, key=list(CHAPTER_TITLES).index)
