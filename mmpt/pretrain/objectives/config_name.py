"""Which objective a pre-training config names (torch-free: the recipes' shell checks import it).

A config names its objective as espnet2 names a class choice, ``objective: <name>`` (options in
``objective_conf``). Configs written before the objectives were classes name it ``model_conf.pt_method``;
that key is still read, as an alias, and the training task writes both (they always agree).
"""
from __future__ import annotations

from typing import Any, Mapping, Optional

DEFAULT_OBJECTIVE = "mae"
LEGACY_KEY = "pt_method"  # model_conf.pt_method


def objective_of(config: Mapping[str, Any], where: str = "the config") -> str:
    """The objective name of a training config (``objective``, else ``model_conf.pt_method``, else mae).

    Raises:
        ValueError: both keys are set and disagree.
    """
    chosen: Optional[str] = config.get("objective")
    legacy: Optional[str] = (config.get("model_conf") or {}).get(LEGACY_KEY)
    if chosen is not None and legacy is not None and str(chosen).lower() != str(legacy).lower():
        raise ValueError(
            f"{where}: objective {chosen!r} and model_conf.{LEGACY_KEY} {legacy!r} disagree; "
            f"set one of them (model_conf.{LEGACY_KEY} is the older name of objective)"
        )
    name = chosen if chosen is not None else legacy
    return DEFAULT_OBJECTIVE if name is None else str(name).lower()
