"""qualytics-ci: Qualytics data-quality configuration as code."""

__version__ = "0.1.0"
