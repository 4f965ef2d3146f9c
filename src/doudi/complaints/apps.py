from django.apps import AppConfig


def open_notice_objection(application) -> str:
    """casework's confirm check (R-G3): an open notice objection stops the confirmation."""
    from doudi.complaints.models import Complaint

    number = (
        Complaint.unscoped.filter(application_id=application.pk, ctype="notice_objection")
        .exclude(state="closed")
        .values_list("number", flat=True)
        .first()
    )
    return f"公示异议（{number}）尚未办结，不能审核确认（R-G3）" if number else ""


def daily(today) -> dict:
    from doudi.complaints import deadline_actions

    return {"complaints_escalated": deadline_actions.escalate_overdue(today=today)}


class ComplaintsConfig(AppConfig):
    name = "doudi.complaints"
    label = "complaints"
    verbose_name = "投诉举报"

    def ready(self) -> None:
        from doudi.casework import confirm_checks
        from doudi.core.api_auth import CAPABILITY_LABELS
        from doudi.core.shell import HomePanel, NavEntry, register_nav, register_panel
        from doudi.monitoring import schedule

        register_nav(47, NavEntry("投诉举报", "complaints:index", namespaces=("complaints",)))
        register_panel(28, HomePanel("complaints_todo", "complaints/home_counts.html", _home))
        confirm_checks.register("complaints.notice_objection", open_notice_objection)
        schedule.register_daily("complaints", daily)
        CAPABILITY_LABELS.setdefault("complaints.read", "查看投诉举报")
        CAPABILITY_LABELS.setdefault("complaints.file", "登记投诉举报")
        CAPABILITY_LABELS.setdefault("complaints.write", "办理投诉举报")
        CAPABILITY_LABELS.setdefault("complaints.approve", "审批投诉举报处理决定")
        CAPABILITY_LABELS.setdefault("complaints.reveal", "查看投诉人身份信息")


def _home(request):
    user = request.user
    if not user.can("complaints.read"):
        return None
    from doudi.complaints import queries

    return {"complaint_counts": queries.counts(user)}
