//! NetworkPolicies as evidence of calls: each allowed pair that a setting already explains gets
//! the policy added to its evidence; a pair nothing else explains becomes an edge of its own,
//! with the protocol of the ports the rule opens (their names, `appProtocol`, the target's
//! named container ports, the well-known port). A selector that matches no pod the scan read
//! is reported (CA002) with the closest label that exists.

use std::collections::BTreeMap;

use super::Protos;
use crate::diagnostics::catalog::UNKNOWN_SERVICE;
use crate::diagnostics::{Finding, Item};
use crate::load::kube::{self, Kube, NetworkPolicy};
use crate::model::Protocol;
use crate::source::Span;
use crate::suggest;

use super::Inferred;
use super::classify::{self, Role};
use super::selectors::Workloads;
use super::units::Units;

pub fn from_network_policies(kube: &Kube, units: &Units, protos: &Protos, out: &mut Inferred) {
    let workloads = Workloads::new(&kube.workloads);
    for policy in &kube.policies {
        let selected = |labels: &BTreeMap<String, String>| -> Vec<usize> {
            let mut found: Vec<usize> = workloads
                .selected(&policy.namespace, labels)
                .into_iter()
                .filter_map(|w| units.workloads.get(&(w.namespace.clone(), w.name.clone())))
                .copied()
                .collect();
            found.sort_unstable();
            found.dedup();
            found
        };
        let targets = if policy.pod_selector.is_empty() {
            Vec::new()
        } else {
            selected(&policy.pod_selector)
        };
        if !policy.pod_selector.is_empty() && targets.is_empty() {
            selects_nothing(
                kube,
                policy,
                &policy.pod_selector,
                policy.selector_span,
                out,
            );
        }
        for allowed in &policy.allowed_from {
            let sources = selected(&allowed.pods);
            if sources.is_empty() && !allowed.pods.is_empty() {
                selects_nothing(kube, policy, &allowed.pods, allowed.span, out);
            }
            for &source in &sources {
                for &target in targets.iter().filter(|&&t| t != source) {
                    allow(units, protos, policy, &allowed.ports, (source, target), out);
                }
            }
        }
    }
}

fn allow(
    units: &Units,
    protos: &Protos,
    policy: &NetworkPolicy,
    ports: &[String],
    (source, target): (usize, usize),
    out: &mut Inferred,
) {
    let (from, to) = (&units.units[source].name, &units.units[target].name);
    let why = format!("NetworkPolicy {} allows it", policy.name);
    if let Some(c) = out.first_call_mut(from, to) {
        c.evidence = format!("{}; {why}", c.evidence);
        return;
    }
    if let Some(a) = out
        .accesses
        .iter_mut()
        .find(|a| a.service == *from && a.datastore == *to)
    {
        a.evidence = format!("{}; {why}", a.evidence);
        return;
    }
    match units.units[target].role {
        Role::Datastore(_) => out.add_access((from, to), policy.span, why, false),
        Role::Service | Role::Infrastructure(_) => {
            let protocol = protocol_of(units, protos, target, ports);
            out.add_call((from, to), protocol, policy.span, why, false);
        }
        Role::Broker(_) | Role::Telemetry => {}
    }
}

/// The protocol a policy's ports say for a target: a matching gRPC contract first, then the
/// ports' names, the target's named ports, the well-known ports, and `tcp` last.
fn protocol_of(units: &Units, protos: &Protos, target: usize, ports: &[String]) -> Protocol {
    let unit = &units.units[target];
    if !super::matching_protos(&unit.name, protos).is_empty() {
        return Protocol::Grpc;
    }
    let by_port = ports.iter().find_map(|p| match p.parse::<u16>() {
        Ok(n) => unit
            .ports
            .get(&n)
            .cloned()
            .flatten()
            .or_else(|| classify::protocol_of_port(n)),
        Err(_) => classify::protocol_of_port_name(p),
    });
    by_port
        .or_else(|| unit.ports.values().find_map(Clone::clone))
        .unwrap_or_else(|| Protocol::Other("tcp".into()))
}

/// A selector that matches no pod of a namespace whose workloads were read.
fn selects_nothing(
    kube: &Kube,
    policy: &NetworkPolicy,
    labels: &BTreeMap<String, String>,
    span: Span,
    out: &mut Inferred,
) {
    let in_namespace: Vec<&kube::Workload> = kube
        .workloads
        .iter()
        .filter(|w| w.namespace == policy.namespace)
        .collect();
    if in_namespace.is_empty() {
        return;
    }
    let wanted = labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    let existing: Vec<String> = in_namespace
        .iter()
        .flat_map(|w| w.labels.iter().map(|(k, v)| format!("{k}={v}")))
        .collect();
    let help = match suggest::closest(&wanted, existing.iter().map(String::as_str)) {
        Some(label) => format!(
            "did you mean `{label}`? otherwise label the pods it is meant for, or remove the policy"
        ),
        None => "label the pods it is meant for, or remove the policy".to_owned(),
    };
    out.findings.push(
        Finding::new(
            UNKNOWN_SERVICE,
            format!(
                "NetworkPolicy `{}` selects pods labelled `{wanted}`, but no pod the scan read has that label",
                policy.name
            ),
        )
        .at(span)
        .about(Item::Name(policy.name.clone()))
        .about(Item::Key(wanted.clone()))
        .label("selects no pod")
        .help(help),
    );
}
