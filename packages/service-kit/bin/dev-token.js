#!/usr/bin/env node
// A bearer token for local use:  ./mz run dev-token -- --role caseworker --jurisdiction 442000100 [--sub u-1] [--name 张三] [--hours 8]
// Signs with the active key of MZ_JWT_KEYS (kid:base64key,...), the same variable the services read.
/* eslint-disable no-console -- a command-line tool prints its result */
import { parseArgs } from 'node:util';
import { ROLES, parseJwtKeys, signToken } from '../dist/auth.js';

const { values } = parseArgs({
  options: {
    role: { type: 'string', multiple: true, default: [] },
    jurisdiction: { type: 'string', default: '442000' },
    sub: { type: 'string', default: 'dev-user' },
    name: { type: 'string' },
    department: { type: 'string' },
    hours: { type: 'string', default: '8' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help || values.role.length === 0) {
  console.error(`usage: dev-token --role <${ROLES.join('|')}> [--role ...] [--jurisdiction 442000100] [--sub u-1] [--name 姓名] [--department CIVIL_AFFAIRS] [--hours 8]`);
  process.exit(values.help ? 0 : 2);
}
const unknown = values.role.filter((role) => !ROLES.includes(role));
if (unknown.length > 0) {
  console.error(`dev-token: unknown role ${unknown.join(', ')} (roles: ${ROLES.join(', ')})`);
  process.exit(2);
}
const spec = process.env.MZ_JWT_KEYS;
if (!spec) {
  console.error('dev-token: MZ_JWT_KEYS is not set (kid:base64key,...: the value the services are started with)');
  process.exit(2);
}
let keys;
try {
  keys = parseJwtKeys(spec);
} catch (error) {
  console.error(`dev-token: MZ_JWT_KEYS ${error.message}`);
  process.exit(2);
}
console.log(
  await signToken(keys, {
    subject: values.sub,
    roles: values.role,
    jurisdiction: values.jurisdiction,
    name: values.name,
    department: values.department,
    expiresInSeconds: Math.round(Number(values.hours) * 3600),
  }),
);
