"""Read: files, records, pages and feeds into Articles; cleaning, language, sentences."""
