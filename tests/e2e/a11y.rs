//! Pages anyone can use: axe-core finds no serious or critical WCAG violation on any page, in the
//! light and the dark theme; no page scrolls sideways at 320 or 375 CSS px; the profile with its
//! sections closed fits in 3,000 px at 1280 px wide; a sign-in works with the keyboard alone.
//! Screenshots at 375 and 1280 px land in `$E2E_SCREENSHOTS` for review.

use crate::support::{
    app_origin, click, click_when_enabled, devtools, goto, js, new_email, open_section,
    pass_email_code, screenshot, tenant, text_of, wait_for, wait_until, with_browser, Build,
    TenantGuard, PAGE_TIMEOUT,
};
use dev_tenant::Lifetimes;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::Client;
use serde_json::json;
use std::sync::OnceLock;
use std::time::Duration;

/// The profile's sections, by their element ids (`/profile#claims` links to one).
const PROFILE_SECTIONS: [&str; 5] = ["claims", "validation", "inspector", "tokens", "api"];

/// The tallest the profile may be with its sections closed, at 1280 px wide.
const PROFILE_MAX_HEIGHT: i64 = 3_000;

/// `axe.min.js`, which `cargo xtask test` installs from npm (`E2E_AXE`).
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = std::env::var("E2E_AXE")
            .expect("E2E_AXE is not set: run the end-to-end tests with `cargo xtask test`");
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("cannot read axe-core at {path}: {e}; run `cargo xtask setup`")
        })
    })
}

#[derive(Clone, Copy, Debug)]
enum Theme {
    Light,
    Dark,
}

/// Switches `prefers-color-scheme` for every page of this browser until switched again.
async fn set_theme(client: &Client, theme: Theme) {
    let value = match theme {
        Theme::Light => "light",
        Theme::Dark => "dark",
    };
    let features = json!([{ "name": "prefers-color-scheme", "value": value }]);
    devtools(
        client,
        "Emulation.setEmulatedMedia",
        json!({ "features": features }),
    )
    .await;
    let dark = js(
        client,
        "return matchMedia('(prefers-color-scheme: dark)').matches;",
        vec![],
    )
    .await;
    assert_eq!(dark, json!(matches!(theme, Theme::Dark)), "{theme:?} theme");
}

/// Lays the page out `width` CSS px wide, as a window or a phone of that width would.
async fn set_width(client: &Client, width: u32) {
    let metrics = json!({ "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": false });
    devtools(client, "Emulation.setDeviceMetricsOverride", metrics).await;
}

/// The serious and critical violations axe-core finds on the page as it is now, one line each:
/// rule, impact, and the elements it found.
async fn serious_violations(client: &Client) -> Vec<String> {
    let loaded = js(
        client,
        &format!("{}\nreturn typeof window.axe;", axe_source()),
        vec![],
    )
    .await;
    assert_eq!(loaded, json!("object"), "axe-core did not load");
    let script = "const done = arguments[arguments.length - 1];
        axe.run(document, { resultTypes: ['violations'] })
            .then(r => done(r.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id} (${v.impact}): ${v.help}; at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)))
            .catch(e => done([`axe-core failed: ${e}`]));";
    let found = client
        .execute_async(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("axe.run failed: {e}"));
    serde_json::from_value(found).unwrap_or_default()
}

/// What one page showed: axe in both themes, and the width it needs at 320 and 375 px.
#[derive(Default)]
struct Findings {
    lines: Vec<String>,
    problems: Vec<String>,
}

impl Findings {
    /// Checks the page as shown now under `name`: axe in light and dark, no sideways scroll at
    /// 320 and 375 px; screenshots at 375 and 1280 px. Leaves the page light and 1280 px wide.
    async fn check_page(&mut self, client: &Client, name: &str) {
        for theme in [Theme::Light, Theme::Dark] {
            set_theme(client, theme).await;
            let violations = serious_violations(client).await;
            self.lines.push(format!(
                "axe {name} ({theme:?}): {} serious or critical",
                violations.len()
            ));
            for violation in violations {
                self.problems
                    .push(format!("{name} ({theme:?}): {violation}"));
            }
        }
        set_theme(client, Theme::Light).await;
        for width in [320, 375] {
            set_width(client, width).await;
            let (scroll, client_width) = page_widths(client).await;
            assert!(
                client_width <= width as i64,
                "{name}: the page is {client_width} px wide, not {width}"
            );
            if scroll > client_width {
                self.problems.push(format!(
                    "{name}: scrolls sideways at {width} px ({scroll} px of content in {client_width} px): {}",
                    widest_elements(client).await
                ));
            }
            if width == 375 {
                screenshot(client, &format!("{name}-375")).await;
            }
        }
        set_width(client, 1280).await;
        screenshot(client, &format!("{name}-1280")).await;
    }

    fn assert_clean(self) {
        println!("{}", self.lines.join("\n"));
        assert!(
            self.problems.is_empty(),
            "accessibility problems:\n{}",
            self.problems.join("\n")
        );
    }
}

/// The innermost elements that reach past the page's right edge, to name the cause of a
/// sideways scroll.
async fn widest_elements(client: &Client) -> String {
    let found = js(
        client,
        "const w = document.documentElement.clientWidth; \
         return [...document.querySelectorAll('body *')] \
           .filter(e => e.getBoundingClientRect().right > w + 0.5 && \
                        ![...e.children].some(c => c.getBoundingClientRect().right > w + 0.5)) \
           .slice(0, 5) \
           .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + \
                     (e.className ? '.' + String(e.className).split(' ').join('.') : '') + \
                     ' (right ' + Math.round(e.getBoundingClientRect().right) + ')');",
        vec![],
    )
    .await;
    found.to_string()
}

/// `scrollWidth` and `clientWidth` of the page.
async fn page_widths(client: &Client) -> (i64, i64) {
    let widths = js(
        client,
        "const e = document.documentElement; return [e.scrollWidth, e.clientWidth];",
        vec![],
    )
    .await;
    (
        widths[0].as_i64().unwrap_or_default(),
        widths[1].as_i64().unwrap_or_default(),
    )
}

async fn page_height(client: &Client) -> i64 {
    js(
        client,
        "return document.documentElement.scrollHeight;",
        vec![],
    )
    .await
    .as_i64()
    .unwrap_or_default()
}

/// Opens every `<details>` matching `css`.
async fn open_all(client: &Client, css: &str) {
    js(
        client,
        "document.querySelectorAll(arguments[0]).forEach(d => d.open = true);",
        vec![css.into()],
    )
    .await;
}

#[test]
fn every_page_passes_axe_in_both_themes_and_fits_a_narrow_screen() {
    // A refresh token that expires 2 s after the sign-in: the renewal at the end is refused
    // (AADSTS700084) and shows the session-ended panel.
    let _tenant = TenantGuard::new(Lifetimes {
        spa_refresh_token: Duration::from_secs(2),
        ..Lifetimes::default()
    });
    let origin = app_origin(Build::Spa);
    let web_origin = app_origin(Build::WebWithSecret);
    with_browser(|client| async move {
        let mut findings = Findings::default();
        let pages = [
            ("home", format!("{origin}/"), "#config-authority"),
            ("decode", format!("{origin}/decode"), "#token-input"),
            ("tenant", format!("{origin}/tenant"), "#tenant-verdict"),
            ("not-found", format!("{origin}/no/such/page"), "#not-found"),
            (
                "callback-idle",
                format!("{origin}/callback"),
                "#callback-idle",
            ),
            (
                "failure-unexpected-answer",
                format!("{origin}/callback?error=access_denied&state=unknown"),
                "#error-title",
            ),
            (
                "failure-malformed-answer",
                format!("{origin}/callback?code=first&code=second&state=s"),
                "#error-title",
            ),
        ];
        for (name, url, shown) in &pages {
            goto(&client, url).await;
            wait_for(&client, shown).await;
            findings.check_page(&client, name).await;
        }

        // The registration check's answer (the SPA client: accepted).
        goto(&client, &format!("{origin}/")).await;
        click(&client, "#check-registration").await;
        wait_for(
            &client,
            "#registration-result:not([data-finding='running'])",
        )
        .await;
        findings.check_page(&client, "registration-check").await;

        // The callback's progress, stopped where a forged state is refused.
        goto(&client, &format!("{origin}/")).await;
        click(&client, "#sign-in").await;
        wait_for(&client, "#email").await;
        goto(&client, &format!("{origin}/callback?code=c&state=forged")).await;
        wait_for(&client, "#sign-in-progress").await;
        wait_for(&client, "#error-title").await;
        findings
            .check_page(&client, "failure-forged-state-with-progress")
            .await;

        // A refused code exchange, with the inspector's failed step open.
        goto(&client, &format!("{web_origin}/")).await;
        click(&client, "#sign-up").await;
        pass_email_code(&client, &new_email("a11y-web"), true).await;
        wait_for(
            &client,
            "#flow-inspector .trace-step[data-outcome='failed'][open]",
        )
        .await;
        findings.check_page(&client, "failure-token-endpoint").await;

        goto(&client, &format!("{origin}/")).await;
        click(&client, "#sign-up").await;
        pass_email_code(&client, &new_email("a11y"), true).await;
        text_of(&client, "#profile-email").await;
        let height = page_height(&client).await;
        println!("profile height at 1280 px, sections closed: {height} px");
        assert!(
            height <= PROFILE_MAX_HEIGHT,
            "the profile is {height} px tall with its sections closed"
        );
        findings.check_page(&client, "profile-closed").await;
        for id in PROFILE_SECTIONS {
            open_section(&client, id).await;
        }
        // Every section and step open: all the profile showed at once before it had sections.
        open_all(&client, "details.trace-step").await;
        println!(
            "profile height at 1280 px, every section and step open: {} px",
            page_height(&client).await
        );
        open_all(&client, "details").await;
        findings.check_page(&client, "profile-open").await;

        // A refused renewal ends the session: its panel, with the renewal's trace.
        tokio::time::sleep(Duration::from_secs(2)).await;
        click_when_enabled(&client, "#refresh-tokens").await;
        wait_for(&client, "#session-ended #sign-in-again").await;
        open_all(&client, "#session-ended details").await;
        findings.check_page(&client, "session-ended").await;
        findings.assert_clean();
    });
}

#[test]
fn a_profile_section_opens_from_its_link_and_stays_open_for_the_tab() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::Spa);
    with_browser(|client| async move {
        goto(&client, &format!("{origin}/")).await;
        click(&client, "#keep-signed-in").await;
        click(&client, "#sign-up").await;
        pass_email_code(&client, &new_email("sections"), true).await;
        text_of(&client, "#profile-email").await;
        assert_eq!(open_sections(&client).await, Vec::<String>::new());

        // A link within the page (the fragment changes, nothing loads).
        goto(&client, &format!("{origin}/profile#claims")).await;
        wait_for(&client, "#claims[open]").await;
        scrolled_to_the_top(&client, "claims").await;
        // A link from elsewhere: the page loads, restores the kept session, then opens the section.
        goto(&client, &format!("{origin}/")).await;
        goto(&client, &format!("{origin}/profile#tokens")).await;
        wait_for(&client, "#tokens[open]").await;
        scrolled_to_the_top(&client, "tokens").await;
        click(&client, "#tokens > summary").await;

        click(&client, "#validation > summary").await;
        click(&client, "#claims > summary").await;
        wait_for(&client, "#validation[open]").await;
        // A reload of the profile (no fragment) shows what was left open.
        goto(&client, &format!("{origin}/profile")).await;
        text_of(&client, "#profile-email").await;
        assert_eq!(open_sections(&client).await, vec!["validation".to_string()]);
    });
}

/// Waits until the element with `id` is at the top of the window.
async fn scrolled_to_the_top(client: &Client, id: &str) {
    let what = format!("#{id} scrolled to the top");
    wait_until(client, &what, PAGE_TIMEOUT, || async {
        let top = js(
            client,
            "return document.getElementById(arguments[0]).getBoundingClientRect().top;",
            vec![id.into()],
        )
        .await;
        (top.as_f64()?.abs() < 2.0).then_some(())
    })
    .await;
}

/// The ids of the profile's open sections.
async fn open_sections(client: &Client) -> Vec<String> {
    let ids = js(
        client,
        "return Array.from(document.querySelectorAll('details.profile-section[open]'), d => d.id);",
        vec![],
    )
    .await;
    serde_json::from_value(ids).unwrap_or_default()
}

/// Presses `key` once.
async fn press(client: &Client, key: Key) {
    let value = char::from(key);
    let actions = KeyActions::new("keyboard".to_string())
        .then(KeyAction::Down { value })
        .then(KeyAction::Up { value });
    client
        .perform_actions(actions)
        .await
        .unwrap_or_else(|e| panic!("cannot press {key:?}: {e}"));
}

/// Types `text` into whatever has the focus.
async fn type_text(client: &Client, text: &str) {
    let mut actions = KeyActions::new("keyboard".to_string());
    for value in text.chars() {
        actions = actions
            .then(KeyAction::Down { value })
            .then(KeyAction::Up { value });
    }
    client
        .perform_actions(actions)
        .await
        .unwrap_or_else(|e| panic!("cannot type {text:?}: {e}"));
}

/// The focused element: a short description, whether it matches `css`, and whether its focus is
/// visible (an outline, not `none`); `None` while the focus is outside the page (the body has it
/// between the page's last control and its first).
async fn focused(client: &Client, css: &str) -> Option<(String, bool, bool)> {
    let found = js(
        client,
        "const e = document.activeElement;
         if (!e || e === document.body) return null;
         const s = getComputedStyle(e);
         return [e.tagName + (e.id ? '#' + e.id : '') + ' ' + e.textContent.trim().slice(0, 30),
                 e.matches(arguments[0]),
                 s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0];",
        vec![css.into()],
    )
    .await;
    let found = found.as_array()?;
    Some((
        found[0].as_str().unwrap_or_default().to_string(),
        found[1].as_bool().unwrap_or(false),
        found[2].as_bool().unwrap_or(false),
    ))
}

/// Presses Tab until the element matching `css` has the focus (at most 40 times; none when it
/// has it already, as a field with `autofocus` does), checking on the way that every focused
/// element shows its focus; the test fails when it is not reached.
async fn tab_to(client: &Client, css: &str) {
    if focused(client, css)
        .await
        .is_some_and(|(_, reached, _)| reached)
    {
        return;
    }
    let mut passed = Vec::new();
    for _ in 0..40 {
        press(client, Key::Tab).await;
        let Some((now, reached, visible)) = focused(client, css).await else {
            continue;
        };
        assert!(visible, "{now} has the focus without showing it");
        if reached {
            return;
        }
        passed.push(now);
    }
    panic!("Tab never reached `{css}`; it went through {passed:?}");
}

#[test]
fn a_keyboard_alone_signs_up_and_opens_the_profiles_sections() {
    let _tenant = TenantGuard::new(Lifetimes::default());
    let origin = app_origin(Build::Spa);
    tenant();
    with_browser(|client| async move {
        goto(&client, &format!("{origin}/")).await;
        wait_for(&client, "#sign-up").await;
        tab_to(&client, "#sign-up").await;
        press(&client, Key::Enter).await;

        let email = new_email("keyboard");
        wait_for(&client, "#email").await;
        tab_to(&client, "#email").await;
        type_text(&client, &email).await;
        tab_to(&client, "#next").await;
        press(&client, Key::Enter).await;

        wait_for(&client, "#code").await;
        let code = wait_until(&client, "a mailed code", PAGE_TIMEOUT, || async {
            tenant().tenant().latest_code(&email)
        })
        .await;
        tab_to(&client, "#code").await;
        type_text(&client, &code).await;
        tab_to(&client, "#verify").await;
        press(&client, Key::Enter).await;

        wait_for(&client, "#displayName").await;
        for (field, text) in [
            ("displayName", "Ada Lovelace"),
            ("givenName", "Ada"),
            ("surname", "Lovelace"),
        ] {
            tab_to(&client, &format!("#{field}")).await;
            type_text(&client, text).await;
        }
        tab_to(&client, "#create").await;
        press(&client, Key::Enter).await;

        assert_eq!(text_of(&client, "#profile-email").await, email);
        // The keyboard opens a section from its summary.
        tab_to(&client, "#claims > summary").await;
        press(&client, Key::Enter).await;
        wait_for(&client, "#claims[open]").await;
        assert!(!text_of(&client, "#claims tr[data-claim='sub']")
            .await
            .is_empty());
    });
}
