"""Prefect flows: resume_chain (A), job_chain (B), inference (GPU pool), gpu_health, maintenance."""
