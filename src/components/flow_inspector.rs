use crate::flow::trace::{CheckRow, Direction, Shown};
use crate::flow::{Field, Outcome, StepKind, Trace, TraceStep};
use leptos::prelude::*;

use super::CopyButton;

/// Every step of the last sign-in, renewal or restore: a diagram, then what was sent and
/// received, with credentials masked until revealed, and the whole as Markdown.
#[component]
pub fn FlowInspector(trace: Trace) -> impl IntoView {
    let started = crate::browser::time::local_date_time(trace.started_at);
    let markdown = trace.to_markdown(&started);
    let timeline: Vec<(usize, StepKind, Option<TraceStep>)> = trace
        .timeline()
        .into_iter()
        .enumerate()
        .map(|(i, (kind, step))| (i + 1, kind, step.cloned()))
        .collect();
    view! {
        <section class="card inspector" id="flow-inspector" data-kind=trace.kind.id()>
            <h2>{format!("Flow inspector: {}", trace.kind.title())}</h2>
            <p class="muted">{format!("Started {started}. Every request and answer, in order, with the time each took.")}</p>
            {trace.failure.clone().map(|why| view! { <p class="fail" id="trace-failure">{why}</p> }.into_any())}
            {flow_diagram(timeline.clone())}
            {timeline.into_iter().map(|(n, kind, step)| trace_step(n, kind, step)).collect_view()}
            <div class="actions">
                <CopyButton text=markdown.clone() label="Copy as Markdown" id="copy-trace-markdown"/>
            </div>
            <details id="trace-markdown-details">
                <summary>"Show the Markdown (credentials masked, tokens shortened)"</summary>
                <pre id="trace-markdown">{markdown}</pre>
            </details>
        </section>
    }
}

/// Browser and tenant as two lanes, each step a numbered message between them (or a mark on the
/// browser's lane when it happens there), colored by outcome.
fn flow_diagram(timeline: Vec<(usize, StepKind, Option<TraceStep>)>) -> impl IntoView {
    view! {
        <div class="diagram" aria-label="Flow diagram">
            <div class="lanes"><span>"Browser (this app)"</span><span>"Tenant"</span></div>
            <ol id="flow-diagram">
                {timeline.into_iter().map(|(n, kind, step)| {
                    let outcome = step.as_ref().map_or(Outcome::NotReached, |s| s.outcome);
                    let direction = match kind.direction() {
                        Direction::BrowserToTenant => "to-tenant",
                        Direction::TenantToBrowser => "to-browser",
                        Direction::InBrowser => "in-browser",
                    };
                    view! {
                        <li data-step=kind.id() data-outcome=outcome.id()
                            class=format!("diagram-step {} {direction}", outcome.id())
                            title=kind.direction().arrow()>
                            <span class="message">
                                <span class="step-number">{n.to_string()}</span> " " {kind.title()}
                            </span>
                            <span class="arrow" aria-hidden="true"></span>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </div>
    }
}

/// One line per step (number, name, time, outcome); what was sent and received opens on demand.
/// A failed step is open: it is what the reader came for. The outcome's mark (✓ ✗ –) is drawn by
/// the stylesheet, here and in the diagram, so that colour is never its only sign.
fn trace_step(n: usize, kind: StepKind, step: Option<TraceStep>) -> impl IntoView {
    let outcome = step.as_ref().map_or(Outcome::NotReached, |s| s.outcome);
    let duration = step.as_ref().and_then(|s| s.duration_ms);
    let (summary, fields, checks) = step
        .map(|s| (s.summary, s.fields, s.checks))
        .unwrap_or_default();
    view! {
        <details class=format!("trace-step {}", outcome.id()) data-step=kind.id() data-outcome=outcome.id()
            open=outcome == Outcome::Failed>
            <summary>
                <h3>
                    <span class="step-number">{n.to_string()}</span> " " {kind.title()} " "
                    <span class="muted trace-duration" data-ms=duration.map(|ms| ms.to_string()).unwrap_or_default()>
                        {duration.map_or("–".to_string(), |ms| format!("{ms} ms"))}
                    </span>
                    " " <span class=format!("badge {}", outcome.id())>{outcome.id()}</span>
                </h3>
            </summary>
            {(!summary.is_empty()).then(|| view! { <p>{summary}</p> }.into_any())}
            {(!fields.is_empty()).then(|| view! {
                <table class="kv trace-fields">
                    <tbody>{fields.into_iter().map(trace_field).collect_view()}</tbody>
                </table>
            }.into_any())}
            {(!checks.is_empty()).then(|| check_rows(checks).into_any())}
        </details>
    }
}

fn trace_field(field: Field) -> impl IntoView {
    let masked = field.masked();
    let Field { name, value, shown } = field;
    let value_view = match shown {
        Shown::Plain => view! { <code>{value}</code> }.into_any(),
        Shown::Json => view! { <pre><code>{value}</code></pre> }.into_any(),
        Shown::Secret => secret_value(masked, value).into_any(),
        Shown::Token => token_value(masked, value).into_any(),
    };
    let label = name.clone();
    view! {
        <tr class="trace-field" data-field=name>
            <th scope="row">{label}</th>
            <td>{value_view}</td>
        </tr>
    }
}

/// A credential: masked until the user asks to see it.
fn secret_value(masked: String, value: String) -> impl IntoView {
    let revealed = RwSignal::new(false);
    view! {
        {move || match revealed.get() {
            false => view! {
                <code class="masked">{masked.clone()}</code> " "
                <button class="secondary small reveal" on:click=move |_| revealed.set(true)>"Reveal"</button>
            }.into_any(),
            true => view! { <code class="revealed">{value.clone()}</code> }.into_any(),
        }}
    }
}

/// A token: its start and length, the whole on request, and a copy button.
fn token_value(short: String, value: String) -> impl IntoView {
    let expanded = RwSignal::new(false);
    let full = value.clone();
    view! {
        {move || match expanded.get() {
            false => view! {
                <code class="token-short">{short.clone()}</code> " "
                <button class="secondary small expand" on:click=move |_| expanded.set(true)>"Show all"</button>
            }.into_any(),
            true => view! { <code class="token-full">{full.clone()}</code> }.into_any(),
        }}
        " " <CopyButton text=value/>
    }
}

fn check_rows(checks: Vec<CheckRow>) -> impl IntoView {
    view! {
        <table class="report trace-checks">
            <thead><tr><th>"Check"</th><th>"Expected"</th><th>"Found"</th><th>"Result"</th></tr></thead>
            <tbody>
                {checks.into_iter().map(|c| {
                    let name = c.name.clone();
                    view! {
                    <tr class=if c.passed { "check-pass" } else { "check-fail" } data-check=c.name>
                        <td><code>{name}</code></td>
                        <td><code>{c.expected}</code></td>
                        <td><code>{c.found}</code></td>
                        <td class=if c.passed { "pass" } else { "fail" }>{if c.passed { "pass" } else { "FAIL" }}</td>
                    </tr>
                }}).collect_view()}
            </tbody>
        </table>
    }
}
