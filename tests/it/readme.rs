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
