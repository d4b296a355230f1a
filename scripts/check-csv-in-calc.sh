#!/usr/bin/env bash
# Opens peixun's CSV report in a real spreadsheet program and checks that the ids come
# out whole and as text, and that no cell became a formula.
#
#   scripts/check-csv-in-calc.sh
#
# Runs `peixun check fixtures/demo --as-of 2021-03-01 --format csv` (and the same on
# fixtures/hostile), has LibreOffice Calc headless import each CSV the way Excel opens a
# UTF-8 CSV with a BOM (comma-separated, UTF-8, quoted fields not forced to text,
# numbers and dates detected, formulas evaluated, spaces not trimmed) and save it as
# xlsx, then reads the cells back from the xlsx (its zip and XML, with Python's
# standard library) and checks:
#   - every finding's subject cell (对象) is a text cell holding the subject whole (an
#     18-digit 身份证号 with all 18 digits, not 5.10703E+17), compared with the JSON
#     report's subjects;
#   - no cell of either sheet is a number cell where the CSV had an id, and no cell is
#     a formula.
# Installs Debian's `libreoffice-calc-nogui` with apt-get when `soffice` is missing (as
# root, or through sudo).
set -euo pipefail

cd "$(dirname "$0")/.."

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v soffice >/dev/null 2>&1; then
    echo "check-csv-in-calc: installing libreoffice-calc-nogui" >&2
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        libreoffice-calc-nogui >&2
fi

cargo build --quiet
bin=target/debug/peixun
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# LibreOffice keeps its profile here, not in the user's home.
export HOME="$work/home"
mkdir -p "$HOME"

# CSV import options (LibreOffice's CSV filter tokens): separator `,` (44), text
# delimiter `"` (34), UTF-8 (76), from line 1, standard column types, Chinese locale
# (2052), quoted fields not taken as text, special numbers (dates, scientific notation)
# detected, -, -, spaces not trimmed, -, formulas evaluated: what Excel does on opening.
filter='CSV:44,34,76,1,,2052,false,true,false,false,false,-1,true'

for fixture in demo hostile; do
    # The exit status is 1: the fixtures have violations.
    "$bin" check "fixtures/$fixture" --as-of 2021-03-01 --format csv >"$work/$fixture.csv" || [ $? = 1 ]
    "$bin" check "fixtures/$fixture" --as-of 2021-03-01 --format json >"$work/$fixture.json" || [ $? = 1 ]
    soffice --headless --norestore --infilter="$filter" --convert-to xlsx \
        --outdir "$work" "$work/$fixture.csv" >"$work/$fixture.log" 2>&1 || {
        cat "$work/$fixture.log" >&2
        exit 1
    }
    [ -s "$work/$fixture.xlsx" ] || {
        echo "check-csv-in-calc: LibreOffice wrote no $fixture.xlsx" >&2
        cat "$work/$fixture.log" >&2
        exit 1
    }
done

# The control: the demo's CSV with the tabs taken out, imported the same way.
mkdir -p "$work/control"
tr -d '\t' <"$work/demo.csv" >"$work/control/control.csv"
soffice --headless --norestore --infilter="$filter" --convert-to xlsx \
    --outdir "$work" "$work/control/control.csv" >"$work/control.log" 2>&1
soffice --version | head -n 1 | sed 's/^/spreadsheet: /'

python3 - "$work" <<'PY'
import json, re, sys, zipfile
import xml.etree.ElementTree as ET

work = sys.argv[1]
M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
failures = []


def cells(path):
    """The first sheet's cells: {(row, col): (type, text, has_formula)}."""
    z = zipfile.ZipFile(path)
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(M + "si"):
            shared.append("".join(t.text or "" for t in si.iter(M + "t")))
    out = {}
    for c in ET.fromstring(z.read("xl/worksheets/sheet1.xml")).iter(M + "c"):
        ref = c.get("r")
        col, row = re.match(r"([A-Z]+)(\d+)", ref).groups()
        col = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(col))) - 1
        kind = c.get("t") or "n"
        v = c.find(M + "v")
        text = v.text if v is not None else ""
        if kind == "s":
            text = shared[int(text)]
        elif kind == "inlineStr":
            text = "".join(t.text or "" for t in c.iter(M + "t"))
        out[(int(row) - 1, col)] = (kind, text, c.find(M + "f") is not None)
    return out


for fixture in ("demo", "hostile"):
    got = cells(f"{work}/{fixture}.xlsx")
    report = json.load(open(f"{work}/{fixture}.json", encoding="utf-8"))
    subjects = [f["subject"] for f in report["findings"]]
    formulas = [k for k, (_, _, f) in got.items() if f]
    if formulas:
        failures.append(f"{fixture}: formula cells at {formulas}")
    ids = 0
    for i, subject in enumerate(subjects, start=1):
        kind, text, _ = got.get((i, 5), ("missing", "", False))
        shown = text.rstrip("\t")
        if kind not in ("s", "str", "inlineStr"):
            failures.append(f"{fixture} row {i + 1}: subject {subject!r} is a {kind} cell {text!r}")
        elif shown != subject and shown != "'" + subject:
            failures.append(f"{fixture} row {i + 1}: subject {subject!r} reads {text!r}")
        if re.fullmatch(r"\d{17}[\dX]", subject):
            ids += 1
    numbers = [
        (k, t) for k, (kind, t, _) in got.items() if kind == "n" and re.fullmatch(r"[\d.E+]{12,}", t)
    ]
    if numbers:
        failures.append(f"{fixture}: long numbers in number cells: {numbers[:5]}")
    print(f"{fixture}: {len(subjects)} findings, {ids} with an 18-character 身份证号; "
          f"every subject a text cell, whole; {len(got)} cells, no formula")

if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
# The control: the same CSV without the tabs. Imported alike, its ids are numbers, cut
# to 15 digits: the import does what Excel does, and the check above can fail.
control = cells(f"{work}/control.xlsx")
report = json.load(open(f"{work}/demo.json", encoding="utf-8"))
lost = [
    (f["subject"], control[(i, 5)][1])
    for i, f in enumerate(report["findings"], start=1)
    if re.fullmatch(r"\d{18}", f["subject"]) and control[(i, 5)][0] == "n"
]
if not lost:
    print("control: the CSV without tabs kept its ids too; the import is not Excel's", file=sys.stderr)
    sys.exit(1)
print(f"control: without the tabs, {len(lost)} ids become numbers, e.g. {lost[0][0]} -> {lost[0][1]}")
print("check-csv-in-calc: ok")
PY
