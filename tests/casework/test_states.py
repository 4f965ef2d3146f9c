"""CASEWORK R-W17: the application's state machine as a table — no sequence of events reaches a state
outside it, terminal states allow nothing, and each target is the one the table names."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from doudi.casework import states
from doudi.casework.states import EVENTS, STATES, TERMINAL, Tracks, TransitionRefused, allowed, target

# the table of R-W17 ("leaves to"), per state: every state an event may lead to from it
LEAVES_TO = {
    "draft": {"submitted", "withdrawn"},
    "submitted": {"accepted", "returned", "not_accepted", "withdrawn"},
    "returned": {"submitted", "withdrawn", "lapsed"},
    "accepted": {
        "verifying",
        "investigating",
        "verified_pass",
        "verified_fail",
        "assessed",
        "withdrawn",
        "accepted",
    },
    "verifying": {"verified_pass", "verified_fail", "investigating", "assessed", "withdrawn"},
    "verified_pass": {"assessed", "withdrawn"},
    "verified_fail": {"rechecking", "refused", "withdrawn"},
    "rechecking": {"verified_pass", "verified_fail", "assessed", "withdrawn"},
    "investigating": {
        "assessed",
        "verified_fail",
        "verified_pass",
        "verifying",
        "investigating",
        "withdrawn",
    },
    "assessed": {"prelim_opinion", "withdrawn"},
    "prelim_opinion": {"in_notice", "awaiting_confirmation", "refused", "withdrawn"},
    "in_notice": {"notice_objected", "awaiting_confirmation", "withdrawn"},
    "notice_objected": {"reinvestigating", "appraisal", "withdrawn"},
    "reinvestigating": {"assessed", "withdrawn"},
    "appraisal": {"assessed", "withdrawn"},
    "awaiting_confirmation": {"confirmed", "refused", "returned_to_township", "withdrawn"},
    "returned_to_township": {"assessed", "prelim_opinion", "withdrawn"},
}

tracks_strategy = st.builds(
    Tracks,
    verification=st.sampled_from([None, "pass", "fail"]),
    investigation_done=st.booleans(),
    notice_exempt=st.booleans(),
    proposal_refuses=st.booleans(),
)


@settings(max_examples=400, deadline=None)
@given(
    events=st.lists(
        st.tuples(st.sampled_from(sorted(EVENTS)), tracks_strategy, st.sampled_from([None, "pass", "fail"])),
        max_size=40,
    )
)
def test_no_sequence_of_events_leaves_the_table(events):
    state = "submitted"
    for event, tracks, result in events:
        if not allowed(event, state):
            with pytest.raises(TransitionRefused):
                target(event, state, tracks, result=result)
            continue
        new = target(event, state, tracks, result=result)
        assert new in STATES
        assert new in LEAVES_TO[state], f"{state} --{event}--> {new} is not in the table"
        state = new


def test_terminal_states_allow_no_event():
    for state in TERMINAL:
        assert states.events_from(state) == []


def test_confirmation_only_from_the_file_at_the_authority():
    for state in STATES:
        if state != "awaiting_confirmation":
            assert not allowed("confirm", state)
    assert target("confirm", "awaiting_confirmation", Tracks()) == "confirmed"


def test_the_second_track_to_finish_leads_to_assessed():
    assert (
        target("record_verification", "investigating", Tracks(investigation_done=True), result="pass")
        == "assessed"
    )
    assert target("record_verification", "accepted", Tracks(), result="pass") == "verified_pass"
    assert (
        target("record_verification", "investigating", Tracks(investigation_done=True), result="fail")
        == "verified_fail"
    )
    assert target("record_investigation", "verified_pass", Tracks(verification="pass")) == "assessed"
    assert target("record_investigation", "accepted", Tracks()) == "investigating"


def test_exempt_or_refusing_proposals_skip_the_notice():
    assert target("start_notice", "prelim_opinion", Tracks()) == "in_notice"
    assert target("start_notice", "prelim_opinion", Tracks(notice_exempt=True)) == "awaiting_confirmation"
    assert target("start_notice", "prelim_opinion", Tracks(proposal_refuses=True)) == "awaiting_confirmation"


def test_every_state_has_a_chinese_name_and_every_event_a_rule():
    assert all(STATES.values()) and all(
        not any(c.isascii() and c.isalpha() for c in v) for v in STATES.values()
    )
    assert all(e.rule.startswith("R-") for e in EVENTS.values())
