//! `cargo bench`: times whole scans of generated systems, in release mode.
//!
//! Inputs (generated into a temporary folder, so the numbers are reproducible):
//! - `layered`: 30 layers of 10 services, each calling all 10 of the next layer (2,900 calls,
//!   10^29 paths from the first layer);
//! - `wide`: 3,000 services in 60 teams, each calling 3 services of later teams and publishing
//!   one event that 2 other services consume (9,000 calls, 6,000 subscriptions).
//!
//! Prints the median and the slowest of 7 runs for each input.

use std::fmt::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use commaudit::audit;
use commaudit::load::{LoadOptions, read::DEFAULT_MAX_FILE_BYTES};

fn layered() -> String {
    let mut text = String::from("services:\n");
    for layer in 0..30 {
        for i in 0..10 {
            let _ = writeln!(text, "  - service: l{layer:02}-s{i}");
            if layer == 0 {
                text.push_str("    kind: gateway\n");
            }
            if layer < 29 {
                text.push_str("    calls:\n");
                for j in 0..10 {
                    let _ = writeln!(
                        text,
                        "      - {{ to: l{:02}-s{j}, protocol: grpc, timeout_ms: 100, retries: 1 }}",
                        layer + 1
                    );
                }
            }
        }
    }
    text
}

fn wide() -> String {
    let n = 3000usize;
    let mut text = String::from("brokers:\n  - { name: nats, kind: nats-jetstream }\nservices:\n");
    // A small deterministic generator, so every run sees the same system.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |bound: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % bound as u64) as usize
    };
    for i in 0..n {
        let _ = writeln!(
            text,
            "  - service: svc-{i:04}\n    owner: team-{:02}",
            i / 50
        );
        if i < 20 {
            text.push_str("    kind: gateway\n");
        }
        if i + 1 < n {
            text.push_str("    calls:\n");
            for _ in 0..3 {
                let to = i + 1 + next(n - i - 1);
                let _ = writeln!(
                    text,
                    "      - {{ to: svc-{to:04}, protocol: grpc, timeout_ms: 200 }}"
                );
            }
        }
        let _ = writeln!(
            text,
            "    publishes:\n      - {{ subject: events.svc-{i:04} }}"
        );
        text.push_str("    subscribes:\n");
        for _ in 0..2 {
            let from = next(n);
            let _ = writeln!(
                text,
                "      - {{ subject: events.svc-{from:04}, delivery: at-least-once, idempotent: true }}"
            );
        }
    }
    text
}

fn time(name: &str, dir: &Path) {
    let options = LoadOptions {
        paths: vec![dir.to_path_buf()],
        max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        ..LoadOptions::default()
    };
    let mut runs: Vec<Duration> = (0..7)
        .map(|_| {
            let start = Instant::now();
            let audit = audit::run(&options).expect("the generated system scans");
            std::hint::black_box(audit.findings.len());
            start.elapsed()
        })
        .collect();
    runs.sort();
    println!(
        "{name:<10} median {:>8.1} ms   slowest {:>8.1} ms",
        runs[3].as_secs_f64() * 1e3,
        runs[6].as_secs_f64() * 1e3
    );
}

fn main() {
    for (name, text) in [("layered", layered()), ("wide", wide())] {
        let dir =
            std::env::temp_dir().join(format!("commaudit-bench-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("commaudit.yaml"), text).expect("write system");
        time(name, &dir);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
