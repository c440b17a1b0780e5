"""The one engine that api/ and bot/ share: search, ask, and document lookup over one index.

CONTRACT (being implemented; signatures are stable):
    engine = Engine.open(settings)                      # loads model + indexes once
    engine.search(query, k=10, filters=None, offset=0) -> list[Hit]
    engine.ask(question, filters=None) -> Answer
    engine.documents(filters=None) -> list[Document]   # metadata; Document.sections may be empty
    engine.document(doc_id_or_number) -> Document      # full section tree; raises NotFound
    engine.passage(passage_id) -> Hit                  # raises NotFound
    engine.stats() -> dict                              # {"documents", "passages", "embed_model"}
    engine.add_file(path) -> IngestReport               # ingest one uploaded file
    engine.delete(doc_id) -> None                       # raises NotFound
"""
