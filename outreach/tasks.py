from django_tasks import task

from outreach.models import Campaign
from outreach.services import dispatch_due, launch_campaign


@task()
def dispatch_due_contacts() -> int:
    return dispatch_due()


@task()
def launch_campaign_task(campaign_id: int) -> int:
    return launch_campaign(Campaign.objects.get(pk=campaign_id))
