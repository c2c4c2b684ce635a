//! What an importer hands over: facts in the platform's own terms (a route, an environment, a
//! gateway, a policy), each with its position, before any name is resolved. The model stage
//! resolves every host, owner and variable the same way for every format, so an importer only
//! says what its file says.

use std::path::PathBuf;

use crate::diagnostics::Finding;
use crate::load::manifest::{BrokerKind, Exposure, LoadBalancer};
use crate::load::skipped::SkippedKind;
use crate::source::{SourceId, Span};

/// Everything one importer read from one file or object.
#[derive(Debug, Clone, Default)]
pub struct Declarations {
    pub nodes: Vec<NodeDecl>,
    pub routes: Vec<RouteDecl>,
    pub env: Vec<EnvDecl>,
    pub policies: Vec<PolicyDecl>,
    pub channels: Vec<ChannelDecl>,
    pub aliases: Vec<AliasDecl>,
    /// Things read but deliberately not used, said plainly in the summary.
    pub notes: Vec<String>,
    /// Problems in the file (CA001 for what cannot be parsed), reported as they are.
    pub findings: Vec<Finding>,
    /// Files or objects found but not understood, for the coverage (by kind, with its reason).
    pub unread: Vec<(SkippedKind, SourceId)>,
}

impl Declarations {
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
            && self.routes.is_empty()
            && self.env.is_empty()
            && self.policies.is_empty()
            && self.channels.is_empty()
            && self.aliases.is_empty()
    }

    /// Moves everything in `other` into `self`.
    pub fn append(&mut self, mut other: Declarations) {
        self.nodes.append(&mut other.nodes);
        self.routes.append(&mut other.routes);
        self.env.append(&mut other.env);
        self.policies.append(&mut other.policies);
        self.channels.append(&mut other.channels);
        self.aliases.append(&mut other.aliases);
        self.notes.append(&mut other.notes);
        self.findings.append(&mut other.findings);
        self.unread.append(&mut other.unread);
    }
}

/// Who a declaration belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Owner {
    /// A node the importer names itself (an Istio `Gateway`, a Kubernetes `Ingress`), declared
    /// with a [`NodeDecl`] of the same name, or an existing workload of that name.
    Node(String),
    /// The workload that runs this file: the compose service that mounts it (or a folder
    /// holding it) as a volume, else the one whose build context holds it, else a workload
    /// named like one of its folders. An nginx configuration, a Dockerfile.
    File(PathBuf),
}

/// What a declared node is, before classification by image and behaviour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeRole {
    /// A reverse proxy, ingress or API gateway: where requests enter.
    Gateway,
    /// An application service.
    Service,
    /// A system outside the repository (a `ServiceEntry` host, a SaaS API).
    External,
    Datastore(String),
    Broker(BrokerKind),
}

/// A node the file declares: an Istio Gateway, an Ingress, an external host.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeDecl {
    pub name: String,
    pub role: NodeRole,
    /// `Some(Public)` where the platform really exposes it (an Ingress, a LoadBalancer).
    pub exposure: Option<Exposure>,
    /// Other host names that reach it.
    pub hosts: Vec<String>,
    pub span: Span,
    /// In words: `Istio Gateway bookinfo-gateway`.
    pub evidence: String,
}

/// A request route: a gateway or proxy sends matching requests to a target.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteDecl {
    pub from: Owner,
    /// Where requests go, as written: a URL (`http://${CART_HOST}:8080/`), `host:port`, a
    /// Kubernetes Service name, `lb://name`. `${VAR}` and `$VAR` are filled from the owner's
    /// environment; a variable nothing sets is reported (CA006) and, when its name names a
    /// service (`CART_HOST` and `cart`), the route leads there.
    pub target: String,
    /// The namespace a bare Kubernetes Service name is looked up in.
    pub namespace: Option<String>,
    /// The port, when the file gives it apart from the target.
    pub port: Option<u16>,
    /// The protocol the file names (canonical name, see `docs/imports.md`), when it names one.
    pub protocol: Option<String>,
    /// The request paths the route matches (`/api/cart/`, `/login`); empty: every path.
    pub paths: Vec<String>,
    /// The proxy's timeout per attempt and retries for this route, on top of the caller's own.
    pub timeout_ms: Option<f64>,
    pub retries: Option<u32>,
    /// The proxy's bound on all attempts together (Istio's and Envoy's route `timeout`, Gateway
    /// API's `timeouts.request`), when it has one.
    pub total_ms: Option<f64>,
    /// The proxy ejects failing targets (outlier detection, a circuit breaker).
    pub circuit_breaker: bool,
    pub span: Span,
    /// In words: `nginx location /api/cart/ proxy_pass http://cart:8080/`.
    pub evidence: String,
}

/// The timeout of one attempt when a proxy has a per-attempt timeout (`perTryTimeout`), a
/// bound on all attempts together (the route's `timeout`), or both: an attempt ends at the
/// first of them.
pub fn per_attempt(per_try: Option<f64>, total: Option<f64>) -> Option<f64> {
    match (per_try, total) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

impl RouteDecl {
    /// A route with nothing but its owner, target, position and evidence; set the rest with
    /// struct update syntax.
    pub fn new(
        from: Owner,
        target: impl Into<String>,
        span: Span,
        evidence: impl Into<String>,
    ) -> RouteDecl {
        RouteDecl {
            from,
            target: target.into(),
            namespace: None,
            port: None,
            protocol: None,
            paths: Vec::new(),
            timeout_ms: None,
            retries: None,
            total_ms: None,
            circuit_breaker: false,
            span,
            evidence: evidence.into(),
        }
    }
}

/// A name that stands for one or more addresses in its owner's configuration (an nginx
/// `upstream`, a proxy's named cluster): a route whose host is the name leads to every
/// address, as written (`cart:8080`). Names are scoped to the owner, so two proxies may reuse
/// one.
#[derive(Debug, Clone, PartialEq)]
pub struct AliasDecl {
    pub owner: Owner,
    pub name: String,
    pub targets: Vec<String>,
    pub span: Span,
}

/// Environment variables a file gives a workload (a Dockerfile's `ENV`): lower precedence than
/// the environment the deployment sets.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvDecl {
    pub owner: Owner,
    pub vars: Vec<(String, String, Span)>,
}

/// Traffic policy for calls into a host (an Istio `DestinationRule`, a mesh `VirtualService`
/// without gateways): attached to every edge that reaches the host's node.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDecl {
    /// The host the policy applies to, as written (`reviews`, `reviews.default.svc.cluster.local`).
    pub host: String,
    pub namespace: Option<String>,
    /// Per attempt, and for all attempts together (see [`RouteDecl`]).
    pub timeout_ms: Option<f64>,
    pub retries: Option<u32>,
    pub total_ms: Option<f64>,
    /// Outlier detection or a circuit breaker is configured.
    pub circuit_breaker: bool,
    pub load_balancer: Option<LoadBalancer>,
    pub span: Span,
    pub evidence: String,
}

/// A channel a node publishes to or consumes from (an AsyncAPI operation, a binding).
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelDecl {
    pub owner: Owner,
    /// The broker, as a host or a broker node's name; `None`: the only broker there is.
    pub broker: Option<String>,
    pub subject: String,
    /// `Some(true)` publishes, `Some(false)` consumes, `None`: the file does not say.
    pub publish: Option<bool>,
    pub span: Span,
    pub evidence: String,
}
