//! CA101 sync-cycle: a strongly connected set of services in G_sync, or a service that calls
//! itself. One finding per cycle, at its first hop, with one shortest loop and every member.

use crate::diagnostics::{Finding, Item, Subject};

use super::{Context, hops};
use crate::diagnostics::catalog::SYNC_CYCLE;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let sync = &ctx.analysis.sync;
    ctx.analysis
        .cycles
        .iter()
        .map(|cycle| {
            let first = sync.edge(cycle.path[0]);
            let mut around = vec![first.from];
            around.extend(cycle.path.iter().map(|&e| sync.edge(e).to));
            let loop_text = hops::path_text(ctx, &around);
            let others = cycle.members.len() - (around.len() - 1);
            let mut message = format!("sync cycle: {loop_text}");
            if others > 0 {
                message.push_str(&format!(
                    " ({} services in the strongly connected set)",
                    cycle.members.len()
                ));
            }
            let mut members = cycle.members.clone();
            members.sort_unstable();
            let mut finding = Finding::new(SYNC_CYCLE, message)
                .at(hops::span(ctx, first))
                .subject(Subject::Items(
                    members.into_iter().map(Item::Service).collect(),
                ))
                .label("this call starts the loop")
                .services(cycle.members.iter().map(|&s| ctx.model.name(s).to_owned()))
                .help(
                    "break the loop at the call whose answer is needed least: publish an event \
                     the other service reacts to, or pass it the data it would fetch back",
                );
            if let Some(op) = hops::operation(ctx, first) {
                finding = finding.operation(op);
            }
            for &e in &cycle.path[1..] {
                let edge = sync.edge(e);
                finding = finding.related(hops::span(ctx, edge), hops::describe(ctx, edge));
            }
            finding
        })
        .collect()
}
