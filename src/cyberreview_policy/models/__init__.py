"""Models of the public contracts: the canonical record and the decision.

:mod:`.record` defines the record (pydantic); :mod:`.validate` is the one
validator every reader uses, built without importing pydantic so that
``cyberreview gate`` starts fast.  Submodules are imported on use.
"""
