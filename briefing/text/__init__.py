"""Text tools that know no Article or Pool: word lists, signatures, stems, figures, dates, tf-idf, neighbours, Punkt."""
