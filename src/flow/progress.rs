//! The callback page's progress: the visible steps of completing a sign-in and their status.

/// The visible steps of completing a sign-in, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    ReadResponse,
    Discovery,
    ExchangeCode,
    FetchKeys,
    Validate,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::ReadResponse,
        Step::Discovery,
        Step::ExchangeCode,
        Step::FetchKeys,
        Step::Validate,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Step::ReadResponse => "Reading the tenant's answer and checking state",
            Step::Discovery => "Reading the tenant's OpenID metadata",
            Step::ExchangeCode => "Exchanging the code for tokens",
            Step::FetchKeys => "Fetching the signing keys (JWKS)",
            Step::Validate => "Validating the ID token",
        }
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
