#!/bin/sh
# The Debian packages the app needs at run time. WeasyPrint draws PDF
# reports with Pango (text layout), HarfBuzz (shaping, and font subsetting
# so that a report embeds only the glyphs it uses) and fontconfig, which
# must find at least one font. The fontconfig package builds the system
# font cache, so the app's user, which cannot write a cache of its own,
# does not rescan the fonts in every process.
set -eu

apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install --yes --no-install-recommends \
  libpango-1.0-0 \
  libpangoft2-1.0-0 \
  libharfbuzz0b \
  libharfbuzz-subset0 \
  fontconfig \
  fonts-dejavu-core
