"""The scale benchmark of issue 6: newsbot's index against rank-bm25, bm25s and SQLite FTS5.

`python benchmarks/scale.py --sizes 10000 100000 1000000`; see docs/performance.md.
"""
