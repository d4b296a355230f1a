#!/usr/bin/env bash
# Renders the demo HTML report (`peixun check fixtures/demo --as-of 2021-03-01 --format
# html`) with Debian's headless Chromium and saves a full-page screenshot, A4 width
# (794 CSS px), to docs/report.png; then prints it to PDF as a browser prints it on A4
# and makes a picture of each printed page, to look at (page numbers in the footer,
# nothing cut at the right edge); then shoots the trend page a leader's office would
# print (`peixun trend fixtures/demo --from 2018-01-01 --to 2020-09-30 --by county
# --format html`), to docs/trend.png.
#
#   scripts/render-html.sh                    # docs/report.png, target/report-print/, docs/trend.png
#   scripts/render-html.sh OUT.png            # OUT.png, target/report-print/, docs/trend.png
#   scripts/render-html.sh OUT.png PRINT_DIR  # OUT.png, PRINT_DIR/, docs/trend.png
#   TREND_PNG=T.png scripts/render-html.sh …  # … and T.png for the trend page
#
# PRINT_DIR receives report.pdf and page-01.png, page-02.png … (96 dpi).
#
# Installs `chromium`, `fonts-wqy-microhei` and `poppler-utils` (pdftoppm) with apt-get
# when they are missing (as root, or through sudo). Fails when the report does not
# build, when it refers to anything on the network or holds a script, when Chromium's
# console shows an error while rendering it (an "Uncaught" exception, a console error,
# a failed load), or when the printed PDF is not A4 or its first page does not say
# "第 1 页，共 N 页" with N its number of pages.
#
# The page height is measured first by a throwaway page that frames the report and
# reads its height (that page has a script; the report has none), so the screenshot is
# the whole report and nothing more.
set -euo pipefail

cd "$(dirname "$0")/.."
out_png=${1:-docs/report.png}
print_dir=${2:-target/report-print}

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v chromium >/dev/null 2>&1; then
    echo "render-html: installing chromium" >&2
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >&2
fi
if ! command -v pdftoppm >/dev/null 2>&1; then
    echo "render-html: installing poppler-utils" >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >&2
fi
if ! fc-list :lang=zh family | grep -q .; then
    echo "render-html: installing a Chinese font (fonts-wqy-microhei)" >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >&2
fi

cargo build --quiet
work=$(mktemp -d)
profile=$(mktemp -d)
trap 'rm -rf "$work" "$profile"' EXIT

# Exit status 1 is expected: the demo has violations and data errors.
status=0
target/debug/peixun check fixtures/demo --as-of 2021-03-01 --format html \
    -o "$work/report.html" || status=$?
if [ "$status" -gt 1 ]; then
    echo "render-html: peixun failed (exit $status)" >&2
    exit 1
fi
chrome() {
    timeout 120 chromium --headless --no-sandbox --disable-gpu \
        --disable-background-networking --disable-component-update --disable-sync \
        --no-first-run --user-data-dir="$profile" --hide-scrollbars \
        --virtual-time-budget=5000 "$@"
}

width=794 # A4 (210 mm) at 96 CSS px per inch

# shoot NAME: checks $work/NAME.html holds no script and fetches nothing, measures its
# height in a throwaway frame, screenshots it whole to $work/NAME.png (sets $height),
# and fails on any console message (the page has no script, so any is a fault).
shoot() {
    local name=$1
    if grep -Eiq '<script|https?://|<link|@import|url\(' "$work/$name.html"; then
        echo "render-html: $name.html holds a script or refers to the network" >&2
        exit 1
    fi
    cat >"$work/measure.html" <<EOF
<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="$name.html" style="width:${width}px;height:100px;border:0"></iframe>
<script>
document.getElementById('f').onload = function () {
  var d = this.contentDocument;
  document.title = 'height=' + Math.max(d.documentElement.scrollHeight, d.body.scrollHeight);
};
</script></body></html>
EOF
    height=$(chrome --allow-file-access-from-files --window-size="$width,1000" \
        --dump-dom "file://$work/measure.html" 2>/dev/null |
        sed -n 's/.*<title>height=\([0-9]*\)<.*/\1/p' | head -n 1)
    if [ -z "$height" ]; then
        echo "render-html: could not measure the height of $name.html" >&2
        exit 1
    fi
    chrome --enable-logging=stderr --v=0 --window-size="$width,$height" \
        --screenshot="$work/$name.png" "file://$work/$name.html" 2>"$work/chrome-$name.log" || {
        cat "$work/chrome-$name.log" >&2
        echo "render-html: chromium failed on $name.html" >&2
        exit 1
    }
    if grep -E 'Uncaught|:CONSOLE|net::ERR_' "$work/chrome-$name.log" >&2; then
        echo "render-html: the console shows errors on $name.html (above)" >&2
        exit 1
    fi
    if [ ! -s "$work/$name.png" ]; then
        echo "render-html: no screenshot of $name.html was written" >&2
        exit 1
    fi
}

shoot report

# Printed on A4 as a browser prints it, without the browser's own header and footer:
# the page numbers must come from the report's @page rule.
chrome --no-pdf-header-footer --print-to-pdf="$work/report.pdf" \
    "file://$work/report.html" 2>"$work/print.log" || {
    cat "$work/print.log" >&2
    echo "render-html: chromium could not print the report" >&2
    exit 1
}
pages=$(pdfinfo "$work/report.pdf" | sed -n 's/^Pages: *//p')
if ! pdfinfo "$work/report.pdf" | grep -q '^Page size:.*(A4)'; then
    echo "render-html: the printed report is not A4" >&2
    exit 1
fi
if ! pdftotext -f 1 -l 1 "$work/report.pdf" - | grep -q "第 1 页，共 $pages 页"; then
    echo "render-html: the first printed page does not say 第 1 页，共 $pages 页" >&2
    exit 1
fi
pdftoppm -png -r 96 "$work/report.pdf" "$work/page"

mkdir -p "$(dirname "$out_png")"
cp "$work/report.png" "$out_png"
echo "render-html: wrote $out_png (${width}×${height} px)" >&2
mkdir -p "$print_dir"
rm -f "$print_dir"/page-*.png "$print_dir/report.pdf"
cp "$work/report.pdf" "$print_dir/"
for f in "$work"/page-*.png; do
    n=${f##*/page-}
    cp "$f" "$print_dir/page-$(printf '%02d' "$((10#${n%.png}))").png"
done
echo "render-html: printed $pages A4 pages to $print_dir/report.pdf and $print_dir/page-*.png" >&2

# The trend page, checked and shot the same way.
trend_png=${TREND_PNG:-docs/trend.png}
status=0
target/debug/peixun trend fixtures/demo --from 2018-01-01 --to 2020-09-30 --by county \
    --format html -o "$work/trend.html" || status=$?
if [ "$status" -gt 1 ]; then
    echo "render-html: peixun trend failed (exit $status)" >&2
    exit 1
fi
shoot trend
# A4 print: the page must also print to PDF without error.
chrome --no-pdf-header-footer --print-to-pdf="$work/trend.pdf" "file://$work/trend.html" \
    2>/dev/null || {
    echo "render-html: chromium could not print the trend page" >&2
    exit 1
}
mkdir -p "$(dirname "$trend_png")"
cp "$work/trend.png" "$trend_png"
echo "render-html: wrote $trend_png (${width}×${height} px)" >&2
