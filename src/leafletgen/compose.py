"""Stage 3, compose: the `Project` -> one HTML document per leaflet and language.

Content reaches templates as data only: autoescaped, never parsed as template code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import jinja2
import markupsafe

from .bidi import isolate_html, isolate_plain
from .content import Palette
from .errors import ContentError, Problem
from .filenames import IMAGE_DIR, PROJECT_FILE
from .files import read_content
from .fit import Copyfit, FitStep
from .languages import FACE_LEADING_SCALES, LEADING_SCALES, SMALL_SETTING_SCRIPTS
from .localise import curl_quotes, format_date, format_figure, format_number, format_percentage
from .markup import INLINE, answer_html, escape_markdown
from .model import LanguageText, Leaflet, PageFormat, Project, office_format
from .options import OutputKind
from .palette import css_colours
from .pictograms import Pictogram, icon_names, pictogram
from .pictures import data_uri, picture_id, read_picture
from .placeholders import fill, in_order
from .qr import QrCode, make_qr
from .templating import template_environment, template_problem
from .translation import blockers, printed_entry

MAX_LOGO_BYTES = 2_000_000
HOTLINE_QR_MM = 20.0
SOURCE_QR_MM = 18.0


# How the text layer can be checked: "exact" (copy-paste gives the text), "words"
# (right-to-left: viewers reorder mixed lines).
TextCheck = Literal["exact", "words"]


@dataclass(frozen=True)
class ComposedDocument:
    """One leaflet in one language, ready to render, with what verification must find."""

    leaflet_id: str
    language: str
    output_name: str  # relative to the output folder
    title: str
    html: str
    base_url: str
    pages: int  # how many pages the format allows
    qr_codes: tuple[QrCode, ...]
    expected_text: tuple[str, ...]  # must appear, in this form, in the PDF's text layer
    draft_reasons: tuple[str, ...]
    text_check: TextCheck = "exact"
    hotline: str = ""  # as printed: it must read left to right wherever it stands
    kind: OutputKind = "screen"  # which output
    page_format: PageFormat | None = None
    rtl: bool = False
    bleed_mm: float = 0.0  # print shop only
    copyfit: bool = False  # the leaflet asks for it
    designed_pt: float | None = None  # the body size the template was designed at
    fit_steps: tuple[FitStep, ...] = ()  # the same document in smaller type, step by step
    grow_steps: tuple[FitStep, ...] = ()  # and in larger type, step by step
    # The brand's colours, which prepress converts as the brand declares them.
    palette: Palette = field(default_factory=Palette)
    slug_html: str = ""  # a print-shop draft's line in the slug, outside the trim

    @property
    def is_draft(self) -> bool:
        return bool(self.draft_reasons)


def output_name(leaflet_id: str, language: str, kind: OutputKind) -> str:
    """`pocket-card/pocket-card.ar.pdf` on screen, `.print.pdf`, `.office.pdf` ..."""
    suffix = "" if kind == "screen" else f".{kind}"
    return f"{leaflet_id}/{leaflet_id}.{language}{suffix}.pdf"


def make_environment(project: Project) -> jinja2.Environment:
    """One Jinja environment per build: the project's templates first, then the built-ins,
    sandboxed (templating.py)."""
    environment = template_environment(project.template_dirs)
    environment.filters.update({
        "css_string": css_string,
        "bidi": bidi,
        "number": _localised(format_number),
        "percent": _localised(format_percentage),
        "date": _localised(format_date),
    })
    return environment


@jinja2.pass_context
def bidi(context: jinja2.runtime.Context, value: object, direction: str | None = None,
         ) -> markupsafe.Markup:
    """Content text for HTML, with every run that reads the other way isolated: use it on
    all text a template prints. `direction` is the surrounding text's, by default the
    document's."""
    return isolate_html(str(value), direction or context["direction"])


@jinja2.pass_context
def css_string(context: jinja2.runtime.Context, value: object, direction: str | None = None,
               ) -> markupsafe.Markup:
    """A quoted CSS string for `content:` in a stylesheet, its opposite-direction runs
    between Unicode isolates (margin boxes take no markup). HTML escaping is wrong there, and
    a quote or `</style>` in a label must not end the string or the element: every character
    but letters and digits becomes a CSS escape. (Spaces too: CSS swallows one space after
    an escape.)"""
    text = isolate_plain(str(value), direction or context.get("direction", "ltr"))
    escaped = "".join(ch if ch.isalnum() else f"\\{ord(ch):06x}" for ch in text)
    return markupsafe.Markup(f'"{escaped}"')


def _localised(formatter: Callable[[Any, str], str]) -> Callable[..., str]:
    @jinja2.pass_context
    def localised_filter(context: jinja2.runtime.Context, value: Any,
                         language: str | None = None) -> str:
        return formatter(value, str(language or context["language"].code))
    return localised_filter


def font_family(families: tuple[str, ...]) -> markupsafe.Markup:
    """A CSS font-family list from family names, each safely quoted."""
    return markupsafe.Markup(", ".join(
        "\"" + "".join(ch if ch.isalnum() or ch == " " else f"\\{ord(ch):06x} " for ch in f)
        + "\"" for f in families))


def compose(
    project: Project, leaflet: Leaflet, language_code: str, environment: jinja2.Environment,
    kind: OutputKind = "screen",
) -> ComposedDocument:
    language = project.languages[language_code]
    texts = language.leaflets[leaflet.id]
    labels = language.labels
    companion = project.languages[leaflet.companion] if leaflet.companion else None
    organisation = project.organisation
    hotline = organisation.hotline

    sources = project.cited_sources(leaflet)
    source_numbers = {source.id: number for number, source in enumerate(sources, start=1)}
    source_qrs = [
        make_qr("source", source.url, f"[{source_numbers[source.id]}]",
                f"{labels['source_qr_alt']}: {source.title}", SOURCE_QR_MM)
        for source in sources
    ] if leaflet.qr.sources else []
    hotline_qr = make_qr("hotline", hotline.tel_uri, labels["hotline_qr_caption"],
                         f"{labels['hotline_qr_alt']} {hotline.display}", HOTLINE_QR_MM) \
        if leaflet.qr.hotline else None

    colours = css_colours(project.brand.colours)
    page_format = office_format(leaflet.format) if kind in ("office", "office-grey") \
        else leaflet.format
    # What an office page is smaller by on each side; its margins give it up, so that its
    # text area, and so its type, stays as on the other outputs.
    margin_taken = ((leaflet.format.width_mm - page_format.width_mm) / 2,
                    (leaflet.format.height_mm - page_format.height_mm) / 2)
    view = _language_view(project, leaflet, language, source_numbers, colours["accent"])
    sections = view["sections"]
    figures, charts = _figures_and_charts(project, leaflet, language, source_numbers)
    reasons = draft_reasons(project, leaflet, language_code)
    context = {
        # The document's direction, for the `bidi` filter and for mirroring page furniture:
        # `start` is the side a line begins on, `end` the other.
        "direction": language.direction,
        "start": "right" if language.rtl else "left",
        "end": "left" if language.rtl else "right",
        "font_family": view["font_family"],
        "heading_font_family": view["heading_font_family"],
        "latin_font_family": view["latin_font_family"],
        # Whether the script sets small at a given size, and wants its type a point larger.
        # Nastaliq does not: its letters stand as tall as Latin's at the same size.
        "sets_small": language.script in SMALL_SETTING_SCRIPTS
        and view["body_leading_scale"] == 1.0,
        "leading_scale": view["leading_scale"],
        "body_leading_scale": view["body_leading_scale"],
        "companion": _language_view(project, leaflet, companion, source_numbers,
                                    colours["accent"]) if companion else None,
        # A pictogram by name, with its words in this language: `pictogram("phone")`.
        "pictogram": view["pictogram"],
        "organisation": organisation,
        # The brand: every colour a template paints, by role, and the logo's address.
        "colours": colours,
        "logo": _logo_uri(project),
        "cover_image": _picture(project, language, leaflet.cover_image),
        "hotline": hotline,
        "hotline_qr": hotline_qr,
        "language": language,
        "labels": labels,
        # The draft mark in the source language too: a print shop that cannot read the
        # leaflet's script must still see that it holds a draft.
        "draft_marks": list(dict.fromkeys(
            [labels["draft_mark"],
             project.languages[organisation.source_language].labels["draft_mark"]])),
        "leaflet": leaflet,
        # The page as this output prints it: smaller on office sheets where A4 must keep a
        # safe margin and gutters round it.
        "page": page_format,
        "margin_taken_mm": margin_taken,
        "title": texts.title,
        "subtitle": texts.subtitle,
        "sections": sections,
        "sources": [
            {"number": source_numbers[s.id], "source": s,
             "qr": source_qrs[source_numbers[s.id] - 1] if source_qrs else None}
            for s in sources
        ],
        "draft": bool(reasons),
        "figures": figures,
        "charts": charts,
        "published": leaflet.published,
        "key_messages": [curl_quotes(message, language_code) for message in texts.key_messages],
        # Every heading the language file gives, for blocks beyond the FAQ sections
        # (a heading with id `figures` titles the key figures).
        "headings": texts.sections,
        # Which output this is; a print-shop page has bleed: backgrounds that reach the
        # page's edge must run on past it by `bleed_mm`.
        "output": {"kind": kind, "print": kind == "print",
                   "bleed_mm": leaflet.bleed_mm if kind == "print" else 0.0},
        # The PDF's date (PDF/X needs one): the date of its content, not of the build.
        "content_date": content_date(project, leaflet),
    }
    copyfit = Copyfit()
    context["copyfit"] = copyfit
    try:
        template = environment.get_template(leaflet.template)
        html = template.render(context)
        slug_html = environment.get_template("print-slug.html").render(
            context, width_mm=leaflet.format.side_width_mm - 20,
            file_name=output_name(leaflet.id, language_code, kind).split("/")[-1],
        ) if kind == "print" and reasons else ""
        fit_steps: list[FitStep] = []
        grow_steps: list[FitStep] = []
        if leaflet.copyfit:
            for step in [*range(1, copyfit.steps + 1), *range(-1, -copyfit.steps_up - 1, -1)]:
                context["copyfit"] = other = Copyfit(step)
                other_html = template.render(context)
                assert other.given is not None
                (fit_steps if step > 0 else grow_steps).append(
                    FitStep.of(other.given.body_pt, other_html, html))
    except jinja2.TemplateNotFound as missing:
        raise ContentError(Problem(project.root / PROJECT_FILE, None,
                                   f"leaflets.{leaflet.id}.template",
                                   f"template {missing.name!r} not found in "
                                   + " or ".join(str(d) for d in project.template_dirs))) from None
    except Exception as error:  # whatever a project's template does is its own
        # A template is content: its mistakes (and its attacks) are reported where they are.
        raise ContentError(template_problem(error, leaflet.template, project.template_dirs,
                                            output_name(leaflet.id, language_code, kind))) from None

    expected = [hotline.display, texts.title]
    expected += [entry["question"] for section in sections for entry in section["entries"]]
    expected += [figure["label"] for figure in figures]
    expected += [chart["title"] for chart in charts]
    expected += context["key_messages"]
    if companion:
        expected += [entry["question"] for section in context["companion"]["sections"]
                     for entry in section["entries"]]
    return ComposedDocument(
        leaflet_id=leaflet.id,
        language=language_code,
        output_name=output_name(leaflet.id, language_code, kind),
        title=texts.title,
        html=html,
        base_url=Path(template.filename or ".").parent.as_uri() + "/",
        pages=leaflet.pages,
        qr_codes=tuple(q for q in [hotline_qr, *source_qrs] if q is not None),
        expected_text=tuple(expected),
        draft_reasons=reasons,
        text_check="words" if language.rtl else "exact",
        hotline=hotline.display,
        kind=kind,
        page_format=page_format,
        rtl=language.rtl,
        bleed_mm=leaflet.bleed_mm if kind == "print" else 0.0,
        copyfit=leaflet.copyfit,
        designed_pt=copyfit.limits[0] if copyfit.limits else None,
        fit_steps=tuple(fit_steps),
        grow_steps=tuple(grow_steps),
        palette=project.brand.colours,
        slug_html=slug_html,
    )


def _picture(project: Project, language: LanguageText, name: str | None,
             ) -> dict[str, str] | None:
    """A picture of the project's for a template: its data URI and its words in the
    language (else the source language's; validation made sure those exist)."""
    if name is None:
        return None
    data, media_type, _ = read_picture(project.root / name, project.root / IMAGE_DIR)
    stem = picture_id(name)
    source = project.languages[project.organisation.source_language]
    return {"src": data_uri(data, media_type),
            "alt": language.images.get(stem) or source.images.get(stem, "")}


def _logo_uri(project: Project) -> str | None:
    """The brand's logo as a data URI: the document is then the same wherever the project
    lies (so a copied build stays up to date), and a changed logo changes it. Whatever the
    SVG asks for in turn is still fetched through the sandbox (render.py)."""
    if project.logo is None:
        return None
    return data_uri(read_content(project.logo, MAX_LOGO_BYTES, [project.root / IMAGE_DIR]),
                    "image/svg+xml")


def content_date(project: Project, leaflet: Leaflet) -> str:
    """The date a leaflet's content is of: its publication date, else its newest source's."""
    dates = [source.date for source in project.cited_sources(leaflet)] \
        or [source.date for source in project.sources.values()]
    date = leaflet.published or max(dates, default=None)
    return date.isoformat() if date else "2000-01-01"


def _language_view(project: Project, leaflet: Leaflet, language: LanguageText,
                   source_numbers: dict[str, int], icon_colour: str) -> dict[str, Any]:
    """A leaflet's text in one language, shaped for templates."""
    texts = language.leaflets[leaflet.id]
    source = project.languages[project.organisation.source_language]

    def icon(name: str, words_in: LanguageText = language) -> Pictogram:
        # Words from the language, else the source language's (a template's own icons).
        words = words_in.icons.get(name) or source.icons.get(name) or name.replace("-", " ")
        return pictogram(name, words, icon_colour, words_in.rtl)

    officials = project.organisation.officials_language
    officials_text = project.languages.get(officials) if officials else None
    values = {
        # No-break spaces: a number split over two lines is misread and misdialled (and in
        # a narrow column its halves can land in either order).
        "hotline": project.organisation.hotline.display.replace(" ", "\u00a0"),
        "website": project.organisation.website,
        **{f"source:{source_id}": f"[{number}]" for source_id, number in source_numbers.items()},
        **{f"stat:{stat.id}": format_figure(stat.value, stat.unit, language.code)
           for stat in project.statistics.values()},
    }
    answer_values = {name: escape_markdown(value) for name, value in values.items()}
    answer_values |= {f"icon:{name}": INLINE for name in icon_names()}
    faces = _faces(project, language)
    face_leading = FACE_LEADING_SCALES.get(language.font_stack[0], 1.0)
    sections = []
    for section in leaflet.sections:
        entries = []
        for entry_id in section.entries:
            printed = printed_entry(project, language.code, entry_id)
            code = printed.language.code
            steps = tuple(_pictogram_html(icon(name.split(":", 1)[1], printed.language))
                          for name in in_order(printed.text.answer) if name.startswith("icon:"))
            entry = project.entries[entry_id]
            entries.append({
                "id": entry_id,
                "question": curl_quotes(fill(printed.text.question, values), code),
                "answer": answer_html(
                    curl_quotes(fill(printed.text.answer, answer_values), code),
                    printed.language.direction,
                    tuple(source_numbers[s] for s in entry.cites), steps),
                "icon": icon(entry.icon) if entry.icon else None,
                "image": _picture(project, language, entry.image),
                # Phrases to say: each in this language and in the officials' (validated).
                "say": [_phrase(project, language, officials_text, phrase, values)
                        for phrase in entry.say],
                # Set when the entry is printed from a fallback language: the template
                # marks it and gives it that language's lang, dir and fonts (in another
                # script's face first, even its spaces would be that face's).
                "fallback": printed.language if printed.is_fallback else None,
                "fallback_fonts": _faces(project, printed.language)
                if printed.is_fallback else None,
            })
        sections.append({"id": section.id, "heading": texts.sections[section.id],
                         "new_page": section.new_page, "entries": entries})
    return {
        "language": language,
        "code": language.code,
        "direction": language.direction,
        "font_family": faces["body"],
        # Line heights are multiplied by these: scripts with marks above and below need
        # more in tight lines (titles, a card's phrases); a face such as Nastaliq in all.
        "leading_scale": LEADING_SCALES.get(language.script, 1.0) * face_leading,
        "body_leading_scale": face_leading,
        "heading_font_family": faces["heading"],
        "latin_font_family": faces["latin"],
        "labels": language.labels,
        "title": texts.title,
        "subtitle": texts.subtitle,
        "sections": sections,
        "pictogram": icon,
    }


def _faces(project: Project, language: LanguageText) -> dict[str, markupsafe.Markup]:
    """A language's CSS font families: the brand's faces first (where they have no glyph,
    the language's own fonts do), for the body, for headings, and for Latin runs and phone
    numbers (the stack's last family is its Latin face)."""
    brand = project.brand.faces
    return {"body": font_family((*brand.body, *language.font_stack)),
            "heading": font_family((*brand.heading, *brand.body, *language.font_stack)),
            "latin": font_family((*brand.body, language.font_stack[-1]))}


def _pictogram_html(icon: Pictogram) -> str:
    """A pictogram at the start of a step in an answer: an image with its words."""
    mirrored = " mirrored" if icon.mirrored else ""
    return (f'<img class="pictogram step-icon{mirrored}" src="{icon.data_uri}" '
            f'alt="{markupsafe.escape(icon.alt)}">')


def _phrase(project: Project, language: LanguageText, officials: LanguageText | None,
            phrase_id: str, values: dict[str, str]) -> dict[str, Any]:
    """A phrase to say, in the reader's language and (when it differs) the officials'."""
    own = printed_entry(project, language.code, phrase_id)
    said = {"id": phrase_id,
            "text": curl_quotes(fill(own.text.question, values), own.language.code),
            "language": own.language, "officials": None, "officials_language": None}
    if officials is not None and officials.code != language.code:
        text = officials.entries[phrase_id]
        said["officials"] = curl_quotes(fill(text.question, values), officials.code)
        said["officials_language"] = officials
    return said


def _figures_and_charts(project: Project, leaflet: Leaflet, language: LanguageText,
                        source_numbers: dict[str, int],
                        ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Key figures and bar charts, formatted and labelled in the document's language."""
    def figure(figure_id: str) -> dict[str, Any]:
        stat = project.statistics[figure_id]
        return {
            "id": figure_id,
            "label": language.figures[figure_id],
            "value": format_figure(stat.value, stat.unit, language.code),
            "number": stat.value,
            "unit": stat.unit,
            "as_of": stat.as_of,
            "source_number": source_numbers[stat.source],
        }

    figures = [figure(figure_id) for figure_id in leaflet.figures]
    charts = []
    for chart in leaflet.charts:
        bars = [figure(figure_id) for figure_id in chart.figures]
        unit = bars[0]["unit"]
        # Percentages of one whole are one stacked bar; other percentages are drawn against
        # 100 %, and counts against a scale with round steps, so 30 beside 1,162 looks small
        # and 1,162 does not look like "all".
        whole = unit == "percent" and abs(sum(bar["number"] for bar in bars) - 100) < 0.5
        top, step = (100.0, 25.0) if unit == "percent" else chart_scale(
            max(bar["number"] for bar in bars))
        for bar in bars:
            bar["width_percent"] = round(100 * bar["number"] / top, 2)
        ticks = [{"value": format_figure(step * i, unit, language.code),
                  "at_percent": round(100 * step * i / top, 2)}
                 for i in range(round(top / step) + 1)]
        # The source and date line under the chart: each source its figures come from.
        cited = dict.fromkeys(project.statistics[f].source for f in chart.figures)
        charts.append({
            "id": chart.id, "title": language.leaflets[leaflet.id].charts[chart.id],
            "bars": bars, "stacked": whole, "ticks": [] if whole else ticks,
            "sources": [{"publisher": project.sources[s].publisher,
                         "date": format_date(project.sources[s].date, language.code),
                         "number": source_numbers[s]} for s in cited],
        })
    return figures, charts


def chart_scale(largest: float) -> tuple[float, float]:
    """A chart's scale for values up to `largest`: its end and its step, both round
    (1, 2, 2.5 or 5 times a power of ten; whole numbers once the values reach 1), in at most
    six steps: 1162 -> (1200, 200), 12 -> (12, 2)."""
    if largest <= 0:
        return 1.0, 1.0
    magnitude = 10.0 ** math.floor(math.log10(largest))
    for factor in (0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if largest >= 1 and step != int(step):
            continue
        steps = math.ceil(largest / step - 1e-9)
        if steps <= 6:
            return steps * step, step
    return 10 * magnitude, 2 * magnitude


def draft_reasons(project: Project, leaflet: Leaflet, language_code: str) -> tuple[str, ...]:
    """Why this leaflet in this language must not go to print yet (empty when it may)."""
    return tuple(str(blocker) for blocker in blockers(project, leaflet, language_code))
