// Validate WebVTT files with the W3C's webvtt-parser (npm "webvtt-parser").
// Usage: node tests/vtt_validate.js FILE.vtt...
// The module is looked up in $WEBVTT_NODE_MODULES (a node_modules folder) if set,
// else by Node's usual resolution (./node_modules at the repo root after `npm install`).
// Prints one JSON object: {"FILE": {"errors": [{line, col, message}], "cues": [{id, start, end, text}]}}.
"use strict";
const fs = require("fs");
const path = require("path");

function loadParser() {
  const dir = process.env.WEBVTT_NODE_MODULES;
  const name = dir ? path.join(path.resolve(dir), "webvtt-parser") : "webvtt-parser";
  return require(name);
}

const { WebVTTParser } = loadParser();
const result = {};
for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, "utf8");
  const tree = new WebVTTParser().parse(text, "subtitles");
  result[file] = {
    errors: tree.errors.map((e) => ({ line: e.line, col: e.col, message: e.message })),
    cues: tree.cues.map((c) => ({ id: c.id, start: c.startTime, end: c.endTime, text: c.text })),
  };
}
process.stdout.write(JSON.stringify(result));
