/**
 * What the functions' bundles get in place of the `semver` package (an esbuild alias,
 * ./aliases.ts). Its only user in them is aws-xray-sdk-core's AWS SDK v2 patcher, which checks
 * `semver.gte(AWS.VERSION, '2.7.15')` and which tenantflow never calls (its clients are SDK v3);
 * the whole package, loaded because the X-Ray SDK has no ES module build to tree-shake, costs
 * ~29 KB per bundle and a few milliseconds of every cold start. A unit test fails when a bundled
 * dependency starts using any other part of `semver` (test/unit/architecture/bundle-aliases.test.ts).
 */

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function parse(version: string): { core: number[]; pre: string[] } {
  const match = VERSION.exec(String(version).trim());
  if (!match) throw new TypeError(`Invalid Version: ${version}`);
  return { core: [Number(match[1]), Number(match[2]), Number(match[3])], pre: match[4] ? match[4].split('.') : [] };
}

/** Semver precedence of two pre-release identifiers (numeric ones compare as numbers, and before alphanumeric ones). */
function compareIdentifier(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return Number(a) - Number(b);
  if (an !== bn) return an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compare(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) if (x.core[i] !== y.core[i]) return (x.core[i] ?? 0) - (y.core[i] ?? 0);
  // A pre-release comes before its release.
  if (x.pre.length === 0 || y.pre.length === 0) return y.pre.length - x.pre.length;
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    if (x.pre[i] === undefined) return -1;
    if (y.pre[i] === undefined) return 1;
    const order = compareIdentifier(x.pre[i] as string, y.pre[i] as string);
    if (order !== 0) return order;
  }
  return 0;
}

/** `semver.gte`: whether version `a` is the same as or later than `b` (semver precedence). */
export function gte(a: string, b: string): boolean {
  return compare(a, b) >= 0;
}
