//! The flows: the protocol core's steps joined by the browser layer's I/O, each recorded in a
//! [`Trace`] for the inspector. No views here; pages call these and render what they return.
//!
//! The rule: `oidc/X.rs` builds requests and checks answers; `flow/X.rs` sends them and records
//! what happened. The token POST is sent and recorded in `token.rs` (`redeem`), discovery in
//! `discovery.rs`, the keys and the signature in `id_token.rs`; the session and what its renewals
//! must repeat live in `session.rs`.

mod discovery;
mod failure;
mod id_token;
pub mod keep;
mod pending;
mod progress;
pub mod refresh;
pub mod renewal;
mod session;
mod sign_in;
pub mod sign_out;
mod token;
pub mod trace;

pub use discovery::DISCOVERY_TTL_SECS;
pub use failure::SignInFailure;
pub use pending::{PendingStore, PENDING_TTL_SECS};
pub use progress::{Step, StepStatus};
pub use session::{RenewalRecord, Session, Trigger};
pub use sign_in::{complete_sign_in, start_sign_in};
pub use trace::{Field, Outcome, StepKind, Trace, TraceKind, TraceStep};

use discovery::{discover, discover_untraced};
use id_token::verify_id_token;
use session::Client;
use token::redeem;
use trace::{since, step};
