"""The survey's literature as data: its Tables 1-17 (``load``), filters and counts over them, the GAN family
and modality rules, and two explorers (a static HTML table for the book, an ipywidgets one for Jupyter).

The survey is Kazeminia et al., "GANs for medical image analysis" {cite}`kazeminia2020gans`; the rows, their
corrections and the rules are described in ``gancourse.literature.tables``.
"""
from .explorer import show_static, static_explorer, table_html, widget_explorer
from .tables import (APPLICATION_CHAPTERS, APPLICATIONS, CHAPTER_TITLES, FAMILIES, FAMILY_CHAPTERS, FAMILY_RULES,
                     MODALITIES, MODALITY_RULES, REFERENCE_CHAPTERS, chapters_of, count, families, family, load,
                     modalities, papers, searchable, select)

__all__ = ["load", "select", "count", "papers", "family", "families", "modalities", "searchable", "chapters_of",
           "static_explorer", "show_static", "table_html", "widget_explorer", "APPLICATIONS", "FAMILIES",
           "MODALITIES", "FAMILY_RULES", "MODALITY_RULES", "CHAPTER_TITLES", "FAMILY_CHAPTERS",
           "APPLICATION_CHAPTERS", "REFERENCE_CHAPTERS"]
