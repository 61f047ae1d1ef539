"""Small shared helpers: atomic output files, safe file names."""
