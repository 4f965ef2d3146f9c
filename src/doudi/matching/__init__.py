"""Cross-comparison (大数据比对, DOMAIN R-M11): staged linkage of department batch records to registry
persons, on DuckDB (embedded, default) or PySpark (``doudi[spark]``). See docs/linkage.md."""
