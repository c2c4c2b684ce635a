//! The HTML report in a real headless browser (Debian's Chromium): the page is opened from a
//! file:// URL, its rendered DOM must hold the drawing and the tables, and a screenshot and a
//! printed PDF are kept under `tests/artifacts/` for a person to look at.
//!
//! The test runs wherever Chromium is found. Without Chromium it passes with a loud note on
//! stderr (so `cargo test` passes on a machine with nothing but Rust), except under `CI=true`,
//! where it fails: `.ci/run` installs Chromium, so a CI run always checks the page.
//! `COMMAUDIT_SKIP_BROWSER_TEST=1` skips it on purpose, also when Chromium is there.

#![allow(clippy::unwrap_used)]

use std::io::Write;
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

/// What to do about the browser test on this machine.
#[derive(Debug, PartialEq)]
enum Plan {
    /// Run it with this browser.
    Run(String),
    /// Pass without checking, saying why.
    Skip(String),
    /// Fail, saying why.
    Fail(String),
}

/// The decision, from the browser found (if any), an explicit `COMMAUDIT_SKIP_BROWSER_TEST=1`,
/// and whether this is a CI run (`CI` set to anything but empty, `false` or `0`).
fn plan(browser: Option<String>, skip_requested: bool, in_ci: bool) -> Plan {
    let how = "install Chromium (`apt-get install -y chromium` on Debian; `.ci/run` does) or \
               point CHROMIUM at it, then run `cargo test --test it browser::`";
    match browser {
        _ if skip_requested => Plan::Skip(format!(
            "{SKIP}=1 asks to skip it; unset it to check the HTML report in a browser"
        )),
        Some(browser) => Plan::Run(browser),
        None if in_ci => Plan::Fail(format!(
            "no Chromium found (tried $CHROMIUM, {}) and CI is set, where this test is \
             required: {how}, or set {SKIP}=1 to skip it on purpose",
            CANDIDATES.join(", ")
        )),
        None => Plan::Skip(format!(
            "no Chromium found (tried $CHROMIUM, {}); to run it, {how}",
            CANDIDATES.join(", ")
        )),
    }
}

/// The first browser of `$CHROMIUM` and the usual places that answers `--version`.
fn find_chromium() -> Option<String> {
    let mut candidates: Vec<String> = std::env::var("CHROMIUM").into_iter().collect();
    candidates.extend(CANDIDATES.iter().map(|c| (*c).to_owned()));
    candidates.into_iter().find(|candidate| {
        Command::new(candidate)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// The browser to use, or `None` after saying loudly why the test is skipped.
fn chromium() -> Option<String> {
    let skip_requested = std::env::var_os(SKIP).is_some_and(|v| v == "1");
    let in_ci = std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "false" | "0"));
    let browser = if skip_requested {
        None
    } else {
        find_chromium()
    };
    match plan(browser, skip_requested, in_ci) {
        Plan::Run(browser) => Some(browser),
        Plan::Skip(why) => {
            // Straight to stderr, not `eprintln!`: the test harness would hide that when the
            // test passes, and this note must be seen.
            let _ = writeln!(
                std::io::stderr(),
                "\n!!! SKIPPED browser::the_html_report_renders_in_a_real_browser: the HTML \
                 report was NOT checked in a browser !!!\n!!! {why} !!!\n"
            );
            None
        }
        Plan::Fail(why) => panic!("{why}"),
    }
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

#[test]
fn missing_chromium_skips_except_in_ci() {
    let found = || Some("/usr/bin/chromium".to_owned());
    // Present: runs, CI or not.
    assert_eq!(
        plan(found(), false, false),
        Plan::Run("/usr/bin/chromium".into())
    );
    assert_eq!(
        plan(found(), false, true),
        Plan::Run("/usr/bin/chromium".into())
    );
    // Absent: a loud skip on a developer's machine, a failure in CI.
    let Plan::Skip(why) = plan(None, false, false) else {
        panic!("no Chromium outside CI must skip");
    };
    assert!(why.contains("no Chromium found") && why.contains("apt-get install -y chromium"));
    let Plan::Fail(why) = plan(None, false, true) else {
        panic!("no Chromium in CI must fail");
    };
    assert!(why.contains("CI is set") && why.contains(SKIP));
    // An explicit skip wins everywhere.
    for (browser, in_ci) in [
        (found(), false),
        (found(), true),
        (None, false),
        (None, true),
    ] {
        assert!(
            matches!(plan(browser, true, in_ci), Plan::Skip(why) if why.contains(SKIP)),
            "{SKIP}=1 skips"
        );
    }
}
