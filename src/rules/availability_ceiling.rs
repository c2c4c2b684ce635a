//! CA104 availability-ceiling: an entrypoint's availability SLO is above the product of the
//! availabilities of everything it needs synchronously (hard dependencies only: calls with a
//! declared fallback, and anything behind a queue, do not count).

use crate::diagnostics::{Finding, Item};
use crate::model::ServiceId;
use crate::options;

use super::{Context, hops};
use crate::diagnostics::catalog::AVAILABILITY_CEILING;

/// Dependencies listed as related locations, weakest first.
const SHOWN: usize = 8;

options::declare! {
    /// CA104's assumption, under `rules: { CA104: ... }` in commaudit.yaml.
    pub struct Options {
        "default-availability" default_availability: f64 = 99.9, 0..=100,
            "availability in percent assumed for a dependency without an SLO";
    }
}

pub fn check(ctx: &Context) -> Vec<Finding> {
    let default = ctx.options::<Options>().default_availability / 100.0;
    let mut findings = Vec::new();
    for &entry in &ctx.analysis.entrypoints {
        let service = ctx.model.service(entry);
        let Some(slo) = service.availability else {
            continue;
        };
        let deps = ctx.analysis.dependencies_of(entry);
        let availability = |s: ServiceId| ctx.model.service(s).availability.unwrap_or(default);
        let ceiling: f64 = deps.iter().map(|&s| availability(s)).product();
        if ceiling >= slo {
            continue;
        }
        let mut weakest: Vec<ServiceId> = deps.to_vec();
        weakest.sort_by(|&a, &b| availability(a).total_cmp(&availability(b)).then(a.cmp(&b)));
        let defaulted = deps
            .iter()
            .filter(|&&s| ctx.model.service(s).availability.is_none())
            .count();
        let mut finding = Finding::new(
            AVAILABILITY_CEILING,
            format!(
                "`{}` promises {}% but its {} hard sync dependencies multiply to {}%",
                service.name,
                hops::percent(slo),
                deps.len(),
                hops::percent(ceiling),
            ),
        )
        .at(service.slo_span.unwrap_or(service.span))
        .about(Item::Service(entry))
        .label(format!("at most {}% is reachable", hops::percent(ceiling)))
        .service(service.name.clone())
        .services(deps.iter().map(|&s| ctx.model.name(s).to_owned()))
        .help(format!(
            "remove hard dependencies (queue the side effects, give optional calls a fallback), raise the weakest ones' SLOs, or promise at most {}%{}",
            hops::percent(ceiling),
            if defaulted > 0 {
                let noun = if defaulted == 1 { "dependency" } else { "dependencies" };
                format!("; {defaulted} {noun} without an SLO counted at the default {}%", hops::percent(default))
            } else {
                String::new()
            }
        ));
        for &s in weakest.iter().take(SHOWN) {
            let dep = ctx.model.service(s);
            finding = finding.related(
                dep.slo_span.unwrap_or(dep.span),
                format!("`{}`: {}%", dep.name, hops::percent(availability(s))),
            );
        }
        findings.push(finding);
    }
    findings
}
