//! The README's rule table lists every rule of the catalogue, by family, as `commaudit rules`
//! does: a rule added or renamed without updating the README fails here.

use commaudit::diagnostics::catalog;

/// The table as the README must have it.
fn expected_table() -> String {
    let mut table = String::from("| family | rules |\n| --- | --- |\n");
    for (family, rules) in catalog::families() {
        let names: Vec<String> = rules
            .iter()
            .map(|r| format!("{} {}", r.id, r.name))
            .collect();
        table.push_str(&format!(
            "| {} | {} |\n",
            family.replace('-', " "),
            names.join(", ")
        ));
    }
    table
}

#[test]
fn the_readme_rule_table_is_the_catalogue() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md is readable");
    let section = readme
        .split("\n## Rules\n")
        .nth(1)
        .expect("the README has a `## Rules` section");
    let table: String = section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .map(|l| format!("{l}\n"))
        .collect();
    let expected = expected_table();
    assert!(
        table == expected,
        "the rule table under `## Rules` in README.md differs from the catalogue; it should be:\n\n{expected}"
    );
}

/// Every output the README shows, in a ```text block, with the command that prints it: on the
/// block's first line (`$ commaudit ...`) or in a comment right above it
/// (`<!-- $ commaudit ... -->`). A block may leave lines out (`...`); the lines it shows must
/// come out of the binary as shown, in that order.
#[test]
fn every_output_in_the_readme_is_what_the_binary_prints() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md is readable");
    let lines: Vec<&str> = readme.lines().collect();
    let mut checked = 0;
    let mut i = 0;
    while i < lines.len() {
        if lines[i] != "```text" {
            i += 1;
            continue;
        }
        let end = i
            + 1
            + lines[i + 1..]
                .iter()
                .position(|l| *l == "```")
                .expect("every block is closed");
        let mut body: Vec<&str> = lines[i + 1..end].to_vec();
        let above = i
            .checked_sub(1)
            .and_then(|j| lines[j].strip_prefix("<!-- $ "))
            .and_then(|l| l.strip_suffix(" -->"));
        let command = match (above, body.first().and_then(|l| l.strip_prefix("$ "))) {
            (Some(c), _) => c.to_owned(),
            (None, Some(c)) => {
                body.remove(0);
                c.to_owned()
            }
            (None, None) => panic!("README line {}: output without its command", i + 1),
        };
        let args: Vec<&str> = command.split_whitespace().collect();
        assert_eq!(args[0], "commaudit", "README line {}: {command}", i + 1);
        let run = crate::common::commaudit(&args[1..]);
        let out: Vec<&str> = run.stdout.lines().map(str::trim_end).collect();
        let mut at = 0;
        for shown in body.iter().map(|l| l.trim_end()).filter(|l| *l != "...") {
            match out[at..].iter().position(|l| *l == shown) {
                Some(k) => at += k + 1,
                None => panic!(
                    "README line {}: `{command}` does not print, in this order:\n{shown}\n\nit prints:\n{}",
                    i + 1,
                    run.stdout
                ),
            }
        }
        checked += 1;
        i = end + 1;
    }
    assert!(checked >= 4, "only {checked} outputs found in the README");
}
