//! What the importers of Kubernetes-style objects (Ingress, Gateway API, Istio) read the same
//! way: an object's name, namespace and position, paths into its spec, ports and durations.

use crate::source::{SourceId, Span};
use crate::yaml::Node;

/// An object's identity.
pub struct Meta<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub namespace: Option<String>,
    /// The `name:` value, or the object's start when it has none.
    pub span: Span,
}

impl Meta<'_> {
    /// `Istio VirtualService reviews`.
    pub fn describe(&self, family: &str) -> String {
        format!("{family} {} {}", self.kind, self.name)
    }
}

/// The object's kind, `metadata.name` and `metadata.namespace`; `None` without a name.
pub fn meta(source: SourceId, object: &Node) -> Option<Meta<'_>> {
    let metadata = object.get("metadata")?;
    let name = metadata.get("name")?;
    Some(Meta {
        kind: text(object, &["kind"]).unwrap_or(""),
        name: name.as_str().filter(|n| !n.is_empty())?,
        namespace: text(metadata, &["namespace"]).map(str::to_owned),
        span: name.pos.span(source),
    })
}

/// The node at a path of keys.
pub fn at<'a>(node: &'a Node, path: &[&str]) -> Option<&'a Node> {
    path.iter().try_fold(node, |n, key| n.get(key))
}

/// The string at a path of keys.
pub fn text<'a>(node: &'a Node, path: &[&str]) -> Option<&'a str> {
    at(node, path)?.as_str()
}

/// The list at a path of keys (empty when there is none).
pub fn list<'a>(node: &'a Node, path: &[&str]) -> &'a [Node] {
    at(node, path).map(Node::items).unwrap_or_default()
}

/// A port written as a number, a numeric string, or `{number: 9080}`.
pub fn port(node: Option<&Node>) -> Option<u16> {
    let node = node?;
    let value = node.get("number").unwrap_or(node);
    value
        .as_i64()
        .and_then(|n| u16::try_from(n).ok())
        .filter(|&p| p > 0)
}

/// A duration written as `10s`, `0.5s`, `1m` (a bare number: seconds).
pub fn duration(node: Option<&Node>) -> Option<f64> {
    super::duration::millis(&node?.scalar_text()?, 1000.0)
}

/// `name` or `namespace/name` (Istio's `gateways:`), as (namespace, name).
pub fn split_namespaced(reference: &str) -> (Option<&str>, &str) {
    match reference.split_once('/') {
        Some((ns, name)) if !ns.is_empty() && ns != "." => (Some(ns), name),
        Some((_, name)) => (None, name),
        None => (None, reference),
    }
}
