"""Models of the public contracts: the canonical record and the decision.

Submodules are imported on use: ``cyberreview gate`` must not pay for
pydantic when the fast record path (:mod:`cyberreview_policy.fastrecord`)
suffices.
"""
