#!/usr/bin/env node
// Verifies captured webhook deliveries with the public Standard Webhooks library for JavaScript
// (npm package `standardwebhooks`, pinned in package-lock.json), exactly as a receiver would:
// `new Webhook(secret).verify(rawBody, headers)`.
//
// stdin:  {"cases": [{"secret": "whsec_…", "headers": {"webhook-id": "…", …}, "bodyBase64": "…"}, …]}
//         (bodyBase64 carries the exact bytes received; "body" may be given instead as a UTF-8 string)
// stdout: {"library": "standardwebhooks", "version": "1.1.1",
//          "results": [{"verified": true, "payload": <parsed JSON>} | {"verified": false, "error": "…"}, …]}
// Exit 0 when every case was checked (verified or not; the caller judges each), 3 when the library
// is not installed, 2 on unusable input. Secrets are never printed.
"use strict";

let Webhook;
let version;
try {
  ({ Webhook } = require("standardwebhooks"));
  version = require("standardwebhooks/package.json").version;
} catch (e) {
  process.stderr.write("the npm package 'standardwebhooks' is not installed: run `npm ci` in "
    + __dirname + " (scripts/test.sh does) [" + e.code + "]\n");
  process.exit(3);
}

function check(c) {
  try {
    const body = typeof c.bodyBase64 === "string" ? Buffer.from(c.bodyBase64, "base64") : c.body;
    const payload = new Webhook(c.secret).verify(body, c.headers || {});
    return { verified: true, payload: payload === undefined ? null : payload };
  } catch (e) {
    return { verified: false, error: (e && e.name ? e.name + ": " : "") + (e && e.message ? e.message : String(e)) };
  }
}

const chunks = [];
process.stdin.on("data", (d) => chunks.push(d));
process.stdin.on("end", () => {
  let input;
  try {
    input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (e) {
    process.stderr.write("stdin is not JSON: " + e.message + "\n");
    process.exit(2);
  }
  if (!input || !Array.isArray(input.cases)) {
    process.stderr.write("stdin must be {\"cases\": [...]}\n");
    process.exit(2);
  }
  const out = { library: "standardwebhooks", version, results: input.cases.map(check) };
  process.stdout.write(JSON.stringify(out) + "\n");
});
