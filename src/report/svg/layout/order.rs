//! Crossing reduction: barycentre sweeps down and up the layers, keeping the order with the
//! fewest crossings (counted as inversions, in O(e log e) per pair of layers).

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

/// Edge crossings between neighbouring layers, counted as inversions by merge sort.
fn crossings(order: &[Vec<usize>], down: &[Vec<usize>], n: usize) -> usize {
    let mut pos = vec![0usize; n];
    for row in order {
        for (i, &v) in row.iter().enumerate() {
            pos[v] = i;
        }
    }
    let mut total = 0;
    for row in order {
        let mut targets: Vec<usize> = Vec::new();
        for &v in row {
            let mut ts: Vec<usize> = down[v].iter().map(|&w| pos[w]).collect();
            ts.sort_unstable();
            targets.extend(ts);
        }
        total += inversions(&mut targets);
    }
    total
}

fn inversions(items: &mut [usize]) -> usize {
    if items.len() < 2 {
        return 0;
    }
    let mid = items.len() / 2;
    let mut count = inversions(&mut items[..mid]) + inversions(&mut items[mid..]);
    let mut merged = Vec::with_capacity(items.len());
    let (mut i, mut j) = (0, mid);
    while i < mid && j < items.len() {
        if items[i] <= items[j] {
            merged.push(items[i]);
            i += 1;
        } else {
            count += mid - i;
            merged.push(items[j]);
            j += 1;
        }
    }
    merged.extend_from_slice(&items[i..mid]);
    merged.extend_from_slice(&items[j..]);
    items.copy_from_slice(&merged);
    count
}
