//! A layered drawing of a directed graph, top to bottom, in pure Rust and without panics on any
//! input (empty graphs, cycles, self-loops): cycles are broken by reversing depth-first back
//! edges, nodes get longest-path layers, long edges pass through dummy points, barycentre
//! sweeps order each layer (keeping the order with fewest crossings), and positions come from
//! an isotonic fit of each node to its neighbours under minimum separations.
//!
//! Dense graphs are bounded: past [`DUMMY_BUDGET`] dummy points in all, the longest edges are
//! drawn as one curve between their ends instead of being routed through every layer they cross
//! ([`Layout::unrouted`] counts them, so the drawing can say so).
//!
//! Everything is deterministic: ties break by node index.

mod order;
mod place;

use std::collections::VecDeque;

use order::order_layers;
use place::place;

/// Space between layers, under the tallest node of a layer.
const LAYER_GAP: f64 = 64.0;
/// Space between neighbouring nodes in a layer.
pub(super) const NODE_GAP: f64 = 26.0;
/// Width a long edge takes where it crosses a layer.
const DUMMY_WIDTH: f64 = 14.0;
pub const MARGIN: f64 = 16.0;
/// Dummy points (one per layer a long edge crosses) laid out at most. A fully connected graph of
/// n nodes needs about n^3/6 of them, so without a bound 200 services take minutes.
pub const DUMMY_BUDGET: usize = 20_000;

/// Where everything goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Centre of each node.
    pub centers: Vec<(f64, f64)>,
    /// Points of each edge, from its source's border to its target's border, in the edge's
    /// own direction; empty for a self-loop.
    pub routes: Vec<Vec<(f64, f64)>>,
    pub width: f64,
    pub height: f64,
    /// Long edges drawn straight between their ends, past [`DUMMY_BUDGET`].
    pub unrouted: usize,
}

/// Lays out nodes of the given (width, height) joined by `edges` (from, to). Nodes marked in
/// `top` (where requests enter) stay above the rest: an edge into one of them from an unmarked
/// node is drawn upward instead of pulling it down.
pub fn layout(sizes: &[(f64, f64)], edges: &[(usize, usize)], top: &[bool]) -> Layout {
    let n = sizes.len();
    if n == 0 {
        return Layout {
            centers: Vec::new(),
            routes: vec![Vec::new(); edges.len()],
            width: 2.0 * MARGIN,
            height: 2.0 * MARGIN,
            unrouted: 0,
        };
    }
    let edges: Vec<(usize, usize)> = edges
        .iter()
        .map(|&(a, b)| (a.min(n - 1), b.min(n - 1)))
        .collect();
    let is_top = |v: usize| top.get(v).copied().unwrap_or(false);
    let upward: Vec<bool> = edges
        .iter()
        .map(|&(a, b)| is_top(b) && !is_top(a))
        .collect();
    let kept: Vec<(usize, usize)> = edges
        .iter()
        .zip(&upward)
        .map(|(&(a, b), &up)| if up { (b, a) } else { (a, b) })
        .collect();
    let reversed: Vec<bool> = back_edges(n, &kept)
        .iter()
        .zip(&upward)
        .map(|(&back, &up)| back != up)
        .collect();
    let dag: Vec<(usize, usize)> = edges
        .iter()
        .zip(&reversed)
        .map(|(&(a, b), &r)| if r { (b, a) } else { (a, b) })
        .collect();
    let layer = layers(n, &dag);

    // Virtual nodes: the real ones, then a dummy per layer crossed by a long edge.
    let mut vlayer = layer.clone();
    let mut vwidth: Vec<f64> = sizes.iter().map(|s| s.0.max(1.0)).collect();
    let routed = routed_edges(&dag, &layer);
    let unrouted = routed.iter().filter(|&&r| !r).count();
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(dag.len());
    for (&(a, b), &routed) in dag.iter().zip(&routed) {
        let mut chain = vec![a];
        if a != b {
            let crossed = if routed { layer[a] + 1..layer[b] } else { 0..0 };
            for l in crossed {
                vlayer.push(l);
                vwidth.push(DUMMY_WIDTH);
                chain.push(vlayer.len() - 1);
            }
            chain.push(b);
        }
        chains.push(chain);
    }
    let depth = vlayer.iter().copied().max().unwrap_or(0) + 1;
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); vlayer.len()];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); vlayer.len()];
    for chain in &chains {
        for pair in chain.windows(2) {
            down[pair[0]].push(pair[1]);
            up[pair[1]].push(pair[0]);
        }
    }
    let order = order_layers(&vlayer, depth, &up, &down);
    let x = place(&order, &vwidth, &up, &down);

    // Rows: each layer as tall as its tallest node.
    let mut row_height = vec![0.0f64; depth];
    for (v, &l) in layer.iter().enumerate() {
        row_height[l] = row_height[l].max(sizes[v].1);
    }
    let mut row_y = vec![0.0; depth];
    let mut y = MARGIN;
    for l in 0..depth {
        let h = row_height[l].max(DUMMY_WIDTH);
        row_y[l] = y + h / 2.0;
        y += h + LAYER_GAP;
    }
    let height = y - LAYER_GAP + MARGIN;
    let left = (0..vlayer.len())
        .map(|v| x[v] - vwidth[v] / 2.0)
        .fold(f64::INFINITY, f64::min);
    let shift = MARGIN - left;
    let width = (0..vlayer.len())
        .map(|v| x[v] + vwidth[v] / 2.0 + shift)
        .fold(0.0, f64::max)
        + MARGIN;
    let centers: Vec<(f64, f64)> = (0..n).map(|v| (x[v] + shift, row_y[layer[v]])).collect();
    let vpos = |v: usize| (x[v] + shift, row_y[vlayer[v]]);
    let routes = chains
        .iter()
        .zip(&reversed)
        .map(|(chain, &rev)| {
            if chain.len() < 2 {
                return Vec::new();
            }
            let mut points: Vec<(f64, f64)> = chain.iter().map(|&v| vpos(v)).collect();
            let (first, last) = (chain[0], chain[chain.len() - 1]);
            points[0].1 += sizes[first].1 / 2.0;
            let end = points.len() - 1;
            points[end].1 -= sizes[last].1 / 2.0;
            if rev {
                points.reverse();
            }
            points
        })
        .collect();
    Layout {
        centers,
        routes,
        width,
        height,
        unrouted,
    }
}

/// Which edges get a dummy point per layer they cross: all of them when that fits in
/// [`DUMMY_BUDGET`], else the shortest first (ties by index) until the budget is spent.
fn routed_edges(dag: &[(usize, usize)], layer: &[usize]) -> Vec<bool> {
    let span = |&(a, b): &(usize, usize)| layer[b].saturating_sub(layer[a] + 1);
    let total: usize = dag.iter().map(span).sum();
    if total <= DUMMY_BUDGET {
        return vec![true; dag.len()];
    }
    let mut by_span: Vec<usize> = (0..dag.len()).collect();
    by_span.sort_by_key(|&e| (span(&dag[e]), e));
    let mut routed = vec![false; dag.len()];
    let mut spent = 0;
    for e in by_span {
        let cost = span(&dag[e]);
        if spent + cost > DUMMY_BUDGET {
            break;
        }
        spent += cost;
        routed[e] = true;
    }
    routed
}

/// Edges that close a cycle in a depth-first search from the sources (then from every node
/// left), iteratively so deep graphs cannot overflow the stack. Self-loops count as back edges.
fn back_edges(n: usize, edges: &[(usize, usize)]) -> Vec<bool> {
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for (i, &(a, b)) in edges.iter().enumerate() {
        out[a].push((b, i));
        if a != b {
            indegree[b] += 1;
        }
    }
    let mut state = vec![0u8; n]; // 0 new, 1 on the stack, 2 done
    let mut back = vec![false; edges.len()];
    let roots = (0..n)
        .filter(|&v| indegree[v] == 0)
        .chain(0..n)
        .collect::<Vec<_>>();
    for root in roots {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&(w, e)) = out[v].get(*next) {
                *next += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => back[e] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    back
}

/// Longest-path layers on the acyclic edges; sources then sit just above their first
/// successor instead of all at the top.
fn layers(n: usize, dag: &[(usize, usize)]) -> Vec<usize> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for &(a, b) in dag {
        if a != b {
            out[a].push(b);
            indegree[b] += 1;
        }
    }
    let sources: Vec<bool> = indegree.iter().map(|&d| d == 0).collect();
    let mut layer = vec![0usize; n];
    let mut queue: VecDeque<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    let mut topo = Vec::with_capacity(n);
    while let Some(v) = queue.pop_front() {
        topo.push(v);
        for &w in &out[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                queue.push_back(w);
            }
        }
    }
    for &v in topo.iter().rev() {
        if sources[v]
            && let Some(first) = out[v].iter().map(|&w| layer[w]).min()
        {
            layer[v] = first.saturating_sub(1).max(layer[v]);
        }
    }
    layer
}

#[cfg(test)]
mod tests {
    use super::place::fit;
    use super::*;

    #[test]
    fn an_empty_graph_is_an_empty_drawing() {
        let l = layout(&[], &[], &[]);
        assert!(l.centers.is_empty());
        assert!(l.width > 0.0 && l.height > 0.0);
    }

    #[test]
    fn edges_point_down_and_nodes_never_overlap() {
        let sizes = vec![(80.0, 30.0); 5];
        let l = layout(
            &sizes,
            &[(0, 1), (1, 2), (0, 2), (2, 3), (3, 1), (4, 4)],
            &[],
        );
        assert!(l.centers[0].1 < l.centers[1].1);
        assert!(l.centers[1].1 < l.centers[2].1);
        for a in 0..5 {
            for b in a + 1..5 {
                let (pa, pb) = (l.centers[a], l.centers[b]);
                let apart = (pa.0 - pb.0).abs() >= 80.0 || (pa.1 - pb.1).abs() >= 30.0;
                assert!(apart, "{a} and {b} overlap: {pa:?} {pb:?}");
            }
        }
        assert!(l.routes[5].is_empty(), "self-loops are drawn by the caller");
        // The back edge 3 -> 1 still runs from 3 to 1.
        let back = &l.routes[4];
        assert!(back[0].1 > back[back.len() - 1].1);
    }

    #[test]
    fn entry_nodes_stay_on_top_of_what_feeds_back_into_them() {
        // 0 (top) -> 1 -> 2 -> 0: without the hint 0 would sit below 2 or above 1 arbitrarily.
        let sizes = vec![(60.0, 20.0); 3];
        let l = layout(&sizes, &[(0, 1), (1, 2), (2, 0)], &[true, false, false]);
        assert!(l.centers[0].1 < l.centers[1].1 && l.centers[1].1 < l.centers[2].1);
        let back = &l.routes[2];
        assert!(back[0].1 > back[back.len() - 1].1, "2 -> 0 is drawn upward");
    }

    #[test]
    fn a_long_edge_bends_through_one_point_per_layer() {
        let sizes = vec![(60.0, 20.0); 4];
        let l = layout(&sizes, &[(0, 1), (1, 2), (2, 3), (0, 3)], &[]);
        assert_eq!(l.routes[3].len(), 4);
    }

    #[test]
    fn isotonic_fit_keeps_order_and_gaps() {
        let width = vec![20.0, 20.0, 20.0];
        let fitted = fit(&[0, 1, 2], &[50.0, 0.0, 100.0], &width);
        assert!(fitted[1] - fitted[0] >= 46.0 - 1e-9);
        assert!(fitted[2] - fitted[1] >= 46.0 - 1e-9);
    }

    #[test]
    fn a_big_layered_graph_lays_out_quickly() {
        let mut edges = Vec::new();
        for layer in 0..20usize {
            for a in 0..25usize {
                for k in 0..3usize {
                    edges.push((layer * 25 + a, (layer + 1) * 25 + (a * 7 + k) % 25));
                }
            }
        }
        let sizes = vec![(90.0, 30.0); 21 * 25];
        let started = std::time::Instant::now();
        let l = layout(&sizes, &edges, &[]);
        assert_eq!(l.centers.len(), 525);
        assert!(started.elapsed().as_secs() < 10);
    }

    #[test]
    fn two_hundred_fully_connected_nodes_are_bounded_and_say_so() {
        // About 1.3 million dummy points unbounded: minutes, and gigabytes.
        let n = 200;
        let edges: Vec<(usize, usize)> = (0..n)
            .flat_map(|a| (0..n).filter(move |&b| b != a).map(move |b| (a, b)))
            .collect();
        let l = layout(&vec![(90.0, 30.0); n], &edges, &[]);
        assert_eq!(l.centers.len(), n);
        assert_eq!(l.routes.len(), edges.len());
        assert!(l.unrouted > 0);
        let dummies: usize = l.routes.iter().map(|r| r.len().saturating_sub(2)).sum();
        assert!(dummies <= DUMMY_BUDGET, "{dummies}");
    }
}
