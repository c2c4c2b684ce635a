//! `what-if --format table`: one section per question, each a sentence and a table.

use std::fmt::Write;

use comfy_table::{ContentArrangement, Table, presets};

use crate::graph::what_if::cascade::{Cascade, QueueOutcome, fault_text};
use crate::graph::what_if::compare::Snapshot;
use crate::graph::what_if::down::{Down, Outcome};
use crate::graph::what_if::slow::{Slow, SlowOutcome};
use crate::recommend::plan::{percent, times};

use super::{View, ms, rate_text};

/// Width the tables wrap to when no terminal width is known, so output is the same in a pipe
/// and a snapshot.
const WIDTH: u16 = 160;

fn table(v: &View, header: &[&str]) -> Table {
    let width = v
        .width
        .map_or(WIDTH, |w| u16::try_from(w).unwrap_or(u16::MAX));
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width)
        .set_header(header.to_vec());
    t
}

pub fn render(v: &View) -> String {
    let mut out = String::new();
    let a = v.answers;
    if let (Some(before), Some(after)) = (&a.before, &a.after) {
        let _ = writeln!(out, "what if: {}\n", v.changes_text());
        out.push_str(&compare(v, before, after));
    }
    let on = if v.questions.changes.is_empty() {
        String::new()
    } else {
        " (with the changes above)".to_owned()
    };
    if let Some(down) = &a.down {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&down_section(v, down, &on));
    }
    if let Some(slow) = &a.slow {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&slow_section(v, slow, &on));
    }
    if let Some(cascade) = &a.cascade {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&cascade_section(v, cascade, &on));
    }
    let out = crate::escape::lines(&out);
    match v.width {
        Some(w) => super::super::fit::wrap_prose(&out, w),
        None => out,
    }
}

/// The cascade through timeouts, retries, load and capacity: each entrypoint's status and its
/// chain of cause, then what the queues absorb.
fn cascade_section(v: &View, c: &Cascade, on: &str) -> String {
    let model = &v.audit.model;
    let faults: Vec<String> = c.faults.iter().map(|&f| fault_text(model, f)).collect();
    let mut out = format!(
        "cascade: {}{on}\ntimeouts fire, retries add load, load above capacity queues ({} rounds)\n\n",
        faults.join(", "),
        c.rounds
    );
    for e in &c.entrypoints {
        let _ = writeln!(out, "{}: {}", v.name(e.entry), e.status.as_str());
        for step in &e.chain {
            let _ = writeln!(out, "  -> {step}");
        }
    }
    for q in &c.queues {
        let channel = q.channel.as_deref().unwrap_or("a new queue");
        let _ = writeln!(
            out,
            "queue {channel}: {} -> {}: {}",
            v.name(q.publisher),
            v.name(q.consumer),
            backlog(v, q)
        );
    }
    out
}

/// What a queue holds during the fault, and where.
fn backlog(v: &View, q: &QueueOutcome) -> String {
    if let Some(b) = q.outbox {
        let (publisher, broker) = (v.name(q.publisher), &v.audit.model.broker(b).name);
        return match (q.backlog_per_minute, q.drain_seconds) {
            (Some(n), Some(d)) => format!(
                "backlog builds in the outbox of `{publisher}` by {n:.0} messages per minute of the fault and drains when {broker} is back, in {d:.0} s per minute of backlog"
            ),
            (Some(n), None) => format!(
                "backlog builds in the outbox of `{publisher}` by {n:.0} messages per minute of the fault and drains when {broker} is back"
            ),
            _ => format!(
                "messages wait in the outbox of `{publisher}` until {broker} is back (no rate declared)"
            ),
        };
    }
    match (q.backlog_per_minute, q.drain_seconds) {
        (Some(0.0), _) => "absorbed: the consumer keeps up".to_owned(),
        (Some(b), Some(d)) => format!(
            "backlog grows by {b:.0} messages per minute of the fault, drained in {d:.0} s per minute of backlog"
        ),
        (Some(b), None) => format!("backlog grows by {b:.0} messages per minute of the fault"),
        _ => "held in the queue until the consumer catches up (no rate or capacity declared)"
            .to_owned(),
    }
}

fn compare(v: &View, b: &Snapshot, a: &Snapshot) -> String {
    let (sb, sa) = (&b.summary, &a.summary);
    let mut t = table(v, &["measure", "before", "after", "change"]);
    let chain = |s: &Snapshot| {
        let hops = s.summary.longest_sync_chain;
        if s.longest.is_empty() {
            format!("{hops} hops")
        } else {
            format!("{hops} hops: {}", v.path(&s.longest))
        }
    };
    t.add_row(vec![
        "longest sync chain".into(),
        chain(b),
        chain(a),
        delta(
            sb.longest_sync_chain as f64,
            sa.longest_sync_chain as f64,
            " hop",
        ),
    ]);
    t.add_row(vec![
        "sync cycles".into(),
        sb.sync_cycles.to_string(),
        sa.sync_cycles.to_string(),
        delta(sb.sync_cycles as f64, sa.sync_cycles as f64, ""),
    ]);
    let entries = b.measures.per_entry.len();
    let blast = |s: &Snapshot| match s.measures.worst_blast_radius {
        Some((svc, n)) => format!("{n} of {entries} entrypoints (first: `{}`)", v.name(svc)),
        None => format!("0 of {entries} entrypoints"),
    };
    t.add_row(vec![
        "worst blast radius".into(),
        blast(b),
        blast(a),
        delta(
            sb.worst_blast_radius as f64,
            sa.worst_blast_radius as f64,
            "",
        ),
    ]);
    let ceiling = |s: &Snapshot| match (s.summary.lowest_availability_ceiling, s.lowest_ceiling) {
        (Some(c), Some(e)) => format!("{} (`{}`)", percent(c), v.name(e)),
        _ => "100%".into(),
    };
    t.add_row(vec![
        "lowest availability ceiling".into(),
        ceiling(b),
        ceiling(a),
        delta(
            sb.lowest_availability_ceiling.unwrap_or(100.0),
            sa.lowest_availability_ceiling.unwrap_or(100.0),
            " points",
        ),
    ]);
    let retries = |s: &Snapshot| match &s.worst_retries {
        Some((_, path)) => format!(
            "{}: {}",
            times(s.summary.max_retry_amplification),
            v.path(path)
        ),
        None => "1x".into(),
    };
    t.add_row(vec![
        "retry amplification".into(),
        retries(b),
        retries(a),
        delta(sb.max_retry_amplification, sa.max_retry_amplification, "x"),
    ]);
    let mut out = format!("{t}\n\nper entrypoint (before -> after):\n");
    let mut t = table(
        v,
        &[
            "entrypoint",
            "longest chain",
            "availability ceiling",
            "retry amplification",
            "hard dependencies",
            "latency estimate",
        ],
    );
    for (i, (mb, ma)) in b
        .measures
        .per_entry
        .iter()
        .zip(&a.measures.per_entry)
        .enumerate()
    {
        t.add_row(vec![
            v.name(mb.entry).to_owned(),
            arrow(mb.depth.to_string(), ma.depth.to_string()),
            arrow(percent(round(mb.ceiling)), percent(round(ma.ceiling))),
            arrow(times(mb.attempts), times(ma.attempts)),
            arrow(b.dependencies[i].to_string(), a.dependencies[i].to_string()),
            arrow(ms(b.latency_ms[i]), ms(a.latency_ms[i])),
        ]);
    }
    let _ = writeln!(out, "{t}");
    out
}

fn round(fraction: f64) -> f64 {
    (fraction * 1e6).round() / 1e4
}

fn arrow(before: String, after: String) -> String {
    if before == after {
        before
    } else {
        format!("{before} -> {after}")
    }
}

/// `-1 hop`, `+0.099 points`, `unchanged`; a unit ending in a letter takes an `s` unless
/// the change is one.
fn delta(before: f64, after: f64, unit: &str) -> String {
    let d = after - before;
    if d.abs() < 1e-9 {
        return "unchanged".into();
    }
    let text = format!("{d:+.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    let plural = unit.ends_with(|c: char| c.is_ascii_alphabetic())
        && unit.len() > 1
        && !unit.ends_with('s')
        && (d.abs() - 1.0).abs() > 1e-9;
    format!("{text}{unit}{}", if plural { "s" } else { "" })
}

fn down_section(v: &View, d: &Down, on: &str) -> String {
    let down = v.names(&d.down).join(", ");
    let mut out = format!(
        "what if: {down} {} down{on}\n{} of {} entrypoints fail, {} degrade, {} unaffected\n\n",
        if d.down.len() == 1 { "is" } else { "are" },
        d.count(Outcome::Fails),
        d.entrypoints.len(),
        d.count(Outcome::Degrades),
        d.count(Outcome::Unaffected)
    );
    let mut t = table(v, &["entrypoint", "outcome", "why"]);
    for e in &d.entrypoints {
        let mut why: Vec<String> = e.reasons.iter().map(|r| v.reason(r)).collect();
        if e.outcome == Outcome::Fails && !d.down.contains(&e.entry) {
            let sync = &v.answers.altered.sync;
            for &i in sync.out_edges(e.entry) {
                let edge = sync.edge(i);
                if !d.is_failing(edge.to) {
                    why.push(format!("its call to {} still answers", v.hop(edge.via)));
                }
            }
        }
        t.add_row(vec![
            v.name(e.entry).to_owned(),
            e.outcome.as_str().to_owned(),
            why.join("\n"),
        ]);
    }
    let _ = writeln!(out, "{t}");
    let also: Vec<String> = d
        .failing
        .iter()
        .filter(|s| {
            !d.down.contains(s)
                && !v.audit.analysis.is_entrypoint(**s)
                && v.audit.model.service(**s).kind != crate::model::ServiceKind::Client
        })
        .map(|&s| v.name(s).to_owned())
        .collect();
    if !also.is_empty() {
        let _ = writeln!(out, "\nservices that fail with it: {}", also.join(", "));
    }
    let links = &v.answers.altered.links;
    if d.queues.is_empty() {
        let _ = writeln!(
            out,
            "\nno queue holds work for it: nothing reaches it through a broker"
        );
    } else {
        let _ = writeln!(out, "\nqueues that hold the work until it is back:");
        let mut t = table(
            v,
            &[
                "channel",
                "published by",
                "consumer",
                "rate",
                "what happens",
            ],
        );
        for &i in &d.queues {
            let l = &links[i];
            t.add_row(vec![
                v.channel(l),
                v.name(l.publisher).to_owned(),
                v.name(l.consumer).to_owned(),
                rate_text(l.rate),
                v.held(l, d.down.contains(&l.consumer)),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    if !d.quiet.is_empty() {
        let _ = writeln!(
            out,
            "\nchannels that go quiet (no new events while it is down):"
        );
        let mut t = table(
            v,
            &["channel", "published by", "consumers that get nothing new"],
        );
        let mut grouped: std::collections::BTreeMap<(String, &str), Vec<&str>> =
            std::collections::BTreeMap::new();
        for &i in &d.quiet {
            let l = &links[i];
            grouped
                .entry((v.channel(l), v.name(l.publisher)))
                .or_default()
                .push(v.name(l.consumer));
        }
        for ((channel, publisher), consumers) in grouped {
            t.add_row(vec![channel, publisher.to_owned(), consumers.join(", ")]);
        }
        let _ = writeln!(out, "{t}");
    }
    out
}

fn slow_section(v: &View, s: &Slow, on: &str) -> String {
    let which: Vec<String> = s
        .slowdowns
        .iter()
        .map(|d| format!("{} is {} slower", v.name(d.service), ms(d.delta_ms)))
        .collect();
    let default_ms = v.audit.facts.defaults.processing_ms;
    let cycles = if v
        .answers
        .altered
        .sync
        .components()
        .members
        .iter()
        .any(|m| m.len() > 1)
    {
        "; a sync cycle counts each member once"
    } else {
        ""
    };
    let mut out = format!(
        "what if: {}{on}\nestimates add processing_ms along the slowest sync path (calls in parallel); a service without it counts as {}{cycles}\n\n",
        which.join(", "),
        ms(default_ms)
    );
    let mut t = table(
        v,
        &[
            "entrypoint",
            "latency objective",
            "slowest request through it",
            "before",
            "after",
            "outcome",
        ],
    );
    for e in &s.entrypoints {
        let reached = e.outcome != SlowOutcome::NotReached;
        let mut outcome = e.outcome.as_str().to_owned();
        for &i in &e.timeouts {
            let hit = &s.timeouts[i];
            outcome.push_str(&format!(
                "\n{} -> {} waits {} but it now takes {}",
                v.name(hit.from),
                v.name(hit.to),
                ms(hit.timeout_ms),
                ms(hit.after_ms)
            ));
        }
        t.add_row(vec![
            v.name(e.entry).to_owned(),
            e.budget_ms.map_or_else(|| "none".into(), ms),
            if reached { v.path(&e.path) } else { "-".into() },
            if reached { ms(e.before_ms) } else { "-".into() },
            if reached { ms(e.after_ms) } else { "-".into() },
            outcome,
        ]);
    }
    let _ = writeln!(out, "{t}");
    if s.timeouts.is_empty() {
        let _ = writeln!(out, "\nno caller's timeout is exceeded");
    } else {
        let _ = writeln!(
            out,
            "\ncalls whose timeout the callee's estimated answer exceeds:"
        );
        let mut t = table(v, &["call", "timeout", "callee answers in", "on failure"]);
        for hit in &s.timeouts {
            t.add_row(vec![
                format!("{} -> {}", v.name(hit.from), v.name(hit.to)),
                ms(hit.timeout_ms),
                format!(
                    "{} -> {}{}",
                    ms(hit.before_ms),
                    ms(hit.after_ms),
                    if hit.already {
                        " (over before too)"
                    } else {
                        ""
                    }
                ),
                if hit.hard {
                    "the caller fails (and retries)".into()
                } else {
                    "the caller falls back".into()
                },
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    out
}
