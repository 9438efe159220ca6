"""Non-speech action scenes for the embedded Kinetics-600-like corpus: a moving picture with the sound of
what moves, in sync.

    frames, audio = render_scene("bouncing ball", 10.0, fps=25, size=112, sr=16000, rng=rng)
    # frames: uint8 [ceil(10 * 25), 112, 112, 3]; audio: float32 [10 * 16000]

Every class derives its picture and its sound from one continuous-time state, so sound events fall on
the frames that show them: impacts when a ball touches the floor, a siren whose pitch follows the angle of
a rotating light, rain clicks for each drop that lands, an engine whose pitch follows the car's speed,
drum/cymbal hits when the sticks touch, claps when the hands meet, and so on. Colours, sizes, speeds,
positions and rhythms are drawn from ``rng`` per clip, so clips of one class differ; the same seed gives
the same clip. Frame ``i`` shows the instant ``i / fps``.
"""
from __future__ import annotations

from mmpt.synth.scenes import balls, percussion, tools, vehicles, water, wings  # noqa: F401  (register the classes)
from mmpt.synth.scenes.base import REGISTRY, Scene, make_scene, render_scene

__all__ = ["SCENE_CLASSES", "render_scene", "make_scene", "Scene"]

#: the action classes (Kinetics-like label strings)
SCENE_CLASSES: list[str] = sorted(REGISTRY)
