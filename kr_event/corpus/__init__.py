"""Annotated documents: the gold set, the authored corpus and KLUE stand-off material."""
from .annotated import AnnotatedDoc, validate_doc, read_jsonl, write_jsonl
from .markup import parse_markup, parse_source

__all__ = ["AnnotatedDoc", "validate_doc", "read_jsonl", "write_jsonl", "parse_markup", "parse_source"]
