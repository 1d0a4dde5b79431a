#!/bin/sh
# Rebuild src/heron/server/ui/static/vendor/echarts.min.js: only the ECharts charts and components the compare
# page uses (entry.js), minified, as a script that defines window.echarts. The built file is
# committed; neither the install nor CI runs this. Needs Node 18+ and the npm registry.
#   scripts/echarts/build.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
vendor="$here/../../src/heron/server/ui/static/vendor"
cd "$here"
npm ci --no-audit --no-fund --loglevel=error
version=$(node -p 'require("echarts/package.json").version')
node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --global-name=echarts \
  --target=es2020 --legal-comments=none --define:process.env.NODE_ENV='"production"' \
  --banner:js="/* Apache ECharts $version (custom build: parallel, scatter, boxplot, heatmap, canvas; scripts/echarts/build.sh). Licensed under the Apache License 2.0, with zrender (BSD-3-Clause) and tslib (0BSD): see licenses/. */" \
  --outfile="$vendor/echarts.min.js"
cp node_modules/echarts/LICENSE "$vendor/licenses/echarts-LICENSE.txt"
cp node_modules/echarts/NOTICE "$vendor/licenses/echarts-NOTICE.txt"
cp node_modules/echarts/licenses/LICENSE-d3 "$vendor/licenses/echarts-d3-LICENSE.txt"
cp node_modules/zrender/LICENSE "$vendor/licenses/zrender-LICENSE.txt"
cp node_modules/tslib/LICENSE.txt "$vendor/licenses/tslib-LICENSE.txt"
ls -l "$vendor/echarts.min.js"
