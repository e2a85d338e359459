"""Stage 2, validate: the loaded files of a project folder -> one typed `Project`.

Every check runs, and every problem is reported at once with its file, line and key.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ContentError, ProblemList
from .fonts import default_font_stack
from .languages import direction_of, script_of, unknown_subtag
from .load import KeyPath, YamlFile, dotted, load_yaml
from .markup import markup_problems
from .model import (
    DEFAULT_BLEED_MM,
    LABELS,
    PAGE_FORMATS,
    STATISTIC_UNITS,
    Chart,
    Entry,
    EntryText,
    LanguageText,
    Leaflet,
    LeafletText,
    Organisation,
    PageFormat,
    PhoneNumber,
    Project,
    QrOptions,
    Section,
    Source,
    Statistic,
)
from .options import OUTPUT_KINDS, OutputKind
from .placeholders import SIMPLE_NAMES, placeholders
from .qr import MAX_QR_MM, smallest_size_mm
from .resources import builtin_dir

PROJECT_FILE = "project.yaml"
ENTRIES_FILE = "entries.yaml"
STATISTICS_FILE = "statistics.yaml"
SOURCES_FILE = "sources.yaml"
TEXT_DIR = "text"

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# The subset of BCP 47 a leaflet needs: language, optional script, optional region.
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?$")
# International format only: a leaflet travels, so the country code must be printed.
PHONE_RE = re.compile(r"^\+[1-9][0-9]{0,2}(?: ?[0-9]{1,4}){1,7}$")
FORMAT_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
TEMPLATE_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\.html$")
URL_SCHEMES = ("https", "http")


@dataclass
class LoadedProject:
    """Stage 1's output for a whole project folder."""

    root: Path
    project: YamlFile
    entries: YamlFile
    sources: YamlFile | None
    texts: dict[str, YamlFile]  # language code (the file's stem) -> file
    statistics: YamlFile | None = None


def load_project(root: Path) -> LoadedProject:
    """Load every content file of the project, reporting the problems of all of them."""
    root = root.resolve()
    problems = ProblemList()
    if not (root / PROJECT_FILE).is_file():
        problems.add(root / PROJECT_FILE, None, "", "missing: this folder is not a leafletgen "
                     "project (run `leafletgen init DIR` to start one)")
        problems.raise_if_any()

    def load(path: Path) -> YamlFile | None:
        try:
            return load_yaml(path, within=(root,))
        except ContentError as error:
            problems.extend(error.problems)
            return None

    project = load(root / PROJECT_FILE)
    entries = load(root / ENTRIES_FILE) if (root / ENTRIES_FILE).exists() else None
    if entries is None and not (root / ENTRIES_FILE).exists():
        problems.add(root / ENTRIES_FILE, None, "", "missing: the project's FAQ entries")
    sources = load(root / SOURCES_FILE) if (root / SOURCES_FILE).exists() else None
    statistics = load(root / STATISTICS_FILE) if (root / STATISTICS_FILE).exists() else None
    texts: dict[str, YamlFile] = {}
    text_dir = root / TEXT_DIR
    for path in sorted(text_dir.glob("*.yaml")) if text_dir.is_dir() else []:
        loaded = load(path)
        if loaded is not None:
            texts[path.stem] = loaded
    for path in sorted(text_dir.glob("*.yml")) if text_dir.is_dir() else []:
        problems.add(path, None, "", "language files end in .yaml")
    problems.raise_if_any()
    assert project is not None and entries is not None
    return LoadedProject(root, project, entries, sources, texts, statistics)


class _Checker:
    """Shape checks that record a located problem and return None on failure."""

    def __init__(self) -> None:
        self.problems = ProblemList()

    def error(self, file: YamlFile, key_path: KeyPath, message: str) -> None:
        self.problems.add(file.path, file.line(key_path), dotted(key_path), message)

    def mapping(
        self, file: YamlFile, key_path: KeyPath, value: Any,
        required: tuple[str, ...] = (), optional: tuple[str, ...] = (),
    ) -> dict | None:
        if not isinstance(value, dict):
            self.error(file, key_path, f"must be a mapping of keys, not {_kind(value)}")
            return None
        for key in required:
            if key not in value:
                self.error(file, key_path, f"missing key {key!r}")
            elif value[key] is None:  # `key:` with nothing after it
                self.error(file, (*key_path, key), "is empty: give it a value")
        allowed = set(required) | set(optional)
        for key in value:
            if key not in allowed:
                hint = ", ".join(sorted(allowed)) or "none"
                self.error(file, (*key_path, key), f"unknown key (allowed here: {hint})")
        return value

    def ids(self, file: YamlFile, key_path: KeyPath, value: Any) -> dict:
        """A mapping whose keys are ids (entries, sources, leaflets)."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(file, key_path, f"must be a mapping of ids, not {_kind(value)}")
            return {}
        for key in value:
            if not ID_RE.match(key):
                self.error(file, (*key_path, key),
                           "ids are lower-case letters, digits and single hyphens")
        return value

    def text(self, file: YamlFile, key_path: KeyPath, value: Any) -> str | None:
        if value is None:
            return None  # already reported as missing by `mapping`
        if not isinstance(value, str) or not value.strip():
            self.error(file, key_path, f"must be non-empty text, not {_kind(value)}")
            return None
        return value.strip()

    def id_list(self, file: YamlFile, key_path: KeyPath, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.error(file, key_path, "must be a list of ids")
            return ()
        for index, item in enumerate(value):
            if item in value[:index]:
                self.error(file, (*key_path, index), f"{item!r} is listed twice")
        return tuple(value)

    def once(self, file: YamlFile, key_path: KeyPath, item_id: str, seen: set[str],
             kind: str) -> None:
        """An id given in a list of items must not repeat there."""
        if item_id in seen:
            self.error(file, key_path, f"{kind} {item_id!r} is listed twice")
        seen.add(item_id)

    def url(self, file: YamlFile, key_path: KeyPath, value: Any) -> str | None:
        url = self.text(file, key_path, value)
        if url is None:
            return None
        parts = urlsplit(url)
        if parts.scheme not in URL_SCHEMES or not parts.netloc or any(c.isspace() for c in url):
            self.error(file, key_path, f"not a web address: {url!r} (expected https://...)")
            return None
        if problem := host_problem(parts.netloc):
            self.error(file, key_path, f"{problem}: {url!r}")
            return None
        return url

    def date(self, file: YamlFile, key_path: KeyPath, value: Any) -> datetime.date | None:
        """A date that is there (call it only when the key is); anything else, even an
        empty value, is an error."""
        if not isinstance(value, datetime.date):
            self.error(file, key_path, "must be a date written as YYYY-MM-DD")
            return None
        return value

    def flag(self, file: YamlFile, key_path: KeyPath, value: Any, default: bool) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(file, key_path, f"must be true or false, not {_kind(value)}")
            return default
        return value


_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def host_problem(netloc: str) -> str | None:
    """Why a web address's host could mislead a reader, or None. A QR code's target is
    not visible, so the host printed beside it must be the one the phone opens: no user
    part (`https://site.lt@evil.example/` opens evil.example), and plain ASCII letters
    only, so no look-alike letters of another script and no invisible characters."""
    if "@" in netloc:
        return ("the address has a user part before '@', so a phone would open the host "
                "after it; give the plain address")
    host, _, port = netloc.rpartition(":") if netloc.count(":") == 1 else (netloc, "", "")
    if port and not port.isdigit():
        return "the address has a malformed port"
    labels = host.lower().rstrip(".").split(".")
    if any(not label.isascii() for label in labels):
        return ("the address's host has characters other than plain ASCII letters, digits "
                "and hyphens (look-alike or invisible letters can lead elsewhere); type the "
                "address again by hand")
    if any(label.startswith("xn--") and _mixes_scripts(label) for label in labels):
        return "the address's host is an internationalised name that mixes scripts"
    if len(labels) < 2 or not all(_HOST_LABEL.match(label) for label in labels):
        return "the address's host is not a valid host name"
    return None


def _mixes_scripts(label: str) -> bool:
    """Whether a punycode label decodes to letters of more than one script (a Cyrillic
    'а' among Latin letters is the classic homograph), or does not decode at all."""
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return True
    # The first word of a letter's Unicode name is its script: LATIN, CYRILLIC, GREEK ...
    return len({unicodedata.name(ch, "?").split(" ")[0] for ch in decoded if ch.isalpha()}) > 1


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"text {value[:40]!r}"
    return {dict: "a mapping", list: "a list", bool: "true/false", int: "a number",
            float: "a number", datetime.date: "a date"}.get(type(value), type(value).__name__)


def validate(loaded: LoadedProject) -> Project:
    """Check a loaded project and build its model; raise ContentError with every problem."""
    check = _Checker()
    organisation = _organisation(check, loaded.project)
    sources = _sources(check, loaded.sources)
    # Ids that are declared count as known even when their details are broken, so one
    # mistake is reported once, not again at every place that uses the id.
    declared_sources = set(loaded.sources.data) if loaded.sources and isinstance(
        loaded.sources.data, dict) else set()
    entries = _entries(check, loaded.entries, declared_sources)
    statistics = _statistics(check, loaded.statistics, declared_sources)
    declared_statistics = set(loaded.statistics.data) if loaded.statistics and isinstance(
        loaded.statistics.data, dict) else set()
    source_language = organisation.source_language if organisation else None
    font_stacks = _font_stacks(check, loaded.project, loaded.texts)
    languages = {
        code: language
        for code, file in loaded.texts.items()
        if (language := _language(check, code, file, source_language, entries,
                                  font_stacks.get(code))) is not None
    }
    if source_language and source_language not in loaded.texts:
        check.error(loaded.project, ("organisation", "source_language"),
                    f"no language file {TEXT_DIR}/{source_language}.yaml for the source language")
    formats = _formats(check, loaded.project)
    leaflets = _leaflets(check, loaded, entries, languages, statistics, formats)
    _check_placeholders(check, loaded.texts, languages, entries, source_language,
                        declared_statistics)
    max_age = _max_age(check, loaded.project)
    root = loaded.root
    # The user's folders first, then the built-ins: a project may override any template.
    template_dirs = _existing(root / "templates", builtin_dir("templates"))
    for leaflet in leaflets.values():
        if not any((folder / leaflet.template).is_file() for folder in template_dirs):
            check.error(loaded.project, ("leaflets", leaflet.id, "template"),
                        f"no template {leaflet.template!r} in "
                        + " or ".join(str(folder) for folder in template_dirs))
    check.problems.raise_if_any()
    assert organisation is not None
    return Project(
        root=root,
        organisation=organisation,
        sources=sources,
        entries=entries,
        languages=languages,
        leaflets=leaflets,
        template_dirs=template_dirs,
        font_dirs=_existing(root / "fonts", builtin_dir("fonts")),
        statistics=statistics,
        statistics_max_age_days=max_age,
    )


def _existing(*dirs: Path) -> tuple[Path, ...]:
    return tuple(d for d in dirs if d.is_dir())


def _organisation(check: _Checker, file: YamlFile) -> Organisation | None:
    top = check.mapping(file, (), file.data, required=("organisation", "leaflets"),
                        optional=("fonts", "statistics_max_age_days", "formats"))
    if top is None:
        return None
    path = ("organisation",)
    raw = check.mapping(file, path, top.get("organisation"),
                        required=("name", "website", "hotline", "source_language"))
    if raw is None:
        return None
    name = check.text(file, (*path, "name"), raw.get("name"))
    website = check.url(file, (*path, "website"), raw.get("website"))
    hotline = _phone(check, file, (*path, "hotline"), raw.get("hotline"))
    language = check.text(file, (*path, "source_language"), raw.get("source_language"))
    if isinstance(language, str) and LANGUAGE_RE.match(language) and \
            (unknown := unknown_subtag(language)):
        check.error(file, (*path, "source_language"), f"names {unknown}")
    if language and not LANGUAGE_RE.match(language):
        check.error(file, (*path, "source_language"), f"not a language code: {language!r}")
    if name is None or website is None or hotline is None or language is None:
        return None
    return Organisation(name, website, hotline, language)


def _phone(check: _Checker, file: YamlFile, key_path: KeyPath, value: Any) -> PhoneNumber | None:
    if isinstance(value, int):
        check.error(file, key_path, "write the phone number in quotes, e.g. \"+370 608 712 04\"")
        return None
    text = check.text(file, key_path, value)
    if text is None:
        return None
    digits = sum(ch.isdigit() for ch in text)
    if not PHONE_RE.match(text) or not 8 <= digits <= 15:
        check.error(file, key_path, f"not an international phone number: {text!r} "
                    "(expected + country code and digits, e.g. \"+370 608 712 04\")")
        return None
    return PhoneNumber(text)


def _sources(check: _Checker, file: YamlFile | None) -> dict[str, Source]:
    if file is None:
        return {}
    sources = {}
    for source_id, raw in check.ids(file, (), file.data).items():
        path = (source_id,)
        raw = check.mapping(file, path, raw, required=("title", "publisher", "date", "url"))
        if raw is None:
            continue
        title = check.text(file, (*path, "title"), raw.get("title"))
        publisher = check.text(file, (*path, "publisher"), raw.get("publisher"))
        url = check.url(file, (*path, "url"), raw.get("url"))
        if url is not None and (size := smallest_size_mm(url)) > MAX_QR_MM:
            check.error(file, (*path, "url"), f"too long for a printed QR code: its code "
                        f"would be {size:g} mm wide, and {MAX_QR_MM:g} mm is the most a "
                        "leaflet prints; give a shorter address for the same page")
            url = None
        date = check.date(file, (*path, "date"), raw["date"]) if "date" in raw else None
        if title is not None and publisher is not None and url is not None and date is not None:
            sources[source_id] = Source(source_id, title, publisher, date, url, file.line(path))
    return sources


def _statistics(check: _Checker, file: YamlFile | None,
                sources: set[str]) -> dict[str, Statistic]:
    if file is None:
        return {}
    statistics = {}
    for stat_id, raw in check.ids(file, (), file.data).items():
        path = (stat_id,)
        raw = check.mapping(file, path, raw, required=("value", "unit", "as_of", "source"))
        if raw is None:
            continue
        value: Any = raw.get("value")
        unit: Any = raw.get("unit")
        as_of: Any = raw.get("as_of")
        source: Any = raw.get("source")
        ok = True
        if "value" in raw and (isinstance(value, bool) or not isinstance(value, int | float)):
            check.error(file, (*path, "value"), f"must be a number, not {_kind(value)}")
            ok = False
        elif "value" in raw and not (math.isfinite(value) and 0 <= value < 1e12):
            check.error(file, (*path, "value"), f"must be a count or a percentage, not {value}")
            ok = False
        elif unit == "percent" and not 0 <= value <= 100:
            check.error(file, (*path, "value"), f"a percentage runs from 0 to 100, not {value}")
            ok = False
        elif unit == "count" and not float(value).is_integer():
            check.error(file, (*path, "value"), f"a count is a whole number, not {value}")
            ok = False
        if "unit" in raw and unit not in STATISTIC_UNITS:
            check.error(file, (*path, "unit"), f"unknown unit {unit!r} (known: "
                        f"{', '.join(STATISTIC_UNITS)})")
            ok = False
        if "as_of" in raw and check.date(file, (*path, "as_of"), as_of) is None:
            ok = False
        if "source" in raw and source not in sources:
            check.error(file, (*path, "source"), f"unknown source {source!r} (not in "
                        f"{SOURCES_FILE})")
            ok = False
        if ok and len(raw) == 4:
            statistics[stat_id] = Statistic(stat_id, value, unit, as_of, source,
                                            file.line(path))
    return statistics


def _max_age(check: _Checker, file: YamlFile) -> int:
    top = file.data if isinstance(file.data, dict) else {}
    value = top.get("statistics_max_age_days", 730)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        check.error(file, ("statistics_max_age_days",), "must be a whole number of days")
        return 730
    return value


def _entries(check: _Checker, file: YamlFile, sources: set[str]) -> dict[str, Entry]:
    entries = {}
    for entry_id, raw in check.ids(file, (), file.data).items():
        path = (entry_id,)
        raw = check.mapping(file, path, raw or {}, optional=("cites",))
        if raw is None:
            continue
        cites = check.id_list(file, (*path, "cites"), raw.get("cites"))
        for index, source_id in enumerate(cites):
            if source_id not in sources:
                check.error(file, (*path, "cites", index),
                            f"cites unknown source {source_id!r} (not in {SOURCES_FILE})")
        entries[entry_id] = Entry(entry_id, cites)
    return entries


def _font_stacks(
    check: _Checker, file: YamlFile, texts: dict[str, YamlFile],
) -> dict[str, tuple[tuple[str, ...], int | None]]:
    """The project's own font stacks: `fonts: {<language>: [family, ...]}` in project.yaml.
    Whether the families exist is checked with the fonts (see fonts.stack_problems)."""
    raw = file.data.get("fonts") if isinstance(file.data, dict) else None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        check.error(file, ("fonts",), "must map language codes to lists of font families")
        return {}
    stacks: dict[str, tuple[tuple[str, ...], int | None]] = {}
    for code, families in raw.items():
        path = ("fonts", code)
        if code not in texts:
            check.error(file, path, f"no language file {TEXT_DIR}/{code}.yaml")
        if not isinstance(families, list) or not families or not all(
                isinstance(f, str) and f.strip() for f in families):
            check.error(file, path, "must be a list of font family names, first choice first")
            continue
        stacks[code] = (tuple(f.strip() for f in families), file.line(path))
    return stacks


def _language(
    check: _Checker, code: str, file: YamlFile, source_language: str | None,
    entries: dict[str, Entry], font_stack: tuple[tuple[str, ...], int | None] | None,
) -> LanguageText | None:
    if not LANGUAGE_RE.match(code):
        check.error(file, (), f"the file name must be a language code such as lt.yaml or "
                    f"sr-Latn.yaml, not {file.path.name!r}")
        return None
    if unknown := unknown_subtag(code):
        check.error(file, (), f"the file name {file.path.name!r} names {unknown}")
        return None
    is_source = code == source_language
    # A translation may have no entries yet (`entries:` empty): they print in a fallback.
    top = check.mapping(file, (), file.data,
                        required=("language", "labels", "leaflets", "entries") if is_source
                        else ("language", "labels", "leaflets"),
                        optional=("figures",) if is_source
                        else ("figures", "status", "review", "entries"))
    if top is None:
        return None
    if not is_source and "review" in top:
        _review(check, file, ("review",), top["review"], with_source=False)

    meta = check.mapping(file, ("language",), top.get("language"), required=("name",),
                         optional=("direction", "fallback")) or {}
    fallback = check.text(file, ("language", "fallback"), meta.get("fallback"))
    if fallback is not None and (fallback == code or not (file.path.parent /
                                                          f"{fallback}.yaml").is_file()):
        check.error(file, ("language", "fallback"), f"no other language file {TEXT_DIR}/"
                    f"{fallback}.yaml to fall back to")
        fallback = None
    name = check.text(file, ("language", "name"), meta.get("name"))
    default_direction = direction_of(code)
    direction = meta.get("direction", default_direction)
    if direction not in ("ltr", "rtl"):
        check.error(file, ("language", "direction"), "must be ltr or rtl")

    # Translations start as drafts: only a reviewer's explicit word makes them final.
    file_reviewed = is_source or _status(check, file, ("status",), top.get("status"), False)

    labels = {}
    raw_labels = check.mapping(file, ("labels",), top.get("labels"), required=tuple(LABELS)) or {}
    for key in LABELS:
        if (label := check.text(file, ("labels", key), raw_labels.get(key))) is not None:
            labels[key] = label

    leaflets = {}
    for leaflet_id, raw in check.ids(file, ("leaflets",), top.get("leaflets")).items():
        path = ("leaflets", leaflet_id)
        raw = check.mapping(file, path, raw, required=("title",),
                            optional=("subtitle", "sections", "charts"))
        if raw is None:
            continue
        title = check.text(file, (*path, "title"), raw.get("title"))
        subtitle = check.text(file, (*path, "subtitle"), raw.get("subtitle"))
        headings = {}
        raw_sections = check.ids(file, (*path, "sections"), raw.get("sections"))
        for section_id, heading in raw_sections.items():
            if (text := check.text(file, (*path, "sections", section_id), heading)) is not None:
                headings[section_id] = text
        chart_titles = {}
        for chart_id, chart_title in check.ids(file, (*path, "charts"), raw.get("charts")).items():
            if (text := check.text(file, (*path, "charts", chart_id), chart_title)) is not None:
                chart_titles[chart_id] = text
        if title is not None:
            leaflets[leaflet_id] = LeafletText(title, subtitle or "", headings, chart_titles)

    figure_labels = {}
    for figure_id, label in check.ids(file, ("figures",), top.get("figures")).items():
        if (text := check.text(file, ("figures", figure_id), label)) is not None:
            figure_labels[figure_id] = text

    texts = {}
    for entry_id, raw in check.ids(file, ("entries",), top.get("entries")).items():
        path = ("entries", entry_id)
        if entry_id not in entries:
            check.error(file, path, "unknown entry id (every entry must be declared in "
                        f"{ENTRIES_FILE})")
            continue
        raw = check.mapping(file, path, raw, required=("question", "answer"),
                            optional=() if is_source else ("status", "translated_from", "review"))
        if raw is None:
            continue
        if "review" in raw:
            _review(check, file, (*path, "review"), raw["review"], with_source=True)
        question = check.text(file, (*path, "question"), raw.get("question"))
        answer = check.text(file, (*path, "answer"), raw.get("answer"))
        for problem in markup_problems(answer or ""):
            check.error(file, (*path, "answer"), problem)
        reviewed = is_source or _status(check, file, (*path, "status"), raw.get("status"),
                                        file_reviewed)
        translated_from = raw.get("translated_from")
        if translated_from is not None and not (isinstance(translated_from, str)
                                                and re.fullmatch(r"[0-9a-f]{12}", translated_from)):
            check.error(file, (*path, "translated_from"), "must be the 12-character fingerprint "
                        "`leafletgen status --entries` shows for the source text")
            translated_from = None
        if question is not None and answer is not None:
            texts[entry_id] = EntryText(question, answer, reviewed, translated_from)

    if is_source:
        given: dict = top["entries"] if isinstance(top.get("entries"), dict) else {}
        for entry_id in entries:
            if entry_id not in given:
                check.error(file, ("entries", entry_id), "missing: the source language must "
                            "give the text of every entry")
    if name is None or direction not in ("ltr", "rtl"):
        return None
    lines = {dotted(key_path): line for key_path, line in file.lines.items()}
    families, stack_line = font_stack or (default_font_stack(code), None)
    return LanguageText(code, name, direction, file.path, is_source, file_reviewed, labels,
                        leaflets, texts, lines, script=script_of(code),
                        font_stack=families, font_stack_line=stack_line, fallback=fallback,
                        figures=figure_labels)


def _review(check: _Checker, file: YamlFile, key_path: KeyPath, value: Any,
            with_source: bool) -> None:
    """Who reviewed a translation, and when (`leafletgen review` writes it); for an entry
    also the fingerprint of the source text the translation was checked against."""
    raw = check.mapping(file, key_path, value, required=("by", "date", *(
        ("source",) if with_source else ())))
    if raw is None:
        return
    check.text(file, (*key_path, "by"), raw.get("by"))
    if "date" in raw:
        check.date(file, (*key_path, "date"), raw["date"])
    source = raw.get("source")
    if with_source and source is not None and not (
            isinstance(source, str) and re.fullmatch(r"[0-9a-f]{12}", source)):
        check.error(file, (*key_path, "source"), "must be the 12-character fingerprint of the "
                    "source text")


def _status(check: _Checker, file: YamlFile, key_path: KeyPath, value: Any, default: bool) -> bool:
    if value is None:
        return default
    if value not in ("reviewed", "unreviewed"):
        check.error(file, key_path, "must be reviewed or unreviewed")
        return default
    return value == "reviewed"


def _formats(check: _Checker, file: YamlFile) -> dict[str, PageFormat]:
    """The built-in page formats and the project's own (flat sheets of any size)."""
    formats = dict(PAGE_FORMATS)
    top = file.data if isinstance(file.data, dict) else {}
    raw_formats = top.get("formats")
    if raw_formats is None:
        return formats
    if not isinstance(raw_formats, dict):
        check.error(file, ("formats",), f"must be a mapping of format names, not "
                    f"{_kind(raw_formats)}")
        return formats
    for name, raw in raw_formats.items():
        path = ("formats", name)
        if not isinstance(name, str) or not FORMAT_NAME_RE.match(name):
            check.error(file, path, "format names are letters, digits and hyphens")
            continue
        if name in PAGE_FORMATS:
            check.error(file, path, f"{name} is a built-in format; give yours another name")
            continue
        raw = check.mapping(file, path, raw, required=("width_mm", "height_mm"),
                            optional=("pages",))
        if raw is None:
            continue
        width = _number(check, file, (*path, "width_mm"), raw.get("width_mm"), 20, 1000)
        height = _number(check, file, (*path, "height_mm"), raw.get("height_mm"), 20, 1000)
        pages = _whole(check, file, (*path, "pages"), raw.get("pages"), 2)
        if width is not None and height is not None and pages is not None:
            formats[name] = PageFormat(name, width, height, pages)
    return formats


def _number(check: _Checker, file: YamlFile, key_path: KeyPath, value: Any,
            smallest: float, largest: float) -> float | None:
    if value is None:
        return None  # reported as missing
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not smallest <= value <= largest:
        check.error(file, key_path, f"must be a number from {smallest:g} to {largest:g}, "
                    f"not {_kind(value) if not isinstance(value, int | float) else value}")
        return None
    return float(value)


def _whole(check: _Checker, file: YamlFile, key_path: KeyPath, value: Any,
           default: int | None) -> int | None:
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        check.error(file, key_path, "must be a whole number of pages, 1 or more")
        return None
    return value


def _outputs(check: _Checker, file: YamlFile, key_path: KeyPath, value: Any,
             ) -> tuple[OutputKind, ...] | None:
    if value is None:
        return ("screen",)
    kinds: list[OutputKind] = []
    for index, kind in enumerate(check.id_list(file, key_path, value)):
        known = next((k for k in OUTPUT_KINDS if k == kind), None)
        if known is None:
            check.error(file, (*key_path, index), f"unknown output {kind!r} (known: "
                        f"{', '.join(OUTPUT_KINDS)})")
            return None
        kinds.append(known)
    if not kinds:
        check.error(file, key_path, "list at least one output")
        return None
    return tuple(kinds)


def _leaflet_pages(check: _Checker, file: YamlFile, key_path: KeyPath, value: Any,
                   page_format: PageFormat | None) -> int | None:
    """The leaflet's page count: the format's unless it says otherwise, as far as the
    fold allows (a tri-fold has six panels; a booklet's pages come in fours)."""
    if page_format is None:
        return _whole(check, file, key_path, value, None)
    pages = _whole(check, file, key_path, value, page_format.pages)
    if pages is None or value is None:
        return pages
    if page_format.fold == "roll" and pages != page_format.pages:
        check.error(file, key_path, f"a {page_format.name} has {page_format.pages} panels; "
                    "leave `pages` out")
        return None
    if page_format.fold == "booklet" and pages % 4:
        check.error(file, key_path, f"a {page_format.name} has 4, 8, 12 ... pages (each "
                    f"sheet folded gives four), not {pages}")
        return None
    return pages


def _leaflets(
    check: _Checker, loaded: LoadedProject, entries: dict[str, Entry],
    languages: dict[str, LanguageText], statistics: dict[str, Statistic],
    formats: dict[str, PageFormat],
) -> dict[str, Leaflet]:
    file = loaded.project
    top = file.data if isinstance(file.data, dict) else {}
    leaflets = {}
    for leaflet_id, raw in check.ids(file, ("leaflets",), top.get("leaflets")).items():
        path = ("leaflets", leaflet_id)
        raw = check.mapping(file, path, raw,
                            required=("template", "format", "sections"),
                            optional=("pages", "qr", "languages", "companion", "figures",
                                      "charts", "published", "outputs", "copyfit", "bleed_mm"))
        if raw is None:
            continue
        template = check.text(file, (*path, "template"), raw.get("template"))
        if template is not None and not TEMPLATE_RE.match(template):
            check.error(file, (*path, "template"), "must be a file name ending in .html, "
                        "found in the project's templates/ folder or the built-in ones")
            template = None
        format_name = raw.get("format")
        page_format = formats.get(format_name) if isinstance(format_name, str) else None
        if "format" in raw and page_format is None:
            check.error(file, (*path, "format"), f"unknown page format {raw.get('format')!r} "
                        f"(known: {', '.join(formats)}; a project adds its own under "
                        "`formats:`)")
        pages = _leaflet_pages(check, file, (*path, "pages"), raw.get("pages"), page_format)
        outputs = _outputs(check, file, (*path, "outputs"), raw.get("outputs"))
        copyfit = check.flag(file, (*path, "copyfit"), raw.get("copyfit"), False)
        bleed = DEFAULT_BLEED_MM if raw.get("bleed_mm") is None else _number(
            check, file, (*path, "bleed_mm"), raw.get("bleed_mm"), 0, 10)
        companion = check.text(file, (*path, "companion"), raw.get("companion"))
        if companion is not None and companion not in loaded.texts:
            check.error(file, (*path, "companion"), f"no language file {TEXT_DIR}/{companion}.yaml")
        if "languages" in raw:
            leaflet_languages = check.id_list(file, (*path, "languages"), raw.get("languages"))
            if not leaflet_languages:
                check.error(file, (*path, "languages"), "list at least one language")
            for index, code in enumerate(leaflet_languages):
                if code not in loaded.texts:
                    check.error(file, (*path, "languages", index),
                                f"no language file {TEXT_DIR}/{code}.yaml")
                elif code == companion:
                    check.error(file, (*path, "languages", index),
                                f"{code} is this leaflet's companion language, printed beside "
                                "every other one; it cannot be one of them")
        else:
            # Without a list, a leaflet is made in every language whose file gives its text:
            # adding a language is adding one file.
            leaflet_languages = _languages_with_text(leaflet_id, loaded, companion)
            if not leaflet_languages:
                check.error(file, path, f"no language file gives this leaflet's text (add "
                            f"leaflets.{leaflet_id} to a {TEXT_DIR}/<language>.yaml, or list "
                            "its languages here)")
        sections = _sections(check, file, (*path, "sections"), raw.get("sections"), entries)
        qr_raw = check.mapping(file, (*path, "qr"), raw.get("qr") or {},
                               optional=("hotline", "sources")) or {}
        qr = QrOptions(
            hotline=check.flag(file, (*path, "qr", "hotline"), qr_raw.get("hotline"), True),
            sources=check.flag(file, (*path, "qr", "sources"), qr_raw.get("sources"), True),
        )
        figures = check.id_list(file, (*path, "figures"), raw.get("figures"))
        for index, figure_id in enumerate(figures):
            if figure_id not in statistics:
                check.error(file, (*path, "figures", index),
                            f"unknown figure {figure_id!r} (not in {STATISTICS_FILE})")
        charts = _charts(check, file, (*path, "charts"), raw.get("charts"), statistics)
        published = (check.date(file, (*path, "published"), raw["published"])
                     if "published" in raw else None)
        if template is None or page_format is None or pages is None or outputs is None \
                or bleed is None or sections is None:
            continue
        leaflet = Leaflet(leaflet_id, template, page_format, pages, leaflet_languages,
                          sections, qr, companion, figures, charts, published, outputs,
                          copyfit, bleed)
        _check_translations(check, leaflet, entries, languages, loaded.texts)
        leaflets[leaflet_id] = leaflet
    return leaflets


def _charts(check: _Checker, file: YamlFile, key_path: KeyPath, value: Any,
            statistics: dict[str, Statistic]) -> tuple[Chart, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        check.error(file, key_path, "must be a list of charts, each with an id and figures")
        return ()
    charts = []
    chart_ids: set[str] = set()
    for index, raw in enumerate(value):
        path = (*key_path, index)
        raw = check.mapping(file, path, raw, required=("id", "figures"))
        if raw is None:
            continue
        chart_id = raw.get("id")
        if not isinstance(chart_id, str) or not ID_RE.match(chart_id):
            check.error(file, (*path, "id"), "must be an id (lower-case letters, digits, hyphens)")
            continue
        check.once(file, (*path, "id"), chart_id, chart_ids, "chart")
        figures = check.id_list(file, (*path, "figures"), raw.get("figures"))
        known = [statistics[f] for f in figures if f in statistics]
        for figure_index, figure_id in enumerate(figures):
            if figure_id not in statistics:
                check.error(file, (*path, "figures", figure_index),
                            f"unknown figure {figure_id!r} (not in {STATISTICS_FILE})")
        if len({stat.unit for stat in known}) > 1:
            check.error(file, (*path, "figures"), "a chart compares figures of one unit")
        charts.append(Chart(chart_id, figures))
    return tuple(charts)


def _languages_with_text(
    leaflet_id: str, loaded: LoadedProject, companion: str | None,
) -> tuple[str, ...]:
    """The languages whose files have a `leaflets.<id>` section, source language first."""
    top = loaded.project.data if isinstance(loaded.project.data, dict) else {}
    organisation: dict = top["organisation"] if isinstance(top.get("organisation"), dict) else {}
    source = organisation.get("source_language")
    codes = [
        code for code, file in loaded.texts.items()
        if code != companion and isinstance(file.data, dict)
        and isinstance(file.data.get("leaflets"), dict) and leaflet_id in file.data["leaflets"]
    ]
    return tuple(sorted(codes, key=lambda code: (code != source, code)))


def _sections(
    check: _Checker, file: YamlFile, key_path: KeyPath, value: Any, entries: dict[str, Entry],
) -> tuple[Section, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        check.error(file, key_path, "must be a list of sections, each with an id and entries")
        return None
    sections = []
    used: set[str] = set()
    section_ids: set[str] = set()
    for index, raw in enumerate(value):
        path = (*key_path, index)
        raw = check.mapping(file, path, raw, required=("id", "entries"), optional=("new_page",))
        if raw is None:
            continue
        section_id = raw.get("id")
        if not isinstance(section_id, str) or not ID_RE.match(section_id):
            check.error(file, (*path, "id"), "must be an id (lower-case letters, digits, hyphens)")
            continue
        check.once(file, (*path, "id"), section_id, section_ids, "section")
        entry_ids = check.id_list(file, (*path, "entries"), raw.get("entries"))
        for entry_index, entry_id in enumerate(entry_ids):
            if entry_id not in entries:
                check.error(file, (*path, "entries", entry_index),
                            f"unknown entry {entry_id!r} (not in {ENTRIES_FILE})")
            elif entry_id in used:
                check.error(file, (*path, "entries", entry_index),
                            f"entry {entry_id!r} is already used in this leaflet")
            used.add(entry_id)
        new_page = check.flag(file, (*path, "new_page"), raw.get("new_page"), False)
        sections.append(Section(section_id, entry_ids, new_page))
    return tuple(sections)


def _check_placeholders(
    check: _Checker, files: dict[str, YamlFile], languages: dict[str, LanguageText],
    entries: dict[str, Entry], source_language: str | None, statistics: set[str],
) -> None:
    """Placeholders must be well formed and known in the source text, and a translation
    must keep exactly the placeholders of the text it translates."""
    source = languages.get(source_language or "")
    for code, language in languages.items():
        file = files[code]
        for entry_id, text in language.entries.items():
            for field in ("question", "answer"):
                path = ("entries", entry_id, field)
                found, broken = placeholders(getattr(text, field))
                for message in broken:
                    check.error(file, path, message)
                if language.is_source:
                    cited = {f"source:{s}" for s in entries[entry_id].cites}
                    for name in found:
                        if name.startswith("source:") and name not in cited:
                            check.error(file, path, f"placeholder {{{name}}}: the entry does "
                                        f"not cite {name.split(':', 1)[1]!r} (entries.yaml)")
                        elif name.startswith("stat:"):
                            if name.split(":", 1)[1] not in statistics:
                                check.error(file, path, f"placeholder {{{name}}}: no such figure "
                                            f"in {STATISTICS_FILE}")
                        elif not name.startswith("source:") and name not in SIMPLE_NAMES:
                            check.error(file, path, f"unknown placeholder {{{name}}} (known: "
                                        "{hotline}, {website}, {source:<cited source id>}, "
                                        "{stat:<figure id>})")
                    continue
                if source is None or entry_id not in source.entries:
                    continue
                wanted, _ = placeholders(getattr(source.entries[entry_id], field))
                for name in sorted(set(wanted) | set(found)):
                    if found[name] < wanted[name]:
                        check.error(file, path, f"placeholder {{{name}}} of the source text is "
                                    "missing: copy it into the translation unchanged")
                    elif found[name] > wanted[name]:
                        check.error(file, path, f"placeholder {{{name}}} is not in the source "
                                    "text" + (" as often" if wanted[name] else ""))


def _check_translations(
    check: _Checker, leaflet: Leaflet, entries: dict[str, Entry],
    languages: dict[str, LanguageText], files: dict[str, YamlFile],
) -> None:
    """Every language a leaflet is built in must give all the text the leaflet prints."""
    companion = (leaflet.companion,) if leaflet.companion else ()
    for code in (*leaflet.languages, *companion):
        language = languages.get(code)
        if language is None:
            continue  # its file is missing or broken, and that is reported already
        file = files[code]
        because = (f"(leaflet {leaflet.id!r} prints {code} beside every language)"
                   if code == leaflet.companion else f"(leaflet {leaflet.id!r} is built in {code})")
        text = language.leaflets.get(leaflet.id)
        if text is None:
            check.error(file, ("leaflets", leaflet.id), f"missing: the leaflet's title {because}")
        else:
            for section in leaflet.sections:
                if section.id not in text.sections:
                    check.error(file, ("leaflets", leaflet.id, "sections", section.id),
                                f"missing: the section heading {because}")
            for chart in leaflet.charts:
                if chart.id not in text.charts:
                    check.error(file, ("leaflets", leaflet.id, "charts", chart.id),
                                f"missing: the chart's title {because}")
        for figure_id in leaflet.figure_ids:
            if figure_id not in language.figures:
                check.error(file, ("figures", figure_id),
                            f"missing: the figure's label {because}")
        # A missing entry is not an error: it is printed from the fallback language and
        # makes the leaflet a draft (translation.py).
