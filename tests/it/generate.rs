//! Shell completions and man pages come from the clap definitions: every command and flag the
//! binary parses is in them, and they are what the shells and `man` read.

#![allow(clippy::unwrap_used)]

use crate::common::commaudit;

const COMMANDS: &[&str] = &[
    "scan",
    "baseline",
    "init",
    "config",
    "graph",
    "report",
    "what-if",
    "recommend",
    "rules",
    "explain",
    "completions",
    "man",
    "schema",
];

#[test]
fn completions_name_every_command_and_flag_in_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = commaudit(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.transcript());
        for word in COMMANDS
            .iter()
            .chain(&["--width", "--sarif-output", "--fail-on"])
        {
            let bare = word.trim_start_matches('-');
            assert!(run.stdout.contains(bare), "{shell} lacks {word}");
        }
    }
    // Values come along: every --format of scan.
    let bash = commaudit(&["completions", "bash"]).stdout;
    assert!(bash.contains("human concise json sarif github gitlab junit markdown"));
    // The bash script is one bash accepts.
    if let Ok(status) = std::process::Command::new("bash")
        .args(["-n", "-c", &bash])
        .status()
    {
        assert!(status.success(), "bash -n rejects the completion script");
    }
    let unknown = commaudit(&["completions", "tcsh"]);
    assert_eq!(unknown.code, 2);
}

#[test]
fn the_man_page_documents_every_command() {
    let run = commaudit(&["man"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains(".TH commaudit 1"), "{}", run.stdout);
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS"] {
        assert!(run.stdout.contains(section), "{section}");
    }
    for command in COMMANDS {
        assert!(
            run.stdout
                .contains(&format!("commaudit\\-{}", command.replace('-', "\\-"))),
            "{command} is not in the SUBCOMMANDS section"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let written = commaudit(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(written.code, 0, "{}", written.transcript());
    for command in COMMANDS {
        let page = dir.path().join(format!("commaudit-{command}.1"));
        let text = std::fs::read_to_string(&page).unwrap();
        assert!(text.contains(".SH SYNOPSIS"), "{}", page.display());
    }
    let scan = std::fs::read_to_string(dir.path().join("commaudit-scan.1")).unwrap();
    assert!(scan.contains("\\-\\-fail\\-on"), "{scan}");
    assert!(dir.path().join("commaudit.1").is_file());
    assert_eq!(
        written.stdout.lines().count(),
        COMMANDS.len() + 2,
        "{}",
        written.stdout
    );
    let missing = commaudit(&["man", "--dir", "/nonexistent/commaudit-man"]);
    assert_eq!(missing.code, 2, "{}", missing.transcript());
}
