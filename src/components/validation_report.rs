use crate::oidc::ValidationReport;
use leptos::prelude::*;

/// Every ID-token check: the rule, what it expects, what the token has, and the verdict.
#[component]
pub fn ValidationReportTable(report: ValidationReport) -> impl IntoView {
    view! {
        <table class="report" id="validation-report">
            <thead>
                <tr><th>"Check"</th><th>"Rule"</th><th>"Expected"</th><th>"Found"</th><th>"Result"</th></tr>
            </thead>
            <tbody>
                {report.checks().iter().map(|check| {
                    let (class, verdict) = if check.passed { ("check-pass", "pass") } else { ("check-fail", "FAIL") };
                    view! {
                        <tr class=class data-check=check.name>
                            <td><code>{check.name}</code></td>
                            <td class="muted">{check.citation}</td>
                            <td><code>{check.expected.clone()}</code></td>
                            <td><code>{check.found.clone()}</code></td>
                            <td class=if check.passed { "pass" } else { "fail" }>{verdict}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
