//! The `recommend:` section: the assumptions behind estimates, each checked against its
//! declaration ([`Assumptions`]) so a misspelled name stops the run with a suggestion and a
//! value outside its range with the range.

use crate::graph::assumptions::Assumptions;
use crate::options::{Fields, Options};
use crate::source::SourceId;
use crate::suggest;
use crate::yaml::Node;

use super::{Config, ConfigError, check_value};

/// How [`Config::set_at`] names the assumptions.
pub(super) const OWNER: &str = "recommend";

impl Config {
    pub(super) fn read_assumptions(
        &mut self,
        node: &Node,
        source: SourceId,
        errors: &mut Vec<ConfigError>,
    ) {
        if !node.is_map() {
            errors.push(ConfigError {
                message: format!("`recommend` must be a mapping, found {}", node.kind_name()),
                span: Some(node.pos.span(source)),
                help: Some("write `recommend: { json-us-per-kb: 15 }`".into()),
            });
            return;
        }
        let fields = Assumptions::FIELDS;
        for (key, value) in node.entries() {
            let Some(index) = fields.iter().position(|f| f.name == key.name) else {
                let names = fields.iter().map(|f| f.name);
                let help = suggest::did_you_mean(&key.name, names.clone()).unwrap_or_else(|| {
                    format!(
                        "the assumptions are: {}",
                        names.collect::<Vec<_>>().join(", ")
                    )
                });
                errors.push(ConfigError {
                    message: format!("unknown assumption `{}`", key.name),
                    span: Some(key.pos.span(source)),
                    help: Some(help),
                });
                continue;
            };
            let field = &fields[index];
            match check_value(field, "`recommend:`", value, source) {
                Ok(v) => {
                    // As before typed assumptions: the last file read wins.
                    self.set_at
                        .insert((OWNER, field.name), (v, key.pos.span(source)));
                    Fields::set(&mut self.assumptions, index, v);
                }
                Err(error) => errors.push(error),
            }
        }
    }
}
