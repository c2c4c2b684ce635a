//! Horizontal placement: each layer keeps its order and minimum gaps while its nodes move as
//! close as they can to their neighbours, by an isotonic (pool-adjacent-violators) fit.

use super::NODE_GAP;

/// Alternating rounds of fitting, top down then bottom up.
const PLACEMENT_ROUNDS: usize = 8;

/// Horizontal centres: each layer keeps its order and separations while every node moves as
/// close as it can to the mean of its neighbours, alternately above and below.
pub(super) fn place(
    order: &[Vec<usize>],
    width: &[f64],
    up: &[Vec<usize>],
    down: &[Vec<usize>],
) -> Vec<f64> {
    let mut x = vec![0.0; width.len()];
    for row in order {
        let mut at = 0.0;
        for (i, &v) in row.iter().enumerate() {
            if i > 0 {
                at += gap(width, row[i - 1], v);
            }
            x[v] = at;
        }
    }
    // Centre the rows on each other before fitting.
    let centre = |row: &Vec<usize>, x: &[f64]| {
        row.first()
            .zip(row.last())
            .map_or(0.0, |(&a, &b)| (x[a] + x[b]) / 2.0)
    };
    let widest = order
        .iter()
        .max_by(|a, b| {
            let span =
                |r: &Vec<usize>| r.last().map_or(0.0, |&v| x[v]) - r.first().map_or(0.0, |&v| x[v]);
            span(a).total_cmp(&span(b))
        })
        .map_or(0.0, |r| centre(r, &x));
    for row in order {
        let shift = widest - centre(row, &x);
        for &v in row {
            x[v] += shift;
        }
    }
    for round in 0..PLACEMENT_ROUNDS {
        let rows: Vec<&Vec<usize>> = if round % 2 == 0 {
            order.iter().collect()
        } else {
            order.iter().rev().collect()
        };
        for row in rows {
            let desired: Vec<f64> = row
                .iter()
                .map(|&v| {
                    let ns: Vec<usize> = up[v].iter().chain(&down[v]).copied().collect();
                    if ns.is_empty() {
                        x[v]
                    } else {
                        ns.iter().map(|&w| x[w]).sum::<f64>() / ns.len() as f64
                    }
                })
                .collect();
            let fitted = fit(row, &desired, width);
            for (&v, xv) in row.iter().zip(fitted) {
                x[v] = xv;
            }
        }
    }
    x
}

fn gap(width: &[f64], a: usize, b: usize) -> f64 {
    (width[a] + width[b]) / 2.0 + NODE_GAP
}

/// The positions closest (least squares) to `desired` that keep the row's order and gaps:
/// pool-adjacent-violators on the desired positions minus the cumulative gaps.
pub(super) fn fit(row: &[usize], desired: &[f64], width: &[f64]) -> Vec<f64> {
    let mut offset = vec![0.0; row.len()];
    for i in 1..row.len() {
        offset[i] = offset[i - 1] + gap(width, row[i - 1], row[i]);
    }
    // Blocks of (sum, count) whose mean is non-decreasing.
    let mut blocks: Vec<(f64, usize)> = Vec::new();
    for i in 0..row.len() {
        blocks.push((desired[i] - offset[i], 1));
        while blocks.len() > 1 {
            let (s2, c2) = blocks[blocks.len() - 1];
            let (s1, c1) = blocks[blocks.len() - 2];
            if s1 / c1 as f64 <= s2 / c2 as f64 {
                break;
            }
            blocks.pop();
            let last = blocks.len() - 1;
            blocks[last] = (s1 + s2, c1 + c2);
        }
    }
    let mut out = Vec::with_capacity(row.len());
    for (sum, count) in blocks {
        let mean = sum / count as f64;
        for _ in 0..count {
            out.push(mean + offset[out.len()]);
        }
    }
    out
}
