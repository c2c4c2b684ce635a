//! Assumptions and unknowns: the defaults each measure used and what the inputs left unknown.

use crate::report::migration::Report;
use crate::report::migration::table::{Cell, Column, Table};

use super::{Block, Section, table_or};

const ASSUMED: &[Column] = &[
    Column::text("measure"),
    Column::text("assumed"),
    Column::text("in place of"),
];

pub fn assumed(r: &Report) -> Section {
    let rows = r
        .assumed
        .iter()
        .map(|a| {
            vec![
                Cell::Prose(a.measure.clone()),
                Cell::Code(a.assumption.clone()),
                Cell::Prose(a.for_what.clone()),
            ]
        })
        .collect();
    let mut blocks = vec![table_or(
        "Every figure comes from declared values: no default was used.",
        Table::new("assumed", ASSUMED, rows),
    )];
    if !r.assumed.is_empty() {
        blocks.push(Block::Note(
            "Figures that used a default are estimates: declare the missing values (slo, processing_ms, rps, payload_bytes, needs_response) in the manifests, or change the defaults under `recommend:` in commaudit.yaml.",
        ));
    }
    Section {
        id: "assumptions",
        title: "Assumptions and unknowns",
        blocks,
    }
}
