// Build the vendored front-end assets into ../static (committed; no CDN, nothing loaded from outside).
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, "../static");
const govuk = resolve(here, "node_modules/govuk-frontend/dist/govuk");

mkdirSync(resolve(out, "css"), { recursive: true });
const result = sass.compile(resolve(here, "app.scss"), {
  loadPaths: [resolve(here, "node_modules")],
  style: "compressed",
  sourceMap: false,
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin", "slash-div"],
});
writeFileSync(resolve(out, "css/app.css"), result.css);

// GOV.UK Frontend JS and its images/icons (fonts are not used: Arial).
mkdirSync(resolve(out, "govuk"), { recursive: true });
cpSync(resolve(govuk, "govuk-frontend.min.js"), resolve(out, "govuk/govuk-frontend.min.js"));
cpSync(resolve(govuk, "govuk-frontend.min.js.map"), resolve(out, "govuk/govuk-frontend.min.js.map"));
// Only the image the compiled CSS refers to; no crown, favicon or other GOV.UK brand assets.
mkdirSync(resolve(out, "govuk/assets/images"), { recursive: true });
cpSync(resolve(govuk, "assets/images/govuk-crest.svg"), resolve(out, "govuk/assets/images/govuk-crest.svg"));

// plotly.js (basic bundle) and axe-core (used by the browser tests only).
mkdirSync(resolve(out, "vendor/plotly"), { recursive: true });
cpSync(
  resolve(here, "node_modules/plotly.js-basic-dist-min/plotly-basic.min.js"),
  resolve(out, "vendor/plotly/plotly-basic.min.js"),
);
cpSync(resolve(here, "node_modules/plotly.js-basic-dist-min/LICENSE"), resolve(out, "vendor/plotly/LICENSE"));
// static/vendor/plotly/plotly.css is plotly.js@3.3.1's dist/plotly.css (not in the basic bundle's package),
// vendored by hand: with <link id="plotly.js-style-global" class="no-inline-styles"> plotly.js 3 skips
// injecting a <style> element, so the strict CSP (style-src 'self') holds.

console.log("built static/css/app.css, static/govuk, static/vendor/plotly");
