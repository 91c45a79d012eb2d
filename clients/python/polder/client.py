"""A client of the Polder API using only the standard library."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from typing import Any, Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple, Union

from .errors import PolderError
from .query import DatastreamLike, TimeLike, encode_params, measurement_params, parse_time

#: Rows per page the iterators ask for unless given ``limit``: few round trips, pages of about 0.5 MB.
DEFAULT_PAGE_SIZE = 10_000

Params = Union[Dict[str, Any], Sequence[Tuple[str, str]], None]


class Measurement(NamedTuple):
    """One stored value (or, with ``interval``, one bucket's aggregate starting at ``time``)."""

    datastream: int
    time: datetime
    value: float


class Page(NamedTuple):
    """One page of GET /api/measurements."""

    data: List[Measurement]
    #: The URL of the next page, None on the last.
    next: Optional[str]
    #: With ``count=True``: the number of rows across all pages.
    total: Optional[int]
    #: With ``interval``: the interval used (what ``auto`` chose).
    interval: Optional[str]


class Latest(NamedTuple):
    """A datastream's most recent value; ``time`` and ``value`` are None when it has none."""

    datastream: int
    device: str
    sensor: str
    observed_property: str
    unit: str
    time: Optional[datetime]
    value: Optional[float]


def _latest(raw: Dict[str, Any]) -> Latest:
    return Latest(
        raw["datastream"],
        raw["device"],
        raw["sensor"],
        raw["observedProperty"],
        raw["unit"],
        parse_time(raw["time"]) if raw["time"] is not None else None,
        raw["value"],
    )


def _next_url(current: str, next_link: str) -> str:
    """Polder writes ``links.next`` with the host it was asked by, which behind a proxy need not
    be the address this client uses: keep our own base and path, take only the query (it carries
    the cursor). The token is then never sent anywhere else."""
    query = urllib.parse.urlsplit(urllib.parse.urljoin(current, next_link)).query
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(current)._replace(query=query))


class Client:
    """Polder's REST API: measurements with paging iterators, latest values, and plain
    ``get``/``post`` for everything else.

    >>> client = Client("http://localhost:8080", token="...")
    >>> times, values = client.to_lists("2024-05-01T00:00:00Z", "2024-05-02T00:00:00Z", datastream=12)
    """

    def __init__(
        self,
        base_url: str,
        token: Optional[str] = None,
        timeout: float = 60.0,
        headers: Optional[Dict[str, str]] = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._headers = {"Accept": "application/json", **(headers or {})}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"

    # -- plain calls ---------------------------------------------------------------------

    def get(self, path: str, params: Params = None) -> Any:
        """GET a path of the API (``/api/devices/rpi3-u4-301``) and answer its JSON."""
        return self._send("GET", self._url(path, params))

    def post(self, path: str, body: Any, params: Params = None) -> Any:
        return self._send("POST", self._url(path, params), body)

    def patch(self, path: str, body: Any) -> Any:
        return self._send("PATCH", self._url(path, None), body)

    def delete(self, path: str) -> Any:
        return self._send("DELETE", self._url(path, None))

    def pages(self, path: str, params: Params = None) -> Iterator[Dict[str, Any]]:
        """Every page of a paged list (``{"data": [...], "links": {"next": ...}}``), in order."""
        url: Optional[str] = self._url(path, params)
        while url is not None:
            page = self._send("GET", url)
            yield page
            next_link = page["links"]["next"]
            url = _next_url(url, next_link) if next_link is not None else None

    # -- measurements --------------------------------------------------------------------

    def query_measurements(
        self,
        start: Optional[TimeLike] = None,
        end: Optional[TimeLike] = None,
        datastream: Optional[DatastreamLike] = None,
        **filters: Any,
    ) -> Iterator[Page]:
        """Pages of measurements, following ``links.next`` until the last one.

        ``start`` (inclusive) and ``end`` (exclusive) are RFC 3339 strings or aware datetimes;
        ``datastream`` one id or several. Other filters as in docs/querying.md: ``device``,
        ``sensor``, ``observed_property``, ``order``, ``interval``, ``agg``, ``count``, and
        ``limit``, the page size (default 10,000). Pages never overlap and never skip a row.
        """
        filters.setdefault("limit", DEFAULT_PAGE_SIZE)
        params = measurement_params(start, end, datastream, filters)
        for raw in self.pages("/api/measurements", params):
            yield Page(
                [Measurement(r["datastream"], parse_time(r["time"]), r["value"]) for r in raw["data"]],
                raw["links"]["next"],
                raw.get("total"),
                raw.get("interval"),
            )

    def iter_measurements(
        self,
        start: Optional[TimeLike] = None,
        end: Optional[TimeLike] = None,
        datastream: Optional[DatastreamLike] = None,
        **filters: Any,
    ) -> Iterator[Measurement]:
        """Every row of a query (ordered by datastream id, then time), page after page."""
        for page in self.query_measurements(start, end, datastream, **filters):
            yield from page.data

    def to_lists(
        self,
        start: Optional[TimeLike] = None,
        end: Optional[TimeLike] = None,
        datastream: Optional[DatastreamLike] = None,
        **filters: Any,
    ) -> Tuple[List[datetime], List[float]]:
        """``(timestamps, values)`` of a query: what plotting libraries take."""
        times: List[datetime] = []
        values: List[float] = []
        for m in self.iter_measurements(start, end, datastream, **filters):
            times.append(m.time)
            values.append(m.value)
        return times, values

    def to_dataframe(
        self,
        start: Optional[TimeLike] = None,
        end: Optional[TimeLike] = None,
        datastream: Optional[DatastreamLike] = None,
        **filters: Any,
    ) -> Any:
        """A pandas DataFrame with columns ``datastream``, ``time`` (UTC) and ``value``.

        pandas is imported only here: the rest of the client needs nothing outside the
        standard library."""
        try:
            import pandas as pd
        except ImportError as err:
            raise ImportError(
                "Client.to_dataframe() needs pandas, which is not installed: "
                "pip install pandas (or pip install 'polder-client[pandas]'); "
                "Client.to_lists() needs nothing"
            ) from err
        rows = list(self.iter_measurements(start, end, datastream, **filters))
        return pd.DataFrame(
            {
                "datastream": pd.Series([r.datastream for r in rows], dtype="int64"),
                "time": pd.to_datetime([r.time for r in rows], utc=True),
                "value": pd.Series([r.value for r in rows], dtype="float64"),
            }
        )

    def latest(
        self, datastream: Optional[Union[int, str]] = None, device: Optional[str] = None
    ) -> Union[Latest, List[Latest]]:
        """``latest(datastream=12)``: that datastream's last value;
        ``latest(device="rpi3-u4-301")``: the last value of each of the device's datastreams."""
        if (datastream is None) == (device is None):
            raise ValueError("latest() takes one of datastream= or device=")
        if datastream is not None:
            return _latest(self.get(f"/api/datastreams/{_segment(datastream)}/latest"))
        return [_latest(raw) for raw in self.get(f"/api/devices/{_segment(device)}/latest")["data"]]

    def iter_devices(self, **filters: Any) -> Iterator[Dict[str, Any]]:
        """Every device matching the filters of GET /api/devices (site, type, state, q ...)."""
        for page in self.pages("/api/devices", filters):
            yield from page["data"]

    # -- transport -----------------------------------------------------------------------

    def _url(self, path: str, params: Params) -> str:
        url = self.base_url + (path if path.startswith("/") else "/" + path)
        pairs = encode_params(params) if isinstance(params, dict) else list(params or [])
        return f"{url}?{urllib.parse.urlencode(pairs)}" if pairs else url

    def _send(self, method: str, url: str, body: Any = None) -> Any:
        headers = dict(self._headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = response.read()
        except urllib.error.HTTPError as err:
            try:
                body = err.read()
            except Exception:  # an error without a body (fp None on older Pythons)
                body = b""
            finally:
                err.close()
            request_id = err.headers.get("x-request-id") if err.headers else None
            raise PolderError.from_body(err.code, str(err.reason), body, request_id) from None
        return json.loads(payload) if payload else None


def _segment(value: Any) -> str:
    return urllib.parse.quote(str(value), safe="")
