"""Training: config dataclass, documents -> aligned windows, HF Trainer fine-tuning."""
from .config import TrainConfig

__all__ = ["TrainConfig"]
