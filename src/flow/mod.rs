//! The flows: the protocol core's steps joined by the browser layer's I/O. They report typed
//! events (`events.rs`); the inspector's trace (`record.rs`) and the callback page's progress
//! (`progress.rs`) listen. No views here; pages call these and render what they return.
//!
//! The rule: `oidc/X.rs` builds requests and checks answers; `flow/X.rs` sends them and records
//! what happened. The token POST is sent and recorded in `token.rs` (`redeem`), discovery in
//! `discovery.rs`, the keys and the signature in `id_token.rs`; the session and what its renewals
//! must repeat live in `session.rs`.

pub mod api_call;
mod decode;
mod discovery;
pub mod events;
mod failure;
mod id_token;
pub mod keep;
pub mod options;
mod pending;
pub mod profile_sections;
mod progress;
mod record;
pub mod refresh;
mod registration_check;
pub mod renewal;
mod session;
mod sign_in;
pub mod sign_out;
mod storage_keys;
mod tenant;
mod token;
pub mod trace;

pub use decode::{verify_decoded_token, DecodeFailure, Verification};
pub use discovery::DISCOVERY_TTL_SECS;
pub use failure::{
    Failure, FailureNotice, RenewalFailure, RestoreFailure, SignInFailure, SignOutFailure,
    StepFailure,
};
pub use pending::{PendingStore, Unclaimed, PENDING_TTL_SECS};
pub use progress::{progress_label, StepStatus, PROGRESS_STEPS};
pub use registration_check::{check_registration, RegistrationOutcome};
pub use session::{RenewalRecord, Session, Trigger};
pub use sign_in::{complete_sign_in, prepare_sign_in, start_sign_in, Departure};
pub use tenant::{read_tenant, TenantReading};
pub use trace::{Field, Outcome, StepKind, Trace, TraceKind, TraceStep};

use discovery::discover;
use id_token::verify_id_token;
use session::Client;
use token::redeem;
