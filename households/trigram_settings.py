"""pg_trgm thresholds for name search, set on every new database connection.

The defaults (similarity 0.3, word similarity 0.6) let a full-name query over a million persons
whose names share common Thai syllables pull tens of thousands of index candidates. 0.4 keeps a
name with one or two misspelt letters ("สมสรี ใจดี" for "สมศรี ใจดี": 0.57) and cuts the
candidates by an order of magnitude (benchmarks/search.py).
"""

SIMILARITY_THRESHOLD = 0.4
WORD_SIMILARITY_THRESHOLD = 0.6


def apply_trigram_thresholds(sender, connection, **kwargs) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, false), "
            "set_config('pg_trgm.word_similarity_threshold', %s, false)",
            [str(SIMILARITY_THRESHOLD), str(WORD_SIMILARITY_THRESHOLD)],
        )
