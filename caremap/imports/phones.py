"""Normalise Chinese telephone numbers for `tel:` links, keeping the form the source wrote.

Landlines carry an area code (0755 for Shenzhen) and may carry an extension written as 转, 分机
or ext. Mobile numbers have 11 digits starting 13–19. 400 and 800 numbers and short hotlines
such as 12355 or 110 are dialled exactly as written, so they get no country code.
"""

import dataclasses
import re
import unicodedata

_SPLIT = re.compile(r"[;；,，/、]|\s+或\s*|\s{2,}")
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE)
_PUNCTUATION = re.compile(r"[\s\-()（）.·]")
# Area codes of three digits: Beijing 010 and the 02x cities; every other area code has four.
_THREE_DIGIT_AREA = re.compile(r"^0(10|2\d)")


@dataclasses.dataclass
class PhoneNumber:
    number: str  # as written, e.g. "0755-8888 1234 转 123"
    tel: str  # dialable, e.g. "+86-755-88881234;ext=123"
    extension: str = ""


@dataclasses.dataclass
class PhoneResult:
    phones: list[PhoneNumber]
    # (reason code, the part of the cell it concerns)
    problems: list[tuple[str, str]]


def _local_ok(local: str) -> bool:
    return len(local) in (7, 8) and local[0] not in "01"


def _normalise_one(written: str, area_code: str) -> tuple[PhoneNumber | None, str | None]:
    """Return (phone, problem code); the phone is None when the number is invalid."""
    text = unicodedata.normalize("NFKC", written).strip()
    extension = ""
    ext_match = _EXTENSION.search(text)
    if ext_match:
        extension = ext_match.group(1)
        text = text[: ext_match.start()]
    digits = _PUNCTUATION.sub("", text)
    if digits.startswith("+86"):
        digits = digits[3:]
        if not digits.startswith(("1", "4", "8")):
            digits = "0" + digits
    if not digits.isdigit():
        return None, "phone_invalid"
    suffix = f";ext={extension}" if extension else ""

    if 3 <= len(digits) <= 5 and digits[0] in "19" and not extension:
        return PhoneNumber(written.strip(), digits), None
    if len(digits) == 10 and digits.startswith(("400", "800")):
        return PhoneNumber(written.strip(), digits + suffix, extension), None
    if len(digits) == 11 and re.match(r"1[3-9]", digits) and not extension:
        return PhoneNumber(written.strip(), f"+86-{digits}"), None

    problem = None
    area = area_code.lstrip("0")
    if not digits.startswith("0") and digits.startswith(area) and _local_ok(digits[len(area):]):
        # A spreadsheet stored the number as a number and dropped the leading 0 of 0755.
        digits = "0" + digits
        problem = "phone_leading_zero"
    if digits.startswith("0"):
        split = 3 if _THREE_DIGIT_AREA.match(digits) else 4
        local = digits[split:]
        if not _local_ok(local):
            return None, "phone_invalid"
        return PhoneNumber(written.strip(), f"+86-{digits[1:split]}-{local}{suffix}", extension), problem
    if _local_ok(digits):
        return (PhoneNumber(written.strip(), f"+86-{area}-{digits}{suffix}", extension),
                "phone_no_area_code")
    return None, "phone_invalid"


def normalise_phones(cell: str, area_code: str = "0755") -> PhoneResult:
    """Split a cell into its numbers and normalise each one."""
    phones, problems = [], []
    for part in _SPLIT.split(cell or ""):
        if not part or not part.strip():
            continue
        phone, problem = _normalise_one(part, area_code)
        if phone is not None:
            phones.append(phone)
        if problem:
            problems.append((problem, part.strip()))
    return PhoneResult(phones, problems)
