//! Writes a generated organisation for the org-scale bench (`benches/org-scale.sh`) and for
//! trying commaudit on a large system:
//!
//! ```text
//! cargo run --release --example gen-org -- <services> <output folder> [seed]
//! ```
//!
//! The same size and seed always write the same files. For N services it writes:
//! - `commaudit.yaml`: a NATS JetStream broker and N/4 datastores (postgres, redis, s3, ...);
//! - `services/<team>/<name>.yaml`: one native manifest per service, in 60-service teams;
//! - `proto/<package>/v1/<name>.proto`: 0.4N gRPC services (three methods each), all importing
//!   one shared `common/v1/types.proto`;
//! - `openapi/<name>.yaml`: 0.2N OpenAPI 3.0 specs (the gateways' and 0.18N services'), three
//!   operations each;
//! - `asyncapi/<name>.yaml`: an AsyncAPI 3.0 document for every tenth publisher;
//! - `k8s/<team>/<name>.yaml`: a Deployment and a Service in the team's namespace for every
//!   fifth service, whose environment names the services of the cluster it calls
//!   (`<NAME>_ADDR=<name>.<team>.svc.cluster.local:9090`), as a cluster would.
//!
//! The calls are layered: 2% gateways (public, REST) call the services of the first layer, and
//! every service calls 1 to 4 services of the next one or two of five layers, by gRPC or REST
//! with the callee's own operations, timeouts and retries; 0.4N workers have no contract and
//! consume subjects that 0.3N services publish; every datastore has one writer and a few readers.
//! There are no input errors: every name, operation, subject and file resolves.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

const DOMAINS: [&str; 12] = [
    "orders",
    "billing",
    "catalog",
    "shipping",
    "identity",
    "search",
    "pricing",
    "payments",
    "inventory",
    "ledger",
    "support",
    "media",
];
const NOUNS: [&str; 10] = [
    "api", "core", "store", "engine", "sync", "router", "index", "worker", "gateway", "view",
];
const STORE_KINDS: [&str; 5] = ["postgres", "redis", "s3", "mongodb", "postgres"];
const LAYERS: usize = 5;

/// A small deterministic generator (xorshift64), so every run sees the same organisation.
struct Rng(u64);

impl Rng {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound.max(1) as u64) as usize
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Role {
    Gateway,
    Grpc,
    Rest,
    Worker,
}

struct Service {
    name: String,
    team: usize,
    role: Role,
    layer: usize,
}

impl Service {
    /// The proto package, `orders_api_0042.v1`.
    fn package(&self) -> String {
        format!("{}.v1", self.name.replace('-', "_"))
    }
    fn grpc_service(&self) -> String {
        format!("{}.Service", self.package())
    }
    fn subject(&self) -> String {
        format!("{}.changed", self.name)
    }
}

fn services(n: usize, rng: &mut Rng) -> Vec<Service> {
    let gateways = (n / 50).max(1);
    (0..n)
        .map(|i| {
            let name = format!(
                "{}-{}-{i:05}",
                DOMAINS[i % DOMAINS.len()],
                NOUNS[(i / DOMAINS.len()) % NOUNS.len()]
            );
            let role = if i < gateways {
                Role::Gateway
            } else {
                // 0.4N gRPC, 0.18N REST, the rest workers: 0.2N OpenAPI specs with the gateways.
                match rng.below(100) {
                    0..40 => Role::Grpc,
                    40..58 => Role::Rest,
                    _ => Role::Worker,
                }
            };
            let layer = if role == Role::Gateway {
                0
            } else {
                1 + (i - gateways) * (LAYERS - 1) / (n - gateways).max(1)
            };
            Service {
                name,
                team: i / 60,
                role,
                layer,
            }
        })
        .collect()
}

fn proto(service: &Service) -> String {
    let mut text = format!(
        "syntax = \"proto3\";\n\npackage {};\n\nimport \"common/v1/types.proto\";\n\n\
         // The {} service.\nservice Service {{\n",
        service.package(),
        service.name
    );
    for method in ["Get", "List", "Update"] {
        let _ = writeln!(
            text,
            "  rpc {method}({method}Request) returns ({method}Response);"
        );
    }
    text.push_str("}\n");
    for method in ["Get", "List", "Update"] {
        let _ = write!(
            text,
            "\nmessage {method}Request {{\n  string id = 1;\n  common.v1.PageToken page = 2;\n}}\n\
             \nmessage {method}Response {{\n  string id = 1;\n  common.v1.Money amount = 2;\n  \
             repeated string tags = 3;\n}}\n"
        );
    }
    text
}

const COMMON_PROTO: &str = "syntax = \"proto3\";\n\npackage common.v1;\n\n\
message Money {\n  string currency_code = 1;\n  int64 units = 2;\n  int32 nanos = 3;\n}\n\n\
message PageToken {\n  string value = 1;\n  int32 size = 2;\n}\n";

fn openapi(service: &Service) -> String {
    let name = &service.name;
    let mut text = format!(
        "openapi: 3.0.3\ninfo:\n  title: {name}\n  version: 1.0.0\n  description: The {name} API.\n  \
         contact:\n    name: team-{:03}\nservers:\n  - url: https://{name}.example.com\ntags:\n  - name: items\npaths:\n",
        service.team
    );
    let _ = write!(
        text,
        "  /v1/items/{{id}}:\n    get:\n      tags: [items]\n      operationId: getItem\n      \
         summary: Read one item.\n      description: Read one item by its id.\n      parameters:\n        \
         - {{ name: id, in: path, required: true, schema: {{ type: string }} }}\n      responses:\n        \
         '200':\n          description: The item.\n          content:\n            application/json:\n              \
         schema: {{ $ref: '#/components/schemas/Item' }}\n        '404':\n          description: No such item.\n    \
         put:\n      tags: [items]\n      operationId: putItem\n      summary: Replace one item.\n      \
         description: Replace one item by its id.\n      parameters:\n        \
         - {{ name: id, in: path, required: true, schema: {{ type: string }} }}\n      requestBody:\n        \
         content:\n          application/json:\n            schema: {{ $ref: '#/components/schemas/Item' }}\n      \
         responses:\n        '204':\n          description: Replaced.\n  /v1/items:\n    get:\n      tags: [items]\n      \
         operationId: listItems\n      summary: List items.\n      description: List items, a page at a time.\n      \
         responses:\n        '200':\n          description: A page of items.\n          content:\n            \
         application/json:\n              schema:\n                type: array\n                \
         items: {{ $ref: '#/components/schemas/Item' }}\ncomponents:\n  schemas:\n    Item:\n      type: object\n      \
         properties:\n        id: {{ type: string }}\n        name: {{ type: string }}\n        \
         amount: {{ type: integer }}\n"
    );
    text
}

fn asyncapi(service: &Service) -> String {
    format!(
        "asyncapi: 3.0.0\ninfo:\n  title: {name} events\n  version: 1.0.0\nx-service: {name}\n\
         channels:\n  changed:\n    address: {subject}\n    messages:\n      changed:\n        \
         payload: {{ type: object, properties: {{ id: {{ type: string }} }} }}\n\
         operations:\n  publishChanged:\n    action: send\n    channel: {{ $ref: '#/channels/changed' }}\n",
        name = service.name,
        subject = service.subject()
    )
}

/// One call: the callee's protocol and one of its operations, with a timeout and retries.
fn call(text: &mut String, callee: &Service, rng: &mut Rng) {
    let timeout = [100, 200, 300, 500][rng.below(4)];
    let retries = rng.below(3);
    let needs = rng.below(10) != 0;
    match callee.role {
        Role::Grpc => {
            let method = ["Get", "List", "Update"][rng.below(3)];
            let _ = writeln!(
                text,
                "  - {{ to: {}, protocol: grpc, operation: {}/{method}, needs_response: {needs}, \
                 timeout_ms: {timeout}, retries: {retries}, rps: {} }}",
                callee.name,
                callee.grpc_service(),
                10 + rng.below(500)
            );
        }
        _ => {
            let operation =
                ["GET /v1/items/{id}", "GET /v1/items", "PUT /v1/items/{id}"][rng.below(3)];
            let _ = writeln!(
                text,
                "  - {{ to: {}, protocol: rest, operation: \"{operation}\", needs_response: {needs}, \
                 timeout_ms: {timeout}, retries: {retries}, rps: {} }}",
                callee.name,
                10 + rng.below(500)
            );
        }
    }
}

struct Plan {
    calls: Vec<Vec<usize>>,
    publishes: Vec<bool>,
    subscribes: Vec<Vec<usize>>,
    stores: Vec<Vec<(usize, &'static str)>>,
    store_count: usize,
}

fn plan(all: &[Service], rng: &mut Rng) -> Plan {
    let n = all.len();
    // Callable services per layer, for picking callees.
    let mut callable: Vec<Vec<usize>> = vec![Vec::new(); LAYERS + 1];
    for (i, s) in all.iter().enumerate() {
        if matches!(s.role, Role::Grpc | Role::Rest) {
            callable[s.layer].push(i);
        }
    }
    let mut calls = vec![Vec::new(); n];
    for (i, s) in all.iter().enumerate() {
        let targets: Vec<usize> = (s.layer + 1..=(s.layer + 2).min(LAYERS - 1))
            .flat_map(|layer| callable[layer].iter().copied())
            .collect();
        if targets.is_empty() {
            continue;
        }
        let count = 1 + rng.below(4);
        for _ in 0..count {
            let to = targets[rng.below(targets.len())];
            if !calls[i].contains(&to) {
                calls[i].push(to);
            }
        }
    }
    let publishes: Vec<bool> = all
        .iter()
        .map(|s| s.role != Role::Worker && rng.below(100) < 50)
        .collect();
    let publishers: Vec<usize> = (0..n).filter(|&i| publishes[i]).collect();
    let subscribes: Vec<Vec<usize>> = all
        .iter()
        .map(|s| {
            let mut subjects = Vec::new();
            if s.role == Role::Worker && !publishers.is_empty() {
                for _ in 0..1 + rng.below(2) {
                    let from = publishers[rng.below(publishers.len())];
                    if !subjects.contains(&from) {
                        subjects.push(from);
                    }
                }
            }
            subjects
        })
        .collect();
    // Every datastore has one writer (its owner) and up to two readers of the same team.
    let store_count = (n / 4).max(1);
    let mut stores = vec![Vec::new(); n];
    for store in 0..store_count {
        let owner = (store * 4 + rng.below(4)).min(n - 1);
        stores[owner].push((store, "write"));
        for _ in 0..rng.below(3) {
            let reader = (owner / 60 * 60 + rng.below(60)).min(n - 1);
            if !stores[reader].iter().any(|&(s, _)| s == store) {
                stores[reader].push((store, "read"));
            }
        }
    }
    Plan {
        calls,
        publishes,
        subscribes,
        stores,
        store_count,
    }
}

fn manifest(all: &[Service], plan: &Plan, i: usize, rng: &mut Rng) -> String {
    let s = &all[i];
    let mut text = format!(
        "service: {}\ndescription: The {} service of team {:03}.\nowner: team-{:03}\n",
        s.name, s.name, s.team, s.team
    );
    if s.role == Role::Gateway {
        text.push_str(
            "kind: gateway\nexposure: public\nslo: { availability: 99.9, latency_p99_ms: 2000 }\n",
        );
    } else {
        let _ = writeln!(
            text,
            "slo: {{ availability: {}, latency_p99_ms: {} }}",
            ["99.9", "99.95", "99.99"][rng.below(3)],
            [300, 500, 1000][rng.below(3)]
        );
    }
    let _ = writeln!(text, "processing_ms: {}", 5 + rng.below(40));
    match s.role {
        Role::Grpc => {
            let _ = writeln!(
                text,
                "provides:\n  grpc: {{ service: {} }}",
                s.grpc_service()
            );
        }
        Role::Rest | Role::Gateway => {
            let _ = writeln!(
                text,
                "provides:\n  openapi: {{ spec: ../../openapi/{}.yaml }}",
                s.name
            );
        }
        Role::Worker => {}
    }
    if has_asyncapi(plan, i) {
        let _ = writeln!(
            text,
            "  asyncapi: {{ spec: ../../asyncapi/{}.yaml }}",
            s.name
        );
    }
    if !plan.calls[i].is_empty() {
        text.push_str("calls:\n");
        for &to in &plan.calls[i] {
            call(&mut text, &all[to], rng);
        }
    }
    if plan.publishes[i] {
        let _ = writeln!(
            text,
            "publishes:\n  - {{ subject: {}, broker: nats, rate: {} }}",
            s.subject(),
            1 + rng.below(200)
        );
    }
    if !plan.subscribes[i].is_empty() {
        text.push_str("subscribes:\n");
        for &from in &plan.subscribes[i] {
            let _ = writeln!(
                text,
                "  - {{ subject: {}, broker: nats, delivery: at-least-once, idempotent: true, group: {} }}",
                all[from].subject(),
                s.name
            );
        }
    }
    if !plan.stores[i].is_empty() {
        text.push_str("datastores:\n");
        for &(store, access) in &plan.stores[i] {
            let _ = writeln!(text, "  - {{ name: store-{store:05}, access: {access} }}");
        }
    }
    text
}

/// Every tenth publisher without subscriptions describes its events in AsyncAPI.
fn has_asyncapi(plan: &Plan, i: usize) -> bool {
    plan.publishes[i] && plan.subscribes[i].is_empty() && i % 10 == 3 && i > 0
}

/// Every fifth service also runs from Kubernetes manifests.
fn in_kube(i: usize) -> bool {
    i % 5 == 4
}

fn kube(all: &[Service], plan: &Plan, i: usize) -> String {
    let s = &all[i];
    let port = if s.role == Role::Grpc { 9090 } else { 8080 };
    let mut env = String::new();
    for &to in plan.calls[i].iter().filter(|&&to| in_kube(to)) {
        let callee = &all[to];
        let key = callee.name.to_uppercase().replace('-', "_");
        let value = if callee.role == Role::Grpc {
            format!(
                "{}.team-{:03}.svc.cluster.local:9090",
                callee.name, callee.team
            )
        } else {
            format!(
                "http://{}.team-{:03}.svc.cluster.local:8080",
                callee.name, callee.team
            )
        };
        let _ = write!(
            env,
            "\n            - name: {key}_ADDR\n              value: \"{value}\""
        );
    }
    let env = if env.is_empty() {
        String::new()
    } else {
        format!("\n          env:{env}")
    };
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: team-{team:03}\n\
         spec:\n  replicas: 2\n  selector:\n    matchLabels: {{ app: {name} }}\n  template:\n    \
         metadata:\n      labels: {{ app: {name} }}\n    spec:\n      containers:\n        \
         - name: {name}\n          image: registry.example.com/{name}:1.0.0\n          \
         ports:\n            - containerPort: {port}{env}\n---\napiVersion: v1\nkind: Service\n\
         metadata:\n  name: {name}\n  namespace: team-{team:03}\nspec:\n  selector: {{ app: {name} }}\n  \
         ports:\n    - {{ name: {scheme}, port: {port}, targetPort: {port} }}\n",
        name = s.name,
        team = s.team,
        scheme = if s.role == Role::Grpc { "grpc" } else { "http" },
    )
}

fn project(plan: &Plan) -> String {
    let mut text = String::from(
        "version: 1\nname: generated-organisation\nproto_roots: [proto]\nbrokers:\n  \
         - { name: nats, kind: nats-jetstream, availability: 99.99 }\ndatastores:\n",
    );
    for store in 0..plan.store_count {
        let _ = writeln!(
            text,
            "  - {{ name: store-{store:05}, kind: {} }}",
            STORE_KINDS[store % STORE_KINDS.len()]
        );
    }
    text
}

/// Writes an organisation of `n` services into `out`, which must not exist or be empty.
pub fn generate(n: usize, seed: u64, out: &Path) -> io::Result<()> {
    let mut rng = Rng(seed.max(1) ^ 0x9e37_79b9_7f4a_7c15);
    let all = services(n.max(2), &mut rng);
    let plan = plan(&all, &mut rng);
    fs::create_dir_all(out.join("proto/common/v1"))?;
    fs::write(out.join("proto/common/v1/types.proto"), COMMON_PROTO)?;
    for dir in ["openapi", "asyncapi"] {
        fs::create_dir_all(out.join(dir))?;
    }
    fs::write(out.join("commaudit.yaml"), project(&plan))?;
    for (i, s) in all.iter().enumerate() {
        let team = format!("team-{:03}", s.team);
        let manifests = out.join("services").join(&team);
        fs::create_dir_all(&manifests)?;
        let text = manifest(&all, &plan, i, &mut rng);
        fs::write(manifests.join(format!("{}.yaml", s.name)), text)?;
        match s.role {
            Role::Grpc => {
                let dir = out.join("proto").join(s.name.replace('-', "_")).join("v1");
                fs::create_dir_all(&dir)?;
                fs::write(
                    dir.join(format!("{}.proto", s.name.replace('-', "_"))),
                    proto(s),
                )?;
            }
            Role::Rest | Role::Gateway => {
                fs::write(
                    out.join("openapi").join(format!("{}.yaml", s.name)),
                    openapi(s),
                )?;
            }
            Role::Worker => {}
        }
        if has_asyncapi(&plan, i) {
            fs::write(
                out.join("asyncapi").join(format!("{}.yaml", s.name)),
                asyncapi(s),
            )?;
        }
        if in_kube(i) {
            let dir = out.join("k8s").join(&team);
            fs::create_dir_all(&dir)?;
            fs::write(dir.join(format!("{}.yaml", s.name)), kube(&all, &plan, i))?;
        }
    }
    Ok(())
}

#[allow(dead_code)]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(out)) = (args.first().and_then(|n| n.parse().ok()), args.get(1)) else {
        eprintln!("usage: gen-org <services> <output folder> [seed]");
        std::process::exit(2);
    };
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(14);
    if let Err(err) = generate(n, seed, Path::new(out)) {
        eprintln!("gen-org: {err}");
        std::process::exit(1);
    }
}
