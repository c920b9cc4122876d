from django_tasks import task

from desk import services


@task()
def check_sla() -> int:
    return services.check_sla()


@task()
def remind_commitments() -> list[int]:
    return list(services.remind_commitments())
