//! Small pieces of the page, named for what the user sees.
//!
//! How views here and in `pages/` are written, because under `--cfg erase_components` every
//! distinct view type brings its own render code (each measured with `cargo xtask size`):
//! - a reactive block sits inside `view!` (not returned bare or held in a variable) and renders
//!   `AnyView` or `Option<AnyView>` (`.into_any()`): blocks of one output type share one render;
//! - no `<Show>` (about 1 KB gzip each): a reactive `bool.then(...)` block shows the same;
//! - a view used once is a plain function, not a `#[component]` (props and untracked call, ~55 B);
//! - text with values in it is one `format!` string child, not text and value children, and a
//!   number is shown as text (each number type is a view type of its own);
//! - a reactive block reads a large value with `with` and clones only what it shows.

mod access_token;
mod api_call;
mod authorize_request_preview;
mod claims_table;
mod config_error;
mod config_summary;
mod copy_button;
mod flow_inspector;
mod json_block;
mod keep_signed_in;
mod live_status;
mod marked_table;
mod origin_warning;
mod registration_check;
mod secret_banner;
mod session_ended;
mod sign_in_buttons;
mod sign_in_error;
mod sign_in_options;
mod sign_in_progress;
mod signed_out_notice;
mod token_lifetimes;
mod validation_report;

pub use access_token::AccessTokenPanel;
pub use api_call::ApiCallPanel;
pub use authorize_request_preview::AuthorizeRequestPreview;
pub use claims_table::ClaimsTable;
pub use config_error::ConfigErrorPanel;
pub use config_summary::ConfigSummary;
pub use copy_button::CopyButton;
pub use flow_inspector::FlowInspector;
pub use json_block::JsonBlock;
pub use keep_signed_in::KeepSignedIn;
pub use live_status::LiveStatus;
pub use marked_table::MarkedTable;
pub use origin_warning::OriginWarning;
pub use registration_check::RegistrationCheckPanel;
pub use secret_banner::SecretBanner;
pub use session_ended::SessionEndedPanel;
pub use sign_in_buttons::SignInButtons;
pub use sign_in_error::SignInError;
pub use sign_in_options::SignInOptionsPanel;
pub use sign_in_progress::SignInProgress;
pub use signed_out_notice::SignedOutNotice;
pub use token_lifetimes::TokenLifetimes;
pub use validation_report::ValidationReportTable;
