"""Anti-aliased numpy drawing primitives."""
from __future__ import annotations

import math

import numpy as np

from mmpt.synth import raster


def test_areas_match_geometry():
    ys, xs = raster.pixel_grid(64, 64)
    assert abs(raster.disc(xs, ys, 32.3, 30.7, 10.0).sum() - math.pi * 100) < 2
    assert abs(raster.ellipse(xs, ys, 32, 32, 20, 6).sum() - math.pi * 120) < 3
    assert abs(raster.ellipse(xs, ys, 32, 32, 20, 6, angle=0.7).sum() - math.pi * 120) < 3
    assert abs(raster.box(xs, ys, 32, 32, 10, 5).sum() - 200) < 2
    assert abs(raster.box(xs, ys, 32, 32, 10, 5, angle=0.3).sum() - 200) < 3
    # a thicker super-ellipse covers more of its bounding box than the ellipse
    assert raster.ellipse(xs, ys, 32, 32, 20, 6, power=3.0).sum() > raster.ellipse(xs, ys, 32, 32, 20, 6).sum()
    capsule = raster.segment(xs, ys, 10, 32, 50, 32, 3.0).sum()
    assert abs(capsule - (40 * 6 + math.pi * 9)) < 3


def test_edges_are_antialiased_and_degenerate_shapes_are_empty():
    ys, xs = raster.pixel_grid(32, 32)
    a = raster.disc(xs, ys, 16, 16, 6.2)
    assert 0 < a[16, 22] < 1 and a[16, 16] == 1 and a[0, 0] == 0
    flat = raster.ellipse(xs, ys, 16, 16, 8, 0.0)
    assert flat.max() < 0.05
    assert np.all(np.isfinite(raster.ellipse(xs, ys, 16, 16, 8, 0.0, power=2.5)))
    # the centre of an ellipse sits exactly on a pixel centre: fully covered there
    assert raster.ellipse(xs, ys, 16.5, 16.5, 4, 2)[16, 16] == 1


def test_per_frame_parameters_and_paint():
    ys, xs = raster.pixel_grid(16, 16)
    cx = np.array([4.5, 8.5, 12.5])  # pixel centres
    cov = raster.disc(xs, ys, cx, 8.0, 2.0)
    assert cov.shape == (3, 16, 16)
    assert [int(np.argmax(c.sum(axis=0))) for c in cov] == [4, 8, 12]
    canvas = np.zeros((3, 16, 16, 3), np.float32)
    raster.paint(canvas, cov, (1.0, 0.5, 0.0))
    assert np.allclose(canvas[0, 8, 4], (1.0, 0.5, 0.0), atol=0.05)
    assert raster.to_uint8(canvas).dtype == np.uint8
    per_frame_colour = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]], np.float32)
    raster.paint(canvas, np.ones((3, 16, 16), np.float32), per_frame_colour)
    assert np.array_equal(canvas[:, 0, 0], per_frame_colour)
