/**
 * Resolution of the CloudFormation intrinsic functions CDK emits: Ref, Fn::GetAtt, Fn::Join,
 * Fn::Sub, Fn::Select, Fn::Split, Fn::ImportValue, Fn::If, Fn::FindInMap, Fn::Base64,
 * Fn::GetAZs, and the condition functions. Resolution is async because a Ref may have to
 * deploy the referenced resource first (the deployer memoizes that).
 */

/** Marker for `Ref: AWS::NoValue`: the property is removed. */
export const NO_VALUE = Symbol('AWS::NoValue');

export interface ResolveContext {
  /** A resource, parameter or pseudo parameter. */
  ref(logicalId: string): Promise<unknown>;
  getAtt(logicalId: string, attribute: string): Promise<unknown>;
  importValue(exportName: string): unknown;
  condition(name: string): boolean;
  findInMap(map: string, topKey: string, secondKey: string): unknown;
  /** Applied to every string produced by Fn::Join / Fn::Sub (e.g. to localize URLs). */
  rewriteString?(value: string): string;
}

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

function asString(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TemplateError(`${where}: expected a string, got ${JSON.stringify(value)}`);
}

export async function resolveValue(value: unknown, ctx: ResolveContext): Promise<unknown> {
  if (Array.isArray(value)) {
    const items = await Promise.all(value.map((item) => resolveValue(item, ctx)));
    return items.filter((item) => item !== NO_VALUE);
  }
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, arg] = entries[0] as [string, unknown];
    if (key === 'Ref' || key.startsWith('Fn::') || key === 'Condition') {
      const handled = await resolveIntrinsic(key, arg, ctx);
      if (handled.matched) return handled.value;
    }
  }
  const result: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const resolved = await resolveValue(item, ctx);
    if (resolved !== NO_VALUE) result[key] = resolved;
  }
  return result;
}

async function resolveIntrinsic(
  key: string,
  arg: unknown,
  ctx: ResolveContext,
): Promise<{ matched: boolean; value?: unknown }> {
  const rewrite = (s: string) => (ctx.rewriteString ? ctx.rewriteString(s) : s);
  switch (key) {
    case 'Ref':
      return { matched: true, value: arg === 'AWS::NoValue' ? NO_VALUE : await ctx.ref(asString(arg, 'Ref')) };
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = Array.isArray(arg) ? arg : asString(arg, 'Fn::GetAtt').split(/\.(.+)/);
      return {
        matched: true,
        value: await ctx.getAtt(
          asString(logicalId, 'Fn::GetAtt'),
          asString(await resolveValue(attribute, ctx), 'Fn::GetAtt'),
        ),
      };
    }
    case 'Fn::Join': {
      const [delimiter, list] = arg as [string, unknown];
      const items = (await resolveValue(list, ctx)) as unknown[];
      return { matched: true, value: rewrite(items.map((item) => asString(item, 'Fn::Join')).join(delimiter)) };
    }
    case 'Fn::Sub': {
      const [template, variables] = Array.isArray(arg)
        ? (arg as [string, Record<string, unknown>])
        : [arg as string, {}];
      const vars = (await resolveValue(variables, ctx)) as Record<string, unknown>;
      const parts: Promise<string>[] = [];
      const pieces = asString(template, 'Fn::Sub').split(/(\$\{[^}]*\})/);
      for (const piece of pieces) {
        const match = piece.match(/^\$\{([^}]*)\}$/);
        if (!match) {
          parts.push(Promise.resolve(piece));
          continue;
        }
        const name = match[1] as string;
        if (name.startsWith('!')) parts.push(Promise.resolve(`\${${name.slice(1)}}`));
        else if (name in vars) parts.push(Promise.resolve(asString(vars[name], 'Fn::Sub')));
        else if (name.includes('.') && !name.startsWith('AWS::')) {
          const [logicalId, attribute] = name.split(/\.(.+)/) as [string, string];
          parts.push(ctx.getAtt(logicalId, attribute).then((v) => asString(v, 'Fn::Sub')));
        } else parts.push(ctx.ref(name).then((v) => asString(v, 'Fn::Sub')));
      }
      return { matched: true, value: rewrite((await Promise.all(parts)).join('')) };
    }
    case 'Fn::Select': {
      const [index, list] = arg as [unknown, unknown];
      const items = (await resolveValue(list, ctx)) as unknown[];
      const i = Number(await resolveValue(index, ctx));
      if (!Array.isArray(items) || i < 0 || i >= items.length)
        throw new TemplateError(`Fn::Select index ${i} out of range`);
      return { matched: true, value: items[i] };
    }
    case 'Fn::Split': {
      const [delimiter, source] = arg as [string, unknown];
      return { matched: true, value: asString(await resolveValue(source, ctx), 'Fn::Split').split(delimiter) };
    }
    case 'Fn::ImportValue':
      return { matched: true, value: ctx.importValue(asString(await resolveValue(arg, ctx), 'Fn::ImportValue')) };
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = arg as [string, unknown, unknown];
      return { matched: true, value: await resolveValue(ctx.condition(condition) ? whenTrue : whenFalse, ctx) };
    }
    case 'Fn::FindInMap': {
      const [map, top, second] = (await resolveValue(arg, ctx)) as [string, string, string];
      return { matched: true, value: ctx.findInMap(map, top, second) };
    }
    case 'Fn::Base64':
      return {
        matched: true,
        value: Buffer.from(asString(await resolveValue(arg, ctx), 'Fn::Base64')).toString('base64'),
      };
    case 'Fn::GetAZs':
      return { matched: true, value: ['us-east-1a', 'us-east-1b', 'us-east-1c'] };
    case 'Fn::Equals':
    case 'Fn::And':
    case 'Fn::Or':
    case 'Fn::Not':
    case 'Condition':
      return { matched: true, value: await evaluateCondition({ [key]: arg }, ctx) };
    default:
      return { matched: false };
  }
}

/** Evaluates a condition expression (Conditions section or Fn::If's condition functions). */
export async function evaluateCondition(expression: unknown, ctx: ResolveContext): Promise<boolean> {
  const [key, arg] = Object.entries(expression as Record<string, unknown>)[0] ?? [];
  switch (key) {
    case 'Fn::Equals': {
      const [a, b] = (await resolveValue(arg, ctx)) as [unknown, unknown];
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::And':
      return (await Promise.all((arg as unknown[]).map((item) => evaluateCondition(item, ctx)))).every(Boolean);
    case 'Fn::Or':
      return (await Promise.all((arg as unknown[]).map((item) => evaluateCondition(item, ctx)))).some(Boolean);
    case 'Fn::Not':
      return !(await evaluateCondition((arg as unknown[])[0], ctx));
    case 'Condition':
      return ctx.condition(arg as string);
    default:
      throw new TemplateError(`Unsupported condition ${JSON.stringify(expression)}`);
  }
}
