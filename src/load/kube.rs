//! Kubernetes manifests (multi-document YAML): the workloads (Deployments, StatefulSets,
//! DaemonSets, Jobs, CronJobs, Pods) with their containers, images, ports and environment; the
//! Services in front of them; ConfigMaps; NetworkPolicies; Ingresses; Namespaces. Each object is
//! dispatched on its `kind` from the generic tree, so positions survive.

use std::collections::BTreeMap;

use crate::source::{SourceId, Span};

use crate::yaml::Node;

/// Everything read from Kubernetes files.
#[derive(Debug, Clone, Default)]
pub struct Kube {
    pub workloads: Vec<Workload>,
    pub services: Vec<KubeService>,
    pub config_maps: Vec<ConfigMap>,
    pub policies: Vec<NetworkPolicy>,
    /// Services that an Ingress routes to: (namespace, service name).
    pub ingress_backends: Vec<(String, String)>,
    /// Namespaces labelled for sidecar injection (Istio or Linkerd).
    pub meshed_namespaces: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Workload {
    /// `Deployment`, `StatefulSet`, ...
    pub kind: String,
    pub name: String,
    pub namespace: String,
    /// The `metadata.name` value.
    pub span: Span,
    /// Labels of the pods it runs.
    pub labels: BTreeMap<String, String>,
    /// The pods ask for a mesh sidecar (Istio or Linkerd injection annotations).
    pub meshed: bool,
    pub containers: Vec<Container>,
    /// The folder of the file that defines it (set by the loader), to find the ConfigMaps of
    /// its own variant when a repository holds several (`kubernetes-manifests/`,
    /// `extras/cloudsql/kubernetes-manifests/`).
    pub folder: std::path::PathBuf,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Container {
    pub name: String,
    pub image: Option<String>,
    /// `command` and `args`, joined by spaces.
    pub command: Option<String>,
    pub init: bool,
    pub ports: Vec<ContainerPort>,
    pub env: Vec<EnvVar>,
    /// ConfigMaps whose every key becomes an environment variable.
    pub env_from: Vec<String>,
    /// Where volumes are mounted in the container (`/var/lib/postgresql/data`).
    pub mounts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerPort {
    pub port: u16,
    pub name: Option<String>,
}

/// One environment variable: a literal value, or a reference into a ConfigMap.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvVar {
    pub name: String,
    pub value: Option<String>,
    /// `valueFrom.configMapKeyRef`: (config map, key).
    pub config_map_ref: Option<(String, String)>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KubeService {
    pub name: String,
    pub namespace: String,
    pub span: Span,
    pub selector: BTreeMap<String, String>,
    /// `ClusterIP`, `NodePort`, `LoadBalancer`, `ExternalName`.
    pub kind: String,
    /// `clusterIP: None`.
    pub headless: bool,
    pub external_name: Option<String>,
    pub ports: Vec<ServicePort>,
    pub meshed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePort {
    pub port: u16,
    /// A number, or the name of a container port.
    pub target: Option<String>,
    pub name: Option<String>,
    pub app_protocol: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConfigMap {
    pub name: String,
    pub namespace: String,
    pub data: Vec<(String, String, Span)>,
    /// The folder of the file that defines it (set by the loader).
    pub folder: std::path::PathBuf,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NetworkPolicy {
    pub name: String,
    pub namespace: String,
    pub span: Span,
    /// Pods the policy protects.
    pub pod_selector: BTreeMap<String, String>,
    /// The `podSelector` line.
    pub selector_span: Span,
    /// Pods allowed in: one per `from` entry with a `podSelector`.
    pub allowed_from: Vec<Allowed>,
}

/// Pods a NetworkPolicy lets in, and the ports of the rule that lets them.
#[derive(Debug, Clone, PartialEq)]
pub struct Allowed {
    pub pods: BTreeMap<String, String>,
    pub span: Span,
    /// `ports[].port` of the rule, numbers or port names; empty: every port.
    pub ports: Vec<String>,
}

const WORKLOADS: [&str; 7] = [
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "Pod",
];

/// Whether a parsed document is a Kubernetes object this module reads.
pub fn is_kube_document(doc: &Node) -> bool {
    let api = doc.get("apiVersion").and_then(Node::as_str).unwrap_or("");
    doc.get("kind").and_then(Node::as_str).is_some()
        && !api.is_empty()
        && !api.starts_with("backstage.io")
}

/// Reads the objects of one file into `kube`.
pub fn read(source: SourceId, docs: &[Node], kube: &mut Kube) {
    for doc in docs {
        let Some(kind) = doc.get("kind").and_then(Node::as_str) else {
            continue;
        };
        if kind == "List" {
            read(
                source,
                doc.get("items").map(Node::items).unwrap_or_default(),
                kube,
            );
            continue;
        }
        let meta = doc.get("metadata");
        let Some(name_node) = meta.and_then(|m| m.get("name")) else {
            continue;
        };
        let name = name_node.scalar_text().unwrap_or_default().into_owned();
        let namespace = meta
            .and_then(|m| m.get("namespace"))
            .and_then(Node::scalar_text)
            .map_or_else(|| "default".to_owned(), |n| n.into_owned());
        let span = name_node.pos.span(source);
        let spec = doc.get("spec");
        match kind {
            k if WORKLOADS.contains(&k) => {
                if let Some(w) = workload(source, k, name, namespace, span, doc) {
                    kube.workloads.push(w);
                }
            }
            "Service" => kube.services.push(service(name, namespace, span, doc)),
            "ConfigMap" => kube.config_maps.push(ConfigMap {
                name,
                namespace,
                folder: std::path::PathBuf::new(),
                data: doc
                    .get("data")
                    .map(Node::entries)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|(k, v)| {
                        Some((
                            k.name.clone(),
                            v.scalar_text()?.into_owned(),
                            v.pos.span(source),
                        ))
                    })
                    .collect(),
            }),
            "NetworkPolicy" => kube.policies.push(NetworkPolicy {
                name,
                namespace,
                span,
                pod_selector: spec
                    .and_then(|s| s.get("podSelector"))
                    .map(match_labels)
                    .unwrap_or_default(),
                selector_span: spec
                    .and_then(|s| s.get("podSelector"))
                    .map_or(span, |n| n.pos.span(source)),
                allowed_from: spec
                    .and_then(|s| s.get("ingress"))
                    .map(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .flat_map(|rule| {
                        let ports: Vec<String> = rule
                            .get("ports")
                            .map(Node::items)
                            .unwrap_or_default()
                            .iter()
                            .filter_map(|p| p.get("port")?.scalar_text().map(|t| t.into_owned()))
                            .collect();
                        rule.get("from")
                            .map(Node::items)
                            .unwrap_or_default()
                            .iter()
                            .filter_map(move |from| {
                                let selector = from.get("podSelector")?;
                                Some(Allowed {
                                    pods: match_labels(selector),
                                    span: selector.pos.span(source),
                                    ports: ports.clone(),
                                })
                            })
                            .collect::<Vec<_>>()
                    })
                    .collect(),
            }),
            "Ingress" => {
                let mut backends = Vec::new();
                collect_ingress_backends(spec, &mut backends);
                kube.ingress_backends
                    .extend(backends.into_iter().map(|b| (namespace.clone(), b)));
            }
            "Namespace" => {
                let labels = meta
                    .and_then(|m| m.get("labels"))
                    .map(string_map)
                    .unwrap_or_default();
                let annotations = meta
                    .and_then(|m| m.get("annotations"))
                    .map(string_map)
                    .unwrap_or_default();
                if mesh_injected(&labels) || mesh_injected(&annotations) {
                    kube.meshed_namespaces.push(name);
                }
            }
            _ => {}
        }
    }
}

fn workload(
    source: SourceId,
    kind: &str,
    name: String,
    namespace: String,
    span: Span,
    doc: &Node,
) -> Option<Workload> {
    // The pod template: spec.template (most), spec.jobTemplate.spec.template (CronJob), the
    // object itself (Pod).
    let spec = doc.get("spec")?;
    let pod = match kind {
        "Pod" => doc,
        "CronJob" => spec.get("jobTemplate")?.get("spec")?.get("template")?,
        _ => spec.get("template")?,
    };
    let pod_meta = pod.get("metadata");
    let labels = pod_meta
        .and_then(|m| m.get("labels"))
        .map(string_map)
        .unwrap_or_default();
    let mut annotations = pod_meta
        .and_then(|m| m.get("annotations"))
        .map(string_map)
        .unwrap_or_default();
    annotations.extend(
        doc.get("metadata")
            .and_then(|m| m.get("annotations"))
            .map(string_map)
            .unwrap_or_default(),
    );
    let pod_spec = pod.get("spec")?;
    let containers = ["initContainers", "containers"]
        .iter()
        .flat_map(|key| {
            pod_spec
                .get(key)
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .map(move |c| container(source, c, *key == "initContainers"))
        })
        .collect();
    Some(Workload {
        kind: kind.to_owned(),
        name,
        namespace,
        span,
        labels,
        meshed: mesh_injected(&annotations),
        containers,
        folder: std::path::PathBuf::new(),
    })
}

fn container(source: SourceId, c: &Node, init: bool) -> Container {
    let text = |n: Option<&Node>| n.and_then(Node::scalar_text).map(|s| s.into_owned());
    Container {
        name: text(c.get("name")).unwrap_or_default(),
        image: text(c.get("image")),
        command: {
            let words: Vec<String> = ["command", "args"]
                .iter()
                .filter_map(|k| c.get(k))
                .flat_map(|n| n.items().iter().filter_map(|i| text(Some(i))))
                .collect();
            (!words.is_empty()).then(|| words.join(" "))
        },
        init,
        ports: c
            .get("ports")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|p| {
                Some(ContainerPort {
                    port: u16::try_from(p.get("containerPort")?.as_i64()?).ok()?,
                    name: text(p.get("name")),
                })
            })
            .collect(),
        env: c
            .get("env")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|e| {
                let name = e.get("name")?;
                let value = e.get("value");
                let cm_ref = e
                    .get("valueFrom")
                    .and_then(|v| v.get("configMapKeyRef"))
                    .and_then(|r| Some((text(r.get("name"))?, text(r.get("key"))?)));
                Some(EnvVar {
                    name: name.scalar_text()?.into_owned(),
                    value: value.and_then(Node::scalar_text).map(|v| v.into_owned()),
                    config_map_ref: cm_ref,
                    span: value.unwrap_or(name).pos.span(source),
                })
            })
            .collect(),
        env_from: c
            .get("envFrom")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|e| text(e.get("configMapRef")?.get("name")))
            .collect(),
        mounts: c
            .get("volumeMounts")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|m| text(m.get("mountPath")))
            .collect(),
    }
}

fn service(name: String, namespace: String, span: Span, doc: &Node) -> KubeService {
    let spec = doc.get("spec");
    let text = |n: Option<&Node>| n.and_then(Node::scalar_text).map(|s| s.into_owned());
    let annotations = doc
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .map(string_map)
        .unwrap_or_default();
    KubeService {
        name,
        namespace,
        span,
        selector: spec
            .and_then(|s| s.get("selector"))
            .map(string_map)
            .unwrap_or_default(),
        kind: text(spec.and_then(|s| s.get("type"))).unwrap_or_else(|| "ClusterIP".into()),
        headless: text(spec.and_then(|s| s.get("clusterIP"))).as_deref() == Some("None"),
        external_name: text(spec.and_then(|s| s.get("externalName"))),
        ports: spec
            .and_then(|s| s.get("ports"))
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|p| {
                Some(ServicePort {
                    port: u16::try_from(p.get("port")?.as_i64()?).ok()?,
                    target: text(p.get("targetPort")),
                    name: text(p.get("name")),
                    app_protocol: text(p.get("appProtocol")),
                })
            })
            .collect(),
        meshed: mesh_injected(&annotations),
    }
}

/// `matchLabels` of a selector (expressions are not followed).
fn match_labels(selector: &Node) -> BTreeMap<String, String> {
    selector
        .get("matchLabels")
        .map(string_map)
        .unwrap_or_default()
}

fn string_map(node: &Node) -> BTreeMap<String, String> {
    node.entries()
        .iter()
        .filter_map(|(k, v)| Some((k.name.clone(), v.scalar_text()?.into_owned())))
        .collect()
}

/// Istio and Linkerd sidecar injection, on a pod template, a Service or a Namespace.
fn mesh_injected(labels: &BTreeMap<String, String>) -> bool {
    labels.iter().any(|(k, v)| {
        (k == "sidecar.istio.io/inject" && v == "true")
            || (k == "istio-injection" && v == "enabled")
            || (k == "linkerd.io/inject" && v == "enabled")
            || k == "istio.io/rev"
    })
}

/// Service names anywhere under an Ingress spec (`backend.service.name`, `serviceName`).
fn collect_ingress_backends(node: Option<&Node>, out: &mut Vec<String>) {
    let Some(node) = node else { return };
    for (key, value) in node.entries() {
        match key.name.as_str() {
            "serviceName" => out.extend(value.scalar_text().map(|s| s.into_owned())),
            "service" => out.extend(
                value
                    .get("name")
                    .and_then(Node::scalar_text)
                    .map(|s| s.into_owned()),
            ),
            _ => collect_ingress_backends(Some(value), out),
        }
    }
    for item in node.items() {
        collect_ingress_backends(Some(item), out);
    }
}

/// Whether a Service's selector picks a workload's pods.
impl Kube {
    /// Records the folder of the file these objects came from.
    pub fn set_folder(&mut self, folder: &std::path::Path) {
        for w in &mut self.workloads {
            w.folder = folder.to_path_buf();
        }
        for m in &mut self.config_maps {
            m.folder = folder.to_path_buf();
        }
    }
}

pub fn selects(selector: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_documents;

    #[test]
    fn reads_workloads_services_and_policies() {
        let text = r#"
apiVersion: apps/v1
kind: Deployment
metadata: { name: cart }
spec:
  template:
    metadata:
      labels: { app: cart }
      annotations: { linkerd.io/inject: enabled }
    spec:
      containers:
        - name: server
          image: cart:1.0
          ports: [{ containerPort: 7070, name: grpc }]
          env:
            - { name: REDIS_ADDR, value: "redis:6379" }
            - name: DB_URL
              valueFrom: { configMapKeyRef: { name: cfg, key: db } }
          envFrom: [{ configMapRef: { name: shared } }]
---
apiVersion: v1
kind: Service
metadata: { name: cart, namespace: shop }
spec:
  clusterIP: None
  selector: { app: cart }
  ports: [{ name: grpc, port: 7070, targetPort: 7070 }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: cart }
spec:
  podSelector: { matchLabels: { app: cart } }
  ingress:
    - from: [{ podSelector: { matchLabels: { app: web } } }]
"#;
        let docs = parse_documents(text).unwrap();
        let mut kube = Kube::default();
        read(SourceId(0), &docs, &mut kube);
        let w = &kube.workloads[0];
        assert!(w.meshed);
        assert_eq!(w.containers[0].env[0].value.as_deref(), Some("redis:6379"));
        assert_eq!(
            w.containers[0].env[1].config_map_ref,
            Some(("cfg".into(), "db".into()))
        );
        assert_eq!(w.containers[0].env_from, vec!["shared".to_owned()]);
        let s = &kube.services[0];
        assert!(s.headless && s.namespace == "shop");
        assert!(selects(&s.selector, &w.labels));
        assert_eq!(
            kube.policies[0].allowed_from[0]
                .pods
                .get("app")
                .map(String::as_str),
            Some("web")
        );
    }

    #[test]
    fn cron_jobs_use_their_job_template() {
        let docs = parse_documents("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: job, image: report:1}]\n").unwrap();
        let mut kube = Kube::default();
        read(SourceId(0), &docs, &mut kube);
        assert_eq!(
            kube.workloads[0].containers[0].image.as_deref(),
            Some("report:1")
        );
    }
}
