"""matchflow: match candidates' resumes and jobs, orchestrated by Prefect, stored in Postgres + pgvector."""

__version__ = "0.1.0"
