"""cyberreview-policy connector for Nautobot: devices as canonical asset records.

Reads ``dcim.device`` (with its status, role, location, device type,
manufacturer, tags and custom fields) from Nautobot 3.2's REST API with a
token, one canonical record of kind ``asset`` per device, incrementally by
``last_updated``.  See the README.
"""

__version__ = "0.1.0"
