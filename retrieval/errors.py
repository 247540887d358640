"""The core's exceptions: a shallow tree, each mapped by the channels to a friendly message."""


class HtxError(Exception):
    """Base class of every error the core raises on purpose."""


class InputError(HtxError):
    """A question, a path or another value given by the user cannot be used as it is.

    ``kind`` names the problem for channels that word it themselves ("empty", "no_words",
    "too_long"; "input" for any other).
    """

    def __init__(self, message: str, kind: str = "input") -> None:
        super().__init__(message)
        self.kind = kind


class IngestError(HtxError):
    """A document could not be read or parsed, or the index could not be written."""


class IndexCorruptError(HtxError):
    """The index on disk is missing, corrupt or was built by an incompatible version."""


class IndexBusyError(HtxError):
    """Another process holds the index (an ingest running); waiting longer or later works."""


class EmbeddingError(HtxError):
    """The embedding model could not be loaded or failed to embed."""


class ConfigError(HtxError):
    """A setting has a value the program cannot use."""
