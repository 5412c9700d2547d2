"""Rule layer: deterministic, table-driven resolution on top of the tagger's spans."""
