//! A table as both page formats show it: headers, rows of cells kept as plain text with a kind,
//! and how many rows were left out. Markdown and HTML differ only in how they write a kind.

use crate::diagnostics::Severity;
use crate::recommend::plan::Effort;

/// Rows shown per table; the JSON keeps them all.
pub const TOP: usize = 8;

pub struct Table {
    /// Names the table for the stylesheet.
    pub id: &'static str,
    pub columns: &'static [Column],
    pub rows: Vec<Vec<Cell>>,
    /// Rows left out after the first [`TOP`].
    pub hidden: usize,
}

impl Table {
    pub fn new(id: &'static str, columns: &'static [Column], rows: Vec<Vec<Cell>>) -> Table {
        Table {
            id,
            columns,
            rows,
            hidden: 0,
        }
    }

    /// The first [`TOP`] of `items`, one row each.
    pub fn top<T>(
        id: &'static str,
        columns: &'static [Column],
        items: &[T],
        row: impl Fn(&T) -> Vec<Cell>,
    ) -> Table {
        Table {
            hidden: items.len().saturating_sub(TOP),
            ..Table::new(id, columns, items.iter().take(TOP).map(row).collect())
        }
    }

    /// `…and 4 more rows (all in `--format json`).`, under a table that was cut.
    pub fn more(&self) -> Option<String> {
        let rows = if self.hidden == 1 { "row" } else { "rows" };
        (self.hidden > 0)
            .then(|| format!("…and {} more {rows} (all in `--format json`).", self.hidden))
    }
}

pub struct Column {
    pub header: &'static str,
    /// Figures, aligned right where the format can.
    pub numeric: bool,
    pub show: Show,
}

/// Where a column's cells go. HTML may put a cell on a line of its own under another, where
/// Markdown, one line per row, needs a column or has no room.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Show {
    Column,
    /// A column in Markdown; in HTML, under the cells of column `n`.
    UnderInHtml(usize),
    /// Only in HTML, under the cells of column `n`, whose header then says `and` this one's.
    OnlyInHtml(usize),
}

impl Column {
    pub const fn text(header: &'static str) -> Column {
        Column {
            header,
            numeric: false,
            show: Show::Column,
        }
    }

    pub const fn figure(header: &'static str) -> Column {
        Column {
            numeric: true,
            ..Column::text(header)
        }
    }

    pub const fn shown(self, show: Show) -> Column {
        Column { show, ..self }
    }
}

/// What a cell holds; the text is plain, each format escapes and marks it up in its own way.
pub enum Cell {
    Empty,
    Text(String),
    /// Text as the product writes messages: names in backticks, arrows as ` -> `.
    Prose(String),
    /// Services in order, or the two ends of an edge.
    Path(Vec<String>),
    /// A configuration key: code in both formats.
    Code(String),
    /// How an edge talks, `rest POST /emails`, or an operation: code in HTML.
    Call(String),
    /// A file and line, `services/orders.yaml:26`.
    Place(String),
    Severity(Severity),
    /// Stressed in HTML.
    Strong(String),
    /// A verdict that passes: marked in HTML.
    Good(String),
    /// A verdict that fails: marked in both formats.
    Bad(String),
    /// A figure over its limit: marked in HTML.
    Over(String),
    /// An effort and why it is that size.
    Effort(Effort, String),
    /// Prose that explains the cell above it, quieter.
    Note(String),
    /// One line each where the format allows, else separated by `; `.
    Lines(Vec<Cell>),
    /// Written one after the other.
    Spans(Vec<Cell>),
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    pub fn edge(from: &str, to: &str) -> Cell {
        Cell::Path(vec![from.to_owned(), to.to_owned()])
    }

    /// `yes`, `no` or `-` when there is nothing to meet.
    pub fn meets(meets: Option<bool>) -> Cell {
        match meets {
            Some(true) => Cell::Good("yes".into()),
            Some(false) => Cell::Bad("no".into()),
            None => Cell::text("-"),
        }
    }

    pub fn place(place: Option<String>) -> Cell {
        place.map_or(Cell::Empty, Cell::Place)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_table_says_how_many_rows_it_left_out() {
        const ONE: &[Column] = &[Column::figure("n")];
        let row = |n: &usize| vec![Cell::Text(n.to_string())];
        let nine = Table::top("t", ONE, &[0; TOP + 1], row);
        assert_eq!((nine.rows.len(), nine.hidden), (TOP, 1));
        assert_eq!(
            nine.more().as_deref(),
            Some("…and 1 more row (all in `--format json`).")
        );
        assert_eq!(Table::top("t", ONE, &[0; TOP], row).more(), None);
    }
}
