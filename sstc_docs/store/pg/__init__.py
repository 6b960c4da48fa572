"""The PostgreSQL engine: ``PostgresStore`` (engine.py) on the tables of schema.sql."""

from .engine import PostgresStore

__all__ = ["PostgresStore"]
