"""The markup answers may use: a small Markdown subset, parsed by markdown-it-py.

Allowed: paragraphs (a blank line between), lists (`- item` or `1. item`), `*emphasis*`,
`**strong**`, links `[text](https://…)` to https, http, tel and mailto targets, and a hard
line break (a backslash at the end of a line). Nothing else is markup: raw HTML, images and
other link schemes are refused when the project is checked, and should one reach rendering
anyway it prints as text. Headings, code and tables are not enabled, so `#` or a backtick
prints as written.

Answers are rendered here rather than in a template because bidi isolation must see the
text across markup: `**Caritas** Lietuva` in Arabic is one left-to-right run, and two
isolates, one per element, would print it as "Lietuva Caritas".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import markupsafe
from markdown_it import MarkdownIt
from markdown_it.token import Token

from .bidi import run_class, split_runs

LINK_SCHEMES = ("https", "http", "tel", "mailto")
_RULES = ["list", "emphasis", "link", "newline", "escape"]
# Stands for one tag while runs are found: an "other neutral" that content cannot contain
# (validation refuses U+FFFC), so runs extend across tags as across spaces.
_TAG = "\ufffc"
INLINE = _TAG  # where a pictogram stands in an answer: content cannot hold it either
HELP = ("answers take *emphasis*, **strong**, [text](https://…) links and lists of "
        "'- ' lines; write anything else as plain text")


def escape_markdown(text: str) -> str:
    """`text` as Markdown that prints exactly it: for values put into an answer (the
    hotline, the website, `[1]`), which must never turn into markup."""
    return "".join("\\" + char if char in _SPECIAL else char for char in text)


_SPECIAL = set("\\`*_[]()<>!#+-.|{}")


def _link_allowed(url: str) -> bool:
    return urlsplit(url.strip()).scheme.lower() in LINK_SCHEMES


def _parser(permissive: bool) -> MarkdownIt:
    parser = MarkdownIt("zero", {"html": permissive})
    parser.enable(_RULES + (["image", "html_inline", "html_block", "autolink"]
                            if permissive else []))
    # The permissive parser finds every link so that validation can name the refused ones.
    parser.validateLink = (lambda url: True) if permissive else _link_allowed  # type: ignore[method-assign]
    return parser


_RENDERING = _parser(permissive=False)
_CHECKING = _parser(permissive=True)


def markup_problems(text: str) -> list[str]:
    """What in `text` is not part of the allowed subset, one message per finding."""
    problems = []
    for token in _walk(_CHECKING.parse(text)):
        if token.type in ("html_inline", "html_block"):
            snippet = token.content.strip()[:40]
            problems.append(f"raw HTML is not allowed ({snippet!r}): {HELP}")
        elif token.type == "image":
            problems.append(f"images are not allowed in text ({token.attrGet('src')!r})")
        elif token.type == "link_open":
            href = str(token.attrGet("href") or "")
            if not _link_allowed(href):
                problems.append(f"link to {href!r}: only https, http, tel and mailto links "
                                "are allowed")
    return problems


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def answer_html(text: str, direction: str, cites: tuple[int, ...] = (),
                inline: tuple[str, ...] = ()) -> markupsafe.Markup:
    """An answer as HTML blocks of class "answer", its opposite-direction runs isolated; the
    citation marks close its last paragraph (or follow its last list). Each INLINE mark
    (U+FFFC, which content cannot hold) in `text` becomes the next of `inline`'s HTML
    (a pictogram)."""
    tokens = _RENDERING.parse(text)
    pending = list(inline)
    cite_html = "".join(f'<span class="cite">[{number}]</span>' for number in cites)
    last_paragraph = max((i for i, t in enumerate(tokens)
                          if t.type == "paragraph_close" and t.level == 0), default=-1)
    if tokens and tokens[-1].type != "paragraph_close":
        last_paragraph = -1  # the answer ends with a list: the marks get their own line
    html = []
    for index, token in enumerate(tokens):
        top = ' class="answer"' if token.level == 0 else ""
        if token.type == "inline":
            html.append(_inline_html(token.children or [], direction, pending))
        elif token.hidden:
            continue  # the paragraph inside a tight list item
        elif token.type == "paragraph_open":
            html.append(f"<p{top}>")
        elif token.type == "paragraph_close":
            html.append((" " + cite_html if index == last_paragraph and cites else "") + "</p>")
        elif token.type == "bullet_list_open":
            html.append(f"<ul{top}>")
        elif token.type == "ordered_list_open":
            start = token.attrGet("start")
            html.append(f"<ol{top}" + (f' start="{int(start)}"' if start else "") + ">")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            html.append("</ul>" if token.type == "bullet_list_close" else "</ol>")
        elif token.type == "list_item_open":
            html.append("<li>")
        elif token.type == "list_item_close":
            html.append("</li>")
    if cites and last_paragraph == -1:
        html.append(f'<p class="answer cites">{cite_html}</p>')
    return markupsafe.Markup("".join(html))


@dataclass(frozen=True)
class _Tag:
    html: str
    partner: int | None  # index of the matching open or close tag; None for <br>


def _inline_html(children: list[Token], direction: str, inline: list[str]) -> str:
    text, tags = _flatten(children, inline)
    segments = _isolated_segments(text, tags, direction)
    html = []
    tag_index = 0
    for start, end, isolate in segments:  # isolate: the run's direction, or None
        piece = []
        is_number = True
        for char in text[start:end]:
            if char == _TAG:
                piece.append(tags[tag_index].html)
                tag_index += 1
            else:
                piece.append(str(markupsafe.escape(char)))
                if char.isalpha():
                    is_number = False
        if isolate:
            css_class = run_class(text[start:end].replace(_TAG, ""), is_number)
            html.append(f'<bdi dir="{isolate}"{css_class}>{"".join(piece)}</bdi>')
        else:
            html.append("".join(piece))
    return "".join(html)


def _flatten(children: list[Token], inline: list[str]) -> tuple[str, list[_Tag]]:
    """The inline text with one _TAG per tag, and the tags in order; an INLINE mark is a
    tag of its own (the next of `inline`)."""
    text: list[str] = []
    tags: list[_Tag] = []
    open_stack: list[int] = []

    def tag(html: str, nesting: int) -> None:
        index = len(tags)
        partner = None
        if nesting == -1 and open_stack:
            partner = open_stack.pop()
            tags[partner] = _Tag(tags[partner].html, index)
        tags.append(_Tag(html, partner))
        if nesting == 1:
            open_stack.append(index)
        text.append(_TAG)

    for child in children:
        if child.type == "text":
            pieces = child.content.split(INLINE)
            for index, piece in enumerate(pieces):
                if index:
                    tag(inline.pop(0) if inline else "", 0)
                text.append(piece)
        elif child.type == "softbreak":
            text.append(" ")
        elif child.type == "hardbreak":
            tag("<br>", 0)
        elif child.type in ("em_open", "strong_open"):
            tag(f"<{child.tag}>", 1)
        elif child.type in ("em_close", "strong_close"):
            tag(f"</{child.tag}>", -1)
        elif child.type == "link_open":
            href = str(child.attrGet("href") or "")
            tag(f'<a href="{markupsafe.escape(href)}">', 1)
            link = (href, len(text))
        elif child.type == "link_close":
            # Paper has no links: print the target after the text, unless the text is it.
            href, first = link
            shown = href.split(":", 1)[1] if href.startswith(("tel:", "mailto:")) else href
            label = "".join(text[first:]).replace(_TAG, "").strip()
            after = "" if label in (shown, href) else (
                f' <span class="link-target">(<bdi dir="ltr">{markupsafe.escape(shown)}'
                '</bdi>)</span>')
            tag("</a>" + after, -1)
        else:
            text.append(child.content)  # anything unexpected prints as its source text
    return "".join(text), tags


def _isolated_segments(text: str, tags: list[_Tag], direction: str,
                       ) -> list[tuple[int, int, str | None]]:
    """(start, end, direction) pieces covering `text`, direction None where not isolated.
    An isolated run takes in the tags next to it whose partners it holds, so
    `<b>Caritas</b> Lietuva` is one isolate; a run whose tags would not nest is isolated
    piece by piece between its tags."""
    tag_at: dict[int, int] = {}  # position in text -> tag index
    for position, char in enumerate(text):
        if char == _TAG:
            tag_at[position] = len(tag_at)
    position_of = {index: position for position, index in tag_at.items()}

    def partner_inside(position: int, start: int, end: int) -> bool:
        partner = tags[tag_at[position]].partner
        return partner is None or start <= position_of[partner] < end

    runs = []
    offset = 0
    for run in split_runs(text, direction):
        runs.append((offset, offset + len(run.text), run.direction))
        offset += len(run.text)
    segments: list[tuple[int, int, str | None]] = []
    cursor = 0  # everything before it is in `segments`
    for start, end, isolate in runs:
        if not isolate:
            continue
        start = max(start, cursor)
        # Take in the neighbouring tags that this run's tags pair with.
        while start > cursor and text[start - 1] == _TAG and partner_inside(start - 1, start, end):
            start -= 1
        while end < len(text) and text[end] == _TAG and \
                tags[tag_at[end]].partner is not None and partner_inside(end, start, end + 1):
            end += 1
        if cursor < start:
            segments.append((cursor, start, None))
        if all(partner_inside(p, start, end) for p in range(start, end) if text[p] == _TAG):
            segments.append((start, end, isolate))
        else:
            piece_start = start
            for p in [*(p for p in range(start, end) if text[p] == _TAG), end]:
                if piece_start < p:
                    segments.append((piece_start, p, isolate))
                if p < end:
                    segments.append((p, p + 1, None))
                piece_start = p + 1
        cursor = end
    if cursor < len(text):
        segments.append((cursor, len(text), None))
    return segments
