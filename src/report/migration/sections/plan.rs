//! The migration plan, a table of steps per phase, and the estimated savings with the
//! assumptions they rest on.

use crate::graph::facts::cost::cores_text;
use crate::recommend::plan::{Effort, Step};
use crate::report::migration::Report;
use crate::report::migration::table::{Cell, Column, Show, Table};

use super::{Block, Section};

/// The step's line goes under what to do in HTML, where the table has room for it.
const STEPS: &[Column] = &[
    Column::text("step"),
    Column::text("what to do"),
    Column::text("improves"),
    Column::text("effort"),
    Column::text("where").shown(Show::UnderInHtml(1)),
];

const CPU: &[Column] = &[
    Column::text("call"),
    Column::text("operation"),
    Column::figure("saves"),
    Column::figure("at"),
];

const ASSUMPTIONS: &[Column] = &[
    Column::text("assumption"),
    Column::figure("value"),
    Column::figure("default"),
    Column::text("meaning"),
];

pub fn plan(r: &Report) -> Section {
    let mut blocks = Vec::new();
    if r.plan.phases.is_empty() {
        blocks.push(Block::Nothing("Nothing to change."));
    } else {
        blocks.push(Block::Efforts(&[
            Effort::Small,
            Effort::Medium,
            Effort::Large,
        ]));
    }
    for (p, phase) in r.plan.phases.iter().enumerate() {
        blocks.push(Block::Heading(format!("{}. {}", p + 1, phase.title)));
        blocks.push(Block::Why(phase.why));
        let rows = phase
            .steps
            .iter()
            .enumerate()
            .map(|(s, step)| step_row(r, format!("{}.{}", p + 1, s + 1), step))
            .collect();
        blocks.push(Block::Table(Table::new("plan", STEPS, rows)));
    }
    Section {
        id: "plan",
        title: "Migration plan",
        blocks,
    }
}

fn step_row(r: &Report, number: String, step: &Step) -> Vec<Cell> {
    let mut improves: Vec<Cell> = step
        .improves
        .iter()
        .map(|i| Cell::Prose(i.text()))
        .collect();
    if !step.resolves.is_empty() {
        improves.push(Cell::Text(format!("resolves {}", step.resolves.join(", "))));
    }
    vec![
        Cell::Text(number),
        Cell::Prose(step.action.clone()),
        Cell::Lines(improves),
        Cell::Effort(step.effort, step.effort_reason.clone()),
        Cell::place(r.place(step.span)),
    ]
}

pub fn savings(r: &Report) -> Section {
    let s = &r.plan.savings;
    let mut blocks = Vec::new();
    if s.cpu.is_empty() && s.polling.is_empty() {
        blocks.push(Block::Nothing(
            "No internal REST call to convert and no polling to replace.",
        ));
    }
    if !s.cpu.is_empty() {
        blocks.push(Block::CpuSaved {
            calls: s.cpu.len(),
            cores: cores_text(s.cpu_cores),
        });
        blocks.push(Block::Table(Table::top("savings", CPU, &s.cpu, |l| {
            vec![
                Cell::edge(&l.from, &l.to),
                l.operation.clone().map_or(Cell::Empty, Cell::Call),
                Cell::Text(cores_text(l.cores)),
                Cell::Text(format!(
                    "{}{} rps, {}{:.1} KB",
                    if l.rps_assumed { "assumed " } else { "" },
                    l.rps,
                    if l.payload_assumed { "assumed " } else { "" },
                    l.payload_bytes / 1024.0
                )),
            ]
        })));
    }
    if !s.polling.is_empty() {
        let polls = s.polling.iter().map(|l| {
            Cell::Spans(vec![
                Cell::edge(&l.from, &l.to),
                Cell::Text(format!(
                    ": {:.0}/s every {:.0} ms",
                    l.requests_per_second, l.interval_ms
                )),
            ])
        });
        blocks.push(Block::PollingSaved {
            requests_per_second: s.polling_requests_per_second,
            polls: polls.collect(),
        });
    }
    blocks.push(Block::Note(
        "These estimates rest on the assumptions below; change them under `recommend:` in commaudit.yaml (for example `recommend: { json-us-per-kb: 15 }`).",
    ));
    let rows = s
        .assumptions
        .iter()
        .map(|a| {
            let value = if a.overridden {
                Cell::Spans(vec![
                    Cell::Strong(a.value.to_string()),
                    Cell::text(" (set in commaudit.yaml)"),
                ])
            } else {
                Cell::Text(a.value.to_string())
            };
            vec![
                Cell::Code(a.key.to_owned()),
                value,
                Cell::Text(a.default.to_string()),
                Cell::text(a.meaning),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table::new("assumptions", ASSUMPTIONS, rows)));
    Section {
        id: "savings",
        title: "Estimated savings",
        blocks,
    }
}
