//! Apache Thrift IDL (`.thrift` files): the services a file declares, their methods, and which
//! methods are `oneway` (the caller sends and does not wait for an answer).
//!
//! Only what the audit needs is read: `namespace`, `service NAME [extends BASE] { ... }` and the
//! methods inside. Structs, enums, typedefs, constants and exceptions are skipped by matching
//! their brackets, so the reader never recurses and no nesting depth can overflow it.

use std::collections::{HashMap, HashSet};

use crate::diagnostics::catalog::INVALID_INPUT;
use crate::diagnostics::{Finding, Item};
use crate::source::{SourceId, Span};

/// A service declared in a .thrift file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThriftService {
    /// `file.Service`: the file's name without `.thrift` and the service, as another Thrift file
    /// that includes this one names it.
    pub full_name: String,
    /// The service's own name.
    pub name: String,
    /// Every `namespace <scope> <name>` of the file (`java com.acme.orders`).
    pub namespaces: Vec<String>,
    /// `extends`, as written (`Base` or `shared.Base`).
    pub extends: Option<String>,
    pub span: Span,
    /// Its own methods, then the ones it inherits (filled in by [`inherit`]).
    pub methods: Vec<ThriftMethod>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThriftMethod {
    pub name: String,
    pub span: Span,
    /// `oneway`: sent without waiting for an answer, and without knowing it arrived.
    pub oneway: bool,
}

impl ThriftService {
    /// Whether a manifest's `service:` names this service: its full name, its own name, or a
    /// namespace followed by its name.
    pub fn answers_to(&self, written: &str) -> bool {
        written == self.full_name
            || written == self.name
            || written
                .strip_suffix(&self.name)
                .and_then(|ns| ns.strip_suffix('.'))
                .is_some_and(|ns| self.namespaces.iter().any(|n| n == ns))
    }
}

/// Reads the services a .thrift file declares.
pub fn read(id: SourceId, stem: &str, text: &str) -> Result<Vec<ThriftService>, Vec<Finding>> {
    let tokens = tokenize(text).map_err(|(offset, what)| vec![problem(id, text, offset, what)])?;
    let mut parser = Parser {
        id,
        stem,
        tokens: &tokens,
        at: 0,
        namespaces: Vec::new(),
    };
    parser
        .document()
        .map_err(|(offset, what)| vec![problem(id, text, offset, what)])
}

/// Adds to each service the methods of the services it extends (through any number of
/// levels, stopping at a cycle or a base the scan did not read).
pub fn inherit(services: &mut [ThriftService]) {
    let bases = bases(services);
    let own: Vec<Vec<ThriftMethod>> = services.iter().map(|s| s.methods.clone()).collect();
    for (i, service) in services.iter_mut().enumerate() {
        let mut seen = vec![i];
        let mut names: HashSet<String> = service.methods.iter().map(|m| m.name.clone()).collect();
        let mut current = i;
        while let Some(j) = bases[current] {
            if seen.contains(&j) {
                break;
            }
            seen.push(j);
            for method in &own[j] {
                if names.insert(method.name.clone()) {
                    service.methods.push(method.clone());
                }
            }
            current = j;
        }
    }
}

/// The index of the service each service extends, where the scan read it.
pub fn bases(services: &[ThriftService]) -> Vec<Option<usize>> {
    let mut by_full: HashMap<&str, usize> = HashMap::new();
    let mut by_file: HashMap<(SourceId, &str), usize> = HashMap::new();
    for (i, s) in services.iter().enumerate() {
        by_full.entry(s.full_name.as_str()).or_insert(i);
        by_file.entry((s.span.source, s.name.as_str())).or_insert(i);
    }
    services
        .iter()
        .map(|s| {
            let base = s.extends.as_deref()?;
            by_full
                .get(base)
                .or_else(|| by_file.get(&(s.span.source, base)))
                .copied()
        })
        .collect()
}

/// The finding for a file that is not valid Thrift, at the character where reading stopped.
fn problem(id: SourceId, text: &str, offset: usize, what: String) -> Finding {
    let offset = offset.min(text.len());
    let len = text
        .get(offset..)
        .and_then(|rest| rest.chars().next())
        .map_or(0, char::len_utf8);
    Finding::new(INVALID_INPUT, format!("invalid Thrift file: {what}"))
        .at(Span::new(id, offset as u32, len as u32))
        .about(Item::File(id))
        .about(Item::Key("invalid Thrift file".into()))
        .help("fix the Thrift syntax (the file must compile with `thrift --gen`), or exclude the file from the scan")
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token<'a> {
    Word(&'a str),
    Literal,
    Punct(u8),
}

type Problem = (usize, String);

/// Words, literals and punctuation with their byte offsets; comments and space dropped.
fn tokenize(text: &str) -> Result<Vec<(usize, Token<'_>)>, Problem> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'#' => i = line_end(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'/') => i = line_end(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..]
                    .find("*/")
                    .ok_or((i, "a `/*` comment is never closed".to_owned()))?;
                i += 2 + end + 2;
            }
            b'"' | b'\'' => {
                // The Apache compiler accepts a backslash before the quote character.
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != b {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                if j >= bytes.len() {
                    return Err((i, "a string literal is never closed".to_owned()));
                }
                out.push((i, Token::Literal));
                i = j + 1;
            }
            b'{' | b'}' | b'(' | b')' | b'<' | b'>' | b'[' | b']' | b',' | b';' | b':' | b'='
            | b'*' => {
                out.push((i, Token::Punct(b)));
                i += 1;
            }
            _ if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-' || b == b'+' => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || matches!(bytes[i], b'_' | b'.' | b'-' | b'+'))
                {
                    i += 1;
                }
                out.push((start, Token::Word(&text[start..i])));
            }
            _ => {
                let c = text[i..].chars().next().unwrap_or('?');
                return Err((i, format!("unexpected character {c:?}")));
            }
        }
    }
    Ok(out)
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(bytes.len(), |n| from + n)
}

struct Parser<'t, 'a> {
    id: SourceId,
    stem: &'t str,
    tokens: &'t [(usize, Token<'a>)],
    at: usize,
    namespaces: Vec<String>,
}

impl<'a> Parser<'_, 'a> {
    fn peek(&self) -> Option<&Token<'a>> {
        self.tokens.get(self.at).map(|(_, t)| t)
    }

    fn offset(&self) -> usize {
        self.tokens
            .get(self.at)
            .or(self.tokens.last())
            .map_or(0, |(o, _)| *o)
    }

    fn word(&mut self, what: &str) -> Result<(usize, &'a str), Problem> {
        match self.tokens.get(self.at) {
            Some((offset, Token::Word(w))) => {
                self.at += 1;
                Ok((*offset, w))
            }
            _ => Err((self.offset(), format!("expected {what}"))),
        }
    }

    fn eat(&mut self, punct: u8) -> bool {
        if self.peek() == Some(&Token::Punct(punct)) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    /// Skips a bracketed group starting at the current `open`, matching every kind of bracket
    /// on a stack of its own (no recursion, so no nesting depth overflows it).
    fn skip_group(&mut self) -> Result<(), Problem> {
        let start = self.offset();
        let mut open: Vec<u8> = Vec::new();
        while let Some(&(offset, ref token)) = self.tokens.get(self.at) {
            self.at += 1;
            match *token {
                Token::Punct(c @ (b'{' | b'(' | b'[' | b'<')) => open.push(c),
                Token::Punct(c @ (b'}' | b')' | b']' | b'>')) => {
                    let closer = |o: u8| match o {
                        b'{' => '}',
                        b'(' => ')',
                        b'[' => ']',
                        _ => '>',
                    };
                    let expected = open.pop().map(closer);
                    if expected != Some(c as char) {
                        let wanted = expected.unwrap_or(c as char);
                        return Err((
                            offset,
                            format!(
                                "found `{}` where `{wanted}` closes the bracket before it",
                                c as char
                            ),
                        ));
                    }
                    if open.is_empty() {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        Err((start, "a bracket is never closed".to_owned()))
    }

    fn document(&mut self) -> Result<Vec<ThriftService>, Problem> {
        let mut services = Vec::new();
        while let Some(token) = self.peek() {
            match token {
                Token::Word("namespace") => {
                    self.at += 1;
                    let _scope = self.word("a namespace scope after `namespace`")?;
                    let (_, name) = self.word("a namespace name")?;
                    self.namespaces.push(name.to_owned());
                }
                Token::Word("service") => {
                    self.at += 1;
                    services.push(self.service()?);
                }
                Token::Punct(b'{' | b'(' | b'[' | b'<') => self.skip_group()?,
                Token::Punct(c @ (b'}' | b')' | b']' | b'>')) => {
                    return Err((self.offset(), format!("`{}` closes nothing", *c as char)));
                }
                _ => self.at += 1,
            }
        }
        Ok(services)
    }

    fn service(&mut self) -> Result<ThriftService, Problem> {
        let (offset, name) = self.word("a service name after `service`")?;
        let mut extends = None;
        if self.peek() == Some(&Token::Word("extends")) {
            self.at += 1;
            extends = Some(self.word("a service name after `extends`")?.1.to_owned());
        }
        if !self.eat(b'{') {
            return Err((
                self.offset(),
                format!("expected `{{` to open service `{name}`"),
            ));
        }
        let mut methods = Vec::new();
        loop {
            match self.peek() {
                None => {
                    return Err((
                        offset,
                        format!("service `{name}` is never closed with `}}`"),
                    ));
                }
                Some(Token::Punct(b'}')) => {
                    self.at += 1;
                    break;
                }
                _ => methods.push(self.method(name)?),
            }
        }
        if self.peek() == Some(&Token::Punct(b'(')) {
            self.skip_group()?; // annotations
        }
        Ok(ThriftService {
            full_name: format!("{}.{name}", self.stem),
            name: name.to_owned(),
            namespaces: self.namespaces.clone(),
            extends,
            span: Span::new(self.id, offset as u32, name.len() as u32),
            methods,
        })
    }

    /// `[oneway] ReturnType name(fields) [throws (fields)] [(annotations)] [,|;]`
    fn method(&mut self, service: &str) -> Result<ThriftMethod, Problem> {
        let expected = || format!("expected a method of service `{service}`");
        let oneway = self.peek() == Some(&Token::Word("oneway"));
        if oneway {
            self.at += 1;
        }
        self.word(&expected()).map_err(|(o, _)| (o, expected()))?; // return type
        if self.peek() == Some(&Token::Punct(b'<')) {
            self.skip_group()?;
        }
        if self.peek() == Some(&Token::Punct(b'(')) {
            self.skip_group()?; // type annotations
        }
        let (offset, name) = self.word(&expected()).map_err(|(o, _)| (o, expected()))?;
        if self.peek() != Some(&Token::Punct(b'(')) {
            return Err((self.offset(), format!("expected `(` after method `{name}`")));
        }
        self.skip_group()?;
        if self.peek() == Some(&Token::Word("throws")) {
            self.at += 1;
            if self.peek() != Some(&Token::Punct(b'(')) {
                return Err((self.offset(), "expected `(` after `throws`".to_owned()));
            }
            self.skip_group()?;
        }
        if self.peek() == Some(&Token::Punct(b'(')) {
            self.skip_group()?;
        }
        let _ = self.eat(b',') || self.eat(b';');
        Ok(ThriftMethod {
            name: name.to_owned(),
            span: Span::new(self.id, offset as u32, name.len() as u32),
            oneway,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn services(text: &str) -> Vec<ThriftService> {
        read(SourceId(0), "orders", text).expect("parses")
    }

    fn error(text: &str) -> String {
        let findings = read(SourceId(0), "orders", text).expect_err("refused");
        findings[0].message.clone()
    }

    const ORDERS: &str = r#"
# Orders, as the tutorial would write them.
namespace java com.acme.orders
namespace py orders
include "shared.thrift"

const i32 LIMIT = 10
typedef i64 OrderId
enum Status { NEW = 1, PAID = 2 }
struct Order {
  1: required OrderId id,
  2: optional map<string, list<string>> tags = {"a": ["b"]},
}
exception NotFound { 1: string why }

/* The service itself. */
service OrderService extends shared.SharedService {
  Order get(1: OrderId id) throws (1: NotFound missing),
  list<Order> search(1: string query, 2: i32 limit = 10);
  oneway void notify(1: OrderId id) (retry = "no")
  void ping()
} (owner = "orders-team")

service Audit { oneway void record(1: string line) }
"#;

    #[test]
    fn reads_services_methods_and_oneway() {
        let found = services(ORDERS);
        assert_eq!(found.len(), 2);
        let orders = &found[0];
        assert_eq!(orders.full_name, "orders.OrderService");
        assert_eq!(orders.extends.as_deref(), Some("shared.SharedService"));
        assert_eq!(orders.namespaces, ["com.acme.orders", "orders"]);
        let methods: Vec<(&str, bool)> = orders
            .methods
            .iter()
            .map(|m| (m.name.as_str(), m.oneway))
            .collect();
        assert_eq!(
            methods,
            [
                ("get", false),
                ("search", false),
                ("notify", true),
                ("ping", false)
            ]
        );
        assert_eq!(
            &ORDERS[orders.methods[0].span.offset as usize..][..3],
            "get"
        );
        assert_eq!(found[1].methods[0].name, "record");
        assert!(found[1].methods[0].oneway);
    }

    #[test]
    fn a_service_answers_to_its_names() {
        let orders = &services(ORDERS)[0];
        for name in [
            "orders.OrderService",
            "OrderService",
            "com.acme.orders.OrderService",
        ] {
            assert!(orders.answers_to(name), "{name}");
        }
        assert!(!orders.answers_to("acme.OrderService"));
        assert!(!orders.answers_to("Order"));
    }

    #[test]
    fn inherits_methods_through_extends_and_stops_at_cycles() {
        let mut all = services("service A extends B { void a() } service B extends A { void b() }");
        all.extend(read(SourceId(1), "shared", "service Base { string ping() }").expect("parses"));
        all.push(ThriftService {
            extends: Some("shared.Base".into()),
            ..services("service C { void c() }").remove(0)
        });
        inherit(&mut all);
        let names =
            |s: &ThriftService| s.methods.iter().map(|m| m.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&all[0]), ["a", "b"]);
        assert_eq!(names(&all[1]), ["b", "a"]);
        assert_eq!(names(&all[3]), ["c", "ping"]);
    }

    #[test]
    fn broken_files_name_what_is_wrong() {
        assert_eq!(
            error("service S { void f( }"),
            "invalid Thrift file: found `}` where `)` closes the bracket before it"
        );
        assert_eq!(
            error("service S { void f() "),
            "invalid Thrift file: service `S` is never closed with `}`"
        );
        assert_eq!(
            error("service S { 42 }"),
            "invalid Thrift file: expected a method of service `S`"
        );
        assert_eq!(
            error("struct A { 1: string s } }"),
            "invalid Thrift file: `}` closes nothing"
        );
        assert_eq!(
            error("/* never closed"),
            "invalid Thrift file: a `/*` comment is never closed"
        );
        assert_eq!(
            error("service S { void f(1: string s = \"x) }"),
            "invalid Thrift file: a string literal is never closed"
        );
        assert!(error("service \u{7}").contains("unexpected character"));
    }

    #[test]
    fn deep_nesting_is_skipped_without_recursion() {
        let deep = format!("const x = {}{}", "[".repeat(200_000), "]".repeat(200_000));
        assert!(services(&deep).is_empty());
    }
}
