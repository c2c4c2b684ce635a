//! `commaudit what-if`: take services down, slow them, or make calls async or remove them, and
//! see which entrypoints fail, degrade or miss their objectives, and every measure before and
//! after. Questions combine: changes apply first, then `--down` and `--slow` on the result.

use clap::ValueEnum;

use crate::audit::Audit;
use crate::graph::what_if::cascade::{Fault, Target};
use crate::graph::what_if::slow::Slowdown;
use crate::graph::what_if::{self, Change, ChangeKind, Questions};
use crate::model::ServiceId;
use crate::report::what_if::{View, json, table};

use super::Exit;
use super::input::{InputArgs, warn_if_incomplete};

#[derive(Debug, clap::Args)]
#[command(group(
    clap::ArgGroup::new("question")
        .required(true)
        .multiple(true)
        .args(["down", "slow", "make_async", "remove"])
))]
pub struct WhatIfArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Take a service, datastore or broker down: which entrypoints fail, and which only degrade
    /// because the path is async (work waits in a queue) or has a fallback. Repeat for several.
    #[arg(long, value_name = "SERVICE")]
    down: Vec<String>,
    /// Make a service, datastore or broker slower, like `inventory-db=+40ms`: the cascade through
    /// timeouts, retries, load and capacity, per entrypoint. Repeat for several.
    #[arg(long, value_name = "SERVICE=+MS")]
    slow: Vec<String>,
    /// Put the synchronous calls FROM->TO on a queue, and show every measure before and after.
    #[arg(long = "async", value_name = "FROM->TO")]
    make_async: Vec<String>,
    /// Remove the synchronous calls FROM->TO, and show every measure before and after.
    #[arg(long, value_name = "FROM->TO")]
    remove: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: WhatIfFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum WhatIfFormat {
    Table,
    Json,
}

pub fn run(args: &WhatIfArgs, width: Option<usize>) -> Exit {
    let audit = match args.input.audit() {
        Ok(audit) => audit,
        Err(exit) => return exit,
    };
    let questions = match questions(&audit, args) {
        Ok(q) => q,
        Err(message) => return usage(&message),
    };
    let defaults = audit.facts.defaults;
    let answers = match what_if::answer(
        &audit.model,
        &audit.graph,
        &audit.analysis,
        &questions,
        defaults,
    ) {
        Ok(a) => a,
        Err(missing) => {
            let (from, to) = (audit.model.name(missing.from), audit.model.name(missing.to));
            let callees: Vec<String> = missing
                .callees
                .iter()
                .map(|&s| format!("`{}`", audit.model.name(s)))
                .collect();
            let help = if callees.is_empty() {
                format!("`{from}` calls nothing synchronously")
            } else {
                format!("`{from}` calls {} synchronously", callees.join(", "))
            };
            return usage(&format!(
                "`{from}` does not call `{to}` synchronously\n  help: {help}"
            ));
        }
    };
    let view = View {
        audit: &audit,
        questions: &questions,
        answers: &answers,
        width,
    };
    match args.format {
        WhatIfFormat::Table => print!("{}", table::render(&view)),
        WhatIfFormat::Json => print!("{}", json::render(&view)),
    }
    warn_if_incomplete(&audit);
    // Left to the operating system at exit, as `scan` leaves its audit.
    std::mem::forget(answers);
    std::mem::forget(audit);
    Exit::Clean
}

fn usage(message: &str) -> Exit {
    eprintln!("error: {message}");
    Exit::Usage
}

fn questions(audit: &Audit, args: &WhatIfArgs) -> Result<Questions, String> {
    let mut q = Questions::default();
    for name in &args.down {
        let t = target(audit, name.trim())?;
        if let Target::Service(s) = t
            && !q.down.contains(&s)
        {
            q.down.push(s);
        }
        if !q.faults.contains(&Fault::Down(t)) {
            q.faults.push(Fault::Down(t));
        }
    }
    for text in &args.slow {
        let (name, delta) = parse_slow(text)?;
        let t = target(audit, name)?;
        if let Target::Service(s) = t {
            q.slow.push(Slowdown {
                service: s,
                delta_ms: delta,
            });
        }
        q.faults.push(Fault::Slow(t, delta));
    }
    for (texts, kind) in [
        (&args.make_async, ChangeKind::Async),
        (&args.remove, ChangeKind::Remove),
    ] {
        for text in texts {
            let (from, to) = text.split_once("->").ok_or_else(|| {
                format!("`{text}` is not an edge\n  help: write FROM->TO, like `checkout->notifications`")
            })?;
            q.changes.push(Change {
                kind,
                from: service(audit, from.trim())?,
                to: service(audit, to.trim())?,
            });
        }
    }
    Ok(q)
}

/// A service, datastore or broker by name; an unknown one is an error with the closest name.
fn target(audit: &Audit, name: &str) -> Result<Target, String> {
    let m = &audit.model;
    if let Some(s) = m.service_named(name) {
        return Ok(Target::Service(s));
    }
    if let Some(i) = m.datastores.iter().position(|d| d.name == name) {
        return Ok(Target::Datastore(crate::model::DatastoreId(i as u32)));
    }
    if let Some(i) = m.brokers.iter().position(|b| b.name == name) {
        return Ok(Target::Broker(crate::model::BrokerId(i as u32)));
    }
    let names = m
        .services
        .iter()
        .map(|s| s.name.as_str())
        .chain(m.datastores.iter().map(|d| d.name.as_str()))
        .chain(m.brokers.iter().map(|b| b.name.as_str()));
    let help = crate::suggest::did_you_mean(name, names).unwrap_or_else(|| {
        "run `commaudit graph --format json` to list services, datastores and brokers".into()
    });
    Err(format!(
        "no service, datastore or broker named `{name}`\n  help: {help}"
    ))
}

/// A service by name; an unknown one is an error with the closest name.
fn service(audit: &Audit, name: &str) -> Result<ServiceId, String> {
    audit.model.service_named(name).ok_or_else(|| {
        let help = crate::suggest::did_you_mean(
            name,
            audit.model.services.iter().map(|s| s.name.as_str()),
        )
        .unwrap_or_else(|| "run `commaudit graph --format json` to list the services".into());
        format!("no service named `{name}`\n  help: {help}")
    })
}

/// `inventory=+40ms`, `inventory=40`, `inventory=+0.5s`: the service and the added milliseconds.
fn parse_slow(text: &str) -> Result<(&str, f64), String> {
    let bad = || {
        format!(
            "`{text}` is not a slowdown\n  help: write SERVICE=+MILLISECONDS, like `inventory=+40ms`"
        )
    };
    let (name, amount) = text.split_once('=').ok_or_else(bad)?;
    let amount = amount.trim().trim_start_matches('+');
    let (number, scale) = if let Some(n) = amount.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = amount.strip_suffix('s') {
        (n, 1000.0)
    } else {
        (amount, 1.0)
    };
    let value: f64 = number.trim().parse().map_err(|_| bad())?;
    if !value.is_finite() || value <= 0.0 {
        return Err(format!(
            "`{text}` does not slow anything down\n  help: give a positive amount, like `inventory=+40ms`"
        ));
    }
    let ms = value * scale;
    if ms > crate::load::numbers::MAX_MS {
        return Err(format!(
            "`{text}` is more than a day\n  help: give at most 86400000 ms (one day), like `inventory=+40ms`"
        ));
    }
    Ok((name.trim(), ms))
}

#[cfg(test)]
mod tests {
    use super::parse_slow;

    #[test]
    fn slowdowns_read_in_milliseconds_or_seconds() {
        assert_eq!(parse_slow("inventory=+40ms"), Ok(("inventory", 40.0)));
        assert_eq!(parse_slow("inventory = 40"), Ok(("inventory", 40.0)));
        assert_eq!(parse_slow("inventory=+0.5s"), Ok(("inventory", 500.0)));
        assert!(parse_slow("inventory").is_err());
        assert!(parse_slow("inventory=1e308").is_err());
        assert!(parse_slow("inventory=fast").is_err());
        assert!(parse_slow("inventory=-5ms").is_err());
        assert!(parse_slow("inventory=+0ms").is_err());
    }
}
