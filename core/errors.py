"""Domain errors. They become HTTP codes in api/, replies in bot/, and one line plus an exit code in the CLI."""


class SotayError(Exception):
    """Base class: the message is meant for a person."""


class IngestError(SotayError):
    """A file could not be read or understood; names the file and the reason."""


class NotFound(SotayError):
    """An unknown document id."""


class BadQuery(SotayError):
    """An empty, over-long or otherwise unusable question or filter."""
