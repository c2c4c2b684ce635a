//! docker-compose files: services, images, build contexts, published ports and environment,
//! with overlays merged the way compose merges them (later files override scalars, extend
//! lists, and merge `environment` and `labels` by key) and `${VAR}` references interpolated
//! from the project's `.env`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::source::{SourceId, Span};

use super::interpolate::{self, Problem};
use crate::yaml::Node;

/// A value with the span it was read from.
type Text = (String, Span);

/// One compose file, before merging.
#[derive(Debug, Clone, Default)]
pub struct ComposeFile {
    pub services: Vec<RawService>,
}

#[derive(Debug, Clone, Default)]
pub struct RawService {
    pub name: String,
    pub span: Option<Span>,
    pub image: Option<Text>,
    /// `entrypoint` then `command`, joined by spaces.
    pub command: Option<String>,
    pub build_context: Option<Text>,
    /// `build.dockerfile`, relative to the context.
    pub dockerfile: Option<Text>,
    pub container_name: Option<Text>,
    pub hostname: Option<Text>,
    pub aliases: Vec<String>,
    /// `KEY: value`, `KEY=value`, or a bare `KEY` (its value comes from `.env`).
    pub environment: Vec<(String, Option<String>, Span)>,
    pub env_files: Vec<Text>,
    pub ports: Vec<Text>,
    pub expose: Vec<Text>,
    pub depends_on: Vec<Text>,
    pub labels: BTreeMap<String, String>,
    /// Bind mounts: the host path as written (relative to the project folder).
    pub mounts: Vec<String>,
    /// Where volumes of any kind are mounted in the container (`/var/lib/postgresql/data`).
    pub data_dirs: Vec<String>,
    /// `network_mode: host`: `localhost` is the host, not the container.
    pub host_network: bool,
}

/// A compose service after merging and interpolation.
#[derive(Debug, Clone, PartialEq)]
pub struct ComposeService {
    pub name: String,
    pub span: Span,
    pub image: Option<String>,
    /// `entrypoint` then `command`, joined by spaces.
    pub command: Option<String>,
    /// The build context, resolved against the project folder.
    pub build_context: Option<PathBuf>,
    /// The folder of `build.dockerfile` when it lies inside the context: with `context: .` and
    /// `dockerfile: src/cart/Dockerfile`, the files under `src/cart` are the service's own.
    pub dockerfile_dir: Option<PathBuf>,
    /// Other names it answers to on the compose network.
    pub hostnames: Vec<String>,
    pub env: Vec<super::kube::EnvVar>,
    /// (published port on the host, port in the container).
    pub published: Vec<(u16, u16)>,
    pub container_ports: Vec<u16>,
    /// Services it waits for at start, each with the line that names it.
    pub depends_on: Vec<(String, Span)>,
    pub labels: BTreeMap<String, String>,
    /// Files and folders of the host bind-mounted into the container, resolved against the
    /// project folder: what it runs besides its image (an nginx configuration).
    pub mounts: Vec<PathBuf>,
    /// Where volumes of any kind are mounted in the container: a server's data folder says
    /// what it runs (`/var/lib/postgresql/data`).
    pub data_dirs: Vec<String>,
    /// `network_mode: host`: `localhost` is the host, not the container.
    pub host_network: bool,
}

/// The services of one compose project (the files merged, in order).
#[derive(Debug, Clone, PartialEq)]
pub struct ComposeProject {
    pub dir: PathBuf,
    pub files: Vec<SourceId>,
    pub services: Vec<ComposeService>,
}

/// A variable reference that could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    pub service: String,
    pub problem: Problem,
    pub span: Span,
}

/// Reads one compose file's services.
pub fn read(source: SourceId, root: &Node) -> ComposeFile {
    let at = |n: &Node| n.pos.span(source);
    let text = |n: Option<&Node>| n.and_then(|n| Some((n.scalar_text()?.into_owned(), at(n))));
    let mut file = ComposeFile::default();
    for (key, svc) in root.get("services").map(Node::entries).unwrap_or_default() {
        let mut raw = RawService {
            name: key.name.clone(),
            span: Some(key.pos.span(source)),
            image: text(svc.get("image")),
            container_name: text(svc.get("container_name")),
            hostname: text(svc.get("hostname")),
            ..RawService::default()
        };
        let words: Vec<String> = ["entrypoint", "command"]
            .iter()
            .filter_map(|k| svc.get(k))
            .flat_map(|n| match n.scalar_text() {
                Some(t) => vec![t.into_owned()],
                None => n
                    .items()
                    .iter()
                    .filter_map(|i| i.scalar_text().map(|s| s.into_owned()))
                    .collect(),
            })
            .collect();
        raw.command = (!words.is_empty()).then(|| words.join(" "));
        raw.build_context = match svc.get("build") {
            Some(b) if b.is_map() => text(b.get("context")),
            other => text(other),
        };
        raw.dockerfile = svc
            .get("build")
            .filter(|b| b.is_map())
            .and_then(|b| text(b.get("dockerfile")));
        if let Some(env) = svc.get("environment") {
            for item in env.items() {
                if let Some(entry) = item.scalar_text() {
                    let (k, v) = match entry.split_once('=') {
                        Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
                        None => (entry.into_owned(), None),
                    };
                    raw.environment.push((k, v, at(item)));
                }
            }
            for (k, v) in env.entries() {
                let value = v.scalar_text().map(|s| s.into_owned());
                let span = if value.is_some() {
                    at(v)
                } else {
                    k.pos.span(source)
                };
                raw.environment.push((k.name.clone(), value, span));
            }
        }
        raw.env_files = match svc.get("env_file") {
            Some(e) if e.items().is_empty() => text(Some(e)).into_iter().collect(),
            Some(e) => e
                .items()
                .iter()
                .filter_map(|i| text(Some(i.get("path").unwrap_or(i))))
                .collect(),
            None => Vec::new(),
        };
        for (field, out) in [("ports", &mut raw.ports), ("expose", &mut raw.expose)] {
            for p in svc.get(field).map(Node::items).unwrap_or_default() {
                if p.is_map() {
                    // Long syntax: { target: 80, published: "8080" }.
                    let target = p
                        .get("target")
                        .and_then(Node::scalar_text)
                        .unwrap_or_default();
                    let published = p.get("published").and_then(Node::scalar_text);
                    let short = match published {
                        Some(host) => format!("{host}:{target}"),
                        None => target.into_owned(),
                    };
                    out.push((short, at(p)));
                } else if let Some(t) = text(Some(p)) {
                    out.push(t);
                }
            }
        }
        raw.depends_on = match svc.get("depends_on") {
            Some(d) if d.is_map() => d
                .entries()
                .iter()
                .map(|(k, _)| (k.name.clone(), k.pos.span(source)))
                .collect(),
            Some(d) => d.items().iter().filter_map(|i| text(Some(i))).collect(),
            None => Vec::new(),
        };
        if let Some(labels) = svc.get("labels") {
            for (k, v) in labels.entries() {
                raw.labels.insert(
                    k.name.clone(),
                    v.scalar_text().unwrap_or_default().into_owned(),
                );
            }
            for item in labels.items() {
                if let Some((k, v)) = item
                    .scalar_text()
                    .and_then(|t| t.split_once('=').map(|(a, b)| (a.to_owned(), b.to_owned())))
                {
                    raw.labels.insert(k, v);
                }
            }
        }
        raw.host_network = svc
            .get("network_mode")
            .and_then(Node::as_str)
            .is_some_and(|m| m == "host");
        for volume in svc.get("volumes").map(Node::items).unwrap_or_default() {
            let host = match volume.get("source") {
                Some(source) => source.scalar_text().map(|s| s.into_owned()),
                None => volume
                    .scalar_text()
                    .and_then(|t| t.split_once(':').map(|(h, _)| h.to_owned())),
            };
            let target = match volume.get("target") {
                Some(target) => target.scalar_text().map(|s| s.into_owned()),
                None => volume
                    .scalar_text()
                    .and_then(|t| t.split(':').nth(1).map(str::to_owned)),
            };
            raw.data_dirs.extend(target);
            // Named volumes (`pgdata:/var/lib/...`) hold no file of the repository.
            if let Some(host) = host.filter(|h| h.starts_with(['.', '/', '$', '~'])) {
                raw.mounts.push(host);
            }
        }
        for network in svc.get("networks").map(Node::entries).unwrap_or_default() {
            for alias in network
                .1
                .get("aliases")
                .map(Node::items)
                .unwrap_or_default()
            {
                raw.aliases
                    .extend(alias.scalar_text().map(|s| s.into_owned()));
            }
        }
        file.services.push(raw);
    }
    file
}

/// Merges overlay files in order: later files override scalars, extend lists, and merge
/// `environment` and `labels` by key.
pub fn merge(files: Vec<ComposeFile>) -> Vec<RawService> {
    let mut merged: Vec<RawService> = Vec::new();
    for file in files {
        for svc in file.services {
            let Some(base) = merged.iter_mut().find(|m| m.name == svc.name) else {
                merged.push(svc);
                continue;
            };
            base.span = base.span.or(svc.span);
            for (slot, new) in [
                (&mut base.image, svc.image),
                (&mut base.build_context, svc.build_context),
                (&mut base.dockerfile, svc.dockerfile),
                (&mut base.container_name, svc.container_name),
                (&mut base.hostname, svc.hostname),
            ] {
                if new.is_some() {
                    *slot = new;
                }
            }
            if svc.command.is_some() {
                base.command = svc.command;
            }
            for (key, value, span) in svc.environment {
                base.environment.retain(|(k, _, _)| *k != key);
                base.environment.push((key, value, span));
            }
            base.env_files.extend(svc.env_files);
            for (list, new) in [(&mut base.ports, svc.ports), (&mut base.expose, svc.expose)] {
                for item in new {
                    if !list.iter().any(|(t, _)| *t == item.0) {
                        list.push(item);
                    }
                }
            }
            for d in svc.depends_on {
                if !base.depends_on.iter().any(|(name, _)| *name == d.0) {
                    base.depends_on.push(d);
                }
            }
            base.labels.extend(svc.labels);
            base.aliases.extend(svc.aliases);
            base.mounts.extend(svc.mounts);
            base.data_dirs.extend(svc.data_dirs);
            base.host_network |= svc.host_network;
        }
    }
    merged
}

/// Interpolates a merged project: `vars` comes from `.env`; `env_files` gives the entries of
/// each service's `env_file` files (already read), keyed by the path as written.
pub fn resolve(
    dir: &Path,
    files: Vec<SourceId>,
    raw: Vec<RawService>,
    dotenv: &interpolate::DotEnv,
    env_files: &BTreeMap<String, Vec<(String, String, Span)>>,
) -> (ComposeProject, Vec<Unresolved>) {
    let mut problems = Vec::new();
    let mut services = Vec::new();
    let fallback = Span::file_start(files.first().copied().unwrap_or(SourceId(0)));
    for svc in raw {
        let mut missing = Vec::new();
        let mut fill = |text: &str, span: Span| -> String {
            let (out, found) = interpolate::interpolate(text, &|k| dotenv.vars.get(k).cloned());
            problems.extend(found.into_iter().map(|problem| Unresolved {
                service: svc.name.clone(),
                problem,
                span,
            }));
            out
        };
        let mut env = Vec::new();
        for (path, _) in &svc.env_files {
            for (key, value, span) in env_files.get(path).into_iter().flatten() {
                env.push(super::kube::EnvVar {
                    name: key.clone(),
                    value: Some(value.clone()),
                    config_map_ref: None,
                    span: *span,
                });
            }
        }
        for (key, value, span) in &svc.environment {
            let value = match value {
                Some(v) => Some(fill(v, *span)),
                // A bare entry takes its value from `.env`; what `.env` itself left unresolved
                // (a variable defined nowhere above it) is reported here, where it is used.
                None => match (dotenv.unresolved.get(key), dotenv.vars.get(key)) {
                    (Some((expanded, found)), _) => {
                        missing.extend(found.iter().map(|problem| Unresolved {
                            service: svc.name.clone(),
                            problem: problem.clone(),
                            span: *span,
                        }));
                        Some(expanded.clone())
                    }
                    (None, Some(v)) => Some(v.clone()),
                    (None, None) => {
                        missing.push(Unresolved {
                            service: svc.name.clone(),
                            problem: Problem::NotInDotenv(key.clone()),
                            span: *span,
                        });
                        None
                    }
                },
            };
            env.retain(|e: &super::kube::EnvVar| e.name != *key);
            env.push(super::kube::EnvVar {
                name: key.clone(),
                value,
                config_map_ref: None,
                span: *span,
            });
        }
        let image = svc.image.as_ref().map(|(t, s)| fill(t, *s));
        let build_context = svc
            .build_context
            .as_ref()
            .map(|(t, s)| dir.join(fill(t, *s)));
        let dockerfile_dir = build_context.as_ref().and_then(|context| {
            let (t, s) = svc.dockerfile.as_ref()?;
            let folder = super::canonical(&context.join(fill(t, *s)))
                .parent()?
                .to_path_buf();
            folder
                .starts_with(super::canonical(context))
                .then_some(folder)
        });
        let mut hostnames: Vec<String> = svc.aliases.clone();
        for (t, s) in svc.container_name.iter().chain(&svc.hostname) {
            hostnames.push(fill(t, *s));
        }
        let mut published = Vec::new();
        let mut container_ports = Vec::new();
        for (t, s) in svc.ports.iter().chain(&svc.expose) {
            let text = fill(t, *s);
            match parse_port(&text) {
                (Some(host), Some(container)) => {
                    published.push((host, container));
                    container_ports.push(container);
                }
                (None, Some(container)) => container_ports.push(container),
                _ => {}
            }
        }
        let fallback_span = svc.span.unwrap_or(fallback);
        // A host folder above the project (`${HOST_FILESYSTEM}` set to `/`, mounted for
        // monitoring) does not say the service runs every file of the repository; `..` written
        // as such (the repository, from a compose file in `docker/`) does.
        let project = super::canonical(dir);
        let mounts = svc
            .mounts
            .iter()
            .map(|m| fill(m, fallback_span))
            .filter(|m| {
                !(Path::new(m).is_absolute() && project.starts_with(super::canonical(Path::new(m))))
            })
            .map(|m| dir.join(m))
            .collect();
        problems.append(&mut missing);
        services.push(ComposeService {
            name: svc.name.clone(),
            span: svc.span.unwrap_or(fallback),
            image,
            command: svc.command.clone(),
            build_context,
            dockerfile_dir,
            hostnames,
            env,
            published,
            container_ports,
            depends_on: svc.depends_on.clone(),
            labels: svc.labels.clone(),
            mounts,
            data_dirs: svc.data_dirs.clone(),
            host_network: svc.host_network,
        });
    }
    services.sort_by(|a, b| a.name.cmp(&b.name));
    (
        ComposeProject {
            dir: dir.to_path_buf(),
            files,
            services,
        },
        problems,
    )
}

/// `8080:80`, `127.0.0.1:8080:80/tcp`, `3000-3005:3000-3005`, `80` -> (host port, container port).
pub fn parse_port(text: &str) -> (Option<u16>, Option<u16>) {
    let text = text.split('/').next().unwrap_or("");
    let parts: Vec<&str> = text.rsplitn(3, ':').collect();
    let first = |range: &str| {
        range
            .split('-')
            .next()
            .and_then(|p| p.trim().parse::<u16>().ok())
    };
    match parts.as_slice() {
        [container] => (None, first(container)),
        [container, host, ..] => (first(host), first(container)),
        [] => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_node;

    fn file(id: u32, text: &str) -> ComposeFile {
        read(SourceId(id), &parse_node(text).unwrap())
    }

    /// A service's environment as (name, value) pairs.
    fn env_of(service: &ComposeService) -> Vec<(&str, Option<&str>)> {
        service
            .env
            .iter()
            .map(|e| (e.name.as_str(), e.value.as_deref()))
            .collect()
    }

    #[test]
    fn bare_entries_report_what_dotenv_left_unresolved_and_keep_literals() {
        let dotenv = interpolate::parse_dotenv(
            "PORT=7070\nRAW='${PORT}'\nLATE=http://email:${EMAIL_PORT}\nEMAIL_PORT=25\n",
        );
        let raw = merge(vec![file(
            0,
            "services:\n  api:\n    image: api:1\n    environment:\n      - RAW\n      - LATE\n",
        )]);
        let (project, problems) = resolve(
            Path::new("."),
            vec![SourceId(0)],
            raw,
            &dotenv,
            &BTreeMap::new(),
        );
        let env = env_of(&project.services[0]);
        // The single-quoted value stays as written; EMAIL_PORT comes below its use, so it is
        // unset there, as compose reads the file.
        assert_eq!(
            env,
            vec![("RAW", Some("${PORT}")), ("LATE", Some("http://email:"))]
        );
        let problems: Vec<&Problem> = problems.iter().map(|p| &p.problem).collect();
        assert_eq!(problems, vec![&Problem::Unset("EMAIL_PORT".into())]);
    }

    #[test]
    fn overlays_merge_like_compose() {
        let base = file(
            0,
            "services:\n  api:\n    image: api:1\n    environment:\n      DB: postgres://db:5432/app\n      MODE: dev\n    ports: ['8080:80']\n  db:\n    image: postgres:16\n",
        );
        let over = file(
            1,
            "services:\n  api:\n    image: api:2\n    environment:\n      - MODE=prod\n      - EXTRA\n    ports: ['9090:90']\n",
        );
        let merged = merge(vec![base, over]);
        let dotenv = interpolate::DotEnv {
            vars: [("EXTRA".to_owned(), "from-dotenv".to_owned())].into(),
            ..Default::default()
        };
        let (project, problems) = resolve(
            Path::new("."),
            vec![SourceId(0), SourceId(1)],
            merged,
            &dotenv,
            &BTreeMap::new(),
        );
        assert!(problems.is_empty(), "{problems:?}");
        let api = &project.services[0];
        assert_eq!(api.image.as_deref(), Some("api:2"));
        let env = env_of(api);
        assert_eq!(
            env,
            vec![
                ("DB", Some("postgres://db:5432/app")),
                ("MODE", Some("prod")),
                ("EXTRA", Some("from-dotenv"))
            ]
        );
        assert_eq!(api.published, vec![(8080, 80), (9090, 90)]);
        assert_eq!(
            api.env[1].span.source,
            SourceId(1),
            "overridden values point at the overlay"
        );
    }

    #[test]
    fn unresolved_variables_are_reported() {
        let f = file(
            0,
            "services:\n  api:\n    image: ${REGISTRY}/api\n    environment: [TOKEN]\n",
        );
        let (_, problems) = resolve(
            Path::new("."),
            vec![SourceId(0)],
            merge(vec![f]),
            &interpolate::DotEnv::default(),
            &BTreeMap::new(),
        );
        assert_eq!(problems.len(), 2);
    }

    #[test]
    fn ports_parse() {
        assert_eq!(parse_port("8080:80"), (Some(8080), Some(80)));
        assert_eq!(parse_port("127.0.0.1:8080:80/tcp"), (Some(8080), Some(80)));
        assert_eq!(parse_port("3000-3005:4000-4005"), (Some(3000), Some(4000)));
        assert_eq!(parse_port("80"), (None, Some(80)));
    }
}
