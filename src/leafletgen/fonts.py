"""The project's fonts: which characters they cover, and a fontconfig limited to them.

WeasyPrint asks fontconfig for fonts and silently falls back to whatever the machine has.
A leaflet must look the same on every machine and never print a box for a letter, so
fontconfig is pointed at the project's and the tool's font folders only, and the content
is checked against the fonts' character maps before anything is rendered.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from xml.sax.saxutils import escape

from fontTools.ttLib import TTCollection, TTFont

from .errors import ContentError, Problem
from .files import RefusedFile, check_regular, process_alive, read_limited
from .model import LanguageText, Leaflet, Project
from .resources import builtin_dir
from .translation import printed_entry

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")

@dataclass(frozen=True)
class FontFile:
    path: Path
    family: str
    codepoints: frozenset[int]


@dataclass(frozen=True)
class FontSet:
    """Every font a project may use, in search order (the project's own first)."""

    fonts: tuple[FontFile, ...]

    @property
    def families(self) -> frozenset[str]:
        return frozenset(font.family for font in self.fonts)

    @cached_property  # read for every document verified
    def leafletgen_families(self) -> frozenset[str]:
        """Families only leafletgen's own font files have: no project font shares them."""
        own = builtin_dir("fonts").resolve()
        theirs = {font.family for font in self.fonts if not font.path.resolve().is_relative_to(own)}
        return frozenset(font.family for font in self.fonts) - theirs

    @property
    def codepoints(self) -> frozenset[int]:
        return frozenset().union(*(font.codepoints for font in self.fonts))

    def codepoints_of(self, families: tuple[str, ...]) -> frozenset[int]:
        wanted = set(families)
        return frozenset().union(*(f.codepoints for f in self.fonts if f.family in wanted))

    @property
    def folders(self) -> tuple[Path, ...]:
        return tuple(dict.fromkeys(font.path.parent for font in self.fonts))


MAX_FONT_BYTES = 50_000_000  # the largest Noto CJK face is about 20 MB
MAX_COLLECTION_FACES = 64  # a real .ttc holds a handful


def load_fonts(font_dirs: tuple[Path, ...]) -> FontSet:
    """Every font in the folders, read defensively: a file that is not a font fontTools can
    read, a link out of its folder, or anything but a regular file (fontconfig would open a
    FIFO and wait) is an error naming the file. All of them are reported at once."""
    fonts: list[FontFile] = []
    problems: list[Problem] = []
    for folder in font_dirs:
        for path in _folder_files(folder, problems):
            if path.suffix.lower() not in FONT_SUFFIXES:
                continue
            try:
                fonts.extend(_read_font(path, read_limited(path, MAX_FONT_BYTES, (folder,))))
            except RefusedFile as refused:
                problems.append(refused.problem())
            except _NotAFont as error:
                problems.append(Problem(path, None, "", f"not a font leafletgen can use: "
                                        f"{error}; replace it with the font's original file"))
    if problems:
        raise ContentError(problems)
    return FontSet(tuple(fonts))


def _folder_files(folder: Path, problems: list[Problem]) -> list[Path]:
    """The files of a font folder and its subfolders (fontconfig reads them all), each a
    regular file or a link to one inside the folder; other entries become problems."""
    files = []
    for parent, dirs, names in os.walk(folder):  # a link to a folder is listed, not entered
        dirs.sort()
        for name in sorted({*dirs, *names}):
            path = Path(parent) / name
            if path.is_dir() and not path.is_symlink():
                continue
            try:
                check_regular(path, (folder,))
            except RefusedFile as refused:
                problems.append(refused.problem())
                continue
            files.append(path)
    return sorted(files)


_CHECKED_TABLES = ("head", "hhea", "maxp", "hmtx", "OS/2", "post")


class _NotAFont(Exception):
    pass


def _read_font(path: Path, data: bytes) -> list[FontFile]:
    """The faces of one font file, checked now rather than deep inside a render: the
    collection header, every table's extent, and the tables fontconfig and Pango read
    first, decompiled (fontTools would otherwise parse them lazily, later)."""
    collection = data[:4] == b"ttcf"
    if collection:
        if len(data) < 12:
            raise _NotAFont("the collection header is cut short")
        claimed = int.from_bytes(data[8:12], "big")
        if not 1 <= claimed <= MAX_COLLECTION_FACES or 12 + 4 * claimed > len(data):
            raise _NotAFont(f"the collection claims {claimed} faces")
    try:
        faces = TTCollection(io.BytesIO(data)).fonts if collection \
            else [TTFont(io.BytesIO(data), lazy=True)]
        result = []
        for face in faces:
            if "cmap" not in face or "name" not in face:
                raise _NotAFont("it has no character map or no names")
            family = face["name"].getBestFamilyName() or path.stem
            codepoints = frozenset(face.getBestCmap() or {})
            if not codepoints:
                raise _NotAFont("its character map is empty")
            for table in _CHECKED_TABLES:
                if table in face:
                    face[table]  # reading a table decompiles it
            for tag, entry in face.reader.tables.items():
                if entry.offset + entry.length > len(data):
                    raise _NotAFont(f"its {tag.strip()!r} table lies past the end of the file")
            result.append(FontFile(path, family, codepoints))
        return result
    except _NotAFont:
        raise
    except Exception as error:  # fontTools raises anything on a broken file
        detail = str(error).strip().splitlines()[0][:100] if str(error).strip() else ""
        raise _NotAFont(f"{type(error).__name__} while reading it"
                        + (f" ({detail})" if detail else "")) from None


def _needs_glyph(char: str) -> bool:
    # Spaces, line breaks and format characters (bidi marks, joiners) have no visible glyph.
    return not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf")


def stack_problems(project: Project, fonts: FontSet) -> list[Problem]:
    """Font families a language's stack or the brand's faces name that are not among the
    project's fonts."""
    named = [(family, language.font_stack_line,
              f"fonts.{language.code}" if language.font_stack_line else language.code)
             for language in project.languages.values() for family in language.font_stack]
    named += [(family, None, f"brand.faces.{role}") for role in ("heading", "body")
              for family in getattr(project.brand.faces, role)]
    return [Problem(project.root / "project.yaml", line, key,
                    f"font family {family!r} is not in the project's or leafletgen's fonts/ "
                    f"folders (they have: {', '.join(sorted(fonts.families))})")
            for family, line, key in named if family not in fonts.families]


def coverage_problems(project: Project, leaflet: Leaflet, fonts: FontSet) -> list[Problem]:
    """Each language of a leaflet whose text holds characters its font stack cannot draw:
    one problem per language, at the first text that holds one, saying how many there
    are, of which scripts, and which font to add.

    Checked against the language's own stack, not every font the project has: fontconfig
    would find a glyph in some other font, but in a face the leaflet was not designed with.
    """
    problems = []
    companion = (leaflet.companion,) if leaflet.companion else ()
    for code in dict.fromkeys((*leaflet.languages, *companion)):
        language = project.languages[code]
        covered = fonts.codepoints_of(language.font_stack)
        missing: dict[str, tuple[Path, int | None, str]] = {}  # each character, where first
        texts = 0
        for file, line, key, text in _printed_text(project, leaflet, language):
            found = [ch for ch in text if _needs_glyph(ch) and ord(ch) not in covered]
            texts += bool(found)
            for ch in found:
                missing.setdefault(ch, (file, line, key))
        if not missing:
            continue
        chars = list(missing)
        file, line, key = missing[chars[0]]
        shown = ", ".join(f"{ch!r} (U+{ord(ch):04X} {unicodedata.name(ch, '?')})"
                          for ch in chars[:3]) + (", ..." if len(chars) > 3 else "")
        elsewhere = f" (and {texts - 1} other text{'s' if texts > 2 else ''})" \
            if texts > 1 else ""
        problems.append(Problem(file, line, key, (
            f"no font for {code} ({', '.join(language.font_stack)}) covers "
            f"{len(chars)} character{'s' if len(chars) > 1 else ''} of "
            f"{'its' if len(chars) > 1 else 'this'} {_listed(_scripts(chars))} text"
            f"{elsewhere}: {shown}; {_font_to_add(fonts, chars, code, language.font_stack)}")))
    return problems


def _listed(words: list[str]) -> str:
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def _scripts(chars: list[str]) -> list[str]:
    """The scripts of some characters, by Unicode's names: "Hebrew", "Arabic", "CJK"."""
    found = []
    for ch in chars:
        words = unicodedata.name(ch, "").split()
        kind = words[1] if len(words) > 1 else ""
        script = "Latin" if words[:1] == ["LATIN"] \
            else words[0].title() if kind in _LETTER_KINDS else "symbol"
        found.append("CJK" if script == "Cjk" else script)
    return list(dict.fromkeys(found))


_LETTER_KINDS = {"LETTER", "SMALL", "CAPITAL", "SYLLABLE", "VOWEL", "SIGN", "DIGIT",
                 "IDEOGRAPH", "UNIFIED", "COMPATIBILITY", "PUNCTUATION", "MARK", "NUMBER",
                 "CONSONANT", "LIGATURE", "SYMBOL", "FULL", "QUESTION", "COMMA", "POINT"}


def _font_to_add(fonts: FontSet, chars: list[str], code: str, stack: tuple[str, ...]) -> str:
    """What to do about characters a language's stack lacks: name a family the project
    or leafletgen already has that covers them all, else say where to put one."""
    wanted = {ord(ch) for ch in chars}
    having = sorted({font.family for font in fonts.fonts if wanted <= font.codepoints})
    them = "them" if len(chars) > 1 else "it"
    if having:
        example = ", ".join((*stack, having[0]))
        return (f"{having[0]} has {them} (in the project's or leafletgen's fonts/): add it "
                f"to fonts.{code} in project.yaml, e.g. fonts: {{{code}: [{example}]}}")
    return (f"add a font that has {them} (e.g. a Noto font "
            f"for the script, from notofonts.github.io) to the project's fonts/ folder and "
            f"name it in project.yaml under fonts.{code}")


def _printed_text(project: Project, leaflet: Leaflet, language: LanguageText,
                  ) -> Iterator[tuple[Path, int | None, str, str]]:
    """(file, line, key, text) of everything a leaflet prints in one language."""
    project_file = project.root / "project.yaml"
    yield project_file, None, "organisation.name", project.organisation.name
    yield project_file, None, "organisation.hotline", project.organisation.hotline.display
    for source in project.cited_sources(leaflet):
        yield project.root / "sources.yaml", None, source.id, f"{source.title} {source.publisher}"

    def own(key: str, text: str) -> tuple[Path, int | None, str, str]:
        return language.file, language.line(key), key, text

    for label, text in language.labels.items():
        yield own(f"labels.{label}", text)
    texts = language.leaflets[leaflet.id]
    yield own(f"leaflets.{leaflet.id}.title", texts.title)
    yield own(f"leaflets.{leaflet.id}.subtitle", texts.subtitle)
    for section_id, heading in texts.sections.items():
        yield own(f"leaflets.{leaflet.id}.sections.{section_id}", heading)
    for chart_id, chart_title in texts.charts.items():
        yield own(f"leaflets.{leaflet.id}.charts.{chart_id}", chart_title)
    for figure_id in leaflet.figure_ids:
        yield own(f"figures.{figure_id}", language.figures[figure_id])
    for entry_id in leaflet.entry_ids:
        # What is really printed: a fallback language's text where this one's is not ready.
        printed = printed_entry(project, language.code, entry_id)
        key = f"entries.{entry_id}"
        file, line = printed.language.file, printed.language.line
        yield file, line(f"{key}.question"), f"{key}.question", printed.text.question
        yield file, line(f"{key}.answer"), f"{key}.answer", printed.text.answer


class IsolatedFontconfig:
    """A fontconfig configuration that knows only the given folders.

    fontconfig reads FONTCONFIG_FILE each time WeasyPrint creates a FontConfiguration, so
    the variable is set for as long as this object lives (one build) and restored after.
    """

    PREFIX = "leafletgen-fontconfig-"

    def __init__(self, folders: tuple[Path, ...]):
        remove_abandoned_configurations()
        # The process id in the name tells a later build whose folder it was.
        self._tempdir = tempfile.TemporaryDirectory(prefix=f"{self.PREFIX}{os.getpid()}-")
        config = Path(self._tempdir.name) / "fonts.conf"
        dirs = "".join(f"<dir>{escape(str(folder))}</dir>" for folder in folders)
        config.write_text(
            '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">'
            f"<fontconfig>{dirs}<cachedir>{escape(self._tempdir.name)}/cache</cachedir>"
            "</fontconfig>",
            encoding="utf-8",
        )
        self._previous = os.environ.get("FONTCONFIG_FILE")
        os.environ["FONTCONFIG_FILE"] = str(config)

    def close(self) -> None:
        if self._previous is None:
            os.environ.pop("FONTCONFIG_FILE", None)
        else:
            os.environ["FONTCONFIG_FILE"] = self._previous
        self._tempdir.cleanup()

    def __enter__(self) -> IsolatedFontconfig:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def remove_abandoned_configurations() -> None:
    """Delete the fontconfig folders (and font caches) of builds that were killed before
    they could clean up: their process no longer exists."""
    for folder in Path(tempfile.gettempdir()).glob(f"{IsolatedFontconfig.PREFIX}*"):
        owner = folder.name[len(IsolatedFontconfig.PREFIX):].split("-", 1)[0]
        if not owner.isdigit() or not folder.is_dir() or folder.is_symlink():
            continue
        if not process_alive(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)
