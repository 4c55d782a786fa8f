"""The library appendix (book/library/): gancourse's docstrings, read by sphinx.ext.autodoc.

The docstrings are written for readers of the source, in reST with MyST's citation roles. What makes them
render in the book:

* the directive ``.. gancourse-package:: gancourse.data``: the package's docstring, then each of its modules
  under its own heading, with its classes and functions in source order. The directive's content lists the
  modules in reading order; a module it does not list comes last, so that a new module appears in the book
  without an edit here, and a listed module that no longer exists is a warning, as is (after reading) a
  gancourse module that no page documents (a new subpackage needs a page);
* an ``autodoc-process-docstring`` hook: MyST roles (``{cite}`key```) become reST roles (``:cite:`key```),
  ``$...$`` becomes ``:math:`...```, a plain ``|`` (``|x - y|``) is escaped (reST reads ``|x|`` as a
  substitution), and a block indented under a paragraph becomes a literal block (reST would make it a
  quotation and join its lines); literals, roles, literal blocks, doctests and tables are left alone. Then
  NumPy-style sections ("Parameters" underlined) become field lists (napoleon), a ``name: description``
  line in them read as such;
* a ``missing-reference`` handler for the Python domain: a short or re-exported name (``:class:`GANTrainer```
  in ``gancourse.methods``, ``:func:`ct_to_unit``` in ``gancourse.data.brain``) is looked up in its module,
  then in the packages above it, and linked to where the object is documented (``__module__.__qualname__``);
  an object that exists but is not documented here (``torch.Tensor`` in a signature, a constant without a
  ``#:`` comment) is shown as code without a link. A name that does not exist keeps Sphinx's warning;
* smaller things: a method without a docstring of its own is left out rather than shown with one inherited
  from torch (``forward``), ``Bases: object`` is dropped, and a constant's value is shown only when short.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.ext.autodoc import DataDocumenter
from sphinx.ext.napoleon import Config as NapoleonConfig
from sphinx.ext.napoleon.docstring import NumpyDocstring
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.inspect import object_description
from sphinx.util.nodes import nested_parse_with_titles

logger = logging.getLogger(__name__)

LIBRARY = "gancourse"
# the exercises' answer modules hold the expected values: deliberately kept out of the book
ANSWER_MODULES = re.compile(r"^gancourse\.exercises\.chapter_")
MODULE_OPTIONS = ["   :members:", "   :show-inheritance:", "   :ignore-module-all:"]


# --------------------------------------------------------------------------- the directive
class PackageDirective(SphinxDirective):
    """``.. gancourse-package:: PACKAGE`` with, as content, the package's modules in reading order."""

    required_arguments = 1
    has_content = True

    def run(self):
        package_name = self.arguments[0]
        found = _modules_of(package_name)
        # a module added to or removed from the package makes this page out of date (see pages_to_reread)
        if not hasattr(self.env, "gancourse_packages"):
            self.env.gancourse_packages = {}
        self.env.gancourse_packages.setdefault(self.env.docname, {})[package_name] = found
        order = [line.strip() for line in self.content if line.strip()]
        for name in order:
            if name not in found:
                logger.warning(f"{package_name}.{name} is listed in the library appendix but is not a module of "
                               f"{package_name}: remove it from the list", location=self.get_location())
        modules = [name for name in order if name in found] + sorted(set(found) - set(order))
        lines = [f".. automodule:: {package_name}", ""]
        for name in modules:
            title = f"``{package_name}.{name}``"
            lines += [title, "=" * len(title), "", f".. automodule:: {package_name}.{name}", *MODULE_OPTIONS, ""]
        source, _ = self.get_source_info()
        content = StringList(lines, source=f"{source} (gancourse-package {package_name})")
        section = nodes.section()
        section.document = self.state.document
        nested_parse_with_titles(self.state, content, section)
        return section.children


def _modules_of(package_name: str) -> list[str]:
    """The modules (not the subpackages) of a package, as found on disk."""
    package = importlib.import_module(package_name)
    return sorted(info.name for info in pkgutil.iter_modules(package.__path__)
                  if not info.ispkg and not ANSWER_MODULES.match(f"{package_name}.{info.name}"))


def pages_to_reread(app, env, added, changed, removed):
    """Pages whose package has gained or lost a module since they were read."""
    return [docname for docname, packages in getattr(env, "gancourse_packages", {}).items()
            if any(_modules_of(package) != found for package, found in packages.items())]


def forget_page(app, env, docname):
    getattr(env, "gancourse_packages", {}).pop(docname, None)


def merge_pages(app, env, docnames, other):
    if not hasattr(env, "gancourse_packages"):
        env.gancourse_packages = {}
    for docname in docnames:
        if docname in getattr(other, "gancourse_packages", {}):
            env.gancourse_packages[docname] = other.gancourse_packages[docname]


def check_every_module_is_documented(app, env):
    documented = env.get_domain("py").modules
    if not documented:  # a build that has no library pages
        return
    library = importlib.import_module(LIBRARY)
    for info in pkgutil.walk_packages(library.__path__, LIBRARY + "."):
        if info.name not in documented and not ANSWER_MODULES.match(info.name):
            logger.warning(f"{info.name} is not in the library appendix: add a page under book/library/ with "
                           f"'.. gancourse-package:: {info.name}' and list it in _toc.yml")


# --------------------------------------------------------------------------- docstrings: MyST -> reST
INLINE = re.compile(r"""
    (?P<literal>``.+?``)                                     # ``inline literal``
  | (?P<role>(?::[A-Za-z][\w:.+-]*:|\{[A-Za-z][\w:.+-]*\})`[^`]*`)  # :role:`...` or MyST's {role}`...`
  | (?P<interpreted>`[^`]+`_{0,2})                           # `text`, `link`_
  | (?P<math>\$\$.+?\$\$|\$(?=[^\s$])[^$\n]*?(?<=[^\s\\])\$(?!\d))  # $...$ and $$...$$ (dollarmath's rules)
  | (?P<pipe>(?<!\\)\|)                                      # | of plain text
""", re.S | re.X)


def _markup(text: str, match: re.Match, rst: str) -> str:
    """``rst`` (a role) where ``match`` was, separated by an escaped space from a word it touches."""
    before = "\\ " if match.start() > 0 and (text[match.start() - 1].isalnum()) else ""
    after = "\\ " if match.end() < len(text) and text[match.end()].isalnum() else ""
    return before + rst + after


def _rewrite_prose(text: str) -> str:
    def replace(match: re.Match) -> str:
        kind = match.lastgroup
        if kind == "role" and match.group().startswith("{"):
            role, _, rest = match.group()[1:].partition("}")
            return _markup(text, match, f":{role}:{rest}")
        if kind == "math":
            body = match.group().strip("$").strip()
            return match.group() if "`" in body else _markup(text, match, f":math:`{body}`")
        if kind == "pipe":
            return "\\|"
        return match.group()

    return INLINE.sub(replace, text)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


LIST_ITEM = re.compile(r"^\s*([-*+]|\d+[.)]|#\.|\(\d+\))\s+")
UNDERLINE = re.compile(r"^\s*([-=~^\"'`#*+.:_])\1+\s*$")


def _content_indent(line: str) -> int:
    """Where the text of ``line`` starts: after a list item's bullet or number."""
    item = LIST_ITEM.match(line)
    return item.end() if item else _indent(line)


def myst_to_rst(lines: list[str]) -> list[str]:
    """The docstring ``lines`` with MyST roles and dollar math turned into reST, and plain ``|`` escaped."""
    out, prose = [], []
    verbatim_indent = None  # inside a literal block or a directive's body: lines indented more than this

    def flush():
        if prose:
            out.extend(_rewrite_prose("\n".join(prose)).split("\n"))
            prose.clear()

    in_table = False
    for line in lines:
        stripped = line.strip()
        if verbatim_indent is not None:
            if not stripped or _indent(line) > verbatim_indent:
                out.append(line)
                continue
            verbatim_indent = None
        # A block indented under a paragraph, after a blank line, is code or a formula written out (a usage
        # example, shapes, a table of names): reST would make it a quotation and join its lines. " ::" at the
        # paragraph's end (which reST drops from the text) makes it a literal block, as the source shows it.
        last = next((i for i in range(len(prose) - 1, -1, -1) if prose[i].strip()), None)
        if (stripped and prose and not prose[-1].strip() and last is not None
                and _indent(line) > _content_indent(prose[last]) and not UNDERLINE.match(prose[last])):
            prose[last] += " ::"
            verbatim_indent = _content_indent(prose[last])
            flush()
            out.append(line)
            continue
        # a grid table or a doctest block, up to the next blank line: as written
        in_table = bool(stripped) and (in_table or stripped.startswith(">>>")
                                       or re.match(r"\+[-=]+\+", stripped) is not None)
        if in_table:
            flush()
            out.append(line)
        elif stripped.startswith(".. ") or stripped.endswith("::"):
            flush()
            if stripped.startswith(".. "):
                out.append(line)
            else:
                out.extend(_rewrite_prose(line).split("\n"))
            verbatim_indent = _indent(line)
        else:
            prose.append(line)
    flush()
    return out


# NumPy-style sections ("Parameters" underlined) become field lists. Types are shown as written, not linked,
# so that an informal type ("(B, C, H, W) tensor") is no broken reference.
NAPOLEON = NapoleonConfig(napoleon_google_docstring=False, napoleon_use_param=False, napoleon_use_rtype=False)


PARAMETER_SECTIONS = {"Parameters", "Other Parameters", "Keyword Arguments", "Attributes"}
DESCRIBED = re.compile(r"^(\s*)(\*{0,2}[A-Za-z_]\w*):\s+(\S.*)$")


def described_parameters(lines: list[str]) -> list[str]:
    """In a NumPy "Parameters" section, ``name: what it is`` (no space before the colon) is a name and its
    description, written on one line; numpydoc's ``name : type`` is a name and its type. Napoleon reads both
    as the second: the first becomes ``name`` and the description, indented, on the next line."""
    out, in_section, base = [], False, 0
    for i, line in enumerate(lines):
        underline = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if underline and set(underline) == {"-"} and line.strip():
            in_section, base = line.strip() in PARAMETER_SECTIONS, len(line) - len(line.lstrip())
            out.append(line)
            continue
        match = DESCRIBED.match(line) if in_section else None
        if match and len(match.group(1)) == base:
            out += [match.group(1) + match.group(2), match.group(1) + "    " + match.group(3)]
        else:
            out.append(line)
    return out


def process_docstring(app, what, name, obj, options, lines):
    lines[:] = described_parameters(myst_to_rst(lines))
    # not for properties and attributes: napoleon would read "Where to train: the GPU ..." as "type: text"
    if what in ("module", "class", "exception", "function", "method"):
        lines[:] = NumpyDocstring(lines, NAPOLEON, app, what, name, obj, options).lines()


def drop_bases_object(app, doctree):
    """``Bases: object`` says nothing: left out (a class with real bases keeps its line)."""
    for paragraph in list(doctree.findall(nodes.paragraph)):
        if paragraph.astext() == "Bases: object":
            paragraph.parent.remove(paragraph)


class ShortValueDataDocumenter(DataDocumenter):
    """A module constant documented with a ``#:`` comment shows its value only when it fits on a line:
    ``LOSS_LIMIT = 1000000.0``, but not the whole ``TISSUES`` table."""

    def should_suppress_value_header(self) -> bool:
        return super().should_suppress_value_header() or len(object_description(self.object)) > 60


def skip_foreign_docstrings(app, what, name, obj, skip, options):
    """Leave out a method that has no docstring of its own and would show one inherited from outside the
    library (``forward``, with ``torch.nn.Module``'s text about hooks)."""
    if skip or what != "class" or getattr(obj, "__doc__", None) or not hasattr(obj, "__qualname__"):
        return None
    module = inspect.getmodule(obj)
    owner = module
    for part in obj.__qualname__.split(".")[:-1]:
        owner = getattr(owner, part, None)
    if not inspect.isclass(owner):
        return None
    for base in owner.__mro__[1:]:
        inherited = base.__dict__.get(name)
        if inherited is not None and getattr(inherited, "__doc__", None):
            return True if not base.__module__.startswith(LIBRARY) else None
    return None


# --------------------------------------------------------------------------- cross references
_MISSING = object()
_IDENTIFIER = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$")


def _import_path(dotted: str):
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        except Exception:  # noqa: BLE001 - a module that fails to import is no target
            return _MISSING
        for attr in parts[i:]:
            obj = getattr(obj, attr, _MISSING)
            if obj is _MISSING:
                return _MISSING
        return obj
    return _MISSING


def _canonical_name(obj) -> str | None:
    if inspect.ismodule(obj):
        return obj.__name__
    obj = getattr(obj, "fget", obj)  # a property: its getter's name
    obj = getattr(obj, "__func__", obj)  # a classmethod or staticmethod
    module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if isinstance(module, str) and isinstance(qualname, str) and "<" not in qualname:
        return f"{module}.{qualname}"
    return None


def _candidates(target: str, module: str | None, cls: str | None):
    """Where a name used in ``module`` (and ``cls``) can live: the class, the module, the packages above it,
    and the name taken as a full dotted path."""
    if cls and module:
        yield f"{module}.{cls}.{target}"
    while module:
        yield f"{module}.{target}"
        module = module.rpartition(".")[0]
    yield target


def resolve_reference(app, env, node, contnode):
    if node.get("refdomain") != "py" or not _IDENTIFIER.match(node.get("reftarget", "")):
        return None
    target = node["reftarget"]
    for path in _candidates(target, node.get("py:module"), node.get("py:class")):
        obj = _import_path(path)
        if obj is _MISSING:
            continue
        domain = env.get_domain("py")
        for name in dict.fromkeys(filter(None, [_canonical_name(obj), path])):
            ref = domain.resolve_xref(env, node["refdoc"], app.builder, "obj", name, node, contnode)
            if ref is not None:
                return ref
        canonical = _canonical_name(obj)
        if (canonical or path).startswith(LIBRARY + ".") and (canonical or _canonical_name(
                _import_path(path.rpartition(".")[0])) or "").startswith(LIBRARY):
            logger.verbose(f"{path} is not documented in the library appendix: shown without a link",
                           location=node)
        return contnode  # it exists, but is documented nowhere in this book: code without a link
    return None


def setup(app):
    app.setup_extension("sphinx.ext.autodoc")
    app.add_directive("gancourse-package", PackageDirective)
    app.add_autodocumenter(ShortValueDataDocumenter, override=True)
    app.connect("autodoc-process-docstring", process_docstring)
    app.connect("autodoc-skip-member", skip_foreign_docstrings)
    app.connect("doctree-read", drop_bases_object)
    app.connect("missing-reference", resolve_reference)
    app.connect("env-check-consistency", check_every_module_is_documented)
    app.connect("env-get-outdated", pages_to_reread)
    app.connect("env-purge-doc", forget_page)
    app.connect("env-merge-info", merge_pages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
