"""The client against a running Polder. npm test (test/clients/python-client.test.ts) starts one,
stores a day of 1-minute data and runs these tests with POLDER_URL and the expected values in
the environment; without POLDER_URL they are skipped, saying so."""

from __future__ import annotations

import json
import math
import os
import unittest
from datetime import datetime, timedelta, timezone

from polder import Client, Latest, Measurement, PolderError
from polder.query import parse_time

URL = os.environ.get("POLDER_URL")

try:
    import pandas
except ImportError:
    pandas = None


@unittest.skipUnless(URL, "POLDER_URL is not set: run through npm test (test/clients/python-client.test.ts)")
class AgainstPolder(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        env = os.environ
        cls.client = Client(env["POLDER_URL"], token=env["POLDER_TOKEN"])
        cls.datastream = int(env["POLDER_DATASTREAM"])
        cls.device = env["POLDER_DEVICE"]
        cls.start = env["POLDER_START"]
        cls.end = env["POLDER_END"]
        cls.count = int(env["POLDER_EXPECTED_COUNT"])
        cls.first = json.loads(env["POLDER_EXPECTED_FIRST"])
        cls.last = json.loads(env["POLDER_EXPECTED_LAST"])
        with open(env["POLDER_EXPECTED_ROWS"], encoding="utf-8") as f:
            # [[time, value], ...] exactly as inserted
            cls.expected = [(parse_time(t), v) for t, v in json.load(f)]

    def test_day_into_lists(self):
        times, values = self.client.to_lists(self.start, self.end, self.datastream)
        self.assertEqual(len(times), self.count)
        self.assertEqual(len(values), self.count)
        self.assertEqual((times[0], values[0]), (parse_time(self.first["time"]), self.first["value"]))
        self.assertEqual((times[-1], values[-1]), (parse_time(self.last["time"]), self.last["value"]))
        self.assertEqual(list(zip(times, values)), self.expected)
        self.assertTrue(all(t.utcoffset() == timedelta(0) for t in times))

    def test_pages_follow_links_next_without_gaps_or_repeats(self):
        start = parse_time(self.start)
        end = parse_time(self.end).astimezone(timezone(timedelta(hours=2)))
        pages = list(self.client.query_measurements(start, end, self.datastream, limit=100))
        self.assertEqual(len(pages), math.ceil(self.count / 100))
        self.assertTrue(all(len(p.data) == 100 and p.next for p in pages[:-1]))
        self.assertIsNone(pages[-1].next)
        rows = [m for p in pages for m in p.data]
        self.assertEqual([(m.time, m.value) for m in rows], self.expected)
        self.assertTrue(all(isinstance(m, Measurement) and m.datastream == self.datastream for m in rows))

    def test_sensorbucket_style_loop(self):
        # The loop SensorBucket users know, with Polder's names.
        timestamps, values = [], []
        for page in self.client.query_measurements(start=self.start, end=self.end, datastream=self.datastream):
            for point in page.data:
                timestamps.append(point.time)
                values.append(point.value)
        self.assertEqual(list(zip(timestamps, values)), self.expected)

    def test_filters_and_aggregates(self):
        newest = list(self.client.iter_measurements(self.start, self.end, device=self.device, order="desc", limit=500))
        self.assertEqual([(m.time, m.value) for m in newest], self.expected[::-1])
        hourly = list(self.client.iter_measurements(self.start, self.end, self.datastream, interval="1h", agg="count"))
        self.assertEqual([m.value for m in hourly], [60] * 24)
        self.assertEqual([m.time for m in hourly], [self.expected[h * 60][0] for h in range(24)])
        (page,) = self.client.query_measurements(self.start, self.end, self.datastream, limit=10_000, count=True)
        self.assertEqual(page.total, self.count)

    def test_latest(self):
        latest = self.client.latest(datastream=self.datastream)
        self.assertIsInstance(latest, Latest)
        self.assertEqual((latest.time, latest.value), self.expected[-1])
        self.assertEqual((latest.observed_property, latest.unit), ("temperature", "Cel"))
        self.assertEqual(self.client.latest(device=self.device), [latest])
        codes = [d["code"] for d in self.client.iter_devices(limit=1)]
        self.assertIn(self.device, codes)

    def test_errors_carry_status_code_and_field(self):
        with self.assertRaises(PolderError) as unknown:
            self.client.latest(datastream=self.datastream + 1000)
        self.assertEqual((unknown.exception.status, unknown.exception.code), (404, "DATASTREAM_NOT_FOUND"))
        with self.assertRaises(PolderError) as reversed_range:
            list(self.client.iter_measurements(self.end, self.start, self.datastream))
        e = reversed_range.exception
        self.assertEqual((e.status, e.code, e.field), (400, "VALIDATION_FAILED", "start"))
        with self.assertRaises(PolderError) as stranger:
            Client(URL, token="not-a-key").latest(datastream=self.datastream)
        self.assertEqual((stranger.exception.status, stranger.exception.code), (401, "UNAUTHENTICATED"))
        with self.assertRaisesRegex(ValueError, "naive"):
            list(self.client.iter_measurements(datetime(2024, 5, 1), None, self.datastream))

    @unittest.skipIf(pandas is None, "pandas is not installed (pip install pandas): DataFrame test not run")
    def test_day_into_dataframe(self):
        df = self.client.to_dataframe(self.start, self.end, self.datastream)
        self.assertEqual(list(df.columns), ["datastream", "time", "value"])
        self.assertEqual(len(df), self.count)
        self.assertEqual(df["value"].tolist(), [v for _, v in self.expected])
        self.assertEqual(df["time"].iloc[0], pandas.Timestamp(self.first["time"]))
        self.assertEqual(df["time"].iloc[-1], pandas.Timestamp(self.last["time"]))
        self.assertEqual(str(df["time"].dt.tz), "UTC")
        self.assertEqual(set(df["datastream"]), {self.datastream})


if __name__ == "__main__":
    unittest.main()
