"""mmpt.pack.espnet's training shims: loss curves drawn every few epochs and at the end."""
from __future__ import annotations

import pytest

from mmpt.pack.espnet import install_training_shims, interval_plot_reporter


@pytest.fixture
def drawn(monkeypatch):
    from espnet2.train.reporter import Reporter

    epochs = []
    monkeypatch.setattr(Reporter, "matplotlib_plot", lambda self, out: epochs.append(self.get_epoch()))
    return epochs


def _train(cls, epochs, tmp_path):
    rep = cls()
    for e in range(1, epochs + 1):
        rep.set_epoch(e)
        rep.matplotlib_plot(tmp_path / "images")
    return rep


def test_curves_every_interval_and_at_max_epoch(monkeypatch, tmp_path, drawn):
    monkeypatch.setenv("MMPT_PLOT_INTERVAL", "10")
    cls = interval_plot_reporter()
    cls.max_epoch = 25
    rep = _train(cls, 25, tmp_path)
    rep.finish()
    assert drawn == [10, 20, 25]


def test_a_training_that_stops_early_gets_its_last_curves(monkeypatch, tmp_path, drawn):
    monkeypatch.setenv("MMPT_PLOT_INTERVAL", "10")
    cls = interval_plot_reporter()
    cls.max_epoch = 60
    rep = _train(cls, 13, tmp_path)  # e.g. espnet2's --patience stopped it
    assert drawn == [10]
    rep.finish()
    rep.finish()
    assert drawn == [10, 13] and cls.last is rep


def test_bad_interval_is_an_error(monkeypatch, tmp_path, drawn):
    monkeypatch.setenv("MMPT_PLOT_INTERVAL", "0")
    cls = interval_plot_reporter()
    with pytest.raises(ValueError, match="MMPT_PLOT_INTERVAL"):
        _train(cls, 1, tmp_path)


def test_installed_once_in_the_trainer():
    import espnet2.train.trainer as trainer

    install_training_shims()
    first = trainer.Reporter
    install_training_shims()
    assert trainer.Reporter is first and hasattr(first, "finish")
