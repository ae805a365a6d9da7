//! Mounts the app in the page.

fn main() {
    leptos::mount::mount_to_body(entra_signin::app::App);
}
