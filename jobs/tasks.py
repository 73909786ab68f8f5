from django_tasks import task

from jobs.services import execute


@task()
def run_job(job_id: int) -> None:
    execute(job_id)
