"""Alembic migrations for every table; shipped inside the package so `pip install .` has them."""
