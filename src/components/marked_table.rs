use crate::oidc::Row;
use leptos::prelude::*;

/// Rows of plain text, each with the check's finding last and its mark as the row's class.
#[component]
pub fn MarkedTable(
    id: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Row>,
) -> impl IntoView {
    view! {
        <table class="report" id=id>
            <thead><tr>{columns.iter().map(|c| view! { <th>{*c}</th> }).collect_view()}<th>"Check"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|row| { let name = row.cells.first().cloned(); view! {
                    <tr class=row.mark.class() data-name=name>
                        {row.cells.into_iter().map(|cell| view! { <td><code>{cell}</code></td> }).collect_view()}
                        <td>{row.note}</td>
                    </tr>
                }}).collect_view()}
            </tbody>
        </table>
    }
}
