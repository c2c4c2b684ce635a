//! A hostile checkout: every input is written by an attacker. Each case plants what a pull
//! request could (links out of the repository, pipes, huge files, control characters, deep
//! nesting) and checks that commaudit refuses it out loud, echoes nothing foreign, writes
//! nothing outside its target and finishes within seconds.
//!
//! The classes of issue #10, and the cases that keep each fixed (docs/security.md says what is
//! promised):
//! 1. reads outside the root: `links_out_of_the_checkout_...`, `git_folders_are_never_read`,
//!    `secrets_in_a_local_env_file_are_not_echoed`;
//! 2. redirected writes: `planted_links_and_special_files_never_redirect_a_write`;
//! 3. line injection: `control_characters_in_names_reach_no_output_raw`,
//!    `a_project_name_with_a_line_break_...`;
//! 4. hangs and memory: `pipes_and_devices_...`, `huge_files_...`, `deep_proto_options_...`;
//! 5. a baseline that cannot be read back: `a_baseline_reads_back_whatever_it_holds`;
//! 6. configuration from outside: `configuration_above_the_scanned_folder_...`,
//!    `init_does_not_follow_a_linked_configuration`;
//! 7. bad messages on bad input: `utf16_files_are_named_as_such`, `deep_proto_options_...`
//!    (climbing imports), `duplicate_keys_and_thresholds_...`, `numbers_out_of_range_...`,
//!    `an_empty_selection_is_a_usage_error`, `human_output_never_echoes_huge_lines`,
//!    `unreadable_folders_are_findings_not_silence`.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::Run;

/// A fake secret, kept outside the scanned folder; it must never appear in any output.
const SECRET: &str = "FAKE-SECRET-7f3a9c";

/// A scanned folder and a sibling folder outside it holding a fake secret.
struct Checkout {
    _dir: tempfile::TempDir,
    root: PathBuf,
    outside: PathBuf,
}

impl Checkout {
    fn new() -> Checkout {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(
            outside.join("secret.env"),
            format!("API_TOKEN={SECRET}\nORDERS_URL=http://admin:{SECRET}@ghost:8080\n"),
        )
        .unwrap();
        std::fs::write(
            outside.join("secret.yaml"),
            format!("openapi: 3.0.0\ninfo: {{ title: {SECRET} }}\npaths: {{}}\n"),
        )
        .unwrap();
        Checkout {
            _dir: dir,
            root,
            outside,
        }
    }

    fn write(&self, path: &str, text: &str) {
        let path = self.root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[cfg(unix)]
    fn link(&self, target: &Path, at: &str) {
        let at = self.root.join(at);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, at).unwrap();
    }
}

/// Runs commaudit in `dir`, killed after 20 seconds (a hang is a failure, not a stuck suite).
fn run(dir: &Path, args: &[&str]) -> Run {
    let output = assert_cmd::Command::cargo_bin("commaudit")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("COMMAUDIT_TODAY", "2026-01-01")
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        matches!(run.code, 0..=2),
        "commaudit {args:?} ended with {} (killed or crashed):\n{}",
        run.code,
        run.transcript()
    );
    run
}

/// Every output format of every command that reads the checkout, as (what, text).
fn every_output(dir: &Path, path: &str) -> Vec<(String, String)> {
    let mut runs: Vec<(String, Run)> = Vec::new();
    for format in [
        "human", "concise", "json", "sarif", "github", "gitlab", "junit", "markdown",
    ] {
        runs.push((
            format!("scan {format}"),
            run(dir, &["scan", path, "--format", format]),
        ));
    }
    for format in ["json", "dot", "mermaid", "svg"] {
        runs.push((
            format!("graph {format}"),
            run(dir, &["graph", path, "--format", format]),
        ));
    }
    for format in ["markdown", "html", "json"] {
        runs.push((
            format!("report {format}"),
            run(dir, &["report", path, "--format", format]),
        ));
    }
    runs.push(("recommend".into(), run(dir, &["recommend", path])));
    runs.push(("config show".into(), run(dir, &["config", "show", path])));
    runs.into_iter()
        .map(|(what, r)| (what, format!("{}\n{}", r.stdout, r.stderr)))
        .collect()
}

fn assert_nowhere(outputs: &[(String, String)], needle: &str) {
    for (what, text) in outputs {
        assert!(!text.contains(needle), "`{needle}` in {what}:\n{text}");
    }
}

const COMPOSE: &str = "services:
  web:
    image: web
    env_file: [web.env]
    environment:
      TOKEN: ${API_TOKEN}
      ORDERS: ${ORDERS_URL}
  orders:
    image: orders
";

#[cfg(unix)]
#[test]
fn links_out_of_the_checkout_are_refused_at_the_referencing_line_and_never_echoed() {
    let c = Checkout::new();
    let secret_env = c.outside.join("secret.env");
    c.write("compose.yaml", COMPOSE);
    c.link(&secret_env, ".env");
    c.link(&secret_env, "web.env");
    c.write(
        "services/orders.yaml",
        "service: orders\nprovides:\n  openapi: { spec: ../../outside/secret.yaml }\n  asyncapi: { spec: linked.yaml }\n",
    );
    c.link(&c.outside.join("secret.yaml"), "services/linked.yaml");
    c.write(
        "catalog-info.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: { name: orders-api }\nspec:\n  type: openapi\n  definition:\n    $text: /proc/self/environ\n",
    );
    c.write(
        "commaudit.yaml",
        "version: 1\ninclude: [\"/\", ../outside]\nproto_roots: [../outside]\n",
    );
    let concise = run(&c.root, &["scan", ".", "--format", "concise"]);
    assert_eq!(concise.code, 1, "{}", concise.transcript());
    for expected in [
        "compose.yaml:1:1: CA001 [error] `.env` was not read: it leads outside the scanned folders",
        "compose.yaml:4:16: CA001 [error] env_file `web.env` was not read: it leads outside the scanned folders",
        "services/orders.yaml:3:20: CA001 [error] OpenAPI document `../../outside/secret.yaml` was not read",
        "catalog-info.yaml:7:5: CA001 [error] OpenAPI document `/proc/self/environ` was not read",
        "commaudit.yaml:2:11: CA001 [error] included path `/` is outside the scanned folders",
        "commaudit.yaml:2:16: CA001 [error] included path `../outside` is outside the scanned folders",
        "commaudit.yaml:3:15: CA001 [error] proto root `../outside` is outside the scanned folders",
        "services/linked.yaml:1:1: CA001 [error] this file was not read: it leads outside the scanned folders",
    ] {
        assert!(
            concise.stdout.contains(expected),
            "missing `{expected}` in:\n{}",
            concise.stdout
        );
    }
    assert_nowhere(&every_output(&c.root, "."), SECRET);

    // The folder outside is read once the command line allows it, and only then.
    let allowed = run(
        &c.root,
        &[
            "scan",
            ".",
            "--format",
            "concise",
            "--allow-dir",
            "../outside",
        ],
    );
    assert!(
        !allowed.stdout.contains("included path `../outside`"),
        "{}",
        allowed.stdout
    );
}

#[test]
fn git_folders_are_never_read() {
    let c = Checkout::new();
    c.write(
        ".git/config",
        &format!("[http]\n  extraheader = {SECRET}\n"),
    );
    c.write(
        "services/orders.yaml",
        "service: orders\nprovides:\n  openapi: { spec: ../.git/config }\n",
    );
    let out = run(&c.root, &["scan", ".", "--format", "concise"]);
    assert!(
        out.stdout.contains(
            "CA001 [error] OpenAPI document `../.git/config` was not read: it lies inside a `.git` folder"
        ),
        "{}",
        out.stdout
    );
    assert_nowhere(&every_output(&c.root, "."), SECRET);
}

#[cfg(unix)]
#[test]
fn pipes_and_devices_finish_within_seconds_with_a_finding() {
    let c = Checkout::new();
    c.write("compose.yaml", COMPOSE);
    let made = std::process::Command::new("mkfifo")
        .arg(c.root.join(".env"))
        .arg(c.root.join("web.env"))
        .arg(c.root.join("pipe.yaml"))
        .status()
        .unwrap();
    assert!(made.success());
    c.link(Path::new("/dev/zero"), "services/zero.yaml");
    let out = run(&c.root, &["scan", ".", "--format", "concise"]);
    for expected in [
        "compose.yaml:1:1: CA001 [error] `.env` was not read: it is a named pipe (FIFO), not a regular file",
        "compose.yaml:4:16: CA001 [error] env_file `web.env` was not read: it is a named pipe (FIFO)",
        "pipe.yaml:1:1: CA001 [error] this file was not read: it is a named pipe (FIFO)",
        "services/zero.yaml:1:1: CA001 [error] this file was not read: it leads outside the scanned folders",
    ] {
        assert!(
            out.stdout.contains(expected),
            "missing `{expected}`:\n{}",
            out.stdout
        );
    }
}

#[test]
fn huge_files_are_refused_by_their_size_before_reading() {
    let c = Checkout::new();
    c.write("compose.yaml", COMPOSE);
    c.write("web.env", "");
    std::fs::create_dir_all(c.root.join("big")).unwrap();
    for name in [".env", "big/compose.yaml"] {
        let file = std::fs::File::create(c.root.join(name)).unwrap();
        file.set_len(1 << 30).unwrap();
    }
    std::fs::write(
        c.root.join(".commaudit-baseline.json"),
        "x".repeat(2 * 1024 * 1024),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let limited = [
        "scan",
        ".",
        "--format",
        "concise",
        "--max-file-size",
        "1048576",
    ];
    let out = run(&c.root, &[&limited[..], &["--no-baseline"]].concat());
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(
        out.stdout.contains(
            "compose.yaml:1:1: CA001 [error] `.env` was not read: the file is 1.0 GiB, larger than the 1.0 MiB limit"
        ),
        "{}",
        out.transcript()
    );
    assert!(
        out.stdout.contains(
            "big/compose.yaml:1:1: CA001 [error] the file is 1.0 GiB, larger than the 1.0 MiB limit"
        ),
        "{}",
        out.stdout
    );
    let out = run(&c.root, &limited);
    assert_eq!(
        out.code,
        2,
        "the baseline is too large: {}",
        out.transcript()
    );
    assert!(
        out.stderr
            .contains("cannot read baseline `.commaudit-baseline.json`: the file is 2.0 MiB"),
        "{}",
        out.stderr
    );
}

#[test]
fn secrets_in_a_local_env_file_are_not_echoed() {
    let c = Checkout::new();
    c.write(
        "compose.yaml",
        "services:\n  web:\n    image: web\n    env_file: [web.env]\n    environment:\n      ORDERS: ${ORDERS_URL}\n      DB_PASSWORD: ${DB_PASSWORD}\n  orders:\n    image: orders\n",
    );
    c.write(
        ".env",
        &format!("ORDERS_URL=http://admin:{SECRET}@orders:8080/api\nDB_PASSWORD=db:{SECRET}\n"),
    );
    c.write(
        "web.env",
        &format!("GHOST_URL=http://u:{SECRET}@ghost:80\nAPI_KEY=key:{SECRET}\n"),
    );
    let outputs = every_output(&c.root, ".");
    assert_nowhere(&outputs, SECRET);
    let graph = &outputs.iter().find(|(w, _)| w == "graph json").unwrap().1;
    assert!(
        graph.contains("env ORDERS -> http://orders:8080"),
        "the evidence names the variable and the host: {graph}"
    );
    let human = &outputs.iter().find(|(w, _)| w == "scan human").unwrap().1;
    assert!(
        human.contains("GHOST_URL=http://***") && human.contains("`ghost`"),
        "the finding in the env file shows its line, masked: {human}"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_folders_are_findings_not_silence() {
    use std::os::unix::fs::PermissionsExt;
    let c = Checkout::new();
    c.write("a/orders.yaml", "service: orders\n");
    c.write("locked/payments.yaml", "service: payments\n");
    let locked = c.root.join("locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read_dir(&locked).is_ok() {
        // Running as root: permissions do not apply, there is nothing to test.
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        return;
    }
    let out = run(&c.root, &["scan", ".", "--format", "concise"]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(
        out.stdout.contains(
            "locked:1:1: CA001 [error] cannot read this folder, so nothing below it was scanned"
        ),
        "{}",
        out.stdout
    );
}

/// Every file below `dir`, with its content, to check that nothing else changed.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                stack.push(entry.path());
            } else {
                let bytes = kind.is_file().then(|| std::fs::read(entry.path()).unwrap());
                out.push((entry.path(), bytes));
            }
        }
    }
    out.sort();
    out
}

#[cfg(unix)]
#[test]
fn planted_links_and_special_files_never_redirect_a_write() {
    let c = Checkout::new();
    c.write(
        "services/orders.yaml",
        "service: orders\nexposure: public\n",
    );
    let victim = c.outside.join("victim.txt");
    std::fs::write(&victim, "keep").unwrap();
    // Links at every name the old writer would have used, and at the targets.
    for name in [
        "out.md",
        "out.sarif",
        "commaudit.yaml",
        ".commaudit-baseline.json",
    ] {
        for pid in 0..64 {
            c.link(&victim, &format!(".{name}.{pid}.tmp"));
        }
    }
    c.link(&victim, "report.md");
    c.link(&c.outside, "reports");
    let outside_before = snapshot(&c.outside);
    let refused = [
        (
            vec!["report", ".", "-o", "report.md"],
            "it is a symbolic link",
        ),
        (
            vec!["report", ".", "-o", "reports/r.md"],
            "leads outside the scanned repository through a symbolic link",
        ),
        (
            vec!["report", ".", "-o", "services/orders.yaml"],
            "it is one of the files this run read",
        ),
        (
            vec!["scan", ".", "--sarif-output", "report.md"],
            "it is a symbolic link",
        ),
        (
            vec!["baseline", ".", "-o", "services/orders.yaml"],
            "it is one of the files this run read",
        ),
        (vec!["report", ".", "-o", "services"], "it is a folder"),
    ];
    for (args, why) in refused {
        let out = run(&c.root, &args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.transcript());
        assert!(out.stderr.contains(why), "{args:?}: {}", out.stderr);
    }
    assert!(
        std::process::Command::new("mkfifo")
            .arg(c.root.join("fifo.md"))
            .status()
            .unwrap()
            .success()
    );
    let out = run(&c.root, &["report", ".", "-o", "fifo.md"]);
    assert_eq!(out.code, 2, "{}", out.transcript());
    assert!(out.stderr.contains("not a regular file"), "{}", out.stderr);

    // Writes that are allowed land in their target only.
    for args in [
        vec!["report", ".", "-o", "out.md"],
        vec![
            "scan",
            ".",
            "--sarif-output",
            "out.sarif",
            "--format",
            "concise",
        ],
        vec!["baseline", "."],
        vec!["init", ".", "--force"],
    ] {
        let out = run(&c.root, &args);
        assert_ne!(out.code, 2, "{args:?}: {}", out.transcript());
    }
    assert_eq!(
        snapshot(&c.outside),
        outside_before,
        "nothing outside was written"
    );
    for name in [
        "out.md",
        "out.sarif",
        ".commaudit-baseline.json",
        "commaudit.yaml",
    ] {
        let meta = std::fs::symlink_metadata(c.root.join(name)).unwrap();
        assert!(meta.is_file(), "{name} is a regular file");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&c.root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".commaudit-") && n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[cfg(unix)]
#[test]
fn init_does_not_follow_a_linked_configuration() {
    let c = Checkout::new();
    c.write("services/orders.yaml", "service: orders\n");
    let victim = c.outside.join("victim.yaml");
    std::fs::write(&victim, "keep").unwrap();
    c.link(&victim, "commaudit.yaml");
    let out = run(&c.root, &["init", ".", "--force"]);
    assert_eq!(out.code, 2, "{}", out.transcript());
    assert!(
        out.stderr.contains(
            "cannot keep a copy of `commaudit.yaml`: it leads outside the scanned folders"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    // A link inside the repository is not written through either.
    std::fs::remove_file(c.root.join("commaudit.yaml")).unwrap();
    c.write("real.yaml", "version: 1\n");
    c.link(Path::new("real.yaml"), "commaudit.yaml");
    let out = run(&c.root, &["init", ".", "--force"]);
    assert_eq!(out.code, 2, "{}", out.transcript());
    assert!(
        out.stderr.contains("it is a symbolic link"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(c.root.join("real.yaml")).unwrap(),
        "version: 1\n"
    );
}

/// Whether a line of output could do harm: a raw control, separator or bidirectional
/// character, or a GitHub workflow command that commaudit did not write itself.
fn harmful(what: &str, line: &str) -> bool {
    let raw = line.chars().any(|c| {
        c != '\t'
            && (c.is_control()
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
    });
    let ours = what == "scan github"
        && [
            "::error file=",
            "::warning file=",
            "::notice file=",
            "::warning title=",
        ]
        .iter()
        .any(|p| line.starts_with(p));
    raw || (line.trim_start().starts_with("::") && !ours)
}

#[cfg(unix)]
#[test]
fn control_characters_in_names_reach_no_output_raw() {
    let c = Checkout::new();
    c.write(
        "commaudit.yaml",
        "version: 1\nname: shop\nbrokers:\n  - { name: nats, kind: nats-jetstream }\n",
    );
    // A file name is anything but `/` and NUL.
    c.write(
        "svc\n::error file=x::pwned\u{1b}[2J\u{202e}.yaml",
        "service: orders\nexposure: public\ncalls:\n  - { to: payments, protocol: rest, operation: GET /b }\n",
    );
    c.write(
        "payments.yaml",
        "service: payments\nsubscribes:\n  - { subject: \"orders.done\\n::error::subj\\u2028x\", broker: nats }\ndatastores:\n  - { name: \"db\\u0085\\u202e\", access: write }\n",
    );
    c.write(
        "bad.yaml",
        "service: \"bad\\n::set-output name=x::y\\e]0;title\\a\"\ncalls:\n  - { to: \"pay\\nments\", operation: \"GET /a\\n::error::op\" }\n",
    );
    c.write(
        "compose.yaml",
        "services:\n  \"web\\n::error::x\":\n    image: web\n  api:\n    image: api\n    environment:\n      \"K\\e[2J\": \"v\"\n",
    );
    c.write(
        "k8s.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: \"kube\\n::error::k\\e[31m\" }\nspec:\n  template:\n    spec:\n      containers: [{ name: c, image: x }]\n",
    );
    let outputs = every_output(&c.root, ".");
    for (what, text) in &outputs {
        for line in text.lines() {
            assert!(!harmful(what, line), "{what}: {line:?}");
        }
    }
    let concise = &outputs.iter().find(|(w, _)| w == "scan concise").unwrap().1;
    for expected in [
        "svc\\n::error file=x::pwned\\u{1b}[2J\\u{202e}.yaml:1:10: CA303",
        "payments.yaml:3:16: CA001 [error] invalid service manifest: `orders.done\\n::error::subj\\u{2028}x` holds a line break",
        "bad.yaml:1:10: CA001 [error] invalid service manifest: `service`: `bad\\n::set-output name=x::y\\u{1b}]0;title\\u{7}` holds a line break",
        "compose.yaml:2:3: CA001 [error] invalid compose file: the key `web\\n::error::x` holds a line break",
        "k8s.yaml:3:19: CA001 [error] invalid name `kube\\n::error::k\\u{1b}[31m`: it holds a line break",
    ] {
        assert!(
            concise.contains(expected),
            "missing {expected:?} in:\n{concise}"
        );
    }
}

#[test]
fn human_output_never_echoes_huge_lines() {
    let c = Checkout::new();
    let huge = format!(
        "service: orders\ndescription: [{}\n",
        "item, ".repeat(500_000)
    );
    c.write("orders.yaml", &huge);
    let out = run(&c.root, &["scan", ".", "--format", "human"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert!(out.stdout.contains("CA001"), "{}", out.stdout);
    assert!(
        out.stdout.len() < 4_000,
        "{} bytes of human output for one finding",
        out.stdout.len()
    );
    assert!(out.stdout.contains('…'), "{}", out.stdout);
}

/// A small deterministic generator of hostile strings: every kind of character a baseline
/// entry could hold (controls, DEL, C1, separators, bidirectional controls, noncharacters,
/// characters outside the Basic Multilingual Plane, JSON and YAML syntax).
struct Strings(u64);

impl Strings {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn char(&mut self) -> char {
        const SPECIAL: &[char] = &[
            '"',
            '\\',
            '\'',
            ':',
            '#',
            '&',
            '*',
            '!',
            '%',
            '@',
            '`',
            '|',
            '>',
            '-',
            '?',
            '{',
            '}',
            '[',
            ']',
            ',',
            ' ',
            '\u{7f}',
            '\u{85}',
            '\u{a0}',
            '\u{2028}',
            '\u{2029}',
            '\u{202e}',
            '\u{2066}',
            '\u{200f}',
            '\u{feff}',
            '\u{fffe}',
            '\u{ffff}',
            '\u{fdd0}',
            '\u{1fffe}',
            '\u{10ffff}',
            '\u{1f600}',
            'é',
            '日',
        ];
        let n = self.next();
        match n % 4 {
            0 => char::from_u32((n >> 8) as u32 % 0x20).unwrap(),
            1 => char::from_u32(0x80 + (n >> 8) as u32 % 0x20).unwrap(),
            2 => SPECIAL[(n >> 8) as usize % SPECIAL.len()],
            _ => char::from_u32((n >> 8) as u32 % 0x11_0000).unwrap_or('x'),
        }
    }

    fn string(&mut self) -> String {
        let len = self.next() % 24;
        (0..len).map(|_| self.char()).collect()
    }
}

#[test]
fn a_baseline_reads_back_whatever_it_holds() {
    use commaudit::gate::baseline::{Baseline, Entry};
    use commaudit::source::SourceId;
    let mut strings = Strings(0x9E37_79B9_7F4A_7C15);
    for round in 0..300 {
        let entries: Vec<Entry> = (0..8)
            .map(|_| Entry {
                fingerprint: strings.string(),
                rule: strings.string(),
                services: (0..strings.next() % 3).map(|_| strings.string()).collect(),
                operation: strings.next().is_multiple_of(2).then(|| strings.string()),
                message: strings.string(),
                span: None,
            })
            .collect();
        let mut written = Baseline {
            entries,
            source: None,
        };
        written.entries.sort_by(|a, b| {
            (&a.rule, &a.services, &a.operation, &a.fingerprint).cmp(&(
                &b.rule,
                &b.services,
                &b.operation,
                &b.fingerprint,
            ))
        });
        let text = written.render();
        let read = Baseline::parse(&text, SourceId(0))
            .unwrap_or_else(|e| panic!("round {round}: {}\n{text}", e.message));
        let strip = |b: &Baseline| -> Vec<Entry> {
            let mut entries: Vec<Entry> = b
                .entries
                .iter()
                .cloned()
                .map(|mut e| {
                    e.span = None;
                    e
                })
                .collect();
            entries.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint).then(a.rule.cmp(&b.rule)));
            entries
        };
        assert_eq!(strip(&read), strip(&written), "round {round}:\n{text}");
        assert!(
            !text
                .chars()
                .any(|c| c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c)),
            "raw controls in:\n{text}"
        );
    }
}

#[test]
fn configuration_above_the_scanned_folder_is_ignored_outside_a_repository() {
    let c = Checkout::new();
    // Planted above the scanned folder (like /tmp/commaudit.yaml): it would turn every rule off.
    std::fs::write(
        c.root.parent().unwrap().join("commaudit.yaml"),
        "version: 1\nrules:\n  CA402: { severity: off }\n",
    )
    .unwrap();
    c.write(
        "orders.yaml",
        "service: orders\ncalls:\n  - { to: payments, protocol: grpc, needs_response: true }\n",
    );
    c.write("payments.yaml", "service: payments\n");
    let out = run(&c.root, &["scan", ".", "--format", "concise"]);
    assert!(out.stdout.contains("CA402"), "{}", out.transcript());
    let shown = run(&c.root, &["config", "show", "."]);
    assert!(
        shown
            .stdout
            .contains("# configuration file: none (defaults)"),
        "{}",
        shown.stdout
    );
    // Inside a repository, discovery goes up to the repository's root and no further.
    c.write(".git/HEAD", "ref: refs/heads/main\n");
    c.write("sub/commaudit.yaml", "version: 1\n");
    std::fs::rename(c.root.join("orders.yaml"), c.root.join("sub/orders.yaml")).unwrap();
    let out = run(&c.root, &["scan", "sub", "--format", "concise"]);
    assert!(!out.stderr.contains("error"), "{}", out.transcript());
}

#[test]
fn utf16_files_are_named_as_such() {
    let c = Checkout::new();
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "service: orders\n".encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    std::fs::write(c.root.join("orders.yaml"), bytes).unwrap();
    let out = run(&c.root, &["scan", ".", "--format", "concise"]);
    assert!(
        out.stdout.contains(
            "orders.yaml:1:1: CA001 [error] the file is UTF-16 text; commaudit reads UTF-8"
        ),
        "{}",
        out.transcript()
    );
    let human = run(&c.root, &["scan", "."]);
    assert!(
        human.stdout.contains("re-save the file as UTF-8"),
        "{}",
        human.stdout
    );
}

#[test]
fn deep_proto_options_and_climbing_imports_are_refused_before_compiling() {
    let c = Checkout::new();
    let depth = 10_000;
    c.write(
        "deep.proto",
        &format!(
            "syntax = \"proto3\";\npackage x;\nimport \"google/protobuf/descriptor.proto\";\nmessage M {{ M a = 1; }}\nextend google.protobuf.FileOptions {{ M m = 50000; }}\noption (m) = {}{};\nservice S {{ rpc A(M) returns (M); }}\n",
            "{ a: ".repeat(depth),
            " }".repeat(depth)
        ),
    );
    c.write(
        "up.proto",
        "syntax = \"proto3\";\npackage y;\nimport \"../outside/x.proto\";\nmessage N {}\n",
    );
    c.write(
        "uses.proto",
        "syntax = \"proto3\";\npackage z;\nimport \"deep.proto\";\nmessage O { x.M m = 1; }\n",
    );
    let out = run(&c.root, &["scan", ".", "--format", "concise"]);
    assert_eq!(out.code, 1, "{}", out.transcript());
    for expected in [
        "deep.proto:6:334: CA001 [error] invalid .proto: the file nests braces more than 64 levels deep",
        "up.proto:3:9: CA001 [error] invalid .proto: import `../outside/x.proto` leaves its import root",
        "uses.proto:3:8: CA001 [error] invalid .proto: import `deep.proto` was not compiled",
    ] {
        assert!(
            out.stdout.contains(expected),
            "missing {expected:?}:\n{}",
            out.stdout
        );
    }
}

#[test]
fn numbers_out_of_range_say_the_allowed_range() {
    let c = Checkout::new();
    c.write(
        "orders.yaml",
        "service: orders\nexposure: public\nprocessing_ms: 1e308\ncalls:\n  - { to: payments, protocol: grpc, needs_response: true, timeout_ms: 1e308, retries: 4000000000, rps: -5 }\n",
    );
    c.write("payments.yaml", "service: payments\nprocessing_ms: .nan\n");
    let out = run(&c.root, &["scan", ".", "--format", "concise"]);
    for expected in [
        "orders.yaml:3:16: CA001 [error] `processing_ms` is 1e308, outside the allowed range 0 to 86400000 (one day, in milliseconds)",
        "CA001 [error] `timeout_ms` is 1e308, outside the allowed range 0 to 86400000",
        "CA001 [error] `retries` is 4000000000, outside the allowed range 0 to 100",
        "CA001 [error] `rps` is -5, outside the allowed range 0 to 10000000 per second",
        "payments.yaml:2:16: CA001 [error] `processing_ms` is NaN, outside the allowed range",
    ] {
        assert!(
            out.stdout.contains(expected),
            "missing {expected:?}:\n{}",
            out.stdout
        );
    }
    let what_if = run(&c.root, &["what-if", ".", "--down", "payments"]);
    assert!(!what_if.stdout.contains("inf"), "{}", what_if.stdout);
    let slow = run(&c.root, &["what-if", ".", "--slow", "payments=1e308"]);
    assert_eq!(slow.code, 2, "{}", slow.transcript());
}

#[test]
fn an_empty_selection_is_a_usage_error() {
    let c = Checkout::new();
    c.write("orders.yaml", "service: orders\n");
    let out = run(&c.root, &["scan", ".", "--select", ""]);
    assert_eq!(out.code, 2, "{}", out.transcript());
    assert!(
        out.stderr.contains("--select names no rule"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_project_name_with_a_line_break_is_refused_where_it_is_written() {
    let c = Checkout::new();
    c.write(
        "commaudit.yaml",
        "version: 1\nname: \"shop\\n::error::name\\e[2J\"\n",
    );
    c.write("orders.yaml", "service: orders\n");
    for format in ["github", "markdown", "human"] {
        let out = run(&c.root, &["scan", ".", "--format", format]);
        assert_eq!(out.code, 2, "{}", out.transcript());
        assert!(
            out.stderr.contains(
                "commaudit.yaml:2:7: invalid configuration file: `name`: `shop\\n::error::name\\u{1b}[2J` holds a line break"
            ),
            "{}",
            out.stderr
        );
        for line in out.stdout.lines().chain(out.stderr.lines()) {
            assert!(!harmful(format, line), "{format}: {line:?}");
        }
    }
}

#[test]
fn duplicate_keys_and_thresholds_out_of_range_say_what_is_wrong() {
    let c = Checkout::new();
    c.write("orders.yaml", "service: orders\nservice: payments\n");
    let out = run(&c.root, &["scan", ".", "--format", "concise"]);
    assert!(
        out.stdout.contains(
            "orders.yaml:2:1: CA001 [error] invalid service manifest: the key `service` is written twice in this mapping"
        ),
        "{}",
        out.transcript()
    );
    assert!(!out.stdout.contains("DuplicateKey"), "{}", out.stdout);
    c.write(
        "commaudit.yaml",
        "version: 1\nrules:\n  CA103: { max-fan-out: -3, slow-share: 7 }\n",
    );
    let out = run(&c.root, &["scan", ".", "--format", "concise"]);
    assert_eq!(out.code, 2, "{}", out.transcript());
    for expected in [
        "commaudit.yaml:3:25: `max-fan-out` of CA103 must be a whole number from 1 to 100000, found -3",
        "commaudit.yaml:3:41: `slow-share` of CA103 must be a number from 0 to 1, found 7",
    ] {
        assert!(
            out.stderr.contains(expected),
            "missing {expected:?}:\n{}",
            out.stderr
        );
    }
}
