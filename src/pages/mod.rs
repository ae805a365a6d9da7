//! One component per route.

mod callback;
mod decode;
mod home;
mod not_found;
mod profile;
mod tenant;

pub use callback::CallbackPage;
pub use decode::DecodePage;
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use profile::ProfilePage;
pub use tenant::TenantPage;
