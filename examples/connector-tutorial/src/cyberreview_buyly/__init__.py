"""Buyly records for cyberreview-policy: a source connector.

- :mod:`.plugin` registers the ``buyly`` source type (by reference: importing
  it costs the gate nothing);
- :mod:`.settings` is what ``cyberreview.yaml`` gives it;
- :mod:`.connector` checks, reads and fetches.
"""
