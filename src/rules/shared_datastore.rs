//! CA107 shared-datastore: two or more services write one datastore. One finding per
//! datastore, at its declaration, with each writer's use as a related location. Accesses that
//! only a start order suggests (confidence `possible`) are not judged, nor those of
//! infrastructure keeping its own state (a contract broker's tables beside the services').

use std::collections::BTreeMap;

use crate::diagnostics::{Finding, Item};
use crate::model::{Confidence, DatastoreAccess, DatastoreId, ServiceKind};

use super::Context;
use crate::diagnostics::catalog::SHARED_DATASTORE;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let mut writers: BTreeMap<DatastoreId, Vec<&DatastoreAccess>> = BTreeMap::new();
    let judged = |a: &&DatastoreAccess| {
        a.writes()
            && a.provenance.confidence != Confidence::Possible
            && ctx.model.service(a.service).kind != ServiceKind::Infrastructure
    };
    for access in ctx.model.accesses.iter().filter(judged) {
        writers.entry(access.datastore).or_default().push(access);
    }
    let mut findings = Vec::new();
    for (id, accesses) in writers {
        let mut services: Vec<&str> = accesses.iter().map(|a| ctx.model.name(a.service)).collect();
        services.sort_unstable();
        services.dedup();
        if services.len() < 2 {
            continue;
        }
        let store = ctx.model.datastore(id);
        let owner = store
            .owner
            .as_deref()
            .map_or_else(String::new, |o| format!(" (owned by `{o}`)"));
        let mut finding = Finding::new(
            SHARED_DATASTORE,
            format!(
                "`{}`{owner} is written by {} services: {}",
                store.name,
                services.len(),
                services.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
            ),
        )
        .at(store.span)
        .about(Item::Datastore(id))
        .label("more than one writer")
        .services(services.iter().map(|s| (*s).to_owned()))
        .help(format!(
            "give `{}` one writing service; the others ask it (a call) or tell it (an event it consumes)",
            store.name
        ));
        for access in accesses {
            finding = finding.related(
                access.span,
                format!("`{}` writes it", ctx.model.name(access.service)),
            );
        }
        findings.push(finding);
    }
    findings
}
