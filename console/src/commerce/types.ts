/** The shapes the commerce app reads: the contract's types (types only: nothing is bundled). */
export type { NewUser, TenantConfig, TenantUser } from '../../../contracts/schemas/control-plane';
export type { Order, OrderLine, Product } from '../../../contracts/schemas/tenant-api';
