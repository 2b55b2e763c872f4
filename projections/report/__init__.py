"""The annual report: one presentation model (model.py) that the statistics page and every file format render."""
