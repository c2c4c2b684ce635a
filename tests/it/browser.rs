//! The HTML report in a real headless browser (Debian's Chromium): the page is opened from a
//! file:// URL, its rendered DOM must hold the drawing and the tables, and a screenshot and a
//! printed PDF are kept under `tests/artifacts/` for a person to look at.
//!
//! `.ci/run` installs Chromium. Without it this test fails, loudly, unless
//! `COMMAUDIT_SKIP_BROWSER_TEST=1` says to skip it on purpose.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::commaudit;

const SKIP: &str = "COMMAUDIT_SKIP_BROWSER_TEST";
/// Where to find the browser when `CHROMIUM` does not say.
const CANDIDATES: [&str; 3] = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "chromium"];
const TIME_LIMIT: Duration = Duration::from_secs(120);

fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The browser to use, or `None` when the test was explicitly told to skip without one.
fn chromium() -> Option<String> {
    let mut candidates: Vec<String> = std::env::var("CHROMIUM").into_iter().collect();
    candidates.extend(CANDIDATES.iter().map(|c| (*c).to_owned()));
    for candidate in candidates {
        let works = Command::new(&candidate)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if works {
            return Some(candidate);
        }
    }
    if std::env::var_os(SKIP).is_some_and(|v| v == "1") {
        eprintln!(
            "\n!!! SKIPPED: no Chromium found and {SKIP}=1; the HTML report was NOT checked in a browser !!!\n"
        );
        return None;
    }
    panic!(
        "no Chromium found (tried $CHROMIUM, {}): install it with `apt-get install -y chromium` \
         (`.ci/run` does), point CHROMIUM at it, or set {SKIP}=1 to skip this test on purpose",
        CANDIDATES.join(", ")
    );
}

/// Runs headless Chromium with a fresh profile and no background networking, within a time
/// limit; returns what it printed on stdout. Output goes to files, not pipes, so a big DOM
/// cannot fill a pipe and stall the browser.
fn run_chromium(browser: &str, args: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out_path = profile.path().join("stdout.txt");
    let err_path = profile.path().join("stderr.txt");
    let mut command = Command::new(browser);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
        ])
        .arg(format!(
            "--user-data-dir={}",
            profile.path().join("profile").display()
        ))
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap());
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {browser}: {e}"));
    let started = Instant::now();
    let status = loop {
        match child.try_wait().unwrap() {
            Some(status) => break status,
            None if started.elapsed() > TIME_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{browser} did not finish within {TIME_LIMIT:?}: {args:?}");
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    };
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    assert!(status.success(), "{browser} failed ({status}): {stderr}");
    std::fs::read_to_string(&out_path).unwrap()
}

/// Width and height from a PNG's header.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

#[test]
fn the_html_report_renders_in_a_real_browser() {
    let Some(browser) = chromium() else {
        return;
    };
    let dir = artifacts();
    let everything: &[&str] = &[
        "plan", "chains", "ceilings", "retries", "changes", "findings",
    ];
    let clean: &[&str] = &["chains", "ceilings", "keeps"];
    for (name, input, tables) in [
        (
            "report-before",
            "examples/order-platform/before",
            everything,
        ),
        ("report-after", "examples/order-platform/after", clean),
    ] {
        let html = dir.join(format!("{name}.html"));
        let run = commaudit(&[
            "report",
            input,
            "--format",
            "html",
            "--output",
            html.to_str().unwrap(),
        ]);
        assert_eq!(run.code, 0, "{}", run.transcript());
        let url = format!("file://{}", html.display());

        let dom = run_chromium(&browser, &["--dump-dom".into(), url.clone()]);
        assert!(dom.contains("<svg"), "{name}: the drawing is in the DOM");
        let nodes = dom.matches("class=\"node\"").count();
        let edges = dom.matches("class=\"edge\"").count();
        assert!(
            nodes >= 20 && edges >= 30,
            "{name}: {nodes} nodes, {edges} edges drawn"
        );
        for table in tables {
            let tag = format!("<table class=\"{table}\">");
            assert!(dom.contains(&tag), "{name}: no table {table}");
        }
        assert!(dom.contains("What is wrong") && dom.contains("What to do first"));
        assert!(!dom.contains("<script"), "{name}: no script in the page");

        let png = dir.join(format!("{name}.png"));
        let _ = std::fs::remove_file(&png);
        run_chromium(
            &browser,
            &[
                format!("--screenshot={}", png.display()),
                "--window-size=1280,2200".into(),
                url.clone(),
            ],
        );
        let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("no screenshot {png:?}: {e}"));
        assert_eq!(png_size(&bytes), (1280, 2200));
        assert!(
            bytes.len() > 50_000,
            "{name}: a blank page compresses to almost nothing"
        );

        let pdf = dir.join(format!("{name}.pdf"));
        let _ = std::fs::remove_file(&pdf);
        run_chromium(
            &browser,
            &[
                format!("--print-to-pdf={}", pdf.display()),
                "--no-pdf-header-footer".into(),
                url,
            ],
        );
        let bytes = std::fs::read(&pdf).unwrap_or_else(|e| panic!("no PDF {pdf:?}: {e}"));
        assert!(bytes.starts_with(b"%PDF"), "{name}: printing gives a PDF");
    }
}
