"""Chinese labels and page contexts for stored decisions and parameter proposals (no writes)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from doudi.policy import params_store
from doudi.policy.models import Decision
from doudi.policy.rules.params import SPECS
from doudi.regions.queries import names_for
from doudi.registry.models import CATEGORY_NAMES, Relation

logger = logging.getLogger(__name__)

TIER_ZH = {
    "TEKUN": "特困人员供养",
    "DIBAO": "低保家庭",
    "MARGINAL": "低保边缘家庭",
    "RIGID": "刚性支出困难家庭",
    None: "不属于低保、特困、低保边缘或刚性支出困难家庭",
}
CATEGORY_ZH = CATEGORY_NAMES
CARE_ZH = {"full": "全护理", "partial": "半护理", "self": "全自理", None: ""}
RULE_ZH = {
    "R-A1": "家庭财产状况",
    "R-D1": "低保",
    "R-M1": "低保边缘",
    "R-R1": "刚性支出困难",
    "R-T1": "特困：无劳动能力",
    "R-T2": "特困：无生活来源",
    "R-T3": "特困：无法定赡养抚养扶养义务人或其无履行能力",
    "R-T4": "特困：全户符合",
    "R-T5": "特困：护理等级",
    "R-D4": "低保边缘家庭中重病重残人员单人保",
    "R-D5": "刚性支出区间家庭中重病重残人员单人保",
    "R-B1": "低保差额补助",
    "R-B2": "重点保障对象增发",
    "R-B3-basic": "特困基本生活费",
    "R-B3-care": "特困照料护理费",
    "R-B4": "单人保低保金",
}


def tier_label(category: str | None) -> str:
    return TIER_ZH.get(category, category or "")


def _member_names(data: dict | None, keys: list[str] | None = None) -> dict[str, str]:
    """Member key → what a reader sees: name and relation (``金明哲（户主）``), else ``成员1（户主）``;
    without the input (summary only) ``成员1``… in the stored member order. Never the key itself."""
    members = (data or {}).get("household", {}).get("members", [])
    if not members:
        return {key: f"成员{i}" for i, key in enumerate(keys or [], 1)}
    relations = dict(Relation.choices)
    out = {}
    for i, m in enumerate(members, 1):
        relation = relations.get(m.get("relation") or "", "")
        name = m.get("name") or f"成员{i}"
        out[m["id"]] = f"{name}（{relation}）" if relation else name
    return out


def _who(member: str | None, names: dict[str, str]) -> str:
    if member is None:
        return "全户"
    return names.get(member, "家庭成员")


def readable(text: Any, names: dict[str, str]) -> Any:
    """``text`` with every member key replaced by the member's display (render time only: the stored
    explanation is unchanged)."""
    if not isinstance(text, str) or not text:
        return text
    for key in sorted(names, key=len, reverse=True):
        text = text.replace(key, names[key])
    return text


def benefit_rows(result: dict, names: dict[str, str]) -> list[dict]:
    return [
        {**line, "label": RULE_ZH.get(line["rule"], line["rule"]), "who": _who(line["member"], names)}
        for line in result.get("benefits", [])
    ]


def member_rows(result: dict, names: dict[str, str]) -> list[dict]:
    return [
        {
            **m,
            "who": _who(m["id"], names),
            "category_labels": [CATEGORY_ZH.get(c, c) for c in m["categories"]],
            "care_label": CARE_ZH.get(m.get("care_level"), ""),
        }
        for m in result.get("members", [])
    ]


def decision_context(decision: Decision, *, details: bool) -> dict[str, Any]:
    """What the decision partial shows. ``details`` (income, health, criteria) only for users who may
    see sensitive facts; the summary (tier, member categories, benefit lines) for everyone in scope."""
    summary = decision.result
    ctx: dict[str, Any] = {
        "decision": decision,
        "tier": tier_label(decision.household_category),
        "details": details,
        "stale_rules": False,
    }
    data = result = None
    if details and decision.input_enc is not None and decision.result_enc is not None:
        payload_input = decision.input_data()
        result = decision.result_data()
        data = payload_input
    names = _member_names(data, (decision.input_snapshot or {}).get("members"))
    shown = result or summary
    if shown and shown.get("explanation_zh"):
        shown = {**shown, "explanation_zh": readable(shown["explanation_zh"], names)}
    ctx.update(
        result=shown,
        members=member_rows(shown, names),
        benefits=benefit_rows(shown, names),
        parameter_notes=parameter_note_rows(shown),
    )
    if result is not None:
        provenance = [
            {**p, "who": _who(p.get("member"), names), "note": readable(p.get("note"), names)}
            for p in decision.provenance
        ]
        ctx.update(
            input=data,
            criteria=[
                {
                    **c,
                    "label": RULE_ZH.get(c["rule"], c["rule"]),
                    "who": _who(c.get("member"), names),
                    "detail": readable(c.get("detail"), names),
                }
                for c in result.get("criteria", [])
            ],
            parameters_used=parameters_used_rows(decision, result),
            provenance=provenance,
            defaulted=[p for p in provenance if p.get("fact_id") is None and p.get("note")],
        )
    return ctx


def parameter_note_rows(result: dict) -> list[dict]:
    """The parameters a decision used that stand in for the local figure (DOMAIN §4): a province floor
    (省定最低指导标准) or the earliest figure for a date before it — from the full result's
    ``parameters_used`` or the clear summary's ``parameter_notes``."""
    used = result.get("parameters_used")
    entries = used if used is not None else result.get("parameter_notes", [])
    out = []
    for entry in entries:
        if not entry.get("note_zh"):
            continue
        spec = SPECS.get(entry["key"])
        unit = spec.unit if spec else ""
        shown = (
            f"{entry['value']} {params_store.UNIT_LABELS.get(unit, unit)}" if unit.startswith("yuan") else ""
        )
        out.append(
            {"label": spec.label_zh if spec else entry["key"], "value": shown, "note": entry["note_zh"]}
        )
    return out


def parameters_used_rows(decision: Decision, result: dict) -> list[dict]:
    """``parameters_used`` of the result with unit, effective dates and the region each came from."""
    stored = {row["key"]: row for row in decision.parameters}
    names = names_for({row["region_code"] for row in decision.parameters if row.get("region_code")})
    rows = []
    for used in result.get("parameters_used", []):
        row = stored.get(used["key"], {})
        spec = SPECS.get(used["key"])
        unit = row.get("unit") or (spec.unit if spec else "")
        rows.append(
            {
                **used,
                "label": spec.label_zh if spec else used["key"],
                "unit_label": params_store.UNIT_LABELS.get(unit, unit),
                "effective_to": row.get("effective_to"),
                "region_name": names.get(row.get("region_code") or "", "本次测算覆盖"),
            }
        )
    return rows


def change_rows(proposal) -> list[dict]:
    """A proposal's changes with the value in force at the region the day before each takes effect."""
    out = []
    for change in proposal.changes:
        start = dt.date.fromisoformat(change["effective_from"])
        before = start - dt.timedelta(days=1)
        # an area-neutral change replaces the area-neutral row, which urban households also resolve to
        area = change.get("area_type") or "urban"
        current = params_store.provider(proposal.region_code, area, before).entries.get(change["key"])
        spec = SPECS.get(change["key"])
        out.append(
            {
                **change,
                "label": spec.label_zh if spec else change["key"],
                "area_label": params_store.AREA_LABELS.get(change.get("area_type"), ""),
                "unit_label": params_store.UNIT_LABELS.get(change.get("unit"), change.get("unit")),
                "current_value": current.value_text() if current else None,
                "current_region": current.region_code if current else None,
                "current_unverified": current.unverified if current else False,
                "current_note": current.note_zh() if current else "",
            }
        )
    return out


def preview_view(preview: dict | None) -> dict[str, Any] | None:
    """The simulation summary (``policy.simulation``) as tables: counts, cost, tier moves, by region
    (``None`` without a preview)."""
    if not preview:
        return None
    summary = preview["summary"]
    tiers = summary.get("tiers") or sorted(set(summary["before"]) | set(summary["after"]))
    label = {**{k: v for k, v in TIER_ZH.items() if k}, "NONE": "不属于以上类别"}
    moves = [
        {"from": label.get(a, a), "to": label.get(b, b), "n": n}
        for a, row in (summary.get("matrix") or {}).items()
        for b, n in row.items()
        if a != b and n
    ]
    return {
        "assessed": summary.get("assessed"),
        "households": summary.get("households"),
        "skipped": summary.get("skipped", 0),
        "skipped_by_reason": summary.get("skipped_by_reason") or {},
        "movers": summary.get("movers"),
        "cost": summary["cost"],
        "tiers": [
            {
                "label": label.get(t, t),
                "before": summary["before"].get(t, 0),
                "after": summary["after"].get(t, 0),
            }
            for t in tiers
        ],
        "moves": moves,
        "by_region": summary.get("by_region") or [],
    }
