"""Department spreadsheet import, data quality checks and open-data exports (HSDS 3.0)."""
