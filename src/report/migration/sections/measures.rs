//! The distributed-monolith measures section: the longest sync chains, the sync cycles, the
//! blast radius, the availability ceilings and the retry amplification, one part each.

use crate::recommend::plan::{percent, times};
use crate::report::migration::Report;
use crate::report::migration::table::{Cell, Column, Table};
use crate::report::migration::text::hops;

use super::{Block, Section, table_or};

const CHAINS: &[Column] = &[
    Column::text("entrypoint"),
    Column::figure("depth"),
    Column::text("chain"),
    Column::figure("processing summed"),
];

const BLAST: &[Column] = &[
    Column::text("when this fails"),
    Column::figure("entrypoints down"),
    Column::text("which"),
];

const CEILINGS: &[Column] = &[
    Column::text("entrypoint"),
    Column::figure("ceiling"),
    Column::figure("objective"),
    Column::figure("hard dependencies"),
    Column::text("meets it"),
];

const RETRIES: &[Column] = &[
    Column::text("entrypoint"),
    Column::figure("calls at the end"),
    Column::text("chain"),
];

pub fn measures(r: &Report) -> Section {
    let m = &r.measures;
    let chains = Table::top("chains", CHAINS, &m.chains, |c| {
        let depth = hops(c.hops);
        vec![
            Cell::text(&c.entrypoint),
            if c.hops as f64 > m.limits.max_depth {
                Cell::Over(depth)
            } else {
                Cell::Text(depth)
            },
            Cell::Path(c.path.clone()),
            Cell::Text(format!("{:.0} ms", c.processing_ms)),
        ]
    });
    let blast = Table::top("blast", BLAST, &m.blast_radius, |b| {
        vec![
            Cell::text(&b.service),
            Cell::Text(format!("{} of {}", b.entrypoints.len(), m.entrypoints)),
            Cell::Text(b.entrypoints.join(", ")),
        ]
    });
    let ceilings = Table::top("ceilings", CEILINGS, &m.availability, |a| {
        vec![
            Cell::text(&a.entrypoint),
            Cell::Text(percent(a.ceiling)),
            Cell::Text(a.objective.map_or_else(|| "none declared".into(), percent)),
            Cell::Text(a.hard_dependencies.to_string()),
            Cell::meets(a.meets()),
        ]
    });
    let retries = Table::top("retries", RETRIES, &m.retries, |x| {
        vec![
            Cell::text(&x.entrypoint),
            Cell::Text(times(x.attempts)),
            Cell::Path(x.path.clone()),
        ]
    });
    let cycles = if m.cycles.is_empty() {
        Block::Nothing("None.")
    } else {
        Block::Cycles(m.cycles.clone())
    };
    Section {
        id: "measures",
        title: "Distributed-monolith measures",
        blocks: vec![
            Block::Heading("Longest sync chains".into()),
            table_or("No entrypoint calls anything synchronously.", chains),
            Block::Heading("Sync cycles".into()),
            cycles,
            Block::Heading("Blast radius".into()),
            table_or(
                "No internal service takes an entrypoint down with it.",
                blast,
            ),
            Block::Heading("Availability ceilings".into()),
            Block::Table(ceilings),
            Block::Heading("Retry amplification".into()),
            table_or("No call retries.", retries),
        ],
    }
}
