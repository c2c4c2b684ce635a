//! The walk: every candidate input file below a scanned folder, honouring `.gitignore` and
//! `.ignore` files, in file name order.
//!
//! Folders are listed level by level, each level's folders on every core; the listings are then
//! replayed depth first, so the files, the problems and the skipped-file counts come out in
//! the same order whatever the number of threads. No recursion: no folder depth can overflow
//! the stack.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use rayon::prelude::*;

use super::discover::{Candidate, EXTENSIONS, PROJECT_FILES};
use super::read::{ReadProblem, Reader};

/// What a walk found: the candidate files, and the folders and ignore files it could not read.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<Candidate>,
    pub problems: Vec<(PathBuf, ReadProblem)>,
    /// Source files passed by, counted by language: what the scan cannot read.
    pub skipped: super::skipped::Skipped,
}

/// Every file with a readable extension below `root` (or `root` itself when it is not a
/// folder), honouring `.gitignore` and `.ignore` files and skipping hidden entries, in file
/// name order. Symbolic links are not followed into folders; a linked file is a candidate that
/// the reader resolves (and refuses when it leads outside the scanned folders). Ignore files
/// are read through `reader` too.
pub fn walk(root: &Path, reader: &Reader) -> Walk {
    let mut walk = Walk::default();
    if !root.is_dir() {
        let scan_root = root.parent().unwrap_or(Path::new(".")).to_path_buf();
        walk.files.push(Candidate {
            path: root.to_path_buf(),
            scan_root,
        });
        return walk;
    }
    // Ignore rules match absolute paths; candidates keep the path as given.
    let top = super::canonical(root);
    let mut ignores = Ignores::default();
    let mut inherited = None;
    // Ignore files of the folders above `root`, up to the repository's root, apply too.
    let mut above: Vec<&Path> = top
        .ancestors()
        .skip(1)
        .take_while(|d| reader.resolve(d).is_ok())
        .collect();
    above.reverse();
    for dir in above {
        let (rules, problems) = Ignores::read(dir, &IGNORE_FILES, reader);
        walk.problems.extend(problems);
        inherited = ignores.add(rules, inherited);
    }
    let place = Place { root, top: &top };

    // Every folder's listing, by number; a listing's entries name the folders below it by
    // their numbers.
    let mut listings: Vec<Listing> = Vec::new();
    let mut level: Vec<(PathBuf, Option<usize>)> = vec![(top.clone(), inherited)];
    while !level.is_empty() {
        let ignores_so_far = &ignores;
        let listed: Vec<(Listing, Option<Gitignore>, Vec<PathBuf>)> = level
            .par_iter()
            .map(|(dir, parent)| list(dir, *parent, ignores_so_far, reader, &place))
            .collect();
        // The next level's listings are numbered after this level's, in order.
        let mut next_number = listings.len() + level.len();
        let mut next = Vec::new();
        for ((mut listing, rules, folders), (_, parent)) in listed.into_iter().zip(&level) {
            let own = ignores.add(rules, *parent);
            listing.first_folder = next_number;
            next_number += folders.len();
            next.extend(folders.into_iter().map(|folder| (folder, own)));
            listings.push(listing);
        }
        level = next;
    }

    // Depth first, in name order, as a walk with one stack would go.
    let mut stack: Vec<Entry> = vec![Entry::Folder(0)];
    while let Some(entry) = stack.pop() {
        match entry {
            Entry::File(candidate) => walk.files.push(candidate),
            Entry::Folder(number) => {
                let listing = std::mem::take(&mut listings[number]);
                walk.problems.extend(listing.problems);
                for path in &listing.code {
                    walk.skipped.count_code(path);
                }
                let first = listing.first_folder;
                stack.extend(listing.entries.into_iter().rev().map(|entry| match entry {
                    Entry::Folder(i) => Entry::Folder(first + i),
                    file => file,
                }));
            }
        }
    }
    walk
}

/// Where the walk started: the path as given and its absolute form.
struct Place<'a> {
    root: &'a Path,
    top: &'a Path,
}

impl Place<'_> {
    /// A path below the top as the user would write it: below the scanned path as given.
    fn shown(&self, path: &Path) -> PathBuf {
        match path.strip_prefix(self.top) {
            Ok(rel) if !rel.as_os_str().is_empty() => self.root.join(rel),
            _ => self.root.to_path_buf(),
        }
    }
}

/// One folder's listing, made on any core.
#[derive(Default)]
struct Listing {
    /// Its files and folders in name order.
    entries: Vec<Entry>,
    /// What could not be read: the folder, an entry, an ignore file.
    problems: Vec<(PathBuf, ReadProblem)>,
    /// Source files it holds, in the order the folder listed them, for the skipped counts.
    code: Vec<PathBuf>,
    /// The number of the listing of its first folder; the others follow it.
    first_folder: usize,
}

enum Entry {
    File(Candidate),
    /// A folder: its place among the listing's folders, and, once on the replay's stack, its
    /// listing's number.
    Folder(usize),
}

/// Lists `dir`: its entries that are candidates or folders, the ignore rules it adds, and the
/// paths of its folders, in name order (an entry names a folder by its place among them).
fn list(
    dir: &Path,
    parent: Option<usize>,
    ignores: &Ignores,
    reader: &Reader,
    place: &Place,
) -> (Listing, Option<Gitignore>, Vec<PathBuf>) {
    let mut listing = Listing::default();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            listing
                .problems
                .push((place.shown(dir), ReadProblem::Io(err.to_string())));
            return (listing, None, Vec::new());
        }
    };
    let mut listed = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => listed.push(entry),
            Err(err) => listing
                .problems
                .push((place.shown(dir), ReadProblem::Io(err.to_string()))),
        }
    }
    // Only the ignore files the listing shows are opened: most folders have none, and
    // looking for them in each folder cost more than the rest of the walk.
    let present: Vec<&str> = IGNORE_FILES
        .into_iter()
        .filter(|f| listed.iter().any(|e| e.file_name() == *f))
        .collect();
    let (rules, problems) = Ignores::read(dir, &present, reader);
    listing.problems.extend(problems);
    let mut children: Vec<(OsString, PathBuf, bool)> = Vec::new();
    for entry in listed {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let child = entry.path();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if ignores.ignored(rules.as_ref(), parent, &child, is_dir) {
            continue;
        }
        let project = PROJECT_FILES.iter().any(|p| name == *p);
        let readable = child
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
        let wanted = name.to_str().is_some_and(super::importers::wanted);
        if is_dir || readable || project || wanted {
            children.push((name, child, is_dir));
        } else {
            listing.code.push(child);
        }
    }
    children.sort_by(|a, b| a.0.cmp(&b.0));
    let mut folders = Vec::new();
    for (_, path, is_dir) in children {
        if is_dir {
            listing.entries.push(Entry::Folder(folders.len()));
            folders.push(path);
        } else {
            listing.entries.push(Entry::File(Candidate {
                path: place.shown(&path),
                scan_root: place.root.to_path_buf(),
            }));
        }
    }
    (listing, rules, folders)
}

/// The files whose patterns leave paths out of the walk, as git and ripgrep read them.
const IGNORE_FILES: [&str; 2] = [".gitignore", ".ignore"];

/// The ignore rules of the folders walked so far; each knows its parent folder's, so a path is
/// matched innermost first, as git does.
#[derive(Default)]
struct Ignores {
    rules: Vec<(Gitignore, Option<usize>)>,
}

impl Ignores {
    /// The rules of the ignore files `names` (of [`IGNORE_FILES`]) in `dir`, if they hold any,
    /// and the files that could not be read.
    fn read(
        dir: &Path,
        names: &[&str],
        reader: &Reader,
    ) -> (Option<Gitignore>, Vec<(PathBuf, ReadProblem)>) {
        let mut builder = GitignoreBuilder::new(dir);
        let mut any = false;
        let mut problems = Vec::new();
        for name in names {
            let path = dir.join(name);
            match reader.read_text(&path) {
                Ok(text) => {
                    for line in text.lines() {
                        any |= builder.add_line(Some(path.clone()), line).is_ok();
                    }
                }
                Err(ReadProblem::NotFound) => {}
                Err(problem) => problems.push((path, problem)),
            }
        }
        let rules = match builder.build() {
            Ok(rules) if any => Some(rules),
            _ => None,
        };
        (rules, problems)
    }

    /// Keeps a folder's rules below its parent's; the index of the rules that apply in it.
    fn add(&mut self, rules: Option<Gitignore>, parent: Option<usize>) -> Option<usize> {
        match rules {
            Some(rules) => {
                self.rules.push((rules, parent));
                Some(self.rules.len() - 1)
            }
            None => parent,
        }
    }

    /// Whether `path` is ignored by a folder's own rules (not kept yet) or, failing a match
    /// there, by the rules at `at` and above.
    fn ignored(
        &self,
        own: Option<&Gitignore>,
        mut at: Option<usize>,
        path: &Path,
        is_dir: bool,
    ) -> bool {
        if let Some(rules) = own {
            let found = rules.matched(path, is_dir);
            if found.is_ignore() {
                return true;
            }
            if found.is_whitelist() {
                return false;
            }
        }
        while let Some(i) = at {
            let (rules, parent) = &self.rules[i];
            let found = rules.matched(path, is_dir);
            if found.is_ignore() {
                return true;
            }
            if found.is_whitelist() {
                return false;
            }
            at = *parent;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_in_name_order_honouring_ignore_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |p: &str, text: &str| {
            let path = root.join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(".gitignore", "gen/\n*.tmp.yaml\n");
        write("b/.gitignore", "!keep.tmp.yaml\n");
        write("b/keep.tmp.yaml", "");
        write("b/drop.yaml", "");
        write("b/c/keep.tmp.yaml", "");
        write("a.yaml", "");
        write("a.tmp.yaml", "");
        write("gen/x.yaml", "");
        write(".hidden/x.yaml", "");
        write("notes.txt", "");
        write("c/d/e.proto", "");
        write("c/a.yaml", "");
        write("c.yaml", "");
        std::fs::write(root.join("b/.ignore"), "drop.yaml\n").unwrap();
        let reader = Reader::new(&[root.to_path_buf()], &[], 1 << 20);
        let found = walk(root, &reader);
        let names: Vec<String> = found
            .files
            .iter()
            .map(|c| c.path.strip_prefix(root).unwrap().display().to_string())
            .collect();
        // Depth first in name order; a folder's rules reach the folders below it.
        assert_eq!(
            names,
            [
                "a.yaml",
                "b/c/keep.tmp.yaml",
                "b/keep.tmp.yaml",
                "c/a.yaml",
                "c/d/e.proto",
                "c.yaml"
            ]
        );
        assert!(found.problems.is_empty(), "{:?}", found.problems);
    }

    #[test]
    fn deep_folders_do_not_overflow_the_stack() {
        let dir = tempfile::tempdir().unwrap();
        let mut path = dir.path().to_path_buf();
        for _ in 0..300 {
            path.push("d");
        }
        std::fs::create_dir_all(&path).unwrap();
        std::fs::write(path.join("x.yaml"), "").unwrap();
        let reader = Reader::new(&[dir.path().to_path_buf()], &[], 1 << 20);
        assert_eq!(walk(dir.path(), &reader).files.len(), 1);
    }

    #[test]
    fn the_order_does_not_depend_on_the_number_of_threads() {
        let dir = tempfile::tempdir().unwrap();
        for a in 0..6 {
            for b in 0..6 {
                let folder = dir.path().join(format!("t{a}/s{b}"));
                std::fs::create_dir_all(&folder).unwrap();
                for f in 0..4 {
                    std::fs::write(folder.join(format!("f{f}.yaml")), "").unwrap();
                    std::fs::write(folder.join(format!("m{f}.go")), "").unwrap();
                }
            }
        }
        let reader = Reader::new(&[dir.path().to_path_buf()], &[], 1 << 20);
        let on = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let found = pool.install(|| walk(dir.path(), &reader));
            (found.files, format!("{:?}", found.skipped))
        };
        let one = on(1);
        assert_eq!(one.0.len(), 6 * 6 * 4);
        let mut sorted = one.0.clone();
        sorted.sort();
        assert_eq!(one.0, sorted, "name order");
        assert_eq!(on(4), one);
    }
}
