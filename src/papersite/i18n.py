"""The words of the interface in each language: labels, award names, link kinds, dates.

A site may declare languages this table does not know; they get the English words, so a page
is never left with a blank label. Those words are then not in the language of the element that
shows them: ``words_language`` says which language they are in, and ``marked_words`` marks them
with it, so that screen readers and search engines read them as what they are (WCAG 3.1.2).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection, Sequence

ENGLISH = "en"
"""English: the language of arXiv's titles and abstracts, the one a paper is known by."""

FALLBACK = ENGLISH


def code_of(languages: Collection[str], language: str) -> str | None:
    """The code among ``languages`` (a site's, or the keys of a text) that writes ``language``
    (a primary subtag, as ``primary_language`` gives): ``language`` itself where it is one,
    else the first with it as its primary subtag (``en-US`` for ``en`` on a site in
    ``[ko-KR, en-US]``); None where none is."""
    if language in languages:
        return language
    return next((code for code in languages if primary_language(code) == language), None)


def english_or_first(languages: Sequence[str]) -> str:
    """English (``code_of``: ``en``, or ``en-US``) where the site has it, else its first
    (default) language: the one language of what is made in one only (the search index, a
    forum post's award prefix, a new paper's placeholder title, from which its URL is made)."""
    return code_of(languages, ENGLISH) or languages[0]


def stand_in_order(languages: Sequence[str]) -> list[str]:
    """Where a text missing in one language is taken from, first to last: the English ones of
    ``languages`` (``en``, ``en-GB``), the language an ML paper is read in after one's own,
    then the others in site order (on a site in ``[ko, en, ja]``, a Japanese reader gets English
    rather than Korean; in ``[ko, en]``, each the other)."""
    return sorted(languages, key=lambda lang: primary_language(lang) != FALLBACK)


UI: dict[str, dict[str, str]] = {
    "ko": {
        "language_name": "한국어",
        "both": "모두",
        "all": "모두",
        "language_switch": "표시 언어",
        "home": "홈",
        "latest": "최신 다이제스트",
        "all_digests": "전체 다이제스트",
        "recent_digests": "최근 다이제스트",
        "every_digest": "모든 다이제스트는 아카이브에",
        "no_digests_yet": "아직 다이제스트가 없습니다.",
        "no_papers_yet": "아직 논문이 없습니다.",
        "no_tags_yet": "아직 태그가 없습니다.",
        "pages": "페이지",
        "previous_page": "이전",
        "next_page": "다음",
        "weekly": "주간 논문",
        "conferences": "학회",
        "papers": "논문",
        "tags": "태그",
        "archive": "아카이브",
        "glossary": "용어집",
        "data": "데이터",
        "glossary_intro": "영어 용어와, 이 사이트가 쓰는 한국어 번역입니다. 본문에서 용어에 "
        "마우스를 올리거나 초점을 두면 번역이 보입니다.",
        "wrong_rendering": "쓰지 않는 번역",
        "contents": "목차",
        "overview": "개요",
        "summary": "논문 소개",
        "abstract": "논문 초록",
        "links": "링크",
        "authors": "저자",
        "affiliations": "소속",
        "appears_in": "소개된 다이제스트",
        "translation_missing": "번역이 아직 없습니다",
        "machine_unreviewed": "기계 번역 · 검토 전",
        "machine_notice": "이 글의 일부는 {by}(으)로 쓰거나 번역했고, 아직 사람이 검토하지 "
        "않았습니다. 잘못된 부분이 있을 수 있으니 원문도 함께 참고해 주세요.",
        "a_machine": "기계",
        "source": "원문",
        "not_found": "페이지를 찾을 수 없습니다",
        "not_found_body": "주소가 바뀌었거나 없는 페이지입니다.",
        "moved_to": "이 페이지는 옮겨졌습니다: {title}",
        "paper_count": "논문 {count}편",
        "one_paper": "논문 1편",
        "other_papers": "그 밖의 논문",
        "skip": "본문으로 건너뛰기",
        "arxiv": "arXiv",
        "arxiv_details": "arXiv 정보",
        "arxiv_id": "arXiv ID",
        "categories": "분야",
        "submitted": "최초 제출",
        "latest_version": "최신 버전",
        "shown_version": "표시한 버전",
        "abstract_page": "arXiv 초록 페이지",
        "doi": "DOI",
        "journal_ref": "게재 정보",
        "citations": "인용 수",
        "venue": "발표처",
        "open_access_pdf": "오픈 액세스 PDF",
        "semantic_scholar": "Semantic Scholar",
        "cite": "인용하기",
        "copy_button": "복사",
        "copied": "복사했습니다",
        "more_authors": "외 {count}명 더 보기",
        "withdrawn": "arXiv에서 철회된 논문입니다",
        "search": "검색",
        "search_placeholder": "논문 검색",
        "search_unavailable": "이 사이트는 검색 색인 없이 만들어졌습니다.",
        "search_needs_script": "검색에는 자바스크립트가 필요합니다.",
        "search_needs_server": "파일로 연 페이지에서는 검색할 수 없습니다. 웹 서버로 여세요(papersite serve).",
        "search_not_found": "찾으시는 내용을 검색해 보세요.",
        "digest": "다이제스트",
        "kind": "종류",
        "kind_weekly": "주간",
        "kind_conference": "학회",
    },
    "en": {
        "language_name": "English",
        "both": "Both",
        "all": "All",
        "language_switch": "Language",
        "home": "Home",
        "latest": "Latest digest",
        "all_digests": "All digests",
        "recent_digests": "Recent digests",
        "every_digest": "Every digest, in the archive",
        "no_digests_yet": "No digests here yet.",
        "no_papers_yet": "No papers here yet.",
        "no_tags_yet": "No tags yet.",
        "pages": "Pages",
        "previous_page": "Previous",
        "next_page": "Next",
        "weekly": "Weekly",
        "conferences": "Conferences",
        "papers": "Papers",
        "tags": "Tags",
        "archive": "Archive",
        "glossary": "Glossary",
        "data": "Data",
        "glossary_intro": "English terms, and the Korean this site writes for them. In the texts, "
        "hover over a term or focus it to see its translation.",
        "wrong_rendering": "not",
        "contents": "Contents",
        "overview": "Overview",
        "summary": "Introduction",
        "abstract": "Abstract",
        "links": "Links",
        "authors": "Authors",
        "affiliations": "Affiliations",
        "appears_in": "Featured in",
        "translation_missing": "Translation missing",
        "machine_unreviewed": "machine translation, not reviewed",
        "machine_notice": "Parts of this digest were written or translated by {by} and have not "
        "been reviewed by a person yet; they may contain mistakes, so please check the original.",
        "a_machine": "a machine",
        "source": "Originally published",
        "not_found": "Page not found",
        "not_found_body": "The address has changed or the page does not exist.",
        "moved_to": "This page has moved: {title}",
        "paper_count": "{count} papers",
        "one_paper": "1 paper",
        "other_papers": "Other papers",
        "skip": "Skip to content",
        "arxiv": "arXiv",
        "arxiv_details": "arXiv details",
        "arxiv_id": "arXiv ID",
        "categories": "Categories",
        "submitted": "First submitted",
        "latest_version": "Latest version",
        "shown_version": "Version shown",
        "abstract_page": "arXiv abstract page",
        "doi": "DOI",
        "journal_ref": "Journal reference",
        "citations": "Citations",
        "venue": "Venue",
        "open_access_pdf": "Open-access PDF",
        "semantic_scholar": "Semantic Scholar",
        "cite": "Cite",
        "copy_button": "Copy",
        "copied": "Copied",
        "more_authors": "{count} more",
        "withdrawn": "This paper has been withdrawn on arXiv",
        "search": "Search",
        "search_placeholder": "Search papers",
        "search_unavailable": "This site was built without its search index.",
        "search_needs_script": "Search needs JavaScript.",
        "search_needs_server": "Search does not work on pages opened as files: open the site through a web server (papersite serve).",
        "search_not_found": "Try searching for it.",
        "digest": "Digest",
        "kind": "Kind",
        "kind_weekly": "Weekly",
        "kind_conference": "Conference",
    },
}

AWARDS: dict[str, dict[str, str]] = {
    "best-paper": {"ko": "최우수 논문상", "en": "Best Paper"},
    "runner-up": {"ko": "차상위 논문상", "en": "Runner-up"},
    "oral": {"ko": "구두 발표", "en": "Oral"},
    "spotlight": {"ko": "스포트라이트", "en": "Spotlight"},
}

LINK_KINDS: dict[str, dict[str, str]] = {
    "paper": {"ko": "논문", "en": "Paper"},
    "pdf": {"ko": "PDF", "en": "PDF"},
    "code": {"ko": "코드", "en": "Code"},
    "project": {"ko": "프로젝트", "en": "Project"},
    "dataset": {"ko": "데이터셋", "en": "Dataset"},
    "model": {"ko": "모델", "en": "Model"},
    "demo": {"ko": "데모", "en": "Demo"},
    "video": {"ko": "영상", "en": "Video"},
    "blog": {"ko": "블로그", "en": "Blog"},
    "discussion": {"ko": "토론", "en": "Discussion"},
    "other": {"ko": "기타", "en": "Other"},
}


def primary_language(lang: str) -> str:
    """The language of a BCP 47 code, without its script or region: ``ko`` for ``ko-KR``,
    ``pa`` for ``pa-Arab``. What the interface words and the glossary go by."""
    return lang.split("-")[0]


def words_language(lang: str) -> str:
    """The language of the interface words a page in ``lang`` is given (all but its name, see
    ``ui``): ``lang`` itself when the tables have its words (``ko``, or ``ko-KR``, which gets
    the words of ``ko``), else ``FALLBACK``. The one definition of which words fall back."""
    return lang if primary_language(lang) in UI else FALLBACK


def table_language(lang: str) -> str:
    """The key of ``lang``'s words in a table of words by language (``UI``, and the exports'
    own): ``ko`` for ``ko-KR``, ``FALLBACK`` for ``ja``."""
    return primary_language(lang) if words_language(lang) == lang else FALLBACK


RIGHT_TO_LEFT = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "syr",
                           "ug", "ur", "yi"})  # fmt: skip
"""Languages written from right to left, unless their code names another script (``ks-Deva``)."""

RIGHT_TO_LEFT_SCRIPTS = frozenset({"adlm", "arab", "hebr", "mand", "nkoo", "rohg", "samr", "syrc",
                                   "thaa"})  # fmt: skip
"""Scripts written from right to left, by their ISO 15924 code (``pa-Arab``, ``az-Arab``)."""


def right_to_left(lang: str) -> bool:
    """Whether text in ``lang`` (a BCP 47 code) is written from right to left: by its script
    subtag where it has one (``ar-Latn`` is not), else by its language."""
    subtags = lang.lower().split("-")
    script = next((tag for tag in subtags[1:] if len(tag) == 4 and tag.isalpha()), None)
    return script in RIGHT_TO_LEFT_SCRIPTS if script else subtags[0] in RIGHT_TO_LEFT


@functools.cache
def direction(lang: str, within: str | None = None) -> str:
    """The ``dir`` attribute an element in ``lang`` needs beside its ``lang``: `` dir="rtl"`` for
    a language written from right to left; `` dir="ltr"`` for one written left to right inside
    an element (or a page) in ``within``, written right to left; else "": the direction of
    every page in several languages, whose layout is left to right."""
    if right_to_left(lang):
        return ' dir="rtl"'
    return ' dir="ltr"' if within is not None and right_to_left(within) else ""


def marked_words(lang: str, html: str) -> str:
    """Interface words (``html``, escaped) for an element in ``lang``: as they are, or in a
    ``<span lang>`` of the language they are in, when ``lang`` has none of its own. The element
    keeps its own ``lang``: the language switch (``site.js``) shows and hides it by that. English
    words in an element of a language written from right to left say they are left to right."""
    written = words_language(lang)
    if written == lang:
        return html
    return f'<span lang="{written}"{direction(written, lang)}>{html}</span>'


def shared_words(languages: list[str], html: str) -> str:
    """Interface words that are the same in every one of ``languages``, shown once with no
    language of their own (``PDF``); but marked with the language every one of them has them
    from, when that is not all their own (``Best Paper`` on a site in ``[en, ja]``, whose
    Japanese page would otherwise call it Japanese)."""
    written = {words_language(lang) for lang in languages}
    if len(written) == 1 and written != set(languages):
        return f'<span lang="{written.pop()}">{html}</span>'
    return html


def joined_words(languages: list[str], key: str, separator: str = " / ") -> str:
    """``ui(lang)[key]`` of each of ``languages``, each wording once: where the words cannot be
    marked with their language (an attribute, plain text), nor shown twice (``Search / Search``
    on a site in ``[en, ja]``)."""
    return separator.join(dict.fromkeys(ui(lang)[key] for lang in languages))


def _pick(table: dict[str, str], lang: str) -> str:
    return table[table_language(lang)]


LANGUAGE_NAMES = {
    "ja": "日本語", "zh": "中文", "fr": "Français", "de": "Deutsch", "es": "Español",
    "it": "Italiano", "pt": "Português", "ru": "Русский", "vi": "Tiếng Việt",
    "id": "Bahasa Indonesia", "th": "ไทย", "ar": "العربية", "hi": "हिन्दी",
}  # fmt: skip
"""What the language switch calls a site language that has no interface words here (they are
the English ones): its own name, or its code."""

_OTHER_UI: dict[str, dict[str, str]] = {}


def ui(lang: str) -> dict[str, str]:
    """Every interface word in ``lang`` (``ko-KR``: those of ``ko``): the English ones for a
    language without its own, but for its name (the language switch would offer "English"
    twice). Words shown in an element of ``lang`` go through ``marked_words``."""
    words = UI.get(lang) or _OTHER_UI.get(lang)
    if words is None:
        words = _OTHER_UI[lang] = dict(UI[table_language(lang)])
        if words_language(lang) != lang:
            words["language_name"] = LANGUAGE_NAMES.get(primary_language(lang), lang)
    return words


def award_label(award: str, languages: list[str]) -> dict[str, str]:
    """A known award's name per language; free-text awards are shown as written."""
    table = AWARDS.get(award)
    return {lang: _pick(table, lang) if table else award for lang in languages}


def link_label(kind: str, languages: list[str]) -> dict[str, str]:
    return {lang: _pick(LINK_KINDS[kind], lang) for lang in languages}


# Spelled out rather than taken from the locale, so that output never depends on the machine.
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def format_date(date: dt.date, lang: str) -> str:
    """``2025년 3월 17일`` or ``17 March 2025``: in the language of the interface words
    (``words_language``)."""
    if table_language(lang) == "ko":
        return f"{date.year}년 {date.month}월 {date.day}일"
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


def format_month(year: int, month: int, lang: str) -> str:
    """``2025년 3월`` or ``March 2025``, as ``format_date``."""
    if table_language(lang) == "ko":
        return f"{year}년 {month}월"
    return f"{MONTHS[month - 1]} {year}"
