//! nginx configurations and templates: every `location` that passes requests on
//! (`proxy_pass`, `grpc_pass`, `fastcgi_pass`, `uwsgi_pass`, and `proxy_pass` in `stream`
//! servers) is a route from the workload that runs the file to its target, with the location's
//! path and the proxy's read timeout and retry budget; `upstream` blocks name the addresses
//! they balance over. Targets are written as the file writes them, so `${CART_HOST}` in a
//! template is filled from the owner's environment by the model; nginx's own run-time
//! variables (`$host`) are not addresses, and traffic to the proxy itself (`localhost`, unix
//! sockets, `stub_status`) is no route.

mod syntax;

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostics::Finding;
use crate::diagnostics::catalog::INVALID_INPUT;
use crate::diagnostics::Item;
use crate::source::{SourceId, Span};

use super::{AliasDecl, Declarations, FileInput, Importer, Owner, RouteDecl};
use syntax::{Directive, Word};

pub struct Nginx;

impl Importer for Nginx {
    fn name(&self) -> &'static str {
        "nginx configuration"
    }

    fn wants_file_name(&self, file_name: &str) -> bool {
        let lower = file_name.to_ascii_lowercase();
        lower.starts_with("nginx")
            || [".conf", ".conf.template", ".conf.tmpl", ".nginx", ".nginxconf"]
                .iter()
                .any(|ext| lower.ends_with(ext))
    }

    fn claims_file(&self, path: &Path, text: &str) -> bool {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        self.wants_file_name(name) && looks_like_nginx(text)
    }

    fn read_file(&self, file: FileInput<'_>, out: &mut Declarations) {
        let (directives, problem) = syntax::parse(file.text);
        if let Some(problem) = problem {
            out.findings.push(
                Finding::new(
                    INVALID_INPUT,
                    format!("invalid nginx configuration: {}", problem.message),
                )
                .at(Span::new(file.source, problem.offset, problem.len))
                .about(Item::File(file.source))
                .about(Item::Key("invalid nginx configuration".into()))
                .help("fix the syntax as `nginx -t` would ask; the directives before this point were read"),
            );
        }
        let mut reader = Reader {
            source: file.source,
            owner: Owner::File(file.path.to_path_buf()),
            upstreams: BTreeMap::new(),
            skipped: 0,
            out,
        };
        reader.collect_upstreams(&directives);
        reader.walk(&directives, &Context::default());
        if reader.skipped > 0 {
            let n = reader.skipped;
            let path = file.path.display();
            reader.out.notes.push(format!(
                "{path}: {n} proxy target{} to the proxy itself or chosen at run time ({}) not read as calls",
                if n == 1 { "" } else { "s" },
                "localhost, unix sockets, `$variables`"
            ));
        }
    }
}

/// A configuration of nginx: it opens one of nginx's blocks or passes requests on, at the
/// start of a line.
fn looks_like_nginx(text: &str) -> bool {
    text.lines().map(str::trim_start).any(|line| {
        let word = line.split_whitespace().next().unwrap_or("");
        match word {
            "server" | "http" | "upstream" | "events" | "stream" => {
                line.contains('{') || line.ends_with(word)
            }
            "location" => line.contains('{'),
            "proxy_pass" | "grpc_pass" | "fastcgi_pass" | "uwsgi_pass" => line.contains(';'),
            _ => false,
        }
    })
}

/// What a `location` inherits from the blocks around it.
#[derive(Debug, Clone, Default)]
struct Context {
    location: Option<String>,
    /// Inside a `stream` block: TCP and UDP proxying, no HTTP.
    stream: bool,
    read_timeout_ms: Option<f64>,
    grpc_timeout_ms: Option<f64>,
    /// `proxy_next_upstream_tries`, or 1 for `proxy_next_upstream off`.
    tries: Option<u32>,
    /// `set $name value;`
    vars: BTreeMap<String, String>,
}

struct Reader<'a> {
    source: SourceId,
    owner: Owner,
    /// Upstream name -> its servers declare passive health checks (`max_fails`).
    upstreams: BTreeMap<String, bool>,
    skipped: usize,
    out: &'a mut Declarations,
}

impl Reader<'_> {
    fn span(&self, word: &Word) -> Span {
        Span::new(self.source, word.offset, word.len)
    }

    /// `upstream` blocks anywhere in the file, as aliases of their servers.
    fn collect_upstreams(&mut self, directives: &[Directive]) {
        for d in directives {
            let Some(block) = &d.block else { continue };
            if d.name.text != "upstream" {
                self.collect_upstreams(block);
                continue;
            }
            let Some(name) = d.args.first() else { continue };
            let servers: Vec<&Directive> =
                block.iter().filter(|s| s.name.text == "server").collect();
            let targets: Vec<String> = servers
                .iter()
                .filter_map(|s| s.args.first())
                .map(|a| a.text.clone())
                .filter(|t| !t.starts_with("unix:"))
                .collect();
            let ejects = servers.iter().any(|s| {
                s.args
                    .iter()
                    .any(|a| a.text.strip_prefix("max_fails=").is_some_and(|n| n != "0"))
            });
            self.upstreams.insert(name.text.to_ascii_lowercase(), ejects);
            self.out.aliases.push(AliasDecl {
                owner: self.owner.clone(),
                name: name.text.clone(),
                targets,
                span: self.span(name),
            });
        }
    }

    fn walk(&mut self, directives: &[Directive], outer: &Context) {
        let mut ctx = outer.clone();
        for d in directives {
            let arg = |i: usize| d.args.get(i).map(|a| a.text.as_str());
            match (d.name.text.as_str(), arg(0)) {
                ("proxy_read_timeout", Some(t)) => ctx.read_timeout_ms = duration_ms(t),
                ("grpc_read_timeout", Some(t)) => ctx.grpc_timeout_ms = duration_ms(t),
                ("proxy_next_upstream_tries", Some(n)) => {
                    ctx.tries = n.parse().ok().filter(|&n: &u32| n > 0)
                }
                ("proxy_next_upstream", Some("off")) => ctx.tries = Some(1),
                ("set", Some(name)) => {
                    if let (Some(var), Some(value)) = (name.strip_prefix('$'), arg(1)) {
                        ctx.vars.insert(var.to_owned(), value.to_owned());
                    }
                }
                _ => {}
            }
        }
        for d in directives {
            match (d.name.text.as_str(), &d.block) {
                ("upstream" | "map" | "types" | "events" | "geo" | "split_clients", _) => {}
                ("stream", Some(block)) => self.walk(
                    block,
                    &Context {
                        stream: true,
                        ..ctx.clone()
                    },
                ),
                ("location", Some(block)) => {
                    let path: Vec<&str> = d.args.iter().map(|a| a.text.as_str()).collect();
                    self.walk(
                        block,
                        &Context {
                            location: Some(path.join(" ")),
                            ..ctx.clone()
                        },
                    )
                }
                (_, Some(block)) => self.walk(block, &ctx),
                ("proxy_pass" | "grpc_pass" | "fastcgi_pass" | "uwsgi_pass", None) => {
                    if let Some(target) = d.args.first() {
                        self.route(&d.name.text, target, &ctx);
                    }
                }
                _ => {}
            }
        }
    }

    fn route(&mut self, directive: &str, target: &Word, ctx: &Context) {
        let Some(value) = address_of(&target.text, &ctx.vars) else {
            self.skipped += 1;
            return;
        };
        let host = host_of(&value);
        if host.is_empty()
            || host.starts_with("unix:")
            || matches!(host, "localhost" | "127.0.0.1" | "0.0.0.0" | "[::1]" | "::1")
        {
            self.skipped += 1;
            return;
        }
        let (protocol, timeout) = match directive {
            "grpc_pass" => (Some("grpc"), ctx.grpc_timeout_ms),
            "fastcgi_pass" => (Some("fastcgi"), None),
            "uwsgi_pass" => (Some("uwsgi"), None),
            _ if ctx.stream => (Some("tcp"), None),
            _ => (None, ctx.read_timeout_ms),
        };
        let ejects = self
            .upstreams
            .get(&host.to_ascii_lowercase())
            .copied()
            .unwrap_or(false);
        let place = match &ctx.location {
            Some(path) => format!("location {path}"),
            None if ctx.stream => "stream server".to_owned(),
            None => "server".to_owned(),
        };
        self.out.routes.push(RouteDecl {
            protocol: protocol.map(str::to_owned),
            paths: ctx.location.iter().cloned().collect(),
            timeout_ms: timeout,
            retries: ctx.tries.map(|t| t - 1),
            circuit_breaker: ejects,
            ..RouteDecl::new(
                self.owner.clone(),
                value,
                self.span(target),
                format!("nginx {place} {directive} {}", target.text),
            )
        })
    }
}

/// The address a pass directive names, with `set` variables filled and nginx's run-time
/// variables dropped from the path; `None` when the host itself is chosen at run time.
/// Environment placeholders (`${CART_HOST}`, `$CART_HOST`: upper case) are kept for the model.
fn address_of(text: &str, vars: &BTreeMap<String, String>) -> Option<String> {
    let mut value = text.to_owned();
    for _ in 0..4 {
        let Some((start, end, name)) = first_nginx_variable(&value) else {
            break;
        };
        let Some(replacement) = vars.get(&name) else {
            break;
        };
        value.replace_range(start..end, replacement);
    }
    // What is left of nginx's variables can only be in the path (`$request_uri`).
    if let Some((start, _, _)) = first_nginx_variable(&value) {
        let after = value.find("://").map_or(0, |i| i + 3);
        let before = value.get(after..start).unwrap_or("");
        let past_port = before.rsplit_once(':').is_some_and(|(_, port)| {
            !port.is_empty() && port.chars().all(|c| c.is_ascii_digit())
        });
        if !before.contains('/') && !past_port {
            return None;
        }
        value.truncate(start);
    }
    Some(value)
}

/// The first nginx variable (a `$name` or `${name}` with a lower-case letter): start, end and
/// name. Upper-case names are environment placeholders that `envsubst` fills.
fn first_nginx_variable(text: &str) -> Option<(usize, usize, String)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let braced = bytes.get(i + 1) == Some(&b'{');
            let from = i + 1 + usize::from(braced);
            let len = text[from..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(text.len() - from);
            let name = &text[from..from + len];
            let end = from + len + usize::from(braced && text[from + len..].starts_with('}'));
            if !name.is_empty() && name.chars().any(|c| c.is_ascii_lowercase()) {
                return Some((i, end, name.to_owned()));
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    None
}

/// Where the host and port end: at the first `/` after the scheme.
fn host_end(value: &str) -> usize {
    let after = value.find("://").map_or(0, |i| i + 3);
    value[after..].find('/').map_or(value.len(), |i| after + i)
}

/// The host a target names, without scheme, port or path.
fn host_of(value: &str) -> &str {
    let after = value.find("://").map_or(0, |i| i + 3);
    let authority = &value[after..host_end(value)];
    if authority.starts_with("unix:") {
        return authority;
    }
    if let Some(end) = authority.find(']') {
        return &authority[..=end];
    }
    authority.split(':').next().unwrap_or(authority)
}

/// nginx times: `30s`, `1m`, `500ms`, `1m30s`, and a bare number of seconds.
fn duration_ms(text: &str) -> Option<f64> {
    super::duration::millis(text, 1000.0)
}

#[cfg(test)]
mod tests;
