//! Backstage catalog files (`catalog-info.yaml`): Components, APIs (with their OpenAPI, gRPC or
//! AsyncAPI definitions, inline or `$text` references) and Resources, and the relations between
//! them: `providesApis`, `consumesApis`, `dependsOn`.

use crate::source::{SourceId, Span};

use crate::yaml::Node;

/// One catalog entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// `Component`, `API`, `Resource`, ...
    pub kind: String,
    pub name: String,
    pub span: Span,
    /// `spec.type`: `service`, `website`, `openapi`, `grpc`, `asyncapi`, `database`, ...
    pub spec_type: Option<String>,
    pub owner: Option<String>,
    pub provides_apis: Vec<(String, Span)>,
    pub consumes_apis: Vec<(String, Span)>,
    pub depends_on: Vec<(String, Span)>,
    pub definition: Option<Definition>,
}

/// An API's definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Definition {
    /// Written in the catalog file itself.
    Inline(String, Span),
    /// `$text: ./path` (relative to the catalog file) or a URL.
    Reference(String, Span),
}

pub fn is_backstage_document(doc: &Node) -> bool {
    doc.get("apiVersion")
        .and_then(Node::as_str)
        .is_some_and(|a| a.starts_with("backstage.io/"))
}

/// Reads the entities of one file.
pub fn read(source: SourceId, docs: &[Node]) -> Vec<Entity> {
    let mut out = Vec::new();
    for doc in docs.iter().filter(|d| is_backstage_document(d)) {
        let (Some(kind), Some(name)) = (
            doc.get("kind").and_then(Node::as_str),
            doc.get("metadata").and_then(|m| m.get("name")),
        ) else {
            continue;
        };
        let spec = doc.get("spec");
        let text = |key: &str| {
            spec.and_then(|s| s.get(key))
                .and_then(Node::scalar_text)
                .map(|t| t.into_owned())
        };
        let refs = |key: &str| -> Vec<(String, Span)> {
            spec.and_then(|s| s.get(key))
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .filter_map(|i| Some((i.scalar_text()?.into_owned(), i.pos.span(source))))
                .collect()
        };
        let definition = spec.and_then(|s| s.get("definition")).and_then(|d| {
            if let Some(reference) = d.get("$text").and_then(Node::scalar_text) {
                return Some(Definition::Reference(
                    reference.into_owned(),
                    d.pos.span(source),
                ));
            }
            d.scalar_text()
                .map(|t| Definition::Inline(t.into_owned(), d.pos.span(source)))
        });
        out.push(Entity {
            kind: kind.to_owned(),
            name: name.scalar_text().unwrap_or_default().into_owned(),
            span: name.pos.span(source),
            spec_type: text("type"),
            owner: text("owner"),
            provides_apis: refs("providesApis"),
            consumes_apis: refs("consumesApis"),
            depends_on: refs("dependsOn"),
            definition,
        });
    }
    out
}

/// The kind and name of an entity reference: `api:default/orders` -> (`api`, `orders`); a
/// bare name takes `default_kind`.
pub fn parse_ref<'a>(reference: &'a str, default_kind: &'a str) -> (String, &'a str) {
    let (kind, rest) = match reference.split_once(':') {
        Some((k, r)) => (k.to_ascii_lowercase(), r),
        None => (default_kind.to_ascii_lowercase(), reference),
    };
    let name = rest.rsplit('/').next().unwrap_or(rest);
    (kind, name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_documents;

    #[test]
    fn reads_components_and_apis() {
        let docs = parse_documents("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: orders}\nspec:\n  type: service\n  providesApis: [orders-api]\n  consumesApis: ['api:default/payments-api']\n  dependsOn: ['resource:orders-db']\n---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: orders-api}\nspec:\n  type: openapi\n  definition:\n    $text: ./openapi.yaml\n").unwrap();
        let entities = read(SourceId(0), &docs);
        assert_eq!(entities.len(), 2);
        assert_eq!(entities[0].consumes_apis[0].0, "api:default/payments-api");
        assert!(
            matches!(&entities[1].definition, Some(Definition::Reference(p, _)) if p == "./openapi.yaml")
        );
        assert_eq!(
            parse_ref("api:default/payments-api", "component"),
            ("api".into(), "payments-api")
        );
        assert_eq!(
            parse_ref("orders-db", "resource"),
            ("resource".into(), "orders-db")
        );
    }
}
