//! The native manifest format: one service per file (`service: name`), or a project file
//! (`commaudit.yaml`) that declares several services, the brokers and datastores they share, and
//! where the protos and specs live. These are the raw, as-written types; `model/` resolves them.
//!
//! Every field is documented in `docs/manifest.md`; the JSON Schemas in `schema/` are generated
//! from these types (`commaudit schema`).

use schemars::JsonSchema;
use serde::Deserialize;

use crate::yaml::{Located, OneOrMany};

/// A service manifest: what one service exposes, calls, publishes, consumes and stores.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "commaudit service manifest")]
pub struct ServiceManifest {
    /// The service's name, as other services call it.
    pub service: Located<String>,
    /// What kind of node this is.
    #[serde(default)]
    pub kind: Option<Located<ServiceKind>>,
    /// One line on what the service does.
    #[serde(default)]
    pub description: Option<String>,
    /// The team that owns the service.
    #[serde(default)]
    pub owner: Option<Located<String>>,
    /// Who may call the service: the public internet, partners, or only other services.
    #[serde(default)]
    pub exposure: Option<Located<Exposure>>,
    /// The service's objectives.
    #[serde(default)]
    pub slo: Option<Located<Slo>>,
    /// Time the service spends on its own work per request, without its downstream calls (ms).
    #[serde(default)]
    pub processing_ms: Option<Located<f64>>,
    /// What one replica can take: requests per second, or requests in flight at once (a thread
    /// or connection pool).
    #[serde(default)]
    pub capacity: Option<Located<Capacity>>,
    /// Replicas that share the load (default 1).
    #[serde(default)]
    pub replicas: Option<Located<u32>>,
    /// How traffic reaches the service's instances.
    #[serde(default)]
    pub load_balancer: Option<Located<LoadBalancer>>,
    /// Contracts the service implements.
    #[serde(default)]
    pub provides: Option<Provides>,
    /// Synchronous calls the service makes.
    #[serde(default)]
    pub calls: Vec<Located<Call>>,
    /// Messages the service publishes.
    #[serde(default)]
    pub publishes: Vec<Located<Publish>>,
    /// Messages the service consumes.
    #[serde(default)]
    pub subscribes: Vec<Located<Subscribe>>,
    /// Datastores the service reads or writes.
    #[serde(default)]
    pub datastores: Vec<Located<DatastoreUse>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ServiceKind {
    /// A backend service (the default).
    Service,
    /// An API gateway or backend-for-frontend: an entrypoint into the system.
    Gateway,
    /// A caller outside the system: a browser, a mobile app, a partner's system, a load test.
    Client,
    /// A system outside the repository that services call: a payment provider, a SaaS API.
    External,
    /// Platform plumbing (service discovery, a configuration server, an identity provider, a
    /// schema registry, an administration UI): in the graph, never judged by application rules.
    Infrastructure,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Exposure {
    /// Reachable from the internet: browsers, mobile apps.
    Public,
    /// Reachable by partners' systems.
    Partner,
    /// Reachable only from inside the system (the default for services).
    Internal,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Slo {
    /// Availability objective in percent, for example 99.95.
    #[serde(default)]
    pub availability: Option<Located<f64>>,
    /// 99th percentile latency objective for a whole response, in milliseconds.
    #[serde(default)]
    pub latency_p99_ms: Option<Located<f64>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LoadBalancer {
    /// Connection-level balancing: an NLB, a plain Kubernetes ClusterIP Service.
    L4,
    /// Request-level balancing by a proxy: Envoy, an ALB with HTTP/2, NGINX.
    L7,
    /// A service mesh sidecar (Istio, Linkerd): request-level balancing.
    Mesh,
    /// The callers balance requests themselves (gRPC client-side balancing).
    Client,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provides {
    /// gRPC services implemented, each named by its full name.
    #[serde(default)]
    pub grpc: OneOrMany<GrpcContract>,
    /// OpenAPI documents describing the service's HTTP API.
    #[serde(default)]
    pub openapi: OneOrMany<SpecContract>,
    /// AsyncAPI documents describing the messages the service sends and receives.
    #[serde(default)]
    pub asyncapi: OneOrMany<SpecContract>,
    /// Apache Thrift services implemented, each named as another Thrift file would name it
    /// (`file.Service`), by its own name, or by a namespace and its name.
    #[serde(default)]
    pub thrift: OneOrMany<ThriftContract>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThriftContract {
    /// The Thrift service: `orders.OrderService` (file `orders.thrift`), or `OrderService`.
    pub service: Located<String>,
    /// The .thrift file that defines it, relative to this manifest. Optional when the file is
    /// found by the scan anyway.
    #[serde(default)]
    pub idl: Option<Located<String>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GrpcContract {
    /// Full name of the gRPC service, `package.Service`.
    pub service: Located<String>,
    /// The .proto file that defines it, relative to this manifest. Optional when the file is
    /// found by the scan anyway.
    #[serde(default)]
    pub proto: Option<Located<String>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecContract {
    /// Path of the document, relative to this manifest.
    pub spec: Located<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CallProtocol {
    Grpc,
    /// REST over HTTP; `http` means the same.
    #[serde(alias = "http")]
    Rest,
    Graphql,
    Thrift,
    Websocket,
}

/// What one replica of a service can take.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Capacity {
    /// Requests per second one replica serves at most.
    #[serde(default)]
    pub rps: Option<Located<f64>>,
    /// Requests one replica works on at once (worker threads, a connection pool); its rate is
    /// this divided by the time each request takes.
    #[serde(default)]
    pub concurrency: Option<Located<u32>>,
}

/// Whether a call waits for the calls listed before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CallOrder {
    /// Made after the caller's earlier calls returned: its time adds to theirs.
    Sequential,
    /// Made alongside the caller's other calls: the slowest one counts.
    Parallel,
}

/// How a caller retries a failed or timed-out call.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (`attempts: 3` is two retries).
    #[serde(default)]
    pub attempts: Option<Located<u32>>,
    /// The wait between attempts.
    #[serde(default)]
    pub backoff: Option<Located<Backoff>>,
    /// Whether the waits are randomized, so callers do not retry in lockstep.
    #[serde(default)]
    pub jitter: Option<Located<bool>>,
    /// Largest share of requests that may be retries, in percent (a retry budget).
    #[serde(default)]
    pub budget: Option<Located<f64>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Backoff {
    /// Retry at once.
    None,
    Fixed,
    Exponential,
}

/// A synchronous call to another service.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Call {
    /// The service called.
    pub to: Located<String>,
    /// Protocol of the call. Inferred from the target's contracts when left out.
    #[serde(default)]
    pub protocol: Option<Located<CallProtocol>>,
    /// What is called: `package.Service/Method`, `GET /path/{param}`, or an OpenAPI operationId.
    #[serde(default)]
    pub operation: Option<Located<String>>,
    /// Whether the caller needs the answer to finish its own work. `false` marks a side effect.
    #[serde(default)]
    pub needs_response: Option<Located<bool>>,
    /// Client timeout for one attempt, in milliseconds.
    #[serde(default)]
    pub timeout_ms: Option<Located<f64>>,
    /// Retries after a failed attempt (0 = one attempt only).
    #[serde(default)]
    pub retries: Option<Located<u32>>,
    /// The retry policy, in full; `retry.attempts` wins over `retries`.
    #[serde(default)]
    pub retry: Option<Located<RetryPolicy>>,
    /// `sequential` when the caller makes this call after its earlier ones returned; default
    /// `parallel`.
    #[serde(default)]
    pub order: Option<Located<CallOrder>>,
    /// Whether the operation can be repeated without repeating its effect.
    #[serde(default)]
    pub idempotent: Option<Located<bool>>,
    /// The header or field that carries an idempotency key, so the callee can drop repeats.
    #[serde(default)]
    pub idempotency_key: Option<Located<String>>,
    /// Whether a circuit breaker guards the call.
    #[serde(default)]
    pub circuit_breaker: Option<Located<bool>>,
    /// Whether the caller still answers, degraded, when this call fails.
    #[serde(default)]
    pub fallback: Option<Located<bool>>,
    /// Requests per second at peak.
    #[serde(default)]
    pub rps: Option<Located<f64>>,
    /// Typical size of request plus response, in bytes.
    #[serde(default)]
    pub payload_bytes: Option<Located<f64>>,
    /// Set when the caller repeats the call to watch for a change (polling), in milliseconds.
    #[serde(default)]
    pub poll_interval_ms: Option<Located<f64>>,
}

/// A message the service publishes.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Publish {
    /// Subject, topic or queue name.
    #[serde(alias = "topic")]
    pub subject: Located<String>,
    /// The broker, as declared under `brokers:`. Defaults to the only broker declared.
    #[serde(default)]
    pub broker: Option<Located<String>>,
    /// Whether the publisher waits for a consumer's answer before it continues.
    #[serde(default)]
    pub awaits_reply: Option<Located<bool>>,
    /// Subject the answer comes back on, when the publisher waits for one.
    #[serde(default)]
    pub reply_subject: Option<Located<String>>,
    /// How long the publisher waits for an answer, in milliseconds.
    #[serde(default)]
    pub timeout_ms: Option<Located<f64>>,
    /// Messages per second at peak.
    #[serde(default)]
    pub rate: Option<Located<f64>>,
    /// Typical message size in bytes.
    #[serde(default)]
    pub payload_bytes: Option<Located<f64>>,
    /// How long messages must be kept for replay, in hours.
    #[serde(default)]
    pub retention_hours: Option<Located<f64>>,
    /// Whether the publisher writes the message to a transactional outbox in its own
    /// datastore, for a relay to publish later: `true`, or the datastore that holds it.
    #[serde(default)]
    pub outbox: Option<Located<Outbox>>,
}

/// `outbox: true`, `outbox: false`, or `outbox: orders-db` (the datastore holding it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outbox {
    Enabled(bool),
    In(String),
}

impl<'de> Deserialize<'de> for Outbox {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{Error, Unexpected, Visitor};
        struct OutboxVisitor;
        impl Visitor<'_> for OutboxVisitor {
            type Value = Outbox;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("true, false, or the name of the datastore that holds the outbox")
            }
            fn visit_bool<E: Error>(self, v: bool) -> Result<Outbox, E> {
                Ok(Outbox::Enabled(v))
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<Outbox, E> {
                if v.is_empty() || crate::escape::name_problem(v).is_some() {
                    return Err(E::invalid_value(Unexpected::Str(v), &self));
                }
                Ok(Outbox::In(v.to_owned()))
            }
        }
        deserializer.deserialize_any(OutboxVisitor)
    }
}

impl JsonSchema for Outbox {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Outbox".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "anyOf": [{ "type": "boolean" }, { "type": "string", "minLength": 1 }]
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Delivery {
    AtMostOnce,
    AtLeastOnce,
    ExactlyOnce,
}

/// A message the service consumes.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subscribe {
    /// Subject, topic or queue name; NATS wildcards (`*`, `>`) are allowed.
    #[serde(alias = "topic")]
    pub subject: Located<String>,
    /// The broker, as declared under `brokers:`. Defaults to the only broker declared.
    #[serde(default)]
    pub broker: Option<Located<String>>,
    /// Delivery guarantee of the subscription.
    #[serde(default)]
    pub delivery: Option<Located<Delivery>>,
    /// Whether processing the same message twice has the effect of processing it once.
    #[serde(default)]
    pub idempotent: Option<Located<bool>>,
    /// Queue group or consumer group shared by the service's instances.
    #[serde(default)]
    pub group: Option<Located<String>>,
    /// Whether the consumer answers each message on its reply subject.
    #[serde(default)]
    pub replies: Option<Located<bool>>,
    /// Where messages go after the last failed delivery.
    #[serde(default)]
    pub dlq: Option<Located<DeadLetter>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadLetter {
    /// Subject or queue of the dead-letter queue.
    #[serde(alias = "topic")]
    pub subject: Located<String>,
    /// What brings dead letters back.
    #[serde(default)]
    pub redrive: Option<Located<Redrive>>,
    /// Deliveries before a message is dead-lettered.
    #[serde(default)]
    pub max_deliveries: Option<Located<u32>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Redrive {
    /// A job retries dead letters and reconciles them without a person.
    Automatic,
    /// A person looks at dead letters and replays them with a runbook.
    Manual,
    /// Nothing brings them back.
    None,
}

/// A datastore the service uses.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatastoreUse {
    /// The datastore, as declared under `datastores:`.
    pub name: Located<String>,
    /// How the service uses it. Defaults to `read-write`.
    #[serde(default)]
    pub access: Option<Located<Access>>,
    /// Whether the service still answers, degraded, when the datastore is down (a cache).
    #[serde(default)]
    pub fallback: Option<Located<bool>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    Read,
    Write,
    ReadWrite,
}

/// A message broker shared by services.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BrokerDecl {
    pub name: Located<String>,
    pub kind: Located<BrokerKind>,
    /// Availability in percent, for example 99.99; counts in the availability ceiling of every
    /// entrypoint whose requests publish to it. Defaults to the `broker-availability` assumption.
    #[serde(default)]
    pub availability: Option<Located<f64>>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BrokerKind {
    Nats,
    NatsJetstream,
    Kafka,
    Redpanda,
    Rabbitmq,
    Sqs,
    Pubsub,
    RedisStreams,
}

/// A datastore shared by services.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatastoreDecl {
    pub name: Located<String>,
    /// The engine, for example `postgres`, `mysql`, `mongodb`, `redis`, `elasticsearch`, `s3`.
    pub kind: Located<String>,
    #[serde(default)]
    pub owner: Option<Located<String>>,
    /// Availability in percent, for example 99.95; counts in the availability ceiling of every
    /// entrypoint whose requests use it. Defaults to the `datastore-availability` assumption.
    #[serde(default)]
    pub availability: Option<Located<f64>>,
    #[serde(default)]
    pub description: Option<String>,
}

/// `commaudit.yaml`: the project file.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "commaudit project file (commaudit.yaml)")]
pub struct ProjectFile {
    /// Version of this file's format. Only 1 exists.
    #[serde(default)]
    pub version: Option<Located<u32>>,
    /// Name of the system, shown in reports.
    #[serde(default)]
    pub name: Option<Located<String>>,
    /// Import roots for .proto files, relative to this file. Defaults to the folder of each
    /// scanned path.
    #[serde(default)]
    pub proto_roots: Vec<Located<String>>,
    /// More files or folders to read, relative to this file.
    #[serde(default)]
    pub include: Vec<Located<String>>,
    /// Glob patterns of files to leave out, relative to this file.
    #[serde(default)]
    pub exclude: Vec<Located<String>>,
    /// Services declared inline, in the same shape as a service manifest.
    #[serde(default)]
    pub services: Vec<Located<ServiceManifest>>,
    /// Message brokers.
    #[serde(default)]
    pub brokers: Vec<Located<BrokerDecl>>,
    /// Datastores.
    #[serde(default)]
    pub datastores: Vec<Located<DatastoreDecl>>,
    /// Per-rule settings, by rule ID or name: `severity` (error, warning, note or off),
    /// `enabled`, and the rule's thresholds (`commaudit explain <rule>` lists them).
    #[serde(default)]
    pub rules: Option<crate::yaml::Node>,
    /// Assumptions behind estimates, such as the CPU cost of JSON (`commaudit recommend` prints
    /// them with their defaults).
    #[serde(default)]
    pub recommend: Option<crate::yaml::Node>,
    /// Findings accepted on purpose, each with a rule, a reason and an optional `until` date:
    /// `- { rule: CA301, edge: checkout -> notifications, reason: ..., until: 2027-01-31 }`.
    #[serde(default)]
    pub ignores: Option<crate::yaml::Node>,
    /// How to read docker-compose files.
    #[serde(default)]
    pub compose: Option<ComposeSettings>,
    /// How to read observed traffic (trace exports, service-graph metrics).
    #[serde(default)]
    pub observed: Option<ObservedSettings>,
}

/// How observed traffic maps onto the declared system.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObservedSettings {
    /// Observed names (`service.name`, a workload, a host) and the declared service each one
    /// is: `{ cartservice: cart, pricing-v2: pricing }`.
    #[serde(default)]
    pub names: std::collections::BTreeMap<String, Located<String>>,
}

/// Which compose files make up the system, when it is not the default base plus override.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComposeSettings {
    /// Files to merge, in order, relative to this file: `[docker-compose.yml, docker-compose.prod.yml]`.
    #[serde(default)]
    pub files: Vec<Located<String>>,
}

#[cfg(test)]
mod tests;
