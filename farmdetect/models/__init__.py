"""The shipped model: farmdetect.txt (LightGBM text) and farmdetect.json (its card)."""
