/**
 * The "without instrumentation" side of the instrumentation benchmark: the API of
 * layers/tenant-context/observability.ts (each export typed as the real one's) doing nothing —
 * no Powertools, no X-Ray SDK, no log line, no EMF record. The bench bundles a function entry (or
 * the tenant-context layer) a second time with this module in place of the real one; it is never
 * part of product code.
 */
import type * as Real from '../../layers/tenant-context/observability';

/** Every method of a no-op logger, tracer or metrics object: accepts anything, does nothing. */
const nothing = new Proxy(
  {},
  {
    get: (_target, key) => (key === 'then' ? undefined : () => undefined),
  },
);

/** The same constants as Powertools' `MetricUnit` (only their names are read by callers). */
export const MetricUnit = new Proxy({}, { get: (_target, key) => String(key) }) as typeof Real.MetricUnit;
export const logger = nothing as typeof Real.logger;
export const tracer = nothing as typeof Real.tracer;
export const metrics = nothing as typeof Real.metrics;
export const tagTenant: typeof Real.tagTenant = () => undefined;
export const traced: typeof Real.traced = (client) => client;
export const invocation: typeof Real.invocation = (_context, _correlationId, run) => run(undefined);
export const instrumentApi: typeof Real.instrumentApi = (handler) => handler;
export const instrumentStep: typeof Real.instrumentStep = (handler) => handler;
