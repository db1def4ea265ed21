"""cyberreview-policy case tracker for Jira Cloud: review cases mirrored as issues.

Each case becomes one issue (REST API v3), labelled with the case's fingerprint
so it is found before anything is created, moved through the Jira workflow by
transition *name* as the case moves, and carrying only what the Measures'
confidentiality article (2020 Art. 16, 2021 Art. 17) lets leave the tool: case
id, record id, rule, citations, state, deadline.
See the README.
"""

__version__ = "0.1.0"
