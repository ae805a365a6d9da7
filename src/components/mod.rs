//! Small pieces of the page, named for what the user sees.

mod access_token;
mod claims_table;
mod config_error;
mod config_summary;
mod copy_button;
mod flow_inspector;
mod json_block;
mod keep_signed_in;
mod origin_warning;
mod secret_banner;
mod session_ended;
mod sign_in_buttons;
mod sign_in_error;
mod sign_in_progress;
mod signed_out_notice;
mod token_lifetimes;
mod validation_report;

pub use access_token::AccessTokenPanel;
pub use claims_table::ClaimsTable;
pub use config_error::ConfigErrorPanel;
pub use config_summary::ConfigSummary;
pub use copy_button::CopyButton;
pub use flow_inspector::FlowInspector;
pub use json_block::JsonBlock;
pub use keep_signed_in::KeepSignedIn;
pub use origin_warning::OriginWarning;
pub use secret_banner::SecretBanner;
pub use session_ended::SessionEndedPanel;
pub use sign_in_buttons::SignInButtons;
pub use sign_in_error::SignInError;
pub use sign_in_progress::SignInProgress;
pub use signed_out_notice::SignedOutNotice;
pub use token_lifetimes::TokenLifetimes;
pub use validation_report::ValidationReportTable;
