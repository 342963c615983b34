export interface TenantConfig {
  readonly tenantId: string;
  readonly tenantName: string;
  readonly tier: string;
  readonly deploymentModel: 'pool' | 'silo';
  readonly status: string;
  readonly userPoolId: string;
  readonly appClientId: string;
  readonly apiUrl: string;
  readonly region: string;
  readonly cognitoEndpoint?: string;
}

export interface Product {
  readonly productId: string;
  readonly name: string;
  readonly price: number;
  readonly sku?: string;
  readonly category?: string;
  readonly createdAt: string;
}

export interface OrderLine {
  readonly productId: string;
  readonly quantity: number;
  readonly name?: string;
  readonly unitPrice?: number;
}

export interface Order {
  readonly orderId: string;
  readonly lines: readonly OrderLine[];
  readonly total: number;
  readonly status: string;
  readonly createdAt: string;
}

/** The users API's shapes, from the function that answers them (types only). */
export type { NewUser, TenantUser } from '../../../functions/users/users';
