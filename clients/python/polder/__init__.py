"""Python client of Polder, the sensor data platform: measurements with paging iterators,
latest values, lists or a pandas DataFrame. Standard library only; pandas is optional."""

from .client import DEFAULT_PAGE_SIZE, Client, Latest, Measurement, Page
from .errors import PolderError

__all__ = ["Client", "DEFAULT_PAGE_SIZE", "Latest", "Measurement", "Page", "PolderError"]
__version__ = "0.1.0"
