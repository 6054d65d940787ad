from django_tasks import task

from contact import notifications


@task()
def send_inquiry_notification(inquiry_id: int) -> str:
    """Runs in the worker (`manage.py db_worker`); retries schedule themselves."""
    return notifications.deliver(inquiry_id)
