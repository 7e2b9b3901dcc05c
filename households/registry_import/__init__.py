"""The welfare-registry importer: its rules (rules.py), its staging SQL (staging.py) and the
importer the framework runs (importer.py)."""
