//! Dockerfiles: the `ENV` defaults an image bakes in (`ENV CART_HOST=cart`), given to the
//! workload built from the file's folder, below whatever the deployment sets.

use std::path::Path;

use crate::source::Span;

use super::{Declarations, EnvDecl, FileInput, Importer, Owner};

pub struct Dockerfile;

impl Importer for Dockerfile {
    fn name(&self) -> &'static str {
        "Dockerfile"
    }

    fn wants_file_name(&self, file_name: &str) -> bool {
        is_dockerfile_name(file_name)
    }

    fn claims_file(&self, path: &Path, _text: &str) -> bool {
        path.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(is_dockerfile_name)
    }

    fn read_file(&self, file: FileInput<'_>, out: &mut Declarations) {
        let vars: Vec<(String, String, Span)> = instructions(file.text)
            .into_iter()
            .filter(|(word, _, _)| word.eq_ignore_ascii_case("ENV"))
            .flat_map(|(_, args, offset)| {
                env_pairs(&args)
                    .into_iter()
                    .map(move |(k, v)| (k, v, Span::new(file.source, offset as u32, 3)))
            })
            .collect();
        if !vars.is_empty() {
            out.env.push(EnvDecl {
                owner: Owner::File(file.path.to_path_buf()),
                vars,
            });
        }
    }
}

/// `Dockerfile`, `Dockerfile.prod`, `api.Dockerfile`, `Containerfile`.
fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["dockerfile", "containerfile"]
        .iter()
        .any(|base| lower == *base || lower.starts_with(&format!("{base}.")))
        || lower.ends_with(".dockerfile")
}

/// Instructions with their arguments (continuation lines joined) and the offset of each
/// instruction word.
fn instructions(text: &str) -> Vec<(String, String, usize)> {
    let mut out: Vec<(String, String, usize)> = Vec::new();
    let mut pending: Option<(String, String, usize)> = None;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            continue;
        }
        let (body, continues) = match trimmed.strip_suffix('\\') {
            Some(body) => (body, true),
            None => (trimmed, false),
        };
        match pending.as_mut() {
            Some((_, args, _)) => {
                args.push(' ');
                args.push_str(body.trim());
            }
            None if !body.trim().is_empty() => {
                let (word, args) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
                let at = start + (line.len() - trimmed.len());
                pending = Some((word.to_owned(), args.trim().to_owned(), at));
            }
            None => continue,
        }
        if !continues && let Some(done) = pending.take() {
            out.push(done);
        }
    }
    out.extend(pending);
    out
}

/// `KEY=value KEY2="two words"`, or the legacy `KEY value with spaces`.
fn env_pairs(args: &str) -> Vec<(String, String)> {
    let words = shell_words(args);
    if words.first().is_some_and(|w| !w.contains('=')) {
        let mut it = args.trim().splitn(2, char::is_whitespace);
        let key = it.next().unwrap_or("").to_owned();
        let value = it.next().unwrap_or("").trim().to_owned();
        return vec![(key, value)];
    }
    words
        .into_iter()
        .filter_map(|w| {
            let (k, v) = w.split_once('=')?;
            (!k.is_empty()).then(|| (k.to_owned(), v.to_owned()))
        })
        .collect()
}

/// Splits on whitespace outside quotes, removing the quotes.
fn shell_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (_, '\\') => current.extend(chars.next()),
            (None, c) if c.is_whitespace() => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            (_, c) => current.push(c),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceId;

    fn env(text: &str) -> Vec<(String, String)> {
        let mut out = Declarations::default();
        Dockerfile.read_file(
            FileInput {
                source: SourceId(0),
                path: Path::new("web/Dockerfile"),
                text,
            },
            &mut out,
        );
        out.env
            .iter()
            .flat_map(|e| e.vars.iter().map(|(k, v, _)| (k.clone(), v.clone())))
            .collect()
    }

    #[test]
    fn env_instructions_in_every_form() {
        let got = env(
            "FROM nginx\n# ENV IGNORED=1\nENV CART_HOST=cart \\\n    USER_HOST=\"user\"\nENV LEGACY some value\nenv lower=yes\nRUN echo ENV=no\n",
        );
        assert_eq!(
            got,
            vec![
                ("CART_HOST".into(), "cart".into()),
                ("USER_HOST".into(), "user".into()),
                ("LEGACY".into(), "some value".into()),
                ("lower".into(), "yes".into()),
            ]
        );
    }

    #[test]
    fn names() {
        assert!(is_dockerfile_name("Dockerfile"));
        assert!(is_dockerfile_name("Dockerfile.prod"));
        assert!(is_dockerfile_name("api.dockerfile"));
        assert!(!is_dockerfile_name("dockerfile-notes.md"));
        assert!(!is_dockerfile_name("docker-compose.yml"));
    }
}
