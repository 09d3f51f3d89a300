#!/usr/bin/env node
// Validate xAPI 1.0.3 statements with Learning Locker's conformance-tested
// validator (@learninglocker/xapi-validation 3.x).
//
//   node tests/support/xapi-validate.js < statements.json
//
// stdin:  a JSON array of statements.
// stdout: a JSON array with one entry per statement that has problems, in
//         input order; [] when every statement is valid:
//           [{"index": 0, "errors": [{"path": "statement.result.duration",
//                                     "type": "TypeWarning",
//                                     "message": "not a valid ISO Duration",
//                                     "data": "PT1,5S"}]}]
//         `path` is the validator's path joined with "."; `data` (the offending
//         value) is omitted when the value is absent.
// exit:   0 whether or not problems were found; 2 when stdin is not a JSON
//         array; 3 when the validator module cannot be loaded.
//
// The module is found through NODE_PATH / normal resolution first, then in
// ${SILENT_SLAVERY_TOOLS:-$HOME/.cache/silent-slavery-tools}/xapi-validation
// where tests/support/install-lrs.sh installs it.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const MODULE = '@learninglocker/xapi-validation';

function loadValidator() {
  const tools = process.env.SILENT_SLAVERY_TOOLS ||
    path.join(os.homedir(), '.cache', 'silent-slavery-tools');
  const candidates = [MODULE, path.join(tools, 'xapi-validation', 'node_modules', MODULE)];
  const failures = [];
  for (const candidate of candidates) {
    try {
      const mod = require(candidate);
      const fn = mod && (mod.default || mod);
      if (typeof fn === 'function') return fn;
      failures.push(`${candidate}: no default export function`);
    } catch (err) {
      failures.push(`${candidate}: ${err.code || err.message}`);
    }
  }
  process.stderr.write(
    `xapi-validate.js: cannot load ${MODULE} (run tests/support/install-lrs.sh or set NODE_PATH)\n  ` +
      failures.join('\n  ') + '\n');
  process.exit(3);
}

function describe(w) {
  switch (w.name) {
    case 'RequiredWarning': return 'missing required value';
    case 'TypeWarning':
      if (typeof w.typeName === 'string') return `not a valid ${w.typeName}`;
      if (typeof w.type === 'function') return `expected type ${w.type.name}`;
      return 'wrong type';
    case 'RestrictedKeysWarning': return `unknown properties: ${(w.keys || []).join(', ')}`;
    case 'ExceptionWarning': return (w.exception && w.exception.message) || 'invalid value';
    case 'NoIfiWarning': return 'no inverse functional identifier (mbox, mbox_sha1sum, openid or account)';
    case 'IfiCountWarning': return `exactly one inverse functional identifier allowed, found: ${(w.usedIfis || []).join(', ')}`;
    case 'RestrictedValueWarning': return `must be ${JSON.stringify(w.requiredValue)}`;
    case 'InvalidComponentsWarning': return `invalid interaction components: ${(w.invalidComponents || []).join(', ')}`;
    case 'RawLessThanMinWarning': return `raw ${w.raw} is less than min ${w.min}`;
    case 'RawMoreThanMaxWarning': return `raw ${w.raw} is more than max ${w.max}`;
    case 'MinMoreThanMaxWarning': return `min ${w.min} is more than max ${w.max}`;
    case 'VoidWarning': return `the void verb ${w.voidVerbId} requires a StatementRef object`;
    case 'SignedContentTypeWarning': return `signature attachment must have contentType ${w.contentType}`;
    case 'ContextPropWarning': return 'property not allowed in this context (e.g. revision/platform with a non-Activity object)';
    case 'SubStatementWarning': return 'a SubStatement must not contain id, stored, version, authority or a SubStatement';
    case 'ObjectTypeWarning': return 'invalid objectType';
    case 'NoMembersWarning': return 'anonymous group requires members';
    case 'MembersLengthWarning': return 'invalid group members';
    case 'MembersTypeWarning': return 'group members must be Agents';
    case 'MissingInteractionTypeWarning': return 'interaction components require interactionType';
    default: return w.message || w.name || 'invalid';
  }
}

// Flatten rulr's nested `Warnings` and turn each warning into plain JSON.
function flatten(warnings, out) {
  for (const w of warnings || []) {
    if (w && Array.isArray(w.warnings)) {
      flatten(w.warnings, out);
      continue;
    }
    const entry = {
      path: Array.isArray(w && w.path) ? w.path.join('.') : String(w && w.path),
      type: (w && w.name) || 'Warning',
      message: describe(w || {}),
    };
    if (w && w.data !== undefined) entry.data = w.data;
    out.push(entry);
  }
  return out;
}

function main() {
  let input;
  try {
    input = JSON.parse(fs.readFileSync(0, 'utf8'));
  } catch (err) {
    process.stderr.write(`xapi-validate.js: stdin is not valid JSON: ${err.message}\n`);
    process.exit(2);
  }
  if (!Array.isArray(input)) {
    process.stderr.write('xapi-validate.js: stdin must be a JSON array of statements\n');
    process.exit(2);
  }
  const validate = loadValidator();
  const report = [];
  input.forEach((statement, index) => {
    let errors;
    try {
      errors = flatten(validate(statement), []);
    } catch (err) {
      errors = [{ path: 'statement', type: 'ValidatorCrash', message: String(err && err.message) }];
    }
    if (errors.length > 0) report.push({ index, errors });
  });
  process.stdout.write(JSON.stringify(report) + '\n');
}

main();
