//! Small pieces of the page, named for what the user sees.

mod config_error;
mod config_summary;
mod secret_banner;

pub use config_error::ConfigErrorPanel;
pub use config_summary::ConfigSummary;
pub use secret_banner::SecretBanner;
