"""espnet2 ``AbsTask`` subclasses for what ESPnet itself lacks (audio-visual pre-training)."""
