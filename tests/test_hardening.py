"""Hostile and broken content: every bad input ends in a located error and exit 1, never a
traceback, and the previous build is left exactly as it was."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import DATA, edit, tree_snapshot
from leafletgen.build import BuildOptions, build

SOURCE_URL = "url: https://e-seimas.lrs.lt/portal/legalAct/lt/TAD/TAIS.111555"
QUESTION = "question: May I help?"  # text/en.yaml line 21
ANSWER = "answer: No, under Article 291 part 2."  # text/en.yaml line 19
BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}]\n"
    for a, b in zip("abcdefgh", "bcdefghi", strict=True))


def replace(relative: str, old: str, new: str) -> Callable[[Path], None]:
    return lambda project: edit(project / relative, old, new)


def write(relative: str, data: bytes) -> Callable[[Path], None]:
    return lambda project: (project / relative).write_bytes(data)


def together(*breakages: Callable[[Path], None]) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        for breakage in breakages:
            breakage(project)
    return apply


def with_statistics(*ids: str) -> Callable[[Path], None]:
    """statistics.yaml with these counts, each citing the project's one source."""
    return write("statistics.yaml", "".join(
        f"{stat}:\n  value: 30\n  unit: count\n  as_of: 2024-01-01\n  source: code\n"
        for stat in ids).encode())


def copy_lt_to(name: str) -> Callable[[Path], None]:
    return lambda project: shutil.copy(project / "text" / "lt.yaml", project / "text" / name)


def reencode(relative: str, encoding: str) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        path = project / relative
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    return apply


def pad(relative: str, size: int) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        with (project / relative).open("a", encoding="utf-8") as stream:
            stream.write("#" + "x" * size + "\n")
    return apply


# (case, how to break the small project, the problem line the build must print)
CATALOGUE = [
    ("yaml syntax", replace("text/en.yaml", QUESTION, "question: [May I help?"),
     "small/text/en.yaml:21:26: YAML syntax error: while parsing a flow sequence"),
    ("tab indent", replace("text/en.yaml", "  legal:\n    question", "  legal:\n\tquestion"),
     "small/text/en.yaml:18:1: YAML syntax error: while scanning for the next token, found "
     "character '\\t' that cannot start any token (use spaces, not tabs, to indent)"),
    ("duplicate key", replace("text/en.yaml", QUESTION, QUESTION + "\n    question: Again?"),
     "small/text/en.yaml:22:5: entries.help.question: duplicate key (first given on line 21)"),
    ("wrong type", replace("project.yaml", "pages: 1", "pages: one"),
     "small/project.yaml:11:5: leaflets.card.pages: must be a whole number, not text 'one'"),
    ("text where a mapping belongs", write("text/en.yaml", b"- a\n- b\n"),
     "small/text/en.yaml:1: must be a mapping of keys, not a list"),
    ("empty file", write("entries.yaml", b""), "small/entries.yaml:1: file is empty"),
    ("not UTF-8", reencode("text/lt.yaml", "cp1257"),
     "small/text/lt.yaml:2: not UTF-8 text: save the file as UTF-8"),
    ("over the size limit", pad("text/en.yaml", 1_100_000),
     "small/text/en.yaml: file is 1100557 bytes, over the limit of 1000000"),
    ("alias bomb", write("sources.yaml", BILLION_LAUGHS.encode()),
     "small/sources.yaml:2: YAML aliases (*name) are not allowed in content"),
    ("merge key", replace("sources.yaml", "code:\n", "code:\n  <<: {publisher: x}\n"),
     "small/sources.yaml:2:3: code: merge keys (<<) are not allowed"),
    ("nested too deep", replace("text/en.yaml", ANSWER, "answer: " + "[" * 100 + "]" * 100),
     "small/text/en.yaml:19: nested more than 40 levels deep"),
    ("python tag", replace("text/en.yaml", ANSWER,
                           'answer: !!python/object/apply:os.system ["touch /tmp/x"]'),
     "small/text/en.yaml:19:5: entries.legal.answer: the YAML tag "
     "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed in content"),
    ("impossible date", replace("sources.yaml", "date: 2000-09-26", "date: 2000-13-26"),
     "small/sources.yaml:4:3: code.date: bad value '2000-13-26': month must be in 1..12"),
    ("number of 5000 digits", replace("project.yaml", "pages: 1", "pages: 1" + "0" * 5000),
     "small/project.yaml:11:5: leaflets.card.pages: bad value '1000000000000000000000000000000"
     "000000000': a number far too long"),
    ("infinite figure", write("statistics.yaml", b"x:\n  value: .inf\n  unit: count\n"
                              b"  as_of: 2026-01-01\n  source: code\n"),
     "small/statistics.yaml:2:3: x.value: must be a finite number, not inf"),
    ("unknown key", replace("text/en.yaml", QUESTION, QUESTION + "\n    answr: typo"),
     "small/text/en.yaml:22:5: entries.help.answr: unknown key (allowed here: answer, question)"),
    ("unknown language", copy_lt_to("xx.yaml"),
     "small/text/xx.yaml:1: the file name 'xx.yaml' names an unknown language 'xx'"),
    ("malformed language code", copy_lt_to("LT_lt.yaml"),
     "small/text/LT_lt.yaml:1: the file name must be a language code such as lt.yaml or "
     "sr-Latn.yaml, not 'LT_lt.yaml'"),
    ("unknown region", copy_lt_to("lt-QQ.yaml"),
     "small/text/lt-QQ.yaml:1: the file name 'lt-QQ.yaml' names an unknown region 'QQ'"),
    ("duplicate entry id", replace("entries.yaml", "help: {}", "help: {}\nhelp: {}"),
     "small/entries.yaml:4:1: help: duplicate key (first given on line 3)"),
    ("duplicate section id",
     replace("project.yaml", "      - id: main\n        entries: [legal, help]",
             "      - id: main\n        entries: [legal]\n      - id: main\n"
             "        entries: [help]"),
     "small/project.yaml:16:9: leaflets.card.sections[1].id: section 'main' is listed twice"),
    ("language listed twice", replace("project.yaml", "languages: [en, lt]",
                                      "languages: [en, lt, en]"),
     "small/project.yaml:12:25: leaflets.card.languages[2]: 'en' is listed twice"),
    ("output listed twice", replace("project.yaml", "    pages: 1\n",
                                    "    pages: 1\n    outputs: [screen, print, screen]\n"),
     "small/project.yaml:12:30: leaflets.card.outputs[2]: 'screen' is listed twice"),
    ("unknown output", replace("project.yaml", "    pages: 1\n",
                               "    pages: 1\n    outputs: [screen, poster]\n"),
     "small/project.yaml:12:23: leaflets.card.outputs[1]: must be screen, print, office or "
     "office-grey, not text 'poster'"),
    ("no file for the source language", replace("project.yaml", "source_language: en",
                                                  "source_language: fr"),
     "small/project.yaml:5:3: organisation.source_language: no language file text/fr.yaml "
     "for the source language"),
    ("a format named like a built-in one", replace(
        "project.yaml", "leaflets:\n",
        "formats:\n  A5: {width_mm: 100, height_mm: 100}\nleaflets:\n"),
     "small/project.yaml:8:3: formats.A5: A5 is a built-in format; give yours another name"),
    ("fonts for a language the project lacks", replace(
        "project.yaml", "leaflets:\n", "fonts:\n  de: [Noto Sans]\nleaflets:\n"),
     "small/project.yaml:8:3: fonts.de: no language file text/de.yaml"),
    ("an empty font stack", replace("project.yaml", "leaflets:\n",
                                    "fonts:\n  en: []\nleaflets:\n"),
     "small/project.yaml:8:3: fonts.en: must be a list of font family names, first choice "
     "first"),
    ("a tri-fold of four pages", replace("project.yaml", "format: A5\n    pages: 1",
                                         "format: DL-trifold\n    pages: 4"),
     "small/project.yaml:11:5: leaflets.card.pages: DL-trifold has 6 panels; leave `pages` out"),
    ("a booklet of six pages", replace("project.yaml", "format: A5\n    pages: 1",
                                       "format: A5-booklet\n    pages: 6"),
     "small/project.yaml:11:5: leaflets.card.pages: A5-booklet has 4, 8, 12 ... pages (each "
     "sheet folded gives four), not 6"),
    ("the companion among the languages", replace("project.yaml", "languages: [en, lt]",
                                                  "languages: [en, lt]\n    companion: lt"),
     "small/project.yaml:12:21: leaflets.card.languages[1]: lt is this leaflet's companion "
     "language, printed beside every other one; it cannot be one of them"),
    ("an entry used twice", replace("project.yaml", "entries: [legal, help]",
                                    "entries: [legal, help, legal]"),
     "small/project.yaml:15:32: leaflets.card.sections[0].entries[2]: entry 'legal' is "
     "already used in this leaflet"),
    ("an unknown figure", replace("project.yaml", "    pages: 1\n",
                                  "    pages: 1\n    figures: [nothing]\n"),
     "small/project.yaml:12:15: leaflets.card.figures[0]: unknown figure 'nothing' (not in "
     "statistics.yaml)"),
    ("a chart of a count and a percentage", together(
        write("statistics.yaml", b"people:\n  value: 30\n  unit: count\n  as_of: 2024-01-01"
              b"\n  source: code\nshare:\n  value: 24\n  unit: percent\n  as_of: 2024-01-01"
              b"\n  source: code\n"),
        replace("project.yaml", "    pages: 1\n", "    pages: 1\n    charts:\n      - id: mixed"
                "\n        figures: [people, share]\n")),
     "small/project.yaml:14:9: leaflets.card.charts[0].figures: a chart compares figures of "
     "one unit"),
    ("a figure from an unknown source", write(
        "statistics.yaml", b"people:\n  value: 30\n  unit: count\n  as_of: 2024-01-01\n"
        b"  source: nowhere\n"),
     "small/statistics.yaml:5:3: people.source: unknown source 'nowhere' (not in sources.yaml)"),
    ("a fallback without a file", replace("text/lt.yaml", "name: Lietuvių",
                                          "name: Lietuvių\n  fallback: pl"),
     "small/text/lt.yaml:3:3: language.fallback: no other language file text/pl.yaml to fall "
     "back to"),
    ("a translated entry nobody declared", replace(
        "text/lt.yaml", "    answer: Taip.", "    answer: Taip.\n  ghost:\n    question: A?\n"
        "    answer: B."),
     "small/text/lt.yaml:26:3: entries.ghost: unknown entry id (every entry must be declared "
     "in entries.yaml)"),
    ("an entry the source language does not give", replace("entries.yaml", "help: {}",
                                                           "help: {}\nextra: {}"),
     "small/text/en.yaml:16:1: entries.extra: missing: the source language must give the "
     "text of every entry"),
    ("a placeholder the source does not have", replace("text/lt.yaml", "    answer: Taip.",
                                                       "    answer: Taip {hotline}."),
     "small/text/lt.yaml:25:5: entries.help.answer: placeholder {hotline} is not in the source "
     "text"),
    ("a placeholder of a source not cited", replace("text/en.yaml", "      Yes.",
                                                    "      Yes {source:code}."),
     "small/text/en.yaml:22:5: entries.help.answer: placeholder {source:code}: the entry does "
     "not cite 'code' (entries.yaml)"),
    ("a chart without its title in a language", together(
        with_statistics("people", "others"),
        replace("project.yaml", "    pages: 1\n", "    pages: 1\n    charts:\n      - id: both"
                "\n        figures: [people, others]\n"),
        replace("text/en.yaml", "      main: Questions\n",
                "      main: Questions\n    charts:\n      both: Both\n"),
        replace("text/en.yaml", "entries:\n", "figures:\n  people: People\n  others: Others\n"
                "entries:\n"),
        replace("text/lt.yaml", "entries:\n", "figures:\n  people: Žmonės\n  others: Kiti\n"
                "entries:\n")),
     "small/text/lt.yaml:13:3: leaflets.card.charts.both: missing: the chart's title (leaflet "
     "'card' is built in lt)"),
    ("a figure without its label in a language", together(
        with_statistics("people"),
        replace("project.yaml", "    pages: 1\n", "    pages: 1\n    figures: [people]\n"),
        replace("text/en.yaml", "entries:\n", "figures:\n  people: People\nentries:\n")),
     "small/text/lt.yaml:1: figures.people: missing: the figure's label (leaflet 'card' is "
     "built in lt)"),
    ("a phone number that is a list", replace("project.yaml", 'hotline: "+370 608 712 04"',
                                              "hotline: [1]"),
     "small/project.yaml:4:3: organisation.hotline: must be a phone number in quotes, e.g. "
     "\"+370 608 712 04\""),
    ("a source cited twice", replace("entries.yaml", "cites: [code]", "cites: [code, code]"),
     "small/entries.yaml:2:17: legal.cites[1]: 'code' is listed twice"),
    ("a figure listed twice", together(
        with_statistics("people"),
        replace("project.yaml", "    pages: 1\n", "    pages: 1\n    figures: [people, people]\n")),
     "small/project.yaml:12:23: leaflets.card.figures[1]: 'people' is listed twice"),
    ("a chart listed twice", together(
        with_statistics("people"),
        replace("project.yaml", "    pages: 1\n", "    pages: 1\n    charts:\n      - id: c\n"
                "        figures: [people]\n      - id: c\n        figures: [people]\n")),
     "small/project.yaml:15:9: leaflets.card.charts[1].id: chart 'c' is listed twice"),
    ("malformed phone number", replace("project.yaml", '"+370 608 712 04"', '"+370 608 712 0O"'),
     "small/project.yaml:4:3: organisation.hotline: not an international phone number: "
     "'+370 608 712 0O'"),
    ("javascript: source", replace("sources.yaml", SOURCE_URL, "url: javascript:alert(1)"),
     "small/sources.yaml:5:3: code.url: not a web address: 'javascript:alert(1)'"),
    ("data: source", replace("sources.yaml", SOURCE_URL, "url: data:text/html,<b>x</b>"),
     "small/sources.yaml:5:3: code.url: not a web address: 'data:text/html,<b>x</b>'"),
    ("file: website", replace("project.yaml", "website: https://example.org",
                              "website: file:///etc/passwd"),
     "small/project.yaml:3:3: organisation.website: not a web address: 'file:///etc/passwd'"),
    ("javascript: link", replace("text/en.yaml", ANSWER, "answer: See [it](javascript:x())."),
     "small/text/en.yaml:19:5: entries.legal.answer: link to 'javascript:x()': only https, "
     "http, tel and mailto links are allowed"),
    ("file: link", replace("text/en.yaml", ANSWER, "answer: See [it](file:///etc/passwd)."),
     "small/text/en.yaml:19:5: entries.legal.answer: link to 'file:///etc/passwd': only https, "
     "http, tel and mailto links are allowed"),
    ("raw <img>", replace("text/en.yaml", ANSWER,
                          "answer: 'No <img src=\"file:///etc/passwd\">'"),
     "small/text/en.yaml:19:5: entries.legal.answer: raw HTML is not allowed "
     "('<img src=\"file:///etc/passwd\">')"),
    ("raw <script>", replace("text/en.yaml", ANSWER, "answer: 'No <script>x()</script>'"),
     "small/text/en.yaml:19:5: entries.legal.answer: raw HTML is not allowed ('<script>')"),
    ("raw <link>", replace("text/en.yaml", ANSWER,
                           "answer: 'No <link rel=stylesheet href=http://127.0.0.1/s.css>'"),
     "small/text/en.yaml:19:5: entries.legal.answer: raw HTML is not allowed ('<link "),
    ("style and CSS url()", replace(
        "text/en.yaml", ANSWER, "answer: 'No <span style=\"background: url(/dev/zero)\">x</span>'"),
     "small/text/en.yaml:19:5: entries.legal.answer: raw HTML is not allowed ('<span style="),
    ("Markdown image", replace("text/en.yaml", ANSWER, "answer: No ![x](https://example.org/x.png)"),
     "small/text/en.yaml:19:5: entries.legal.answer: images are not allowed in text "
     "('https://example.org/x.png')"),
    ("Jinja statement", replace("text/en.yaml", ANSWER, "answer: '{% include \"/etc/passwd\" %}'"),
     "small/text/en.yaml:19:5: entries.legal.answer: broken placeholder near '{% include '"),
    ("unknown placeholder", replace("text/en.yaml", ANSWER, "answer: Call {secret}."),
     "small/text/en.yaml:19:5: entries.legal.answer: unknown placeholder {secret}"),
    ("template outside its folder", replace("project.yaml", "template: handout.html",
                                            "template: ../../../etc/passwd"),
     "small/project.yaml:9:5: leaflets.card.template: must be a file name ending in .html"),
    ("missing template", replace("project.yaml", "template: handout.html", "template: no.html"),
     "small/project.yaml:9:5: leaflets.card.template: no template 'no.html' in "),
    ("QR target too long", replace("sources.yaml", SOURCE_URL,
                                   "url: https://e-seimas.lrs.lt/" + "a" * 400),
     "small/sources.yaml:5:3: code.url: too long for a printed QR code: its code would be "
     "47.2 mm wide, and 30 mm is the most a leaflet prints"),
    ("right-to-left override", replace("text/en.yaml", ANSWER,
                                       'answer: "No, under Article \\u202E291 part 2."'),
     "small/text/en.yaml:19:5: entries.legal.answer: contains a direction control (U+202E, "
     "character 19): leafletgen isolates numbers and Latin words itself; delete it"),
    ("left-to-right mark", replace("text/en.yaml", QUESTION, 'question: "May I\\u200E help?"'),
     "small/text/en.yaml:21:5: entries.help.question: contains a direction control (U+200E"),
    ("zero-width space", replace("text/en.yaml", QUESTION, 'question: "May\\u200B I help?"'),
     "small/text/en.yaml:21:5: entries.help.question: contains a zero-width space (U+200B, "
     "character 4): delete it"),
    ("joiner outside a word", replace("text/en.yaml", QUESTION, 'question: "May I help? \\u200D"'),
     "small/text/en.yaml:21:5: entries.help.question: contains a zero-width joiner or "
     "non-joiner outside a word (U+200D, character 13)"),
    ("control character", replace("text/en.yaml", QUESTION, 'question: "May I help?\\a"'),
     "small/text/en.yaml:21:5: entries.help.question: contains a control character (U+0007"),
    ("replacement character", replace("text/en.yaml", QUESTION, 'question: "May I h\\uFFFDlp?"'),
     "small/text/en.yaml:21:5: entries.help.question: contains a replacement character"),
    ("unquoted colon", replace("text/en.yaml", ANSWER, "answer: No: under Article 291 part 2."),
     "small/text/en.yaml:19:15: YAML syntax error: mapping values are not allowed here (a text "
     "with a colon and a space in it must be in quotes: answer: \"Note: like this\")"),
    ("a translation that is a list", write("text/lt.yaml", b"- a\n- b\n"),
     "small/text/lt.yaml:1: must be a mapping of keys, not a list"),
    ("review without a date", replace("text/lt.yaml", "status: unreviewed\n",
                                      "status: reviewed\nreview:\n  by: Ona\n"),
     "small/text/lt.yaml:4:1: review: missing key 'date'"),
    ("line separator", replace("text/en.yaml", QUESTION, 'question: "May I\\u2028help?"'),
     "small/text/en.yaml:21:5: entries.help.question: contains a Unicode line or paragraph "
     "separator (U+2028, character 6): use a new line (or a blank line) instead"),
    ("paragraph separator", replace("text/en.yaml", ANSWER, 'answer: "No.\\u2029Yes."'),
     "small/text/en.yaml:19:5: entries.legal.answer: contains a Unicode line or paragraph "
     "separator (U+2029, character 4)"),
    ("lone surrogate", replace("text/en.yaml", QUESTION, 'question: "May I \\uD800help?"'),
     "small/text/en.yaml:21:5: entries.help.question: contains half of a UTF-16 pair (U+D800, "
     "character 7), which is not a character: retype the text around it"),
    ("invisible format character", replace("text/en.yaml", QUESTION,
                                           'question: "May I\\u2063 help?"'),
     "small/text/en.yaml:21:5: entries.help.question: contains an invisible formatting "
     "character (U+2063, character 6) (INVISIBLE SEPARATOR): delete it"),
    ("URL with a user part", replace("sources.yaml", SOURCE_URL,
                                     "url: https://e-seimas.lrs.lt@evil.example/x"),
     "small/sources.yaml:5:3: code.url: the address has a user part before '@', so a phone "
     "would open the host after it; give the plain address: "),
    ("URL with a non-ASCII host", replace("sources.yaml", SOURCE_URL,
                                          "url: https://e-seimаs.lrs.lt/x"),
     "small/sources.yaml:5:3: code.url: the address's host has characters other than plain "
     "ASCII letters, digits and hyphens"),
    ("URL with a mixed-script IDN homograph", replace("sources.yaml", SOURCE_URL,
                                                      "url: https://xn--pple-43d.com/"),
     "small/sources.yaml:5:3: code.url: the address's host is an internationalised name that "
     "mixes scripts: 'https://xn--pple-43d.com/'"),
    ("percentage over 100", write("statistics.yaml", b"share:\n  value: 5000\n  unit: percent"
                                  b"\n  as_of: 2024-01-01\n  source: code\n"),
     "small/statistics.yaml:2:3: share.value: a percentage runs from 0 to 100, not 5000"),
    ("count not whole", write("statistics.yaml", b"people:\n  value: 2.5\n  unit: count"
                              b"\n  as_of: 2024-01-01\n  source: code\n"),
     "small/statistics.yaml:2:3: people.value: a count is a whole number, not 2.5"),
    ("negative count", write("statistics.yaml", b"people:\n  value: -3\n  unit: count"
                             b"\n  as_of: 2024-01-01\n  source: code\n"),
     "small/statistics.yaml:2:3: people.value: must be at least 0, not -3"),
]


@pytest.fixture(scope="module")
def previous_build(tmp_path_factory) -> Path:
    """A good build of the small project: every failing build must leave it as it is."""
    output = tmp_path_factory.mktemp("previous") / "out"
    build(BuildOptions(DATA / "small", output))
    return output


@pytest.mark.parametrize(("breakage", "expected"), [(c[1], c[2]) for c in CATALOGUE],
                         ids=[c[0] for c in CATALOGUE])
def test_bad_input_is_reported_and_the_previous_build_kept(
        run, small_project: Path, tmp_path: Path, previous_build: Path, breakage, expected):
    output = tmp_path / "out"
    shutil.copytree(previous_build, output)
    before = tree_snapshot(output)
    breakage(small_project)
    code, stdout, stderr = run("build", "-p", small_project, "-o", output)
    assert code == 1
    assert stderr.startswith("error: ")
    assert f"\n  {expected}" in stderr, stderr
    assert "Traceback" not in stdout + stderr
    assert tree_snapshot(output) == before


def test_the_catalogue_covers_the_whole_issue_list():
    """Each kind of bad input named in the hardening issue has at least one case."""
    names = " ".join(case[0] for case in CATALOGUE)
    for kind in ("yaml syntax", "tab", "duplicate key", "wrong type", "empty", "UTF-8",
                 "size limit", "alias bomb", "unknown language", "malformed language",
                 "duplicate entry id", "phone", "javascript:", "file:", "data:", "QR target",
                 "override", "zero-width", "<script>", "<img>", "<link>", "CSS url()",
                 "Jinja", "template outside"):
        assert kind in names, kind
