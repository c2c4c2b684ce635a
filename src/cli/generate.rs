//! `commaudit completions SHELL` and `commaudit man`: shell completion scripts and man pages,
//! generated from the same clap definitions that parse the command line, so they never lag
//! behind a flag.

use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, Exit};

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    shell: Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write one page per command (commaudit.1, commaudit-scan.1, ...) into DIR instead of
    /// printing the main page.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// Prints the completion script for `shell`.
pub fn completions(args: &CompletionsArgs) -> Exit {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "commaudit", &mut out);
    print!("{}", String::from_utf8_lossy(&out));
    Exit::Clean
}

/// Prints the man page of `commaudit`, or writes every command's page into a folder.
pub fn man(args: &ManArgs) -> Exit {
    match &args.dir {
        None => {
            let mut out = Vec::new();
            if let Err(err) = clap_mangen::Man::new(Cli::command()).render(&mut out) {
                eprintln!("error: cannot render the man page: {err}");
                return Exit::Usage;
            }
            print!("{}", String::from_utf8_lossy(&out));
            Exit::Clean
        }
        Some(dir) => match write_pages(dir) {
            Ok(pages) => {
                for page in pages {
                    println!("{}", page.display());
                }
                Exit::Clean
            }
            Err(err) => {
                eprintln!(
                    "error: cannot write the man pages into `{}`: {err}\n  help: name a folder that exists and is writable",
                    dir.display()
                );
                Exit::Usage
            }
        },
    }
}

/// Writes the page of every command into `dir`, and returns the files written, in order.
fn write_pages(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "not a folder",
        ));
    }
    clap_mangen::generate_to(Cli::command(), dir)?;
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("commaudit") && n.ends_with(".1"))
        })
        .collect();
    pages.sort();
    Ok(pages)
}
