/** Test support for the local API Gateway: the authorizer result store the local cloud injects. */
import { TtlCache } from '../../../functions/shared/ttl-cache';
import type { ExpiringStoreFactory } from '../../../local/gateway';

/** functions/shared's TtlCache, as `local/cloud.ts` passes it to `startLocalApiGateway`. */
export const createCache: ExpiringStoreFactory = <V>(maxEntries: number) => new TtlCache<V>(maxEntries);
