"""The fixed names the command line offers and the library accepts: file names, formats, sources.

They live here, importing nothing, so that the CLI can build its parser (``--help``, choices,
argument errors) without importing the modules that use them; each of those re-exports its own.
"""

CONFIG_FILE = "papersite.yaml"
"""The site's configuration, in the site folder."""

DIGESTS_DIR = "digests"
"""The folder of the digest files, in the site folder."""

TEMPLATES_DIR = "templates"
"""The site's own templates and assets, over the default theme's, in the site folder."""

CACHE_ROOT = ".papersite-cache"
"""The folder of the build cache and compiled templates, in the site folder (``cache``)."""

DIGEST_SUFFIXES = (".yaml", ".yml", ".md")
"""The endings of a digest file's name."""

OTHER_MARKDOWN_SUFFIXES = (".markdown", ".mdown", ".mkdn", ".mkd", ".mdwn")
"""Other endings of a Markdown file's name: a digest named so is an error that says to rename
it, rather than a file the build would leave out without a word."""

NOT_DIGESTS = (
    "files and folders whose names start with _ or ., and README.md files, are not digests (nor "
    f"files not ending in {', '.join(DIGEST_SUFFIXES)})"
)
"""Which files of ``digests/`` are not digests (``fingerprint.digest_files``), for messages."""

LOCKFILE = "arxiv.lock.json"
"""The metadata lockfile, in the site folder (``lockfile``)."""

DIGEST_FORMATS = ("yaml", "md")
"""The forms a digest file is written in by ``new`` and ``import``: YAML, or Markdown."""

CHECK_FORMATS = ("text", "github", "json")
"""How ``papersite check`` prints its report (``check.FORMATS``)."""

EXPORT_FORMATS = ("forum", "newsletter", "json")
"""What ``papersite export`` writes a digest as (``export.FORMATS``)."""

IMPORT_SOURCES = ("forum", "dair-ai")
"""The layouts ``papersite import --from`` reads (``importers.SOURCES``)."""

EXTRA_SOURCES = ("semantic-scholar",)
"""Sources besides arXiv that ``enrich --with`` can add (each one is a module of ``sources``)."""

LOOPBACK = "127.0.0.1"
"""The address ``papersite serve`` listens on unless told otherwise: this machine only."""

GLOSSARY_FILE = "glossary.yaml"
"""The site's glossary: English ML terms, their accepted Korean renderings and wrong ones."""
ASSETS_DIR = "assets"
"""The theme's folder of static files, copied to the output as they are."""
