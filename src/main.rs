//! Mounts the app in the page.

fn main() {
    // Where the wasm starts running, for `cargo xtask bench`.
    entra_signin::browser::time::mark("app-start");
    leptos::mount::mount_to_body(entra_signin::app::App);
}
