//! The report's one stylesheet, inlined in the page: system fonts only, readable on screen,
//! and a print layout (A4, no navigation, rows and figures kept whole, colours kept).

pub const CSS: &str = r#"
:root { --ink: #1f2933; --muted: #5f6b7a; --line: #d9dee4; --bad: #c5221f; --bad-bg: #fdecea;
  --ok: #1e7e34; --ok-bg: #e8f5ec; --warn: #9a6700; --warn-bg: #fff4d6; --accent: #2b5797; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #f6f7f9; line-height: 1.45;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 28px 48px; background: #ffffff; }
header h1 { margin: 0 0 4px; font-size: 26px; }
header .system { color: var(--accent); }
.byline { margin: 0 0 12px; color: var(--muted); font-size: 13px; }
nav { font-size: 13px; border-bottom: 1px solid var(--line); padding-bottom: 10px; margin-bottom: 18px; }
nav a { color: var(--accent); margin-right: 14px; text-decoration: none; }
h2 { font-size: 20px; margin: 28px 0 10px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 20px 0 6px; }
.verdict { font-size: 18px; font-weight: 600; margin: 6px 0 14px; padding: 10px 14px;
  border-left: 5px solid var(--bad); background: var(--bad-bg); }
.verdict.ok { border-color: var(--ok); background: var(--ok-bg); }
.cards { display: grid; grid-template-columns: repeat(5, 1fr); gap: 10px; margin: 0 0 16px; }
.card { border: 1px solid var(--line); border-top: 4px solid var(--ok); border-radius: 6px; padding: 8px 10px; }
.card.bad { border-top-color: var(--bad); }
.card .value { font-size: 24px; font-weight: 700; }
.card.bad .value { color: var(--bad); }
.card .unit { font-size: 14px; font-weight: 600; }
.card .label { font-size: 13px; font-weight: 600; }
.card .after, .card .limit { font-size: 12px; color: var(--muted); }
.three { display: grid; grid-template-columns: 1.15fr 1fr 1.25fr; gap: 16px; }
.three h3 { margin-top: 0; }
.three ul, .three ol { margin: 0; padding-left: 20px; font-size: 14px; }
.three li { margin-bottom: 6px; }
figure { margin: 0; }
figure .drawing { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; padding: 6px; background: #ffffff; }
figure svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 6px 0 14px; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #eef1f4; font-weight: 600; }
tbody tr:nth-child(even) td { background: #fafbfc; }
table.plan th:nth-child(1) { width: 3.5em; }
table.plan th:nth-child(2) { width: 52%; }
table.plan th:nth-child(3) { width: 24%; }
td.num, th.num { text-align: right; white-space: nowrap; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f1f3f5; padding: 0 3px; border-radius: 3px; }
.where { color: var(--muted); white-space: nowrap; }
.badge { display: inline-block; font-size: 11px; font-weight: 600; padding: 1px 7px; border-radius: 9px; white-space: nowrap; }
.effort-small { background: var(--ok-bg); color: var(--ok); }
.effort-medium { background: var(--warn-bg); color: var(--warn); }
.effort-large { background: var(--bad-bg); color: var(--bad); }
.sev-error { background: var(--bad-bg); color: var(--bad); }
.sev-warning { background: var(--warn-bg); color: var(--warn); }
.sev-note { background: #e8f0fe; color: var(--accent); }
.bad { color: var(--bad); font-weight: 600; }
.good { color: var(--ok); font-weight: 600; }
.phase-why { color: var(--muted); margin: 0 0 6px; font-size: 14px; }
.note { color: var(--muted); font-size: 13px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@media (max-width: 900px) {
  .cards { grid-template-columns: repeat(2, 1fr); }
  .three { grid-template-columns: 1fr; }
}
@media print {
  @page { size: A4; margin: 12mm; }
  body { background: #ffffff; font-size: 10pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  tr, figure, .card, li { break-inside: avoid; page-break-inside: avoid; }
  figure .drawing { overflow: visible; border: none; padding: 0; }
  .cards { grid-template-columns: repeat(5, 1fr); }
  .three { grid-template-columns: 1.15fr 1fr 1.25fr; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
"#;
