//! The reference part at the end: the summary counts, the recommendation for every edge and
//! every finding with the line it points at.

use crate::diagnostics::catalog;
use crate::recommend::{Recommendation, Verdict};
use crate::report::migration::Report;
use crate::report::migration::table::{Cell, Column, Show, Table};
use crate::report::migration::text::numbers;

use super::{Block, Section, table_or};

const SIZES: &[Column] = &[
    Column::figure("services"),
    Column::figure("gateways"),
    Column::figure("clients"),
    Column::figure("brokers"),
    Column::figure("channels"),
    Column::figure("datastores"),
    Column::figure("edges"),
];

const PROTOCOLS: &[Column] = &[
    Column::text("protocol"),
    Column::figure("sync edges"),
    Column::figure("async edges"),
];

const RULES: &[Column] = &[
    Column::text("rule"),
    Column::text("name"),
    Column::text("severity"),
    Column::figure("findings"),
];

const CHANGES: &[Column] = &[
    Column::text("edge"),
    Column::text("now"),
    Column::text("should be"),
    Column::text("why"),
    Column::text("numbers"),
];

const KEEPS: &[Column] = &[
    Column::text("edge"),
    Column::text("now"),
    Column::text("why"),
];

/// The fix needs more room than a Markdown row has.
const FINDINGS: &[Column] = &[
    Column::text("severity"),
    Column::text("rule"),
    Column::text("where"),
    Column::text("message"),
    Column::text("fix").shown(Show::OnlyInHtml(3)),
];

pub fn summary(r: &Report) -> Section {
    let s = &r.summary;
    let c = &s.graph;
    let sizes = [
        c.services,
        c.gateways,
        c.clients,
        c.brokers,
        c.channels,
        c.datastores,
        c.edges,
    ];
    let sizes = vec![sizes.iter().map(|n| Cell::Text(n.to_string())).collect()];
    let protocols = s
        .protocols
        .iter()
        .map(|(p, n)| {
            vec![
                Cell::text(p),
                Cell::Text(n.sync.to_string()),
                Cell::Text(n.r#async.to_string()),
            ]
        })
        .collect();
    let mut blocks = vec![
        Block::Table(Table::new("sizes", SIZES, sizes)),
        Block::Table(Table::new("protocols", PROTOCOLS, protocols)),
        Block::Tally(s.findings),
    ];
    if !s.rules.is_empty() {
        let rows = s
            .rules
            .iter()
            .map(|x| {
                vec![
                    Cell::text(x.rule),
                    Cell::text(x.name),
                    Cell::Severity(x.severity),
                    Cell::Text(x.count.to_string()),
                ]
            })
            .collect();
        blocks.push(Block::Table(Table::new("rules", RULES, rows)));
    }
    Section {
        id: "summary",
        title: "Summary",
        blocks,
    }
}

pub fn recommendations(r: &Report) -> Section {
    let (change, rest): (Vec<&Recommendation>, Vec<_>) =
        r.recommendations.iter().partition(|x| x.verdict.changes());
    let (unknown, keep): (Vec<&Recommendation>, Vec<_>) = rest
        .into_iter()
        .partition(|x| x.verdict == Verdict::Unknown);
    let changes = change
        .iter()
        .map(|x| {
            vec![
                Cell::edge(&x.from, &x.to),
                Cell::Call(r.edge_now(x)),
                Cell::Strong(x.verdict.describe().to_owned()),
                Cell::Prose(x.reasons.join("; ")),
                Cell::Text(numbers(x)),
            ]
        })
        .collect();
    let nothing = if unknown.is_empty() {
        "Every edge fits its purpose."
    } else {
        "Every edge commaudit could judge fits its purpose; the edges below were not judged."
    };
    let mut blocks = vec![table_or(nothing, Table::new("changes", CHANGES, changes))];
    let plain = |list: &[&Recommendation]| -> Vec<Vec<Cell>> {
        list.iter()
            .map(|x| {
                vec![
                    Cell::edge(&x.from, &x.to),
                    Cell::Call(r.edge_now(x)),
                    Cell::Prose(x.reasons.join("; ")),
                ]
            })
            .collect()
    };
    if !unknown.is_empty() {
        blocks.push(Block::Folded(
            format!(
                "{} {} not judged: unknown, not \"keep\"",
                unknown.len(),
                if unknown.len() == 1 {
                    "edge was"
                } else {
                    "edges were"
                }
            ),
            Table::new("unknowns", KEEPS, plain(&unknown)),
        ));
    }
    if !keep.is_empty() {
        blocks.push(Block::Folded(
            format!("{} edges stay as they are", keep.len()),
            Table::new("keeps", KEEPS, plain(&keep)),
        ));
    }
    Section {
        id: "recommendations",
        title: "Recommendations per edge",
        blocks,
    }
}

pub fn findings(r: &Report) -> Section {
    let rows = r
        .audit
        .findings
        .iter()
        .map(|f| {
            vec![
                Cell::Severity(f.severity),
                Cell::Text(format!("{} {}", f.rule, catalog::name_of(f.rule))),
                Cell::place(r.place(f.span)),
                Cell::Prose(f.message.clone()),
                f.help.clone().map_or(Cell::Empty, Cell::Note),
            ]
        })
        .collect();
    Section {
        id: "findings",
        title: "Findings",
        blocks: vec![table_or("None.", Table::new("findings", FINDINGS, rows))],
    }
}
