//! The distributed-monolith measures as the report shows them: per entrypoint, its longest
//! sync chain, its availability ceiling against its objective and its worst retry chain; the
//! sync cycles; and the services whose failure takes down the most entrypoints.

use serde::Serialize;

use crate::audit::Audit;
use crate::graph::facts::Summary;
use crate::model::ServiceId;
use crate::rules::{blast_radius, deep_sync_chain, retry_amplification};

#[derive(Debug, Clone, Serialize)]
pub struct Monolith {
    pub headline: Summary,
    pub limits: Limits,
    pub chains: Vec<ChainRow>,
    pub cycles: Vec<CycleRow>,
    pub blast_radius: Vec<BlastRow>,
    pub availability: Vec<CeilingRow>,
    pub retries: Vec<RetryRow>,
    /// Entrypoints measured.
    pub entrypoints: usize,
}

/// The thresholds the rules apply, from the configuration.
#[derive(Debug, Clone, Serialize)]
pub struct Limits {
    pub max_depth: f64,
    pub max_attempts: f64,
    pub min_entrypoints: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChainRow {
    pub entrypoint: String,
    pub hops: usize,
    pub path: Vec<String>,
    /// Processing time summed along the chain, defaults applied.
    pub processing_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CycleRow {
    pub members: Vec<String>,
    /// A shortest loop, first member repeated at the end.
    pub path: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlastRow {
    pub service: String,
    pub entrypoints: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CeilingRow {
    pub entrypoint: String,
    /// Percent.
    pub ceiling: f64,
    /// Percent, when the entrypoint declares one.
    pub objective: Option<f64>,
    pub hard_dependencies: usize,
}

impl CeilingRow {
    pub fn meets(&self) -> Option<bool> {
        self.objective.map(|o| self.ceiling + 1e-9 >= o)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RetryRow {
    pub entrypoint: String,
    pub attempts: f64,
    pub path: Vec<String>,
}

pub fn of(audit: &Audit) -> Monolith {
    let model = &audit.model;
    let analysis = &audit.analysis;
    let sync = &analysis.sync;
    let config = &audit.config;
    let names = |ids: &[ServiceId]| -> Vec<String> {
        ids.iter().map(|&s| model.name(s).to_owned()).collect()
    };
    let chain_options = config.rule_options::<deep_sync_chain::Options>();
    let measures = &audit.facts;

    let mut chains: Vec<ChainRow> = measures
        .per_entry
        .iter()
        .map(|m| ChainRow {
            entrypoint: model.name(m.entry).to_owned(),
            hops: m.depth,
            processing_ms: m.chain_ms,
            path: names(&m.longest.services(sync)),
        })
        .filter(|r| r.hops > 0)
        .collect();
    chains.sort_by(|a, b| {
        b.hops
            .cmp(&a.hops)
            .then(b.processing_ms.total_cmp(&a.processing_ms))
            .then(a.entrypoint.cmp(&b.entrypoint))
    });

    let cycles = analysis
        .cycles
        .iter()
        .map(|c| {
            let mut path: Vec<String> = c
                .path
                .iter()
                .map(|&e| model.name(sync.edge(e).from).to_owned())
                .collect();
            if let Some(first) = path.first().cloned() {
                path.push(first);
            }
            CycleRow {
                members: names(&c.members),
                path,
            }
        })
        .collect();

    let mut blast_radius: Vec<BlastRow> = model
        .service_ids()
        .filter(|&s| {
            let down = &analysis.takes_down[s.index()];
            !down.is_empty() && down != &[s]
        })
        .map(|s| BlastRow {
            service: model.name(s).to_owned(),
            entrypoints: names(&analysis.takes_down[s.index()]),
        })
        .collect();
    blast_radius.sort_by(|a, b| {
        b.entrypoints
            .len()
            .cmp(&a.entrypoints.len())
            .then(a.service.cmp(&b.service))
    });

    let mut availability: Vec<CeilingRow> = measures
        .per_entry
        .iter()
        .map(|m| CeilingRow {
            entrypoint: model.name(m.entry).to_owned(),
            ceiling: round_percent(m.ceiling),
            objective: model.service(m.entry).availability.map(round_percent),
            hard_dependencies: m.dependencies.len(),
        })
        .collect();
    availability.sort_by(|a, b| {
        a.ceiling
            .total_cmp(&b.ceiling)
            .then(a.entrypoint.cmp(&b.entrypoint))
    });

    let mut retries: Vec<RetryRow> = measures
        .per_entry
        .iter()
        .map(|m| RetryRow {
            entrypoint: model.name(m.entry).to_owned(),
            attempts: m.attempts,
            path: names(&m.retry_chain.services(sync)),
        })
        .filter(|r| r.attempts > 1.0)
        .collect();
    retries.sort_by(|a, b| {
        b.attempts
            .total_cmp(&a.attempts)
            .then(a.entrypoint.cmp(&b.entrypoint))
    });

    Monolith {
        headline: measures.summary(),
        limits: Limits {
            max_depth: f64::from(chain_options.max_depth),
            max_attempts: f64::from(
                config
                    .rule_options::<retry_amplification::Options>()
                    .max_attempts,
            ),
            min_entrypoints: f64::from(
                config
                    .rule_options::<blast_radius::Options>()
                    .min_entrypoints,
            ),
        },
        chains,
        cycles,
        blast_radius,
        availability,
        retries,
        entrypoints: analysis.entrypoints.len(),
    }
}

/// A fraction as a percentage with four decimals at most, so output is stable.
fn round_percent(fraction: f64) -> f64 {
    (fraction * 1e6).round() / 1e4
}
