#!/bin/sh
# Fail the build if WeasyPrint cannot draw a PDF with a real font in it: a
# missing Debian library or font otherwise shows only when the first
# report is requested.
set -eu

python - <<'PY'
from weasyprint import HTML

pdf = HTML(string="<p>Report check</p>").write_pdf(uncompressed_pdf=True)
assert pdf.startswith(b"%PDF-"), "WeasyPrint wrote no PDF"
assert b"/BaseFont" in pdf, "the PDF embeds no font; is fonts-dejavu-core there?"
print(f"PDF output works ({len(pdf)} bytes)")
PY
