"""mmpt: multi-stage multi-modal pre-training for automatic speech recognition."""

__version__ = "0.1.0"
