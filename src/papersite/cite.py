"""Citations of a paper in arXiv's own BibTeX convention.

arXiv's "Export BibTeX citation" gives ``@misc`` with ``eprint``, ``archivePrefix={arXiv}``,
``primaryClass`` and ``url``, keyed by the first author's family name, the year of the latest
version and the first four significant words of the title (``yu2025dapoopensourcellmreinforcement``).
The title is arXiv's, as its export and Google Scholar give it: a digest may shorten a title, or
write it in Markdown, and a citation names the paper as the literature does.
"""

from __future__ import annotations

import re
import unicodedata

from papersite.model import ArxivRecord

# Words arXiv leaves out of citation keys ("Attention Is All You Need" → vaswani2023attentionneed).
_STOP_WORDS = frozenset(
    "a an the and or but nor of for in on at to by with from as into onto via over under "
    "is are was were be been being do does did not no so all you your we our us it its this "
    "that these those what which who why how when where can than then".split()
)


def bibtex(record: ArxivRecord, authors: list[str]) -> str:
    """The BibTeX entry for a paper: arXiv's title, and ``authors`` as the page shows them."""
    year = _year(record)
    fields = [
        ("title", record.title),
        ("author", " and ".join(authors)),
        ("year", year),
        ("eprint", record.id),
        ("archivePrefix", "arXiv"),
        ("primaryClass", record.primary_category),
        ("url", record.abs_url),
    ]
    if record.doi:
        fields.append(("doi", record.doi))
    lines = [f"@misc{{{citation_key(record, authors)},"]
    lines += [f"  {name}={{{_braced(value)}}}," for name, value in fields if value]
    lines.append("}")
    return "\n".join(lines)


def citation_key(record: ArxivRecord, authors: list[str]) -> str:
    """``yu2025dapoopensourcellmreinforcement``: family name, year, four words of arXiv's title."""
    family = _ascii_word(authors[0].split()[-1]) if authors and authors[0].split() else ""
    words = [_ascii_word(word) for word in re.split(r"\s+", record.title)]
    significant = [w for w in words if w and w not in _STOP_WORDS][:4]
    return f"{family or 'anonymous'}{_year(record)}{''.join(significant)}"


def _year(record: ArxivRecord) -> str:
    """The year of the latest version, as arXiv's keys use; empty when a hand-written record
    knows no date."""
    date = record.updated or record.published
    return str(date.year) if date else ""


def _ascii_word(text: str) -> str:
    """Lower-case ASCII letters and digits, accents dropped: ``Müller-Lyer`` → ``mullerlyer``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode().lower())


def _braced(value: str) -> str:
    """``value`` safe inside a BibTeX field's braces, and in the LaTeX it becomes.

    BibTeX counts braces without regard to backslashes, so an unbalanced brace, escaped or not,
    ends the field (or the entry) early: such braces are written as LaTeX's named characters.
    Balanced braces stay, as they keep a title's capitals. ``%``, ``&`` and ``#`` are escaped:
    LaTeX reads them as a comment, an alignment tab and a macro parameter."""
    value = _SPECIAL.sub(r"\\\1", value)
    depth = 0
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            break
    if depth == 0:
        return value
    return _BRACE.sub(lambda brace: _NAMED_BRACES[brace[0][-1]], value)


_SPECIAL = re.compile(r"(?<!\\)([%&#])")
"""A character LaTeX gives a meaning to, not already escaped."""
_BRACE = re.compile(r"\\?[{}]")  # with the backslash of one escaped for LaTeX
_NAMED_BRACES = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
