"""Parse opening-hours text into the weekly schedule that `schedule.py` reads.

The result has the shape {"mon": [["09:00", "12:00"], ...], ..., "sun": [...],
"holidays": "closed" | "open" | None}. A day missing from the dict has no hours. An interval whose
end is before its start runs past midnight (written 次日 in the source). Text the parser does not
fully understand returns no schedule at all: a wrong schedule would tell a family a place is open
when it is not, so unknown words are reported, never skipped.

Understood: day ranges and lists (周一至周五, 星期二到星期日, 周一、三、五, 工作日, 周末, 每天), several
intervals per day (9:00-12:00，14:00-17:30), 上午/下午/晚上 prefixes, 9点/9点半/9时30分, 次日 ends,
24小时 and 全天, closed days (周一闭馆, 周末休息), and 节假日休息 / 节假日照常 against the holiday
calendar. Full-width digits and punctuation are folded first.
"""

import dataclasses
import re
import unicodedata
from functools import lru_cache

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NUMBER = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6,
               "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}

_DAY = r"(?:周|星期|礼拜)?([一二三四五六日天七1-7])"
_DAY_PREFIXED = r"(?:周|星期|礼拜)([一二三四五六日天七1-7])"
_RANGE_SEP = r"\s*(?:至|到|-|~)\s*"
_TIME = r"(上午|早上|早|中午|下午|晚上|晚|凌晨)?\s*(\d{1,2})(?:\s*(?::|点|时)\s*(\d{1,2}|半)?\s*分?)?"

_TOKENS = [
    ("day_range", re.compile(_DAY_PREFIXED + _RANGE_SEP + _DAY)),
    ("day_list", re.compile(_DAY_PREFIXED + r"(?:\s*[、,和及]\s*" + _DAY + r")+")),
    ("day", re.compile(_DAY_PREFIXED)),
    ("weekdays", re.compile(r"工作日|周一至五")),
    ("weekend", re.compile(r"周末|双休日")),
    ("other_days", re.compile(r"其余时间|其他时间|其余|其他")),
    ("every_day", re.compile(r"每天|每日|天天|全年无休|全年|全周|一周七天|周一至日")),
    ("holiday", re.compile(r"(?:法定)?(?:节假日|节日|假日|公众假期)")),
    ("all_day", re.compile(r"24\s*小时|二十四小时|全天")),
    ("interval", re.compile(_TIME + r"\s*(?:-|~|至|到)\s*(次日|翌日|第二天)?\s*" + _TIME)),
    ("closed", re.compile(r"休息|闭馆|不开放|休馆|停止服务|暂停服务|关闭|不办公|除外")),
    ("open", re.compile(r"照常(?:开放|服务|办公)?|正常(?:开放|服务|办公)|开放|不休|无休|服务|办公|营业")),
]
# Words that carry no schedule information and may stand anywhere.
_FILLER = re.compile(r"(?:开放|服务|办公|营业|接待|工作)?时间|[:;,，。、\s/()（）【】\[\]]|及|和|逢|每周|均|为")


class UnparseableHours(ValueError):
    """The text contains words the parser does not understand; `fragment` is the first one."""

    def __init__(self, text: str, fragment: str) -> None:
        super().__init__(f"cannot parse opening hours {text!r} at {fragment!r}")
        self.text = text
        self.fragment = fragment


def fold(text: str) -> str:
    """Fold full-width characters and dash variants to the ASCII forms the patterns expect."""
    text = unicodedata.normalize("NFKC", text)
    for dash in ("—", "–", "－", "―", "─", "～", "〜"):
        text = text.replace(dash, "-" if dash != "～" and dash != "〜" else "~")
    return text.strip()


def _clock(prefix: str | None, hour_text: str, minute_text: str | None) -> int:
    """Return minutes since midnight for a clock time; raise ValueError when out of range."""
    hour = int(hour_text)
    minute = 30 if minute_text == "半" else int(minute_text or 0)
    if prefix in ("下午", "晚上", "晚") and hour < 12:
        hour += 12
    if prefix == "中午" and hour < 6:
        hour += 12
    if not (0 <= hour <= 24 and 0 <= minute < 60) or (hour == 24 and minute):
        raise ValueError(f"{hour}:{minute}")
    return hour * 60 + minute


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclasses.dataclass
class _Group:
    days: list[int] | None = None
    intervals: list[list[str]] = dataclasses.field(default_factory=list)


def _days_of(kind: str, match: re.Match) -> list[int]:
    if kind == "day_range":
        first, last = _DAY_NUMBER[match.group(1)], _DAY_NUMBER[match.group(2)]
        if last < first:
            raise ValueError("day range runs backwards")
        return list(range(first, last + 1))
    if kind == "day_list":
        return sorted({_DAY_NUMBER[c] for c in re.findall(r"[一二三四五六日天七1-7]", match.group(0))})
    if kind == "day":
        return [_DAY_NUMBER[match.group(1)]]
    if kind == "weekdays":
        return [0, 1, 2, 3, 4]
    if kind == "weekend":
        return [5, 6]
    return list(range(7))


def _interval(match: re.Match) -> list[str]:
    p1, h1, m1, next_day, p2, h2, m2 = match.groups()
    if p2 is None and p1 in ("下午", "晚上", "晚"):
        p2 = p1  # "下午2:00-5:30": the end shares the start's half of the day
    start = _clock(p1, h1, m1)
    end = _clock(p2, h2, m2)
    if start >= 24 * 60:
        raise ValueError("start at 24:00")
    if next_day:
        if end >= start or end == 24 * 60:
            raise ValueError("次日 end not before start")
        return [_hhmm(start), _hhmm(end)]
    if end <= start:
        # An overnight range must be marked 次日, because guessing would invent hours.
        raise ValueError("end before start")
    return [_hhmm(start), "24:00" if end == 24 * 60 else _hhmm(end)]


def _token_at(text: str, position: int) -> tuple[str, re.Match | None]:
    """Return the first token pattern that matches at `position`, in `_TOKENS` order."""
    for kind, pattern in _TOKENS:
        match = pattern.match(text, position)
        if match:
            return kind, match
    return "", None


class _Parser:
    def __init__(self, text: str) -> None:
        self.source = text
        self.text = fold(text)
        self.groups: list[_Group] = [_Group()]
        self.closed_days: set[int] = set()
        self.holidays: str | None = None
        # What a following 休息/照常 applies to: days and/or "holiday", gathered over tokens
        # joined by 及/和 ("周末及节假日休息"); an interval or a closing word clears it.
        self.subject: set[str] = set()
        self.pending_days: list[int] = []

    def fail(self, position: int) -> UnparseableHours:
        return UnparseableHours(self.source, self.text[position:position + 12])

    def on_days(self, days: list[int], position: int) -> None:
        current = self.groups[-1]
        if current.days is None:
            # Either the first days named, or the intervals came first: "9:00-17:00（周一至周五）".
            current.days = list(days)
        elif not current.intervals:
            current.days = sorted(set(current.days) | set(days))  # "周一至周五、周日 ..."
        else:
            self.groups.append(_Group(days=list(days)))
        if "days" not in self.subject:
            self.pending_days = []
        self.pending_days = sorted(set(self.pending_days) | set(days))
        self.subject.add("days")

    def on_interval(self, interval: list[str]) -> None:
        self.groups[-1].intervals.append(interval)
        self.subject = set()

    def on_closed(self, position: int) -> None:
        if not self.subject:
            raise self.fail(position)
        if "holiday" in self.subject:
            self.holidays = "closed"
        if "days" in self.subject:
            self.closed_days.update(self.pending_days)
            group = self.groups[-1]
            if not group.intervals and set(group.days or ()) <= set(self.pending_days):
                self.groups.pop()
                if not self.groups:
                    self.groups.append(_Group())
        self.subject = set()

    def on_open(self) -> None:
        if "holiday" in self.subject:
            self.holidays = "open"
        self.subject = set()

    def run(self) -> dict:
        position = 0
        while position < len(self.text):
            kind, match = _token_at(self.text, position)
            if match is None:
                filler = _FILLER.match(self.text, position)
                if filler is None or filler.end() == position:
                    raise self.fail(position)
                position = filler.end()
                continue
            try:
                self.consume(kind, match, position)
            except ValueError as exc:
                if isinstance(exc, UnparseableHours):
                    raise
                raise self.fail(position) from exc
            position = match.end()
        return self.schedule()

    def consume(self, kind: str, match: re.Match, position: int) -> None:
        if kind in ("day_range", "day_list", "day", "weekdays", "weekend", "every_day",
                    "other_days"):
            self.on_days(_days_of(kind, match), position)
        elif kind == "holiday":
            self.subject.add("holiday")
        elif kind == "all_day":
            self.on_interval(["00:00", "24:00"])
        elif kind == "interval":
            self.on_interval(_interval(match))
        elif kind == "closed":
            self.on_closed(position)
        else:
            self.on_open()

    def schedule(self) -> dict:
        result: dict = {}
        if not any(group.intervals for group in self.groups):
            raise self.fail(0)
        for group in self.groups:
            if not group.intervals:
                if group.days is not None:
                    raise self.fail(0)  # days named with no hours and not closed
                continue
            for day in group.days if group.days is not None else range(7):
                if day in self.closed_days:
                    continue
                result.setdefault(DAYS[day], []).extend(list(i) for i in group.intervals)
        for intervals in result.values():
            intervals.sort()
        result["holidays"] = self.holidays
        return result


def parse_hours(text: str) -> dict:
    """Return the weekly schedule written in `text`; raise UnparseableHours when unsure."""
    if not text or not fold(text):
        raise UnparseableHours(text or "", "")
    # Sheets repeat the same few texts thousands of times. The cache keeps the parsed form, and
    # every caller gets its own copy to change.
    cached = _parse_cached(text)
    return {key: [list(i) for i in value] if isinstance(value, list) else value
            for key, value in cached.items()}


@lru_cache(maxsize=4096)
def _parse_cached(text: str) -> dict:
    return _Parser(text).run()
