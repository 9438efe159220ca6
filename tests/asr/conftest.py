"""The fake espnet2 experiment directory of the pack tests (``exp_dir``), for the training-config tests."""
from tests.pack.conftest import exp_dir  # noqa: F401  (fixture)
