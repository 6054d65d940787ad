"""Spreadsheet exports carry what visitors typed, and must not turn it into formulas.

A spreadsheet program opening a CSV runs a cell starting with = + - @ (or a tab or
carriage return before one) as a formula, so the CSV export prefixes those with an
apostrophe. An XLSX file stores formulas apart from text: openpyxl writes a string as a
formula only when it starts with "=", so only those need the apostrophe there; a phone
number such as "+1 555 010 4477" stays as typed.
"""

CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_FORMULA_PREFIXES = ("=",)


def _guard(value, prefixes: tuple[str, ...]):
    if isinstance(value, str) and value.startswith(prefixes):
        return "'" + value
    return value


def neutralize_formula(value):
    """For CSV cells."""
    return _guard(value, CSV_FORMULA_PREFIXES)


def neutralize_xlsx_formula(value):
    """For XLSX cells."""
    return _guard(value, XLSX_FORMULA_PREFIXES)
