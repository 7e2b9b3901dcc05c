"""pg_trgm thresholds for name search, set on every new database connection.

The defaults (similarity 0.3, word similarity 0.6) let a full-name query over a million persons
whose names share common Thai syllables pull tens of thousands of index candidates. The GIN
index turns the similarity threshold into a number of the query's trigrams a row must share, so
the threshold decides how many rows are fetched and rechecked. 0.5 keeps a full name with one
misspelt, dropped or swapped letter (lowest over 3,000 misspelt benchmark names: 0.54;
"สมสรี ใจดี" for "สมศรี ใจดี": 0.57) and fetches about a tenth of the candidates 0.4 did
(p95 at 1,000,000 persons: benchmarks/search.py).
"""

SIMILARITY_THRESHOLD = 0.5
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
