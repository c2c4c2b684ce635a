//! Crossing reduction: barycentre sweeps down and up the layers, keeping the order with the
//! fewest crossings (counted as inversions with a Fenwick tree, O(e log n) per pair of layers).

use rayon::prelude::*;

/// Sweeps of barycentre ordering.
const SWEEPS: usize = 24;

/// The order of the virtual nodes in each layer.
pub(super) fn order_layers(
    vlayer: &[usize],
    depth: usize,
    up: &[Vec<usize>],
    down: &[Vec<usize>],
) -> Vec<Vec<usize>> {
    // Start from the order a depth-first walk meets the nodes, so related nodes sit together.
    let mut seen = vec![false; vlayer.len()];
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); depth];
    let starts: Vec<usize> = (0..vlayer.len())
        .filter(|&v| up[v].is_empty())
        .chain(0..vlayer.len())
        .collect();
    for start in starts {
        let mut stack = vec![start];
        while let Some(v) = stack.pop() {
            if seen[v] {
                continue;
            }
            seen[v] = true;
            order[vlayer[v]].push(v);
            for &w in down[v].iter().rev() {
                if !seen[w] {
                    stack.push(w);
                }
            }
        }
    }
    let mut best = order.clone();
    let mut best_crossings = crossings(&order, down, vlayer.len());
    // Positions in the current order; only the layer just reordered changes them.
    let mut pos = vec![0usize; vlayer.len()];
    for row in &order {
        for (i, &v) in row.iter().enumerate() {
            pos[v] = i;
        }
    }
    for sweep in 0..SWEEPS {
        let downward = sweep % 2 == 0;
        let layers: Vec<usize> = if downward {
            (1..depth).collect()
        } else {
            (0..depth.saturating_sub(1)).rev().collect()
        };
        for l in layers {
            let neighbours = if downward { up } else { down };
            let mut keyed: Vec<(f64, usize, usize)> = order[l]
                .iter()
                .map(|&v| {
                    let ns = &neighbours[v];
                    let key = if ns.is_empty() {
                        pos[v] as f64
                    } else {
                        ns.iter().map(|&w| pos[w] as f64).sum::<f64>() / ns.len() as f64
                    };
                    (key, pos[v], v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            order[l] = keyed.into_iter().map(|(_, _, v)| v).collect();
            for (i, &v) in order[l].iter().enumerate() {
                pos[v] = i;
            }
        }
        let c = crossings(&order, down, vlayer.len());
        if c < best_crossings {
            best_crossings = c;
            best = order.clone();
        }
    }
    best
}

/// Edge crossings between neighbouring layers, counted as inversions; the layers are counted
/// on every core.
fn crossings(order: &[Vec<usize>], down: &[Vec<usize>], n: usize) -> usize {
    let mut pos = vec![0usize; n];
    for row in order {
        for (i, &v) in row.iter().enumerate() {
            pos[v] = i;
        }
    }
    order
        .par_iter()
        .map(|row| {
            let mut targets: Vec<usize> = Vec::new();
            for &v in row {
                let start = targets.len();
                targets.extend(down[v].iter().map(|&w| pos[w]));
                targets[start..].sort_unstable();
            }
            inversions(&targets)
        })
        .sum()
}

/// Pairs out of order (an item before a smaller one), counted with a Fenwick tree over the
/// values: O(n log m) without allocating per step.
fn inversions(items: &[usize]) -> usize {
    let Some(&max) = items.iter().max() else {
        return 0;
    };
    // tree[i] counts the items seen so far with values in a range ending at i - 1.
    let mut tree = vec![0usize; max + 2];
    let mut count = 0;
    for (seen, &x) in items.iter().enumerate() {
        let mut at_most = 0;
        let mut i = x + 1;
        while i > 0 {
            at_most += tree[i];
            i &= i - 1;
        }
        count += seen - at_most;
        let mut i = x + 1;
        while i < tree.len() {
            tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inversions_are_the_pairs_out_of_order() {
        let naive = |items: &[usize]| {
            (0..items.len())
                .flat_map(|i| (i + 1..items.len()).map(move |j| (i, j)))
                .filter(|&(i, j)| items[i] > items[j])
                .count()
        };
        let mut seed = 7u64;
        for len in 0..60 {
            let items: Vec<usize> = (0..len)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (seed >> 33) as usize % 9
                })
                .collect();
            assert_eq!(inversions(&items), naive(&items), "{items:?}");
        }
        assert_eq!(inversions(&[3, 2, 1, 0]), 6);
        assert_eq!(inversions(&[0, 0, 1, 1]), 0);
    }
}
