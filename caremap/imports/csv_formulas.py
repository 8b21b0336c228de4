"""Stop spreadsheets from running CSV export cells as formulas, and undo that on import.

Excel, WPS and LibreOffice Calc read a CSV cell that starts with =, +, - or @ as a formula (CSV
or formula injection), and a leading tab or carriage return can hide such a cell. The export
puts a single quote (') in front of these cells, which makes a spreadsheet read them as text.
OWASP ASVS requirement 1.2.10 (V1 Encoding and Sanitization) requires the same quote.

`unescape_formula` undoes `escape_formula` exactly, so a CSV export imports back to the same
values:

- `escape_formula` adds one quote to a value that starts with any number of quotes (none
  included) followed by =, +, -, @, tab or carriage return.
- `unescape_formula` removes one quote from a cell that starts with one or more quotes
  followed by one of those characters, and leaves every other cell as it is.

So a value that really starts with a quote is kept: "'s-Hertogenbosch" is not escaped and not
unescaped, and "'=1" exports as "''=1" and imports back as "'=1". A phone number written
+86 755 … and a negative number such as -12.5 are quoted too: a spreadsheet takes them for
text rather than a number, and the import removes the quote again.
"""

import re

# Characters that, at the start of a cell, start a formula or can hide one.
FORMULA_TRIGGERS = "=+-@\t\r"
_NEEDS_QUOTE = re.compile(f"'*[{re.escape(FORMULA_TRIGGERS)}]")
_QUOTED = re.compile(f"'+[{re.escape(FORMULA_TRIGGERS)}]")


def escape_formula(value: str) -> str:
    """Return `value` with a leading quote when a spreadsheet could read it as a formula."""
    if _NEEDS_QUOTE.match(value):
        return "'" + value
    return value


def unescape_formula(cell: str) -> str:
    """Return `cell` without the quote that `escape_formula` added, if it has one."""
    if _QUOTED.match(cell):
        return cell[1:]
    return cell
