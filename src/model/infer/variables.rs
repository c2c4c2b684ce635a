//! Variables left in values after the platform's own expansion (`${CART_HOST}` in an nginx
//! template whose value is set where the scan cannot see). Each one is reported once, at its
//! first use, with every other place it is used; when its name names a known host
//! (`CART_HOST` and `cart`), the value leads there, so the edge is kept rather than dropped.

use std::collections::BTreeMap;

use crate::diagnostics::catalog::UNRESOLVED_VARIABLE;
use crate::diagnostics::{Finding, Item, Subject};
use crate::load::interpolate::{self, Problem};
use crate::source::Span;

use super::Inferred;
use super::units::Units;

/// Places where unset variables are used: variable -> (service, span), in order of use.
pub type Unset = BTreeMap<String, Vec<(String, Span)>>;

/// Expands `text` with `lookup`; variables it cannot expand are recorded against `service` at
/// `span` and replaced by the host their name names, when there is one.
pub fn fill(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    units: &Units,
    service: &str,
    span: Span,
    out: &mut Inferred,
) -> String {
    let (expanded, problems) = interpolate::interpolate(text, lookup);
    let unset: Vec<String> = problems
        .into_iter()
        .filter_map(|p| match p {
            Problem::Unset(name) | Problem::Required(name, _) => Some(name),
            Problem::Unclosed | Problem::NotInDotenv(_) => None,
        })
        .collect();
    if unset.is_empty() {
        return expanded;
    }
    for name in &unset {
        out.unset
            .entry(name.clone())
            .or_default()
            .push((service.to_owned(), span));
    }
    let guessed = |name: &str| {
        lookup(name).or_else(|| {
            unset
                .iter()
                .any(|u| u == name)
                .then(|| host_named_by(name, units))
                .flatten()
        })
    };
    interpolate::interpolate(text, &guessed).0
}

/// The known host a variable's name names: `CATALOGUE_HOST` -> `catalogue`,
/// `ORDERS_SERVICE_ADDR` -> `orders-service` or `orders`.
pub fn host_named_by(variable: &str, units: &Units) -> Option<String> {
    let upper = variable.to_ascii_uppercase();
    let mut stem = upper.as_str();
    for suffix in [
        "_HOSTNAME",
        "_HOST",
        "_ADDRESS",
        "_ADDR",
        "_ENDPOINT",
        "_SERVER",
        "_URL",
        "_URI",
        "_NAME",
    ] {
        if let Some(s) = stem.strip_suffix(suffix) {
            stem = s;
            break;
        }
    }
    let lower = stem.to_ascii_lowercase();
    let trimmed = ["_service", "_svc"]
        .iter()
        .find_map(|s| lower.strip_suffix(s))
        .unwrap_or(&lower)
        .to_owned();
    [
        lower.replace('_', "-"),
        lower.replace('_', ""),
        lower.clone(),
        trimmed.replace('_', "-"),
        trimmed.replace('_', ""),
    ]
    .into_iter()
    .filter(|c| !c.is_empty())
    .find(|c| units.hosts.get(c).is_some_and(|t| t.unit.is_some()))
}

/// One CA006 finding per unset variable, at its first use, with the others as related places.
pub fn report(unset: Unset, out: &mut Vec<Finding>) {
    for (name, uses) in unset {
        let Some(((first_service, first), rest)) = uses.split_first() else {
            continue;
        };
        let mut services: Vec<String> = Vec::new();
        for (service, _) in &uses {
            if !services.contains(service) {
                services.push(service.clone());
            }
        }
        let more = if rest.is_empty() {
            String::new()
        } else {
            format!(" (used in {} places)", uses.len())
        };
        let mut finding = Finding::new(
            UNRESOLVED_VARIABLE,
            format!(
                "`{first_service}` uses `${{{name}}}`, which nothing the scan read sets{more}"
            ),
        )
        .at(*first)
        // One unset variable, however many services use it.
        .subject(Subject::group(
            vec![Item::Name(format!("${name}"))],
            services.iter().map(|s| Item::Name(s.clone())).collect(),
        ))
        .label("no value")
        .services(services)
        .help(format!(
            "set {name} where the deployment can be read (compose `environment`, a Kubernetes `env`, a Dockerfile `ENV`), or give it a default: `${{{name}:-value}}`"
        ));
        for (service, span) in rest.iter().filter(|(_, s)| s != first) {
            finding = finding.related(*span, format!("also used by `{service}`"));
        }
        out.push(finding);
    }
}
