//! The callback page's progress: the visible steps of completing a sign-in and their status, an
//! observer of the sign-in's events.

use super::events::{Event, Observer};
use super::StepKind;

/// The steps of completing a sign-in the callback page shows, in order. The token request stands
/// for the whole exchange (request and answer).
pub const PROGRESS_STEPS: [StepKind; 5] = [
    StepKind::Callback,
    StepKind::Discovery,
    StepKind::TokenRequest,
    StepKind::Jwks,
    StepKind::Validation,
];

/// What the callback page says of a step while it runs.
pub fn progress_label(step: StepKind) -> &'static str {
    match step {
        StepKind::Callback => "Reading the tenant's answer and checking state",
        StepKind::Discovery => "Reading the tenant's OpenID metadata",
        StepKind::TokenRequest | StepKind::TokenResponse => "Exchanging the code for tokens",
        StepKind::Jwks => "Fetching the signing keys (JWKS)",
        StepKind::Validation => "Validating the ID token",
        other => other.title(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepStatus {
    Pending,
    Running,
    Done,
    Failed,
}

impl StepStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Pending => "pending",
            StepStatus::Running => "running",
            StepStatus::Done => "done",
            StepStatus::Failed => "failed",
        }
    }
}

/// Tells `report` when a progress step starts, ends or fails.
pub struct Progress<'a> {
    report: &'a dyn Fn(StepKind, StepStatus),
    current: Option<StepKind>,
}

impl<'a> Progress<'a> {
    pub fn new(report: &'a dyn Fn(StepKind, StepStatus)) -> Progress<'a> {
        Progress {
            report,
            current: None,
        }
    }

    /// The flow completed: the running step is done.
    pub fn finished(&mut self) {
        if let Some(step) = self.current {
            (self.report)(step, StepStatus::Done);
        }
    }
}

impl Observer for Progress<'_> {
    fn observe(&mut self, event: &Event<'_>) {
        match event {
            &Event::Started(step) if PROGRESS_STEPS.contains(&step) => {
                if let Some(previous) = self.current.filter(|p| *p != step) {
                    (self.report)(previous, StepStatus::Done);
                }
                self.current = Some(step);
                (self.report)(step, StepStatus::Running);
            }
            Event::Failed(_) => {
                if let Some(step) = self.current {
                    (self.report)(step, StepStatus::Failed);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::StepFailure;
    use std::cell::RefCell;

    fn run(events: &[Event<'_>]) -> Vec<(StepKind, StepStatus)> {
        let seen = RefCell::new(Vec::new());
        let report = |step, status| seen.borrow_mut().push((step, status));
        let mut progress = Progress::new(&report);
        for event in events {
            progress.observe(event);
        }
        seen.into_inner()
    }

    #[test]
    fn each_step_runs_then_is_done_when_the_next_starts() {
        use StepStatus::*;
        let seen = run(&[
            Event::Started(StepKind::Callback),
            Event::Started(StepKind::Discovery),
            Event::Started(StepKind::TokenRequest),
        ]);
        assert_eq!(
            seen,
            [
                (StepKind::Callback, Running),
                (StepKind::Callback, Done),
                (StepKind::Discovery, Running),
                (StepKind::Discovery, Done),
                (StepKind::TokenRequest, Running),
            ]
        );
    }

    #[test]
    fn a_failure_marks_the_running_step_and_steps_not_shown_are_ignored() {
        let failure = StepFailure::MissingIdToken;
        let seen = run(&[
            Event::Started(StepKind::Jwks),
            Event::Started(StepKind::Pkce),
            Event::Failed(&failure),
        ]);
        assert_eq!(
            seen,
            [
                (StepKind::Jwks, StepStatus::Running),
                (StepKind::Jwks, StepStatus::Failed)
            ]
        );
    }
}
