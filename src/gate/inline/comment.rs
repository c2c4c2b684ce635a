//! Comment suppressions: `# commaudit: ignore[CA301, CA302] -- reason until 2027-01-31` on its
//! own line, covering the item that starts on the next line (and the lines indented below it).

use crate::config::date::Date;
use crate::diagnostics::Finding;
use crate::model::Model;
use crate::source::{SourceFile, SourceId, Span};

use super::super::suppress::{Scope, Suppression};
use super::{Parts, declared_in, describe, problem, rules_of};

const SYNTAX: &str = "write `commaudit: ignore[CA301] -- why it is accepted` (optionally ending with `until 2027-01-31`) on the line above the item";

pub(super) fn collect(
    id: SourceId,
    file: &SourceFile,
    prefix: &str,
    model: &Model,
    found: &mut Vec<Suppression>,
    problems: &mut Vec<Finding>,
) {
    let lines = lines(&file.text);
    for (i, &(offset, text)) in lines.iter().enumerate() {
        let Some(body) = directive(text, prefix) else {
            continue;
        };
        let indent = text.len() - text.trim_start().len();
        let span = Span::new(id, (offset + indent) as u32, text.trim().len() as u32);
        let parts = match parse(body) {
            Ok(parts) => parts,
            Err((message, help)) => {
                problems.push(problem(span, message, help));
                continue;
            }
        };
        let (region, first) = match target(&lines, i, prefix) {
            Some((start, end, first)) => (Span::new(id, start as u32, (end - start) as u32), first),
            None => (Span::new(id, file.text.len() as u32, 0), ""),
        };
        let operations = declared_in(model, region);
        let what = describe(&operations, first);
        found.push(Suppression {
            rules: parts.rules,
            scope: Scope::Region {
                span: region,
                operations,
                what,
            },
            reason: parts.reason,
            until: parts.until,
            span,
        });
    }
}

/// Each line with the byte offset it starts at, without its line break.
fn lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        out.push((offset, line.trim_end_matches(['\n', '\r'])));
        offset += line.len();
    }
    out
}

/// The text after `commaudit:` when the line is a comment holding an `ignore` directive.
fn directive<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = line.trim_start().strip_prefix(prefix)?;
    let rest = rest.trim_start().strip_prefix("commaudit:")?.trim_start();
    rest.starts_with("ignore").then_some(rest)
}

fn is_comment(line: &str, prefix: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with(prefix)
}

/// The item below comment line `i`: the next line that is not blank or a comment, the lines
/// indented deeper than it, and a closing bracket at its own depth. Byte range and first line.
fn target<'a>(
    lines: &[(usize, &'a str)],
    i: usize,
    prefix: &str,
) -> Option<(usize, usize, &'a str)> {
    let first = (i + 1..lines.len()).find(|&j| !is_comment(lines[j].1, prefix))?;
    let (start, text) = lines[first];
    let depth = text.len() - text.trim_start().len();
    let mut last = first;
    for (j, &(_, line)) in lines.iter().enumerate().skip(first + 1) {
        if line.trim().is_empty() {
            continue;
        }
        let d = line.len() - line.trim_start().len();
        if d > depth {
            last = j;
        } else {
            if d == depth && line.trim_start().starts_with(['}', ']']) {
                last = j;
            }
            break;
        }
    }
    let (end_offset, end_text) = lines[last];
    Some((start + depth, end_offset + end_text.len(), text))
}

/// `ignore[CA301, CA302] -- reason until 2027-01-31`.
fn parse(body: &str) -> Result<Parts, (String, String)> {
    let syntax = || {
        (
            "expected `ignore[RULES] -- reason`".to_owned(),
            SYNTAX.to_owned(),
        )
    };
    let rest = body.strip_prefix("ignore[").ok_or_else(syntax)?;
    let (names, tail) = rest.split_once(']').ok_or_else(syntax)?;
    let names: Vec<&str> = crate::config::select::split_list(names).collect();
    let rules = rules_of(&names)?;
    let Some(reason) = tail.trim().strip_prefix("--") else {
        return Err((
            "a suppression needs a reason after `--`".into(),
            SYNTAX.into(),
        ));
    };
    let mut reason = reason.trim().to_owned();
    let mut until = None;
    let split = if let Some(date) = reason.strip_prefix("until ") {
        Some((String::new(), date.trim().to_owned()))
    } else {
        reason
            .rsplit_once(" until ")
            .map(|(r, d)| (r.trim().to_owned(), d.trim().to_owned()))
    };
    if let Some((text, date)) = split.filter(|(_, d)| !d.contains(char::is_whitespace)) {
        match Date::parse(&date) {
            Some(d) => {
                until = Some(d);
                reason = text;
            }
            None => {
                return Err((
                    format!("`until {date}` is not a date"),
                    "write the date as YYYY-MM-DD: `until 2027-01-31`".into(),
                ));
            }
        }
    }
    if reason.is_empty() {
        return Err((
            "a suppression needs a reason after `--`".into(),
            SYNTAX.into(),
        ));
    }
    Ok(Parts {
        rules,
        reason,
        until,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_need_rules_and_a_reason() {
        let p = parse("ignore[CA301, internal-rest] -- moving to NATS until 2027-01-31").unwrap();
        assert_eq!(p.rules.len(), 2);
        assert_eq!(p.reason, "moving to NATS");
        assert_eq!(
            p.until.map(|d| d.to_string()).as_deref(),
            Some("2027-01-31")
        );
        assert_eq!(
            parse("ignore[CA301] -- wait until the rewrite")
                .unwrap()
                .until,
            None
        );
        for (bad, why) in [
            ("ignore[CA301]", "a suppression needs a reason after `--`"),
            (
                "ignore[CA301] --  ",
                "a suppression needs a reason after `--`",
            ),
            (
                "ignore[CA301] -- until 2027-01-31",
                "a suppression needs a reason after `--`",
            ),
            ("ignore[CA3011] -- x", "unknown rule `CA3011`"),
            ("ignore[] -- x", "it names no rule"),
            ("ignore CA301 -- x", "expected `ignore[RULES] -- reason`"),
            (
                "ignore[CA301] -- x until 2027-02-30",
                "`until 2027-02-30` is not a date",
            ),
        ] {
            assert_eq!(parse(bad).err().map(|e| e.0).as_deref(), Some(why), "{bad}");
        }
    }

    #[test]
    fn the_target_is_the_next_item_and_its_indented_lines() {
        let text = "calls:\n  # commaudit: ignore[CA301] -- r\n  # more words\n  - to: a\n    protocol: rest\n\n  - to: b\n";
        let lines = lines(text);
        assert_eq!(directive(lines[1].1, "#"), Some("ignore[CA301] -- r"));
        let (start, end, first) = target(&lines, 1, "#").unwrap();
        assert_eq!(first, "  - to: a");
        assert_eq!(&text[start..end], "- to: a\n    protocol: rest");
        let proto = "// commaudit: ignore[CA401] -- r\nservice S {\n  rpc A(X) returns (Y);\n}\nmessage X {}\n";
        let lines = super::lines(proto);
        let (start, end, _) = target(&lines, 0, "//").unwrap();
        assert_eq!(
            &proto[start..end],
            "service S {\n  rpc A(X) returns (Y);\n}"
        );
        assert_eq!(directive("# commaudit project file", "#"), None);
    }
}
