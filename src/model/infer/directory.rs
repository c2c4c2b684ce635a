//! Service directories: one setting that lists several services' addresses, copied unchanged
//! into many services, including the listed ones themselves (`RPC_SERVICES=STORES=stores:9000,
//! CUSTOMERS=customers:9000` in all nine services of a project). It says where services are,
//! not who calls whom, so its addresses draw no edge; the summary says so.

use std::collections::{BTreeMap, BTreeSet};

use super::address;
use super::classify::Role;
use super::units::Units;

/// How many services must hold the same setting before it reads as a directory.
const MIN_HOLDERS: usize = 3;

/// Settings (key, value) that are directories, with a note for each.
pub fn find(units: &Units) -> (BTreeSet<(String, String)>, Vec<String>) {
    let mut holders: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
    for unit in units.units.iter().filter(|u| u.role == Role::Service) {
        for (key, value, _) in &unit.env {
            holders
                .entry((key.as_str(), value.as_str()))
                .or_default()
                .insert(unit.name.as_str());
        }
    }
    let mut found = BTreeSet::new();
    let mut notes = Vec::new();
    for ((key, value), who) in holders {
        if who.len() < MIN_HOLDERS {
            continue;
        }
        let listed: BTreeSet<&str> = address::parse(key, value)
            .iter()
            .filter_map(|a| units.hosts.get(&a.host)?.unit)
            .map(|i| units.units[i].name.as_str())
            .collect();
        if listed.len() >= 2 && listed.iter().any(|l| who.contains(l)) {
            notes.push(format!(
                "`{key}` lists {} in {} services, the listed ones included: a directory of addresses, not calls; which of them each service calls is not in the configuration, so none is drawn (declare the calls in a manifest)",
                listed.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", "),
                who.len()
            ));
            found.insert((key.to_owned(), value.to_owned()));
        }
    }
    (found, notes)
}
