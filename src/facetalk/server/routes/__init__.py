"""Route groups that app.py includes; each module holds one feature's endpoints."""
