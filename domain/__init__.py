"""The ombud office's rules and events, free of frameworks so they can be tested and replayed anywhere."""
