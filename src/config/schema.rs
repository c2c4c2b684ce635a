//! The JSON Schema of commaudit.yaml, for editors: the project file's types, with the sections
//! this module validates (`rules:`, `recommend:`, `ignores:`) generated from the same
//! declarations the configuration checks against (the catalogue, each rule's options, the
//! assumptions), so the schema cannot drift from what a run accepts.

use schemars::{Schema, SchemaGenerator};
use serde_json::{Map, Value, json};

use crate::diagnostics::catalog;
use crate::graph::assumptions::Assumptions;
use crate::load::manifest::ProjectFile;
use crate::options::{self, Options};

/// The schema of the project file, commaudit.yaml.
pub fn project_schema() -> Schema {
    let mut schema = schemars::schema_for!(ProjectFile);
    let ignores = super::ignores::schema(&mut SchemaGenerator::default());
    let sections = [
        ("rules", rules()),
        ("recommend", recommend()),
        ("ignores", ignores.as_value().clone()),
    ];
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for (name, section) in sections {
            if let Some(Value::Object(property)) = properties.get_mut(name) {
                // The field's own documentation stays; the rest comes from the declarations.
                let Value::Object(section) = section else {
                    continue;
                };
                property.retain(|key, _| key == "description");
                property.extend(section.into_iter().filter(|(k, _)| k != "description"));
            }
        }
    }
    schema
}

/// `rules:`: every rule by ID and by name, with its switches and its declared options.
fn rules() -> Value {
    let mut properties = Map::new();
    for rule in catalog::all() {
        let mut settings = Map::new();
        settings.insert(
            "severity".into(),
            json!({ "enum": ["error", "warning", "note", "off"] }),
        );
        settings.insert("enabled".into(), json!({ "type": "boolean" }));
        for field in crate::rules::declared_options(&rule.id) {
            settings.insert(field.name.into(), field.schema());
        }
        let schema = json!({
            "description": format!("{} {}: {}", rule.id, rule.name, rule.summary),
            "type": "object",
            "properties": settings,
            "additionalProperties": false,
        });
        properties.insert(rule.id.clone(), schema);
        properties.insert(
            rule.name.clone(),
            json!({ "$ref": format!("#/properties/rules/properties/{}", rule.id) }),
        );
    }
    json!({
        "type": ["object", "null"],
        "properties": properties,
        "additionalProperties": false,
    })
}

/// `recommend:`: the assumptions, with their defaults and ranges.
fn recommend() -> Value {
    let mut out = Map::new();
    out.insert("type".into(), json!(["object", "null"]));
    out.extend(options::schema(Assumptions::FIELDS));
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_come_from_the_declarations() {
        let schema = project_schema();
        let rules = &schema.as_value()["properties"]["rules"];
        assert!(
            rules["description"].as_str().is_some(),
            "the field's docs stay"
        );
        let ca102 = &rules["properties"]["CA102"]["properties"];
        assert_eq!(ca102["max-depth"]["type"], "integer");
        assert_eq!(ca102["max-depth"]["minimum"], 1);
        assert_eq!(
            rules["properties"]["deep-sync-chain"]["$ref"],
            "#/properties/rules/properties/CA102"
        );
        assert_eq!(rules["additionalProperties"], false);
        let recommend = &schema.as_value()["properties"]["recommend"];
        assert_eq!(
            recommend["properties"]["protobuf-saving"]["maximum"],
            json!(1.0)
        );
        assert_eq!(recommend["additionalProperties"], false);
    }
}
