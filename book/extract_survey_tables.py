"""Extract the survey's Tables 1-17 into ``gancourse/literature/survey_tables.csv``.

The survey's text (``../shared/survey/000_2ad9c887696cc46b.txt`` beside the repository, converted from its
PDF) holds each table as tab-separated lines after a line "Table N: ...". Most rows are one line: the first
cell is "[refs] Method Architecture: ... Loss: ...", then modality, dataset and resolution (Tables 1-3) or
performance (Tables 4-17). Three tables (7, 8 and 13) came out of the conversion as broken layouts; their
rows are written out below from the fragments, and every value of them must be found in the table's text or
in the survey's paragraph that the reason names (the script stops if one is not). Each change to what the
conversion gives is listed in CORRECTIONS with its reason; a cell that the text cannot recover reads
``[garbled in source]``. The year and the short citation come from ``book/references.bib``.

    python book/extract_survey_tables.py            # writes the CSV
    python book/extract_survey_tables.py --check    # fails if the CSV differs from a fresh extraction

The CSV is committed: a checkout without the survey's text still has the data (the tests re-run the
extraction where the text is present and compare).
"""
from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SURVEY = ROOT.parent / "shared" / "survey" / "000_2ad9c887696cc46b.txt"
BIBLIOGRAPHY = ROOT / "book" / "references.bib"
OUTPUT = ROOT / "gancourse" / "literature" / "survey_tables.csv"
GARBLED = "[garbled in source]"

COLUMNS = ["table", "application", "category", "refs", "keys", "citation", "year", "method", "architecture",
           "losses", "modality", "dataset", "resolution", "performance", "note"]

# table -> (application, category): the survey's own grouping, from its table titles
TABLES = {
    1: ("synthesis", "unconditional"), 2: ("synthesis", "conditional"), 3: ("synthesis", "conditional"),
    4: ("segmentation", "brain"), 5: ("segmentation", "chest"), 6: ("segmentation", "eye"),
    7: ("segmentation", "abdomen"), 8: ("segmentation", "microscopic"), 9: ("segmentation", "cardiology"),
    10: ("segmentation", "spine"), 11: ("reconstruction", "DAGAN-based"),
    12: ("reconstruction", "3D super-resolution"), 13: ("reconstruction", "other"),
    14: ("detection", ""), 15: ("de-noising", ""), 16: ("registration", ""), 17: ("classification", ""),
}

# Changes to the converted text, applied to the raw line of a table before it is parsed:
# (table, what the conversion gives, what the survey means, why). Each must match exactly once.
LINE_CORRECTIONS = [
    (3, "35] Architecture", "[35] Architecture", "opening bracket of the reference lost in conversion"),
    (3, "41] Architecture", "[41] Architecture", "opening bracket of the reference lost in conversion"),
    (3, "42] Architecture", "[42] Architecture", "opening bracket of the reference lost in conversion"),
    (3, "43] Architecture", "[43] Architecture", "opening bracket of the reference lost in conversion"),
    (3, "45] Architecture", "[45] Architecture", "opening bracket of the reference lost in conversion"),
    (3, "<b>[40]</b> <b>Architecture</b> :", "[40] Architecture:", "bold markup left by the conversion"),
    (9, "Reconstructi\tCT or MR Cardiac 2D on", "Reconstruction\tCT or MR Cardiac 2D",
     "the last two letters of 'Reconstruction' slipped into the next cell"),
    (15, "\u0421\u0422", "CT", "Cyrillic letters that look like 'CT' (Section 4.5: low-dose CT)"),
]

# Changes to one cell of one row after parsing: (table, first reference, column, old text, new text, why).
CELL_CORRECTIONS = [
    (1, "19", "modality", "Imags", "Images", "typo in the survey"),
    (2, "46", "modality", "lung nodules 3D", "CT lung nodules 3D",
     "the cell names no modality; the survey's reference [46] is 'Ct-realistic lung nodule simulation'"
     " on LIDC, a CT data set (Table 1's [15]: 'CT Lung Cancer Nodules', LIDC-IDRI)"),
    (3, "37", "architecture", "nulti-stage", "multi-stage", "typo in the survey"),
    (3, "39", "architecture", "style- transfer", "style-transfer", "a hyphen at a line break in the PDF"),
    (4, "54", "losses", "Preceptual", "Perceptual", "typo in the survey"),
    (6, "56", "dataset", "DERIVE", "DRIVE", "the retinal vessel data set is DRIVE (as in Tables 2 and 3)"),
    (6, "57", "dataset", "DERIVE", "DRIVE", "the retinal vessel data set is DRIVE (as in Tables 2 and 3)"),
    (9, "67", "modality", "Echo- cardiography", "Echocardiography", "a hyphen at a line break in the PDF"),
    (9, "69", "dataset", "Aprivate", "A private", "two words run together in conversion"),
    (11, "77", "modality", "Cardic", "Cardiac", "typo in the survey"),
    (11, "22", "architecture", "Chain ofgenerator", "Chain of generators",
     "words run together; Section 4.3.1: 'a chain of two concatenated generators'"),
    (12, "79", "dataset", "ANDI", "ADNI", "the ADNI database (as in Tables 2, 4 and 14)"),
    (12, "82", "architecture", "DensNet", "DenseNet", "Section 4.3.2: 'WGAN and DenseNet [83]'"),
]

# The rows of the tables whose layout the conversion broke, written out from its fragments. Each evidence
# string must occur in the table's converted text ("table") or in the survey text ("text"): the value is
# what the fragments or the named paragraph support, nothing more.
BROKEN_TABLES = {
    7: [
        dict(refs="59", method="SSNet", architecture="cGAN", losses=GARBLED, modality="MRI (Splenomegaly)",
             dataset="unknown", performance="Dice=0.9260",
             note="method column lost in conversion: reference, method and architecture from Section 4.2.4 "
                  "(Huo et al. [59], 'a cGAN (SSNet ...)'); losses not recoverable",
             evidence=[("text", "Huo et al. [59] employ a cGAN (SSNet"), ("table", "MRI (Splenomegaly)\tunknown"),
                       ("table", "Dice=0.9260")]),
        dict(refs="61", method="", architecture="encoder-decoder inspired by the U-Net", losses=GARBLED,
             modality="CT 3D (Liver)", dataset="MICCAI-SLiver07", performance="Dice=0.95 ASD=1.90",
             note="method column lost in conversion: reference and architecture from Section 4.2.4 (Yang et "
                  "al. [61], liver in 3D abdomen CT); the cell reads 'CT 2D' but the recovered line and the "
                  "text say 3D; losses not recoverable",
             evidence=[("text", "convolutional encoder-decoder inspired by the U-Net"),
                       ("text", "Yang et al. [61] propose a liver segmentation method in 3D abdomen CT"),
                       ("table", "CT 3D MICCAI-SLiver07"), ("table", "Dice=0.95"), ("table", "ASD=1.90")]),
        dict(refs="62", method="", architecture="CycleGAN, polyphase U-Net", losses=GARBLED,
             modality="CT 3D (Liver)", dataset="LiTS2017",
             performance="(liver, lesion) Dice=0.89, 0.46 Recall=0.94, 0.5 Precision=0.86, 0.48",
             note="method column lost in conversion: reference and architecture from Section 4.2.4 (Kim et "
                  "al. [62], cycleGAN with a polyphase U-Net generator); losses not recoverable",
             evidence=[("text", "Kim et al. [62] employs cycleGAN"), ("text", "polyphase U-Net architecture"),
                       ("table", "CT 3D LiTS2017"), ("table", "Dice=0.89, 0.46"), ("table", "Recall=0.94, 0.5"),
                       ("table", "Precision=0.86, 0.48")]),
    ],
    8: [
        dict(refs="63", method="", architecture="GAN, U-net, Res-Net, Multi scale CNN", losses="Adv, weighted loss",
             modality="Bright-field Cell 2D", dataset="Columbus; MetaXpress",
             performance="Columbus: F-score = 0.77 Precision = 0.82 Recall = 0.73; "
                         "MetaXpress: F-score = 0.64 Precision = 0.66 Recall = 0.66",
             note="rows spread over several lines in conversion, reassembled; 'Bright-fieled' (typo) read as "
                  "Bright-field",
             evidence=[("table", "GAN, U-net, Res-Net,"), ("table", "Multi scale CNN"),
                       ("table", "Adv, weighted loss"), ("table", "Bright-fieled"), ("table", "Columbus"),
                       ("table", "MetaXpress"), ("table", "F-score = $0.77$"), ("table", "Recall = 0.73"),
                       ("table", "F-score = $0.64$"), ("table", "Precision = 0.66")]),
        dict(refs="64", method="", architecture="GAN (with rib cage)", losses="Adv", modality="Cell 2D",
             dataset="H1299", performance="F-score = 0.89 Precision=0.82 Recall = 0.85",
             note="rows spread over several lines in conversion, reassembled",
             evidence=[("table", "GAN (with rib cage)\tCell 2D\tH1299\tPrecision=0.82"),
                       ("table", "F-score = $0.89$"), ("table", "Recall = 0.85")]),
        dict(refs="65", method="DAN", architecture="GAN, DCAN, VGG", losses="Adv, Multi-scale cross entropy",
             modality="Fungus 3D", dataset="2015 MICCAI Gland Challenge",
             performance="(mean of 2 part results) F-score = 0.88 Dice=0.865 ObjectHausdorff = 74.55",
             note="rows spread over several lines in conversion, reassembled; a second, garbled copy of the "
                  "last line reads 74.00",
             evidence=[("table", "[65] DAN"), ("table", "GAN, DCAN, VGG\tFungus 3D\tGland Challenge"),
                       ("table", "Adv, Multi-scale cross entropy"), ("table", "2015 MICCAI"),
                       ("table", "(mean of 2 part results)"), ("table", "F-score = 0.88"),
                       ("table", "Dice=0.865"), ("table", "ObjectHausdorff = 74.55")]),
    ],
    13: [
        dict(refs="85", method="GANCS", architecture="ResNet, LSGAN", losses="", modality="MRI(Chest)",
             dataset="contrast-enhanced MRI abdomen dataset of pediatric patients",
             performance="SNR=20.48 SSIM=0.87 Time=0.02",
             note="rows spread over several lines in conversion, reassembled",
             evidence=[("table", "[85] GANCS"), ("table", "ResNet, LSGAN"), ("table", "MRI(Chest)"),
                       ("table", "contrast-enhanced MRI"), ("table", "abdomen dataset"),
                       ("table", "ofpediatric patients"), ("table", "SNR=20.48"), ("table", "SSIM=0.87"),
                       ("table", "Time=0.02")]),
        dict(refs="86", method="", architecture="ResNet, GAN", losses="Adv", modality="MRI(Brain)",
             dataset="unknown", performance="PSNR=37.95",
             note="rows spread over several lines in conversion, reassembled",
             evidence=[("table", "[86]"), ("table", "MRI(Brain)\tunknown\t$PSNR{=}37.95$"),
                       ("table", "ResNet, GAN\t\tunknown")]),
        dict(refs="87", method="GANCS", architecture="ResNet, GAN, VGG", losses="", modality="MRI(Brain 2D)",
             dataset="unknown", performance="PSNR=32.32 SSIM=0.88 Time=0.37",
             note="rows spread over several lines in conversion, reassembled",
             evidence=[("table", "[87] GANCS"), ("table", "ResNet, GAN, VGG"), ("table", "MRI(Brain 2D)"),
                       ("table", "PSNR=32.32"), ("table", "SSIM=0.88"), ("table", "Time=0.37")]),
        dict(refs="88", method="", architecture="[92], GAN, Cyclic", losses="Adv, Regularization",
             modality="Endomicroscopy", dataset="[93]",
             performance=f"SSIM={GARBLED} ΔGCF(HR)=0.66 ΔGCF({GARBLED})=0.37 TotCS=0.66",
             note="rows spread over several lines in conversion, reassembled; the SSIM reads '0.8.7' and the "
                  "second ΔGCF's subscripts are garbled",
             evidence=[("table", "[92], GAN, Cyclic,"), ("table", "Endomicroscopy\t[93]"),
                       ("table", "Regularization"), ("table", "SSIM=0.8.7"),
                       ("table", r"$\Delta GCF_{\widehat{HR}} = 0.66$"), ("table", "= 0.37$"),
                       ("table", "$Tot_{CS} = 0.66$"),
                       ("text", "endomicroscopy Super Resolution (SR) application")]),
        dict(refs="89", method="", architecture="[90], GAN", losses="Adv, Perceptual", modality="Microscopy (Cell)",
             dataset="unknown", performance="PSNR = 27.8591",
             note="rows spread over several lines in conversion, reassembled",
             evidence=[("table", "[89]"), ("table", "[90], GAN\tMicroscopy (Cell)\tunknown\tPSNR = 27.8591"),
                       ("table", "Adv, Perceptual")]),
        dict(refs="91", method="", architecture="ResNet, GAN", losses="Adv, CNN (weighted by SL map)",
             modality="Retinal Funduscopy", dataset="unknown",
             performance="(Scale 4, Scale 8) SSIM=0.89, 0.84 RMSE=6.2, 7.5 PSNR=44.3, 39db",
             note="rows spread over several lines in conversion, reassembled",
             evidence=[("table", "ResNet, GAN Retinal"), ("table", "Funduscopy\tunknown"),
                       ("table", "Adv, CNN"), ("table", "(weighted by SL map)"), ("table", "(Scale 4, Scale 8)"),
                       ("table", "SSIM=0.89, 0.84"), ("table", "RMSE=6.2, 7.5"), ("table", "PSNR=44.3, 39db")]),
    ],
}

FIRST_CELL = re.compile(r"^\[(?P<refs>\d+(?:\s*,\s*\d+)*)\]\s*(?P<method>.*?)\s*(?:Architecture|Arch)\s*:\s*"
                        r"(?P<architecture>.*?)(?:\s+Loss\s*:\s*(?P<losses>.*))?$")


def clean(text: str) -> str:
    """A cell as plain text: LaTeX and markup of the conversion removed, whitespace collapsed."""
    text = re.sub(r"\\(?:begin|end)\{(?:aligned|array)\}(?:\{c\})?", " ", text)
    text = re.sub(r"\\(?:text|mathrm)\{([^{}]*)\}|\{\\rm\s*([^{}]*)\}", lambda m: m.group(1) or m.group(2), text)
    for old, new in [("\\!\\times\\!", "×"), ("\\times", "×"), ("\\pm", "±"), ("&=", "="), ("{=}", "="),
                     ("\\\\", " "), ("\\,", ""), ("\\(", ""), ("\\)", ""), ("\\ell_2 - loss", "ℓ2-loss"),
                     ("$", "")]:
        text = text.replace(old, new)
    return re.sub(r"\s+", " ", text).strip()


def table_blocks(survey: str) -> dict:
    """{N: the converted text of Table N}: the lines after its title, up to the next heading, table, figure
    caption or paragraph."""
    lines = survey.split("\n")
    starts = [(i, int(m.group(1))) for i, line in enumerate(lines)
              if (m := re.match(r"^Table\s+(\d+):", line))]
    blocks = {}
    for i, number in starts:
        body = []
        for line in lines[i + 1:]:
            prose = "\t" not in line and len(line) > 100
            if prose or re.match(r"^(#|Table\s+\d+:|Figure\s+\d+:)", line):
                break  # a heading, the next table, a figure caption or a paragraph: the table has ended
            body.append(line)
        blocks[number] = "\n".join(body)
    return blocks


def bibliography() -> dict:
    """{reference number: (key, short citation, year)} from book/references.bib's survey entries."""
    from pybtex.database import parse_file

    out = {}
    for key, entry in parse_file(str(BIBLIOGRAPHY)).entries.items():
        match = re.fullmatch(r"survey(\d+)", key)
        if not match:
            continue
        people = entry.persons.get("author", [])
        names = [re.sub(r"[{}]", "", " ".join(p.prelast_names + p.last_names)) for p in people]
        who = (names[0] if len(names) == 1 else f"{names[0]} and {names[1]}" if len(names) == 2
               else f"{names[0]} et al.")
        year = entry.fields.get("year", "")
        out[int(match.group(1))] = (key, f"{who}, {year or 'n.d.'}", year)
    return out


def _apply_line_corrections(number: int, block: str) -> tuple:
    """The table's text corrected, and {corrected line: the corrections made to it}."""
    lines, notes = block.split("\n"), {}
    for table, old, new, why in LINE_CORRECTIONS:
        if table != number:
            continue
        hits = [i for i, line in enumerate(lines) if old in line]
        if not hits:
            raise SystemExit(f"Table {number}: correction {old!r} matches nothing: has the survey text changed?")
        for i in hits:
            before = notes.pop(lines[i], [])
            lines[i] = lines[i].replace(old, new)
            notes[lines[i]] = before + [f"'{old}' read as '{new}' ({why})".replace("\t", " | ")]
    return "\n".join(lines), notes


def _parse_rows(number: int, block: str, notes: dict) -> list:
    rows = []
    for line in block.split("\n"):
        cells = line.split("\t")
        match = FIRST_CELL.match(clean(cells[0]))
        if not match:
            continue
        if len(cells) != 4:
            raise SystemExit(f"Table {number}: a row with {len(cells)} cells: {line[:80]!r}")
        row = {"refs": re.sub(r"\s*,\s*", ";", match["refs"]), "method": match["method"],
               "architecture": match["architecture"].strip(), "losses": (match["losses"] or "").strip(),
               "modality": clean(cells[1]), "dataset": clean(cells[2]), "note": "; ".join(notes.get(line, []))}
        row["resolution" if number <= 3 else "performance"] = clean(cells[3])
        rows.append(row)
    return rows


def _broken_rows(number: int, block: str, survey: str) -> list:
    rows = []
    for spec in BROKEN_TABLES[number]:
        for where, text in spec["evidence"]:
            if text not in (block if where == "table" else survey):
                raise SystemExit(f"Table {number}, [{spec['refs']}]: evidence {text!r} is not in the {where}")
        rows.append({k: v for k, v in spec.items() if k != "evidence"})
    return rows


def extract(survey: str) -> list:
    """Every row of Tables 1-17 as a dict of COLUMNS (strings)."""
    blocks, references = table_blocks(survey), bibliography()
    if sorted(blocks) != list(range(1, 18)):
        raise SystemExit(f"expected Tables 1-17 in the survey text, found {sorted(blocks)}")
    rows = []
    for number in range(1, 18):
        block, notes = _apply_line_corrections(number, blocks[number])
        parsed = (_broken_rows(number, block, survey) if number in BROKEN_TABLES
                  else _parse_rows(number, block, notes))
        for row in parsed:
            for table, first, column, old, new, why in CELL_CORRECTIONS:
                if table == number and row["refs"].split(";")[0] == first:
                    if old not in row[column]:
                        raise SystemExit(f"Table {number} [{first}] {column}: {old!r} not found")
                    row[column] = row[column].replace(old, new)
                    row["note"] = "; ".join(filter(None, [row["note"], f"{column}: '{old}' read as '{new}' ({why})"]))
            numbers = [int(n) for n in row["refs"].split(";")]
            missing = [n for n in numbers if n not in references]
            if missing:
                raise SystemExit(f"Table {number}: reference(s) {missing} have no entry in {BIBLIOGRAPHY.name}")
            application, category = TABLES[number]
            years = sorted({references[n][2] for n in numbers if references[n][2]})
            if not years:
                row["note"] = "; ".join(filter(None, [row["note"], "no year in the survey's reference list"]))
            rows.append({**{c: "" for c in COLUMNS}, **row, "table": str(number), "application": application,
                         "category": category, "keys": ";".join(references[n][0] for n in numbers),
                         "citation": "; ".join(references[n][1] for n in numbers),
                         "year": years[0] if years else ""})
    return rows


def to_csv(rows: list) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed CSV is not up to date")
    parser.add_argument("--survey", type=Path, default=SURVEY)
    args = parser.parse_args(argv)
    if not args.survey.exists():
        print(f"no survey text at {args.survey}: nothing to extract (the committed CSV stays)", file=sys.stderr)
        return 0 if args.check else 1
    text = to_csv(extract(args.survey.read_text(encoding="utf-8")))
    if args.check:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} is out of date: run python book/extract_survey_tables.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    temporary = OUTPUT.with_suffix(".csv.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(OUTPUT)  # atomic: a failed run leaves the previous file whole
    print(f"{len(rows_of(text))} rows written to {OUTPUT.relative_to(ROOT)}")
    return 0


def rows_of(text: str) -> list:
    return list(csv.DictReader(io.StringIO(text)))


if __name__ == "__main__":
    sys.exit(main())
