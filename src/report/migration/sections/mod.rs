//! The report's sections after the glance and the graph, decided once for every page format:
//! their order, their headings, which tables they hold and what they say when empty. The
//! formats only write each [`Block`] in their own syntax.

mod assumed;
mod measures;
mod plan;
mod reference;

use crate::diagnostics::Tally;
use crate::recommend::plan::Effort;

use super::Report;
use super::measures::CycleRow;
use super::table::{Cell, Column, Table};

pub struct Section {
    /// The anchor the HTML navigation links to.
    pub id: &'static str,
    pub title: &'static str,
    pub blocks: Vec<Block>,
}

pub enum Block {
    Heading(String),
    /// What a part says when it has nothing to show.
    Nothing(&'static str),
    /// Prose that explains what is around it, quieter.
    Note(&'static str),
    /// A table, and how many rows it left out.
    Table(Table),
    /// A table a reader rarely needs, under a line that says what it holds.
    Folded(String, Table),
    /// Why a phase of the plan comes where it does.
    Why(&'static str),
    /// What each size of effort means.
    Efforts(&'static [Effort]),
    Cycles(Vec<CycleRow>),
    /// Calls moved from REST to gRPC, and the CPU they save in all.
    CpuSaved {
        calls: usize,
        cores: String,
    },
    /// Requests per second that streams save over polling, and the polls behind them.
    PollingSaved {
        requests_per_second: f64,
        polls: Vec<Cell>,
    },
    Tally(Tally),
}

impl Report<'_> {
    pub fn sections(&self) -> Vec<Section> {
        vec![
            plan::plan(self),
            plan::savings(self),
            measures::measures(self),
            assumed::assumed(self),
            reference::summary(self),
            reference::recommendations(self),
            reference::findings(self),
        ]
    }

    /// The headline measures now and after the plan, for a format without cards.
    pub fn headline_table(&self) -> Table {
        const COLUMNS: &[Column] = &[
            Column::text("measure"),
            Column::text("now"),
            Column::text("after the plan"),
            Column::text("limit"),
        ];
        let rows = self
            .headline()
            .into_iter()
            .map(|h| {
                let now = h.with_unit(&h.now);
                vec![
                    Cell::text(h.measure),
                    if h.bad {
                        Cell::Bad(now)
                    } else {
                        Cell::Text(now)
                    },
                    Cell::Text(h.with_unit(&h.after)),
                    Cell::Text(h.limit),
                ]
            })
            .collect();
        Table::new("headline", COLUMNS, rows)
    }
}

/// A table, or the sentence saying there is nothing to put in it.
fn table_or(nothing: &'static str, table: Table) -> Block {
    if table.rows.is_empty() {
        Block::Nothing(nothing)
    } else {
        Block::Table(table)
    }
}
