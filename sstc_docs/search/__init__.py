"""Search across every record and every version: our analyser, an engine behind ``SearchIndex``.

``analyser`` turns text into terms (stems, CJK bigrams and characters), ``documents`` says what
of each version is searchable, ``query`` reads what the user typed, ``snippets`` marks where it
matched; ``sqlite_index`` is the engine for the embedded database. The service that keeps the
index caught up with the store is ``sstc_docs.services.search``.
"""
