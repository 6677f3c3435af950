"""Raw exports in, canonical tables out: detect, read, clean, validate, upsert, record."""
