"""Turning Python values into the query string of the measurements API."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Dict, Iterable, List, Optional, Tuple, Union

TimeLike = Union[str, datetime]
DatastreamLike = Union[int, str, Iterable[Union[int, str]]]

# Python spellings of the API's camelCase parameters, so both ``observed_property=`` and
# ``observedProperty=`` work.
_ALIASES = {"observed_property": "observedProperty"}


def format_time(value: TimeLike, name: str) -> str:
    """RFC 3339 for the API. A naive datetime is refused: Polder refuses times without an
    offset too, because guessing the time zone silently shifts data by hours."""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"{name}: naive datetime {value.isoformat()}; give it a time zone, "
                "e.g. datetime(..., tzinfo=timezone.utc)"
            )
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        raise ValueError(f"{name}: a date has no time of day; use a datetime with a time zone")
    raise TypeError(f"{name}: expected an RFC 3339 string or a datetime, got {type(value).__name__}")


def parse_time(value: str) -> datetime:
    """The API's times (``2024-05-01T12:00:00.000Z``) as aware UTC datetimes.

    fromisoformat reads "Z" only from Python 3.11, hence the replace (3.9 and 3.10)."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def measurement_params(
    start: Optional[TimeLike], end: Optional[TimeLike], datastream: Optional[DatastreamLike], filters: Dict[str, Any]
) -> List[Tuple[str, str]]:
    """The query of GET /api/measurements: several datastreams repeat the parameter."""
    params: List[Tuple[str, str]] = []
    if datastream is not None:
        ids = [datastream] if isinstance(datastream, (int, str)) else list(datastream)
        params.extend(("datastream", str(d)) for d in ids)
    if start is not None:
        params.append(("start", format_time(start, "start")))
    if end is not None:
        params.append(("end", format_time(end, "end")))
    params.extend(encode_params(filters))
    return params


def encode_params(values: Dict[str, Any]) -> List[Tuple[str, str]]:
    """Any other parameters: booleans as true/false, lists repeated, None left out."""
    params: List[Tuple[str, str]] = []
    for key, value in values.items():
        if value is None:
            continue
        key = _ALIASES.get(key, key)
        for v in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(v, bool):
                params.append((key, "true" if v else "false"))
            elif isinstance(v, datetime):
                params.append((key, format_time(v, key)))
            else:
                params.append((key, str(v)))
    return params
