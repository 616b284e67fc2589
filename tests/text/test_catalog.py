"""The message catalog (kg_metrics.text.catalog): complete in every language, nothing unused, and the
only place prose lives (a scan of the library's code and templates)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from kg_metrics import paths
from kg_metrics.text.catalog import LOCALES_DIR, available_langs, catalog, t

LIB = paths.LIB_DIR
TEMPLATES = paths.TEMPLATES_DIR
PY_FILES = sorted(p for p in LIB.rglob("*.py") if "__pycache__" not in p.parts)
TEMPLATE_FILES = sorted(TEMPLATES.rglob("*.j2"))
#: Letters that only Vietnamese uses (with its tones and vowels): a literal holding one is Vietnamese text.
VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)


def test_the_languages_are_the_catalog_files_vietnamese_first():
    assert available_langs()[0] == "vi"
    assert set(available_langs()) == {p.stem for p in LOCALES_DIR.glob("*.yml")} == {"vi", "en"}


@pytest.mark.parametrize("lang", available_langs())
def test_every_key_exists_in_every_language(lang):
    reference = set(catalog("vi").texts)
    keys = set(catalog(lang).texts)
    assert not reference - keys, f"{lang}: missing {sorted(reference - keys)[:20]}"
    assert not keys - reference, f"{lang}: not in vi {sorted(keys - reference)[:20]}"


@pytest.mark.parametrize("lang", available_langs())
def test_each_language_has_one_locale_and_its_date_patterns(lang):
    meta = catalog(lang).meta
    assert meta["locale"].split("_")[0] == lang
    assert {"date_short", "date_long", "date_cover", "percentage_point"} <= set(meta)


#: Fields a translation may add: another language cites the resolution's Vietnamese title beside its own.
OPTIONAL_FIELDS = {"title_vi"}


@pytest.mark.parametrize("lang", available_langs())
def test_fields_are_the_same_in_every_language(lang):
    field = re.compile(r"\{(\w+)")
    vi = catalog("vi")
    for key, text in catalog(lang).texts.items():
        assert set(field.findall(text)) - OPTIONAL_FIELDS == set(field.findall(vi[key])) - OPTIONAL_FIELDS, key


def test_t_fills_fields_and_names_a_missing_key():
    assert t("analysis.missing_growth", "en", figure="rice output for H1 2024") == "the year-on-year growth of rice output for H1 2024"
    with pytest.raises(KeyError, match="no text 'no.such_key' in the 'vi' catalog"):
        t("no.such_key", "vi")


# ---------------------------------------------------------------------------------------------- the scan
def _docstring_nodes(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


#: Calls whose text is for operators, in English by design: exceptions, warnings, logs, argparse help.
_OPERATOR_CALLS = re.compile(r"(Error|Exception|Problem|Locked|warn|debug|info|warning|error|exception|log|"
                             r"add_argument|add_parser|ArgumentParser|add_subparsers|exit)$")


def _operator_strings(tree: ast.AST) -> set[int]:
    """ids of string constants inside an exception, warning, log or argparse call, or a raise."""
    out: set[int] = set()
    for node in ast.walk(tree):
        target = None
        if isinstance(node, ast.Raise):
            target = node
        elif isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if _OPERATOR_CALLS.search(name or ""):
                target = node
        if target is not None:
            out |= {id(n) for n in ast.walk(target) if isinstance(n, ast.Constant)}
    return out


#: A line may say why its string is not reader-facing prose: `# not prose: CSP header`.
_EXEMPT = "# not prose"


def _python_literals():
    for path in PY_FILES:
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source)
        skip = _docstring_nodes(tree) | _operator_strings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
                if any(_EXEMPT in lines[i - 1] for i in range(node.lineno, (node.end_lineno or node.lineno) + 1)):
                    continue
                yield path, node.lineno, node.value


#: English prose: three or more words of letters (identifiers, formats and patterns are not).
_PROSE = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,;:'’-]+[A-Za-z][a-z]+){2,}\b")


def test_no_vietnamese_literal_in_the_code():
    found = [f"{p.relative_to(LIB)}:{line}: {value[:60]!r}" for p, line, value in _python_literals()
             if VIETNAMESE.search(value)]
    assert not found, "Vietnamese text outside the catalog:\n" + "\n".join(found)


def test_no_english_prose_literal_in_the_code():
    found = [f"{p.relative_to(LIB)}:{line}: {value[:60]!r}" for p, line, value in _python_literals()
             if _PROSE.search(value)]
    assert not found, "English prose outside the catalog:\n" + "\n".join(found)


def _template_text(source: str) -> str:
    """What a template writes itself: everything outside Jinja tags, comments and HTML tags."""
    source = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", source, flags=re.S)
    source = re.sub(r"<style.*?</style>|<script.*?</script>", " ", source, flags=re.S | re.I)
    return re.sub(r"<[^>]*>", " ", source)


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_write_no_prose_of_their_own(path):
    text = _template_text(path.read_text(encoding="utf-8"))
    words = re.findall(r"[^\W\d_]{2,}", text)
    assert not words, f"{path.name} writes text itself (it belongs in the catalog): {words[:10]}"


def _used_keys() -> tuple[set[str], set[str]]:
    """(keys named literally, key prefixes used to build keys) in the library's code and templates."""
    keys = set(catalog("vi").texts)
    literal, prefixes = set(), set()
    strings = [v for _, _, v in _python_literals()]
    for path in PY_FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                prefixes.add(node.values[0].value)
    for path in TEMPLATE_FILES:
        src = path.read_text(encoding="utf-8")
        src = re.sub(r"\{#.*?#\}", " ", src, flags=re.S)  # comments may hold apostrophes
        strings += [a or b for a, b in re.findall(r"\"([^\"]*)\"|'([^']*)'", src)]
        prefixes |= set(re.findall(r"[\"']([\w.]+[._])[\"']\s*(?:~|\+)", src))
    for s in strings:
        if s in keys:
            literal.add(s)
        elif s.endswith((".", "_")) and "." in s:
            prefixes.add(s)
    return literal, {p for p in prefixes if "." in p}


def test_every_key_is_used():
    literal, prefixes = _used_keys()
    unused = sorted(k for k in catalog("vi").texts
                    if k not in literal and not any(k.startswith(p) for p in prefixes))
    assert not unused, f"{len(unused)} catalog keys are used nowhere: {unused[:30]}"


def test_a_key_defined_twice_is_refused(tmp_path, monkeypatch):
    from kg_metrics.text import catalog as catalog_mod

    (tmp_path / "vi.yml").write_text("_meta:\n  locale: vi_VN\na.b: một\na.b: hai\n", encoding="utf-8")
    monkeypatch.setattr(catalog_mod, "LOCALES_DIR", tmp_path)
    catalog_mod.catalog.cache_clear()
    try:
        with pytest.raises(ValueError, match="line 4: 'a.b' is defined twice"):
            catalog_mod.catalog("vi")
    finally:
        catalog_mod.catalog.cache_clear()


def test_no_language_branch_outside_the_text_layer():
    """`if lang == "vi"` is a catalog difference in disguise: outside kg_metrics.text no comparison names a
    language code (templates included)."""
    codes = set(available_langs())
    found = []
    for path in PY_FILES:
        if path.parent.name == "text":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare):
                consts = [c.value for c in [node.left, *node.comparators] if isinstance(c, ast.Constant)]
                if codes & set(consts):
                    found.append(f"{path.relative_to(LIB)}:{node.lineno}")
    for path in TEMPLATE_FILES:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"lang\s*(==|!=)\s*['\"]", line):
                found.append(f"{path.relative_to(TEMPLATES)}:{n}")
    assert not found, f"language branches: {found}"
