//! Small pieces of the page, named for what the user sees.

mod access_token;
mod claims_table;
mod config_error;
mod config_summary;
mod json_block;
mod secret_banner;
mod sign_in_buttons;
mod sign_in_error;
mod sign_in_progress;
mod validation_report;

pub use access_token::AccessTokenPanel;
pub use claims_table::ClaimsTable;
pub use config_error::ConfigErrorPanel;
pub use config_summary::ConfigSummary;
pub use json_block::JsonBlock;
pub use secret_banner::SecretBanner;
pub use sign_in_buttons::SignInButtons;
pub use sign_in_error::SignInError;
pub use sign_in_progress::SignInProgress;
pub use validation_report::ValidationReportTable;
