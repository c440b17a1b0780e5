"""Domain errors. They become HTTP codes in api/, replies in bot/, and one line plus an exit code in the CLI."""


class SotayError(Exception):
    """Base class: the message is meant for a person."""


class IngestError(SotayError):
    """A file could not be read or understood; names the file and the reason."""


class NotFound(SotayError):
    """An unknown document id."""


class Ambiguous(NotFound):
    """A document number several documents share (two units' "12/KH-CĐCS"): the candidates are listed,
    and the caller names one by its id."""

    def __init__(self, key: str, candidates: list[tuple[str, str]]) -> None:
        self.candidates = candidates   # (id, how a person tells it apart: name, issuer, date)
        listed = "; ".join(f"{doc_id} ({label})" for doc_id, label in candidates)
        super().__init__(f"Có {len(candidates)} văn bản cùng số '{key}': {listed}. Hãy ghi mã văn bản để chọn một.")


class Unavailable(SotayError):
    """The store (a Chroma server) does not answer: nothing is lost, the request can be sent again later."""


class BadQuery(SotayError):
    """An empty, over-long or otherwise unusable question or filter."""


class Conflict(SotayError):
    """A write that would make two stored documents one (the same number, issuer and date): refused, never
    merged; `other` is the document already there."""

    def __init__(self, message: str, other_id: str) -> None:
        self.other_id = other_id
        super().__init__(message)
