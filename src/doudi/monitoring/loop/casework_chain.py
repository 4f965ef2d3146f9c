"""The household's chain (一户一条救助链) hears casework: every step of an application, the decision
and the category change land on it as typed events. casework emits; it imports nothing of this."""

from __future__ import annotations

from doudi.casework import states
from doudi.casework.events import CaseworkEvent
from doudi.monitoring.loop.base import chain
from doudi.monitoring.models import ChainEvent
from doudi.registry.models import CATEGORY_NAMES


def on_casework_event(sender, *, event: str, application=None, actor=None, **kw) -> None:
    if application is None:  # the case's life (CASE_CHANGED) is not an application step
        return
    ref = ("casework.application", application.pk)
    common = {
        "household_id": application.household_id,
        "region_code": application.region_code,
        "ref": ref,
        "actor": actor,
    }
    if event == CaseworkEvent.APPLICATION_OPENED:
        chain(
            kind=ChainEvent.Kind.APPLICATION,
            summary=f"救助申请 {application.number}（{application.get_channel_display()}）",
            data={"application": application.pk, "state": application.state},
            **common,
        )
    elif event == CaseworkEvent.APPLICATION_MOVED:
        step = kw["step"]
        label = states.EVENTS[step.event].label if step.event in states.EVENTS else step.event
        chain(
            kind=ChainEvent.Kind.APPLICATION,
            summary=f"救助申请 {application.number}：{label}（{states.STATES.get(step.to_state, step.to_state)}）",
            data={
                "application": application.pk,
                "event": step.event,
                "state": step.to_state,
                "on": step.on.isoformat(),
            },
            **common,
        )
    elif event == CaseworkEvent.CASE_CONFIRMED:
        decision = kw["decision"]
        tier = CATEGORY_NAMES.get(decision.tier, decision.tier)
        chain(
            kind=ChainEvent.Kind.DECISION,
            summary=f"审核确认为{tier}，月救助金 {decision.monthly_total} 元，自次月起发放",
            data={"application": application.pk, "decision": decision.pk, "tier": decision.tier},
            **common,
        )
        chain(
            kind=ChainEvent.Kind.CATEGORY,
            summary=f"救助类别变化：自 {decision.on:%Y-%m-%d} 起为{tier}",
            data={"category": decision.tier, "since": decision.on.isoformat()},
            **common,
        )
    elif event == CaseworkEvent.APPLICATION_REFUSED:
        decision = kw["decision"]
        chain(
            kind=ChainEvent.Kind.DECISION,
            summary=f"不予确认（{len(decision.reasons)} 项不符合条件）",
            data={"application": application.pk, "decision": decision.pk},
            **common,
        )
