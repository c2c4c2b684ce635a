//! Stage 2, model: names resolved across files into services, calls, channels and datastores.
//!
//! Everything in a [`Model`] refers to something that exists: a call's target is a declared
//! service, a subscription's broker is a declared broker. Problems found while resolving
//! (CA002, CA003, duplicates) are reported once, here, so rules never re-check them.

mod basis;
mod contracts;
mod documents;
mod infer;
mod merge;
pub mod messaging;
pub mod observed;
pub mod operations;
mod references;
mod resolve;
pub mod subject;

use std::fmt;

pub use crate::load::manifest::{
    Access, BrokerKind, Delivery, Exposure, LoadBalancer, Redrive, ServiceKind,
};
use crate::load::{
    asyncapi::AsyncApiDoc, openapi::OpenApiDoc, proto::ProtoService, thrift::ThriftService,
};
pub use crate::provenance::{Confidence, Origin, Provenance};
use crate::source::Span;
pub use basis::Basis;
pub use resolve::build;

pub use crate::id::{
    BrokerId, CallId, ChannelId, DatastoreId, PublicationId, ServiceId, SubscriptionId,
};

/// The resolved system.
#[derive(Debug, Default)]
pub struct Model {
    /// Sorted by name.
    pub services: Vec<Service>,
    pub brokers: Vec<Broker>,
    pub datastores: Vec<Datastore>,
    /// One per (broker, subject) written anywhere, sorted.
    pub channels: Vec<Channel>,
    pub calls: Vec<Call>,
    pub publications: Vec<Publication>,
    pub subscriptions: Vec<Subscription>,
    pub accesses: Vec<DatastoreAccess>,
    pub grpc: Vec<ProtoService>,
    pub thrift: Vec<ThriftService>,
    pub openapi: Vec<OpenApiDoc>,
    pub asyncapi: Vec<AsyncApiDoc>,
    /// What the traffic showed, beside what was declared (empty without observed files).
    pub observed: observed::Observed,
}

impl Model {
    pub fn service(&self, id: ServiceId) -> &Service {
        &self.services[id.index()]
    }
    /// Whether a call is a public gateway's route: requests clients sent to the gateway, passed
    /// on by path (an nginx `location`, an HTTPRoute, a VirtualService, a Spring Cloud Gateway
    /// route). Its protocol is the clients', so it is the public edge (REST described by
    /// OpenAPI), not an internal call the gateway makes for its own answer.
    pub fn is_public_route(&self, call: &Call) -> bool {
        let caller = self.service(call.from);
        call.routed && caller.kind == ServiceKind::Gateway && caller.exposure != Exposure::Internal
    }
    pub fn call(&self, id: CallId) -> &Call {
        &self.calls[id.index()]
    }
    pub fn channel(&self, id: ChannelId) -> &Channel {
        &self.channels[id.index()]
    }
    pub fn broker(&self, id: BrokerId) -> &Broker {
        &self.brokers[id.index()]
    }
    pub fn datastore(&self, id: DatastoreId) -> &Datastore {
        &self.datastores[id.index()]
    }
    pub fn service_named(&self, name: &str) -> Option<ServiceId> {
        self.services
            .binary_search_by(|s| s.name.as_str().cmp(name))
            .ok()
            .map(|i| ServiceId(i as u32))
    }
    pub fn service_ids(&self) -> impl Iterator<Item = ServiceId> + '_ {
        (0..self.services.len()).map(|i| ServiceId(i as u32))
    }
    pub fn call_ids(&self) -> impl Iterator<Item = CallId> + '_ {
        (0..self.calls.len()).map(|i| CallId(i as u32))
    }
    pub fn name(&self, id: ServiceId) -> &str {
        &self.services[id.index()].name
    }
}

#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    pub kind: ServiceKind,
    pub exposure: Exposure,
    pub owner: Option<String>,
    pub description: Option<String>,
    /// Availability objective as a fraction (0.9995).
    pub availability: Option<f64>,
    pub latency_p99_ms: Option<f64>,
    pub processing_ms: Option<f64>,
    /// What the service can take, when declared.
    pub capacity: Capacity,
    pub load_balancer: Option<LoadBalancer>,
    pub contracts: Contracts,
    /// The `service:` line, or the nearest declaring line.
    pub span: Span,
    /// The `slo:` line, for findings about objectives.
    pub slo_span: Option<Span>,
    pub load_balancer_span: Option<Span>,
    /// Where it came from: `Kubernetes Deployment frontend`, or a manifest.
    pub provenance: Provenance,
}

impl Service {
    /// An internal service known by name only: no contract, objective, owner or balancer yet.
    pub fn named(name: impl Into<String>, span: Span) -> Service {
        Service {
            name: name.into(),
            kind: ServiceKind::Service,
            exposure: Exposure::Internal,
            owner: None,
            description: None,
            availability: None,
            latency_p99_ms: None,
            processing_ms: None,
            capacity: Capacity::default(),
            load_balancer: None,
            contracts: Contracts::default(),
            span,
            slo_span: None,
            load_balancer_span: None,
            provenance: Provenance::manifest(),
        }
    }

    /// Public and partner services, gateways and clients: where requests enter the system.
    /// External systems are called, never entered through.
    pub fn is_entrypoint(&self) -> bool {
        self.kind != ServiceKind::External
            && (matches!(self.kind, ServiceKind::Gateway | ServiceKind::Client)
                || matches!(self.exposure, Exposure::Public | Exposure::Partner))
    }
}

/// What a service can take, as declared (`capacity:` and `replicas:`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Capacity {
    /// Requests per second per replica.
    pub rps: Option<f64>,
    /// Requests in flight at once per replica.
    pub concurrency: Option<u32>,
    pub replicas: Option<u32>,
    pub span: Option<Span>,
}

impl Capacity {
    /// Requests per second all replicas serve together, when each request takes
    /// `latency_ms`; `None` when nothing is declared.
    pub fn rps_at(&self, latency_ms: f64) -> Option<f64> {
        let replicas = f64::from(self.replicas.unwrap_or(1));
        let by_rate = self.rps.map(|r| r * replicas);
        let by_concurrency = self
            .concurrency
            .map(|c| f64::from(c) * replicas * 1000.0 / latency_ms.max(0.001));
        match (by_rate, by_concurrency) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// How a call behaves under failure, beyond its timeout and retry count.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resilience {
    pub order: CallOrder,
    pub backoff: Option<Backoff>,
    pub jitter: Option<bool>,
    /// Percent of requests that may be retries.
    pub budget: Option<f64>,
    pub idempotent: Option<bool>,
    pub idempotency_key: Option<String>,
    /// The line of the retry settings.
    pub retry_span: Option<Span>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CallOrder {
    Sequential,
    #[default]
    Parallel,
}

pub use crate::load::manifest::Backoff;

/// Contracts a service implements, as indexes into the model's documents.
#[derive(Debug, Clone, Default)]
pub struct Contracts {
    pub grpc: Vec<usize>,
    pub openapi: Vec<usize>,
    pub asyncapi: Vec<usize>,
    /// Indexes into the model's Thrift services.
    pub thrift: Vec<usize>,
    /// A contract is declared but its file could not be read (already reported as CA001).
    pub unreadable: bool,
    /// The first contract entry under `provides:`, for findings about the contracts.
    pub span: Option<Span>,
}

impl Contracts {
    pub fn is_empty(&self) -> bool {
        self.grpc.is_empty()
            && self.openapi.is_empty()
            && self.asyncapi.is_empty()
            && self.thrift.is_empty()
    }
}

/// The wire protocol of an edge, printed in lower case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    Grpc,
    Http,
    Graphql,
    Thrift,
    Websocket,
    Nats,
    Kafka,
    Amqp,
    Redis,
    Postgres,
    Mysql,
    Mongodb,
    /// Anything else, in lower case (`s3`, `elasticsearch`, `sqs`).
    Other(String),
}

impl Protocol {
    pub fn as_str(&self) -> &str {
        match self {
            Protocol::Grpc => "grpc",
            Protocol::Http => "http",
            Protocol::Graphql => "graphql",
            Protocol::Thrift => "thrift",
            Protocol::Websocket => "websocket",
            Protocol::Nats => "nats",
            Protocol::Kafka => "kafka",
            Protocol::Amqp => "amqp",
            Protocol::Redis => "redis",
            Protocol::Postgres => "postgres",
            Protocol::Mysql => "mysql",
            Protocol::Mongodb => "mongodb",
            Protocol::Other(name) => name,
        }
    }

    /// The protocol spoken to a datastore of this kind.
    pub fn of_datastore(kind: &str) -> Protocol {
        match kind.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" => Protocol::Postgres,
            "mysql" | "mariadb" => Protocol::Mysql,
            "mongodb" | "mongo" => Protocol::Mongodb,
            "redis" | "valkey" => Protocol::Redis,
            other => Protocol::Other(other.to_owned()),
        }
    }

    pub fn of_broker(kind: BrokerKind) -> Protocol {
        match kind {
            BrokerKind::Nats | BrokerKind::NatsJetstream => Protocol::Nats,
            BrokerKind::Kafka | BrokerKind::Redpanda => Protocol::Kafka,
            BrokerKind::Rabbitmq => Protocol::Amqp,
            BrokerKind::RedisStreams => Protocol::Redis,
            BrokerKind::Sqs => Protocol::Other("sqs".into()),
            BrokerKind::Pubsub => Protocol::Other("pubsub".into()),
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a call invokes, resolved against the provider's contract when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// `orders.v1.OrderService/CreateOrder`, `GET /inventory/{sku}`: the canonical name.
    pub name: String,
    pub kind: OperationKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    Grpc {
        client_streaming: bool,
        server_streaming: bool,
    },
    Http,
    /// A Thrift method; `oneway` ones are sent without waiting for an answer.
    Thrift {
        oneway: bool,
    },
    /// Named in the manifest; the provider has no contract to check it against.
    Unchecked,
}

/// A synchronous call between two services.
#[derive(Debug, Clone)]
pub struct Call {
    pub from: ServiceId,
    pub to: ServiceId,
    pub protocol: Protocol,
    pub operation: Option<Operation>,
    /// `None`: nobody said whether the caller needs the answer.
    pub needs_response: Option<bool>,
    pub timeout_ms: Option<f64>,
    pub retries: Option<u32>,
    pub circuit_breaker: bool,
    /// The caller answers, degraded, when this call fails.
    pub fallback: bool,
    pub rps: Option<f64>,
    /// The rate the observed traffic measured for this call over its window, when traffic
    /// shows it: measures use it before the declared `rps`, and say so.
    pub observed_rps: Option<f64>,
    pub payload_bytes: Option<f64>,
    pub poll_interval_ms: Option<f64>,
    /// The call's entry in the manifest.
    pub span: Span,
    pub operation_span: Option<Span>,
    /// A manifest, or the setting an inferred call was read from:
    /// `CART_SERVICE_ADDR=cartservice:7070`.
    pub provenance: Provenance,
    /// The request paths a gateway or proxy route sends along this call (`/api/cart/`).
    pub paths: Vec<String>,
    /// A gateway's or proxy's route (every path when `paths` is empty): it passes on requests
    /// its own clients sent, rather than asking for an answer of its own.
    pub routed: bool,
    /// What a proxy between the two does to the call, apart from the caller's own code.
    pub proxy: ProxyPolicy,
    /// Order, retry policy and idempotency, as declared.
    pub resilience: Resilience,
}

impl Call {
    /// The rate measures use: observed, else declared.
    pub fn rate(&self) -> Option<f64> {
        self.observed_rps.or(self.rps)
    }
}

/// Timeouts, retries and ejection that a proxy applies to a call (a mesh route, a gateway route,
/// a destination's outlier detection): they stack on what the caller's code does, so a mesh
/// retry multiplies an application retry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProxyPolicy {
    /// The timeout of one attempt.
    pub timeout_ms: Option<f64>,
    pub retries: Option<u32>,
    /// The bound on all attempts together (a mesh route's `timeout`), when the proxy has one:
    /// the caller waits at most this long however many attempts remain.
    pub total_ms: Option<f64>,
    /// Outlier detection or a circuit breaker ejects a failing callee.
    pub circuit_breaker: bool,
    /// What declared it, in words: `Istio VirtualService reviews (retries 3)`.
    pub evidence: Vec<String>,
}

impl ProxyPolicy {
    pub fn is_empty(&self) -> bool {
        self.timeout_ms.is_none()
            && self.retries.is_none()
            && self.total_ms.is_none()
            && !self.circuit_breaker
    }

    /// Adds what another declaration says; the first value declared for a setting wins.
    pub fn merge(&mut self, other: &ProxyPolicy) {
        self.timeout_ms = self.timeout_ms.or(other.timeout_ms);
        self.retries = self.retries.or(other.retries);
        self.total_ms = self.total_ms.or(other.total_ms);
        self.circuit_breaker |= other.circuit_breaker;
        for e in &other.evidence {
            if !self.evidence.contains(e) {
                self.evidence.push(e.clone());
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct Broker {
    pub name: String,
    pub kind: BrokerKind,
    /// Declared availability, a fraction; `None` counts at `broker-availability`.
    pub availability: Option<f64>,
    pub span: Span,
    pub provenance: Provenance,
}

/// A subject, topic or queue on a broker.
#[derive(Debug, Clone)]
pub struct Channel {
    pub broker: BrokerId,
    pub subject: String,
}

#[derive(Debug, Clone)]
pub struct Publication {
    pub service: ServiceId,
    pub channel: ChannelId,
    /// The publisher waits for an answer before it continues.
    pub awaits_reply: bool,
    /// Where the waiting was declared, when it was.
    pub reply_origin: Option<ReplyOrigin>,
    pub reply_subject: Option<String>,
    pub timeout_ms: Option<f64>,
    pub rate: Option<f64>,
    pub payload_bytes: Option<f64>,
    pub retention_hours: Option<f64>,
    /// Written to a transactional outbox and published later by a relay, when declared.
    pub outbox: Option<Outbox>,
    pub span: Span,
    pub provenance: Provenance,
}

/// Where a publication waits for its broker: the publisher writes it with its own state change,
/// and a relay publishes it once the broker takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outbox {
    /// In one of the publisher's datastores, not named.
    Unnamed,
    /// In this datastore.
    In(DatastoreId),
}

/// Where a publication was declared to wait for its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReplyOrigin {
    /// `awaits_reply: true` in the manifest.
    Manifest,
    /// A `reply` on the operation in the service's AsyncAPI document.
    AsyncApi,
}

#[derive(Debug, Clone)]
pub struct Subscription {
    pub service: ServiceId,
    /// The subject as subscribed (it may hold wildcards).
    pub channel: ChannelId,
    pub delivery: Option<Delivery>,
    pub idempotent: Option<bool>,
    pub group: Option<String>,
    /// The consumer answers each message.
    pub replies: bool,
    pub dlq: Option<DeadLetter>,
    pub span: Span,
    pub provenance: Provenance,
}

#[derive(Debug, Clone)]
pub struct DeadLetter {
    pub subject: String,
    pub redrive: Option<Redrive>,
    pub max_deliveries: Option<u32>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Datastore {
    pub name: String,
    pub kind: String,
    pub owner: Option<String>,
    /// Declared availability, a fraction; `None` counts at `datastore-availability`.
    pub availability: Option<f64>,
    pub span: Span,
    pub provenance: Provenance,
}

#[derive(Debug, Clone)]
pub struct DatastoreAccess {
    pub service: ServiceId,
    pub datastore: DatastoreId,
    pub access: Access,
    /// The service still answers without it: not a hard dependency.
    pub fallback: bool,
    pub span: Span,
    pub provenance: Provenance,
}

impl DatastoreAccess {
    pub fn writes(&self) -> bool {
        matches!(self.access, Access::Write | Access::ReadWrite)
    }
}
