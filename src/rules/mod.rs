//! Stage 4, rules: each rule reads the model and the graph and returns findings. Rules are pure:
//! no I/O, no printing, no panics on user data.
//!
//! A rule's metadata and documentation live in `rules/<ID>.yaml` (see [`catalog`]); its
//! detection lives in one file here, named on the rule's line of [`catalog::for_each_rule`],
//! from which [`REGISTRY`] is generated.

mod hops;

use rayon::prelude::*;

use crate::coverage::Coverage;
use crate::diagnostics::catalog;
use crate::diagnostics::{Finding, RuleId};
use crate::graph::Graph;
use crate::graph::analysis::Analysis;
use crate::graph::assumptions::Assumptions;
use crate::graph::facts::Facts;
use crate::model::Model;
use crate::options::{Field, Fields, Options};

/// What every rule reads.
pub struct Context<'a> {
    pub model: &'a Model,
    pub graph: &'a Graph,
    pub analysis: &'a Analysis,
    /// Every measure, computed once.
    pub facts: &'a Facts,
    /// Every rule's options, as configured; a rule reads its own with [`Context::options`].
    pub rule_options: &'a RuleOptions,
    pub assumptions: &'a Assumptions,
    /// What the scan saw and could not see.
    pub coverage: &'a Coverage,
}

impl Context<'_> {
    /// The options of the rule whose options type is `T`.
    pub fn options<T: RuleOption>(&self) -> &T {
        self.rule_options.get()
    }
}

/// Where a rule's findings come from.
#[derive(Debug, Clone, Copy)]
pub enum Detection {
    /// Found while reading files or resolving names (`load/`, `model/`).
    WhileLoading,
    /// A check over the model and graph.
    Check(fn(&Context) -> Vec<Finding>),
    /// Found by the CI gate while applying suppressions and the baseline (`gate/`), about the
    /// gate's own inputs rather than the architecture.
    Gate,
}

/// The options type of one rule, declared in its file with [`crate::options::declare`] and
/// named on its line of [`catalog::for_each_rule`].
pub trait RuleOption: Options {
    /// This rule's options among all of them.
    fn pick(all: &RuleOptions) -> &Self;
}

/// The rule modules, [`REGISTRY`] and [`RuleOptions`], from the one list of rules
/// ([`catalog::for_each_rule`]).
macro_rules! registry {
    ($($id:ident $name:ident $kind:ident $(($module:ident $(, $options:ident)?))?;)*) => {
        $($(pub mod $module;)?)*

        /// Every rule with its detection, in ID order.
        pub const REGISTRY: &[(RuleId, Detection)] = &[
            $((catalog::$name, registry!(@detection $kind $($module)?)),)*
        ];

        /// Every rule's options, typed: the declared defaults, then what the configuration
        /// sets. One field per rule that has options.
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct RuleOptions {
            $($($(pub $module: $module::$options,)?)?)*
        }

        impl RuleOptions {
            /// The options of `rule`, untyped, for the configuration to set; `None` when the
            /// rule has none.
            pub fn of(&self, rule: RuleId) -> Option<&dyn Fields> {
                $($($(
                    if rule == catalog::$name {
                        return Some(untyped::<$module::$options>(&self.$module));
                    }
                )?)?)*
                None
            }

            /// [`RuleOptions::of`], to change.
            pub fn of_mut(&mut self, rule: RuleId) -> Option<&mut dyn Fields> {
                $($($(
                    if rule == catalog::$name {
                        return Some(untyped_mut::<$module::$options>(&mut self.$module));
                    }
                )?)?)*
                None
            }
        }

        $($($(
            impl RuleOption for $module::$options {
                fn pick(all: &RuleOptions) -> &Self {
                    &all.$module
                }
            }
        )?)?)*
    };
    (@detection loading) => {
        Detection::WhileLoading
    };
    (@detection gate) => {
        Detection::Gate
    };
    (@detection check $module:ident) => {
        Detection::Check($module::check)
    };
}
catalog::for_each_rule!(registry);

/// Whether `rule`'s findings come from a check over the model and graph, rather than from
/// loading the inputs or from the CI gate.
pub fn is_check(rule: RuleId) -> bool {
    REGISTRY
        .iter()
        .any(|(id, detection)| *id == rule && matches!(detection, Detection::Check(_)))
}

fn untyped<T: Options>(options: &T) -> &dyn Fields {
    options
}

fn untyped_mut<T: Options>(options: &mut T) -> &mut dyn Fields {
    options
}

/// The options a rule declares, by ID (`CA102`); none for most rules.
pub fn declared_options(rule: &str) -> &'static [Field] {
    let defaults = RuleOptions::default();
    REGISTRY
        .iter()
        .find(|(id, _)| id.0 == rule)
        .and_then(|(id, _)| defaults.of(*id))
        .map_or(&[], |o| o.fields())
}

impl RuleOptions {
    /// The options of the rule whose options type is `T`.
    pub fn get<T: RuleOption>(&self) -> &T {
        T::pick(self)
    }
}

/// Runs every check rule that `enabled` lets run.
pub fn run(ctx: &Context, enabled: &dyn Fn(RuleId) -> bool) -> Vec<Finding> {
    let checks: Vec<fn(&Context) -> Vec<Finding>> = REGISTRY
        .iter()
        .filter(|(id, _)| enabled(*id))
        .filter_map(|(_, detection)| match detection {
            Detection::Check(check) => Some(*check),
            Detection::WhileLoading | Detection::Gate => None,
        })
        .collect();
    // The checks only read the context, so they share the cores; the findings keep the
    // registry's order whatever ran first.
    let found: Vec<Vec<Finding>> = checks.par_iter().map(|check| check(ctx)).collect();
    found.into_iter().flatten().collect()
}

#[cfg(test)]
mod invariants;
