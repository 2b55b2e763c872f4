"""Read models built from events: the only writers of the tables in schema `read`."""
