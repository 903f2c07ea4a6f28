"""The ElasTest Service Manager: an Open Service Broker API broker."""

__version__ = "0.1.0"
