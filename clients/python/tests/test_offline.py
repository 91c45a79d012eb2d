"""Parts of the client that need no Polder: times, query strings, links, errors, the pandas import."""

from __future__ import annotations

import sys
import unittest
from datetime import date, datetime, timedelta, timezone
from unittest import mock

from polder import Client, PolderError
from polder.client import _next_url
from polder.query import format_time, measurement_params, parse_time


class Times(unittest.TestCase):
    def test_aware_datetimes_become_utc_rfc3339(self):
        paris = timezone(timedelta(hours=2))
        self.assertEqual(format_time(datetime(2024, 5, 1, 14, 0, tzinfo=paris), "start"), "2024-05-01T12:00:00Z")
        self.assertEqual(
            format_time(datetime(2024, 5, 1, 0, 0, 0, 250000, tzinfo=timezone.utc), "end"), "2024-05-01T00:00:00.250000Z"
        )
        self.assertEqual(format_time("2024-05-01T00:00:00+02:00", "start"), "2024-05-01T00:00:00+02:00")

    def test_naive_datetimes_and_dates_are_refused_naming_the_parameter(self):
        with self.assertRaisesRegex(ValueError, r"^start: naive datetime"):
            format_time(datetime(2024, 5, 1), "start")
        with self.assertRaisesRegex(ValueError, r"^end: a date"):
            format_time(date(2024, 5, 1), "end")  # type: ignore[arg-type]

    def test_api_times_parse_to_aware_utc(self):
        t = parse_time("2024-05-01T12:00:00.250Z")
        self.assertEqual(t, datetime(2024, 5, 1, 12, 0, 0, 250000, tzinfo=timezone.utc))
        self.assertEqual(t.utcoffset(), timedelta(0))


class QueryStrings(unittest.TestCase):
    def test_several_datastreams_repeat_the_parameter_and_python_names_are_mapped(self):
        params = measurement_params(
            "2024-05-01T00:00:00Z",
            None,
            [12, "13"],
            {"observed_property": "temperature", "count": True, "order": None, "limit": 100},
        )
        self.assertEqual(
            params,
            [
                ("datastream", "12"),
                ("datastream", "13"),
                ("start", "2024-05-01T00:00:00Z"),
                ("observedProperty", "temperature"),
                ("count", "true"),
                ("limit", "100"),
            ],
        )

    def test_plus_of_an_offset_is_encoded(self):
        client = Client("http://polder.test/base/")
        url = client._url("/api/measurements", measurement_params("2024-05-01T00:00:00+02:00", None, 1, {}))
        self.assertEqual(url, "http://polder.test/base/api/measurements?datastream=1&start=2024-05-01T00%3A00%3A00%2B02%3A00")

    def test_next_pages_stay_on_the_clients_own_address(self):
        self.assertEqual(
            _next_url(
                "http://127.0.0.1:8080/polder/api/measurements?datastream=1",
                "http://internal-host:9999/api/measurements?datastream=1&cursor=WzEsMl0",
            ),
            "http://127.0.0.1:8080/polder/api/measurements?datastream=1&cursor=WzEsMl0",
        )


class Errors(unittest.TestCase):
    def test_polder_error_bodies(self):
        err = PolderError.from_body(
            400,
            "Bad Request",
            b'{"error":{"code":"VALIDATION_FAILED","message":"start is after end","details":{"field":"start"}}}',
            "req-1",
        )
        self.assertEqual((err.status, err.code, err.message, err.field), (400, "VALIDATION_FAILED", "start is after end", "start"))
        self.assertEqual(err.details, {"field": "start"})
        self.assertEqual(err.request_id, "req-1")

    def test_other_bodies_keep_status_and_text(self):
        err = PolderError.from_body(502, "Bad Gateway", b"<html>upstream down</html>")
        self.assertEqual((err.status, err.code, err.field), (502, "HTTP_502", None))
        self.assertIn("upstream down", err.message)


class Pandas(unittest.TestCase):
    def test_missing_pandas_is_a_clear_import_error(self):
        # None in sys.modules makes `import pandas` fail, as on a machine without it.
        with mock.patch.dict(sys.modules, {"pandas": None}):
            with self.assertRaisesRegex(ImportError, r"needs pandas, which is not installed: pip install pandas"):
                Client("http://polder.test").to_dataframe("2024-05-01T00:00:00Z", None, 1)


if __name__ == "__main__":
    unittest.main()
