from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "doudi.payments"
    label = "payments"
    verbose_name = "救助资金发放"

    def ready(self) -> None:
        from doudi.core import init_steps
        from doudi.payments.tasks import init_step

        init_steps.register(95, "payments", init_step)  # the monthly run on the queue (payments/tasks.py)
