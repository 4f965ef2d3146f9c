"""The scan side of monitoring: the monthly and per-batch scans over the store (DuckDB), the indicators
(R-M12), proactive discovery (R-M16), routing of records to regions, the indicator parameters and the
records no region could take."""
