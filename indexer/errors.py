"""The errors a user can cause; the CLI turns each into one line and an exit code."""


class CorpusError(Exception):
    """Base of every error corpus-search reports to the user."""

    exit_code = 1


class UsageError(CorpusError):
    """The command was given something it cannot use."""

    exit_code = 2


class SourceNotFound(CorpusError):
    """A path or URL to add does not exist or cannot be fetched."""


class UnsupportedFormat(CorpusError):
    """A file is of a kind corpus-search does not ingest."""


class DecodeError(CorpusError):
    """A file's bytes cannot be read as text."""


class UnreadableArticle(CorpusError):
    """A file's content made loading or cleaning fail unexpectedly; that file alone is skipped."""


class EmptyArticle(CorpusError):
    """A file holds no article text once cleaned."""


class ArticleNotFound(CorpusError):
    """No article has the given id."""


class QueryError(UsageError):
    """A query cannot be searched as written."""


class IndexMissing(CorpusError):
    """The corpus has no usable index."""


class IndexDamaged(CorpusError):
    """The index cannot be read; `corpus reindex` rebuilds it."""


class CorpusBusy(CorpusError):
    """Another process holds the corpus's write lock."""


class CannotWrite(CorpusError):
    """The corpus folder or its state dir cannot be written: the disk is full, read-only, or not ours."""


class CatalogDamaged(IndexDamaged):
    """The catalog cannot be read; it is rebuilt from the corpus folder."""


class UnsafeCache(CorpusError):
    """The index is in a folder another user could write: it is never opened."""
